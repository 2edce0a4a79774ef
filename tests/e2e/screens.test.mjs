// Every main screen at the three sizes field staff use, in both languages: nothing may spill
// sideways (a tablet user cannot scroll a form horizontally), and every step leaves a screenshot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, snap, SIZES, DEMO_PASSWORD } from './harness.mjs';
import { App } from './pages.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

async function assertNoHorizontalOverflow(page, where) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  assert.ok(scroll <= width, `${where}: content is ${scroll}px wide in a ${width}px viewport`);
}

for (const [sizeName, viewport] of Object.entries(SIZES)) {
  test(`the main screens fit a ${sizeName} screen (${viewport.width}x${viewport.height})`, async () => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const app = new App(page);
    const name = `screens-${sizeName}`;

    await app.open(server.url);
    await app.id('login-username').waitFor();
    await assertNoHorizontalOverflow(page, 'login');
    await snap(page, name, '01-login');

    await app.login('supervisor', DEMO_PASSWORD);
    await app.waitForCustomers();
    await assertNoHorizontalOverflow(page, 'customers');
    await snap(page, name, '02-customers');

    await app.go('new-visit');
    await app.id('visit-form').waitFor();
    await app.id('visit-outcome').selectOption('reached');
    await app.id('visit-save').click();
    await app.id('visit-error').first().waitFor();
    await assertNoHorizontalOverflow(page, 'visit form');
    await snap(page, name, '03-visit-form-with-error');

    await app.go('my-visits');
    await snap(page, name, '04-my-visits');
    await app.go('admin');
    await assertNoHorizontalOverflow(page, 'admin');
    await snap(page, name, '05-admin');

    await app.id('lang-switch').click();
    await app.go('new-visit');
    await app.id('visit-form').waitFor();
    await assertNoHorizontalOverflow(page, 'visit form (en)');
    await snap(page, name, '06-visit-form-en');
    await context.close();
  });
}
