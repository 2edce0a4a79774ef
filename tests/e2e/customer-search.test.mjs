// A walk-in customer: the device holds only the customers of its user's tasks and tickets, so
// the field worker looks the customer up; the search narrows the device's list at once and
// asks the server when online; the customer found there is kept on the device when the visit
// starts, so it goes on with the network gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, snap, SIZES, DEMO_PASSWORD } from './harness.mjs';
import { App } from './pages.mjs';
import { expect } from './expect.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
}, { serviceWorkers: true });

/// A demo customer the server has that the device does not hold, looked up as `token`.
async function customerNotHeld(token, held) {
  for (const name of ['孙女士', '周先生', '吴女士', '李先生', '刘先生', '鑫源商贸']) {
    const { json } = await server.api('GET', `/api/customers?q=${encodeURIComponent(name)}`, { token });
    const c = json.customers.find((c) => c.name === name && !held.includes(c.id));
    if (c) return c;
  }
  throw new Error('every demo customer is on the device');
}

test('a customer not on the device is found online and kept for an offline visit', async () => {
  const name = 'customer-search';
  const context = await browser.newContext({ viewport: SIZES.tabletLandscape, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const app = new App(page);

  await app.open(server.url);
  await app.login('field', DEMO_PASSWORD);
  await app.waitForCustomers();
  await app.waitForServiceWorker();
  const held = await app.heldCustomerIds();
  const token = await server.login('field');
  const walkIn = await customerNotHeld(token, held);

  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    await snap(page, name, `00-held-${size}`);
  }
  await page.setViewportSize(SIZES.tabletLandscape);

  await app.searchCustomers('王');
  await expect(async () => (await app.heldCustomerIds()).length >= 1, 10_000, 'a held 王 customer');
  for (const title of await app.id('customer-row').locator('.row-title').allTextContents()) {
    assert.ok(title.startsWith('王'), `${title} starts with 王`);
  }

  await app.searchCustomers(walkIn.name);
  const found = app.foundCustomer(walkIn.id);
  await found.waitFor({ timeout: 10_000 });
  assert.match(await found.textContent(), /\*{4}/, 'the number is masked');
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    await snap(page, name, `01-found-online-${size}`);
  }
  await page.setViewportSize(SIZES.tabletLandscape);

  await app.searchCustomers('567');
  await expect(async () => (await app.customerSearchStatus()).includes('4'), 5_000, 'asks for 4 digits');

  await app.searchCustomers(walkIn.name);
  await app.foundCustomer(walkIn.id).click();
  await app.id('visit-form').waitFor();
  assert.equal(await app.id('visit-customer').inputValue(), walkIn.id, 'the visit is for them');

  await server.stop();
  await page.reload();
  await app.id('sync-badge').waitFor({ timeout: 15_000 });
  await app.go('customers');
  await app.searchCustomers(walkIn.name);
  await expect(async () => (await app.heldCustomerIds()).includes(walkIn.id), 10_000, 'kept on the device');
  await expect(async () => (await app.customerSearchStatus()).includes('离线'), 10_000, 'says it searched offline');
  await snap(page, name, '02-kept-offline');
  await app.id('customer-row').first().click();
  await app.id('visit-form').waitFor();
  assert.equal(await app.id('visit-customer').inputValue(), walkIn.id, 'a visit offline too');

  // A ticket the device does not keep: offline, the page says so rather than "not found".
  await page.evaluate(() => {
    history.pushState({}, '', '/tickets/6b0c1f40-0000-4000-8000-000000000001');
    window.dispatchEvent(new PopStateEvent('popstate'));
  });
  const missing = app.id('ticket-missing');
  await expect(async () => (await missing.getAttribute('data-state')) === 'offline', 10_000, 'offline message');
  assert.match(await missing.textContent(), /联网/);
  await snap(page, name, '03-ticket-not-on-device-offline');
  await server.start();

  assert.deepEqual(errors, []);
  await context.close();
});
