// 话术编辑: an admin writes a call script in the console with a placeholder picked from the
// list, sees the preview filled in for a sample customer, is told which step keeps it from
// being published, publishes it; a field user's tablet then follows it in a visit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, snap, SIZES } from './harness.mjs';
import { openAs } from './pages.mjs';
import { expect } from './expect.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const TITLE = '活动回访话术(新)';
const DESKTOP = { width: 1366, height: 768 };

async function assertNoHorizontalOverflow(page, where) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  assert.ok(scroll <= width, `${where}: content is ${scroll}px wide in a ${width}px viewport`);
}

test('an admin writes and publishes a script; a field tablet follows it in a visit', async () => {
  const { page, app, errors, context } = await openAs(browser, server, 'admin', { viewport: DESKTOP });
  await app.waitForSyncState('online');
  await page.goto(`${server.url}/console/catalog`);
  await app.id('catalog-page').waitFor();
  await app.id('catalog-row').first().waitFor({ timeout: 30_000 });
  assert.deepEqual(await app.axeViolations(), [], 'catalog list');
  await snap(page, 'script-editor', '01-catalog-desktop');

  await app.id('catalog-new-scripts').click();
  await app.id('script-editor').waitFor();
  await app.id('script-title').fill(TITLE);
  await app.id('script-visit-type').selectOption('event');
  const first = page.locator('[data-testid="script-edit-step"]').first();
  await first.getByTestId('script-step-goal').fill('问候并说明来意');
  const standard = first.getByTestId('script-text-standard');
  await standard.fill('您好,');
  await first.getByTestId('script-insert-customer_name').click();
  await page.keyboard.type('，这里是');
  await first.getByTestId('script-insert-company').click();
  assert.equal(await standard.inputValue(), '您好,{customer_name}，这里是{company}');

  // The preview is the field app's stepper, filled in for the sample customer.
  const preview = app.id('script-preview');
  await expect(
    async () => (await preview.getByTestId('script-step-text').textContent()).includes('王女士'),
    10_000,
    'the preview names the sample customer',
  );
  const shown = await preview.getByTestId('script-step-text').textContent();
  assert.ok(!shown.includes('{'), `placeholders are filled in the preview: ${shown}`);

  // A second step without its standard wording keeps the script from being published.
  await app.id('script-add-step').click();
  const second = page.locator('[data-testid="script-edit-step"]').nth(1);
  await second.getByTestId('script-step-goal').fill('道别');
  await app.id('script-publish').click();
  const problem = page.locator('[data-testid="script-problem"]');
  await problem.first().waitFor();
  assert.equal(await problem.first().getAttribute('data-path'), 'steps[1].variants.standard');
  assert.match(await problem.first().textContent(), /第 2 步/);
  assert.deepEqual(await app.axeViolations(), [], 'script editor');
  await snap(page, 'script-editor', '02-editor-problems-desktop');

  await second.getByTestId('script-text-standard').fill('感谢您的时间,祝您生活愉快');
  await app.id('script-publish').click();
  await expect(
    async () => (await app.id('script-state').textContent()).includes('v1'),
    15_000,
    'published as version 1',
  );
  assert.equal(await problem.count(), 0);
  assert.equal(await page.locator('[data-testid="script-version"]').count(), 1);
  for (const [name, viewport] of [['desktop', DESKTOP], ['tablet', SIZES.tabletLandscape], ['phone', SIZES.phone]]) {
    await page.setViewportSize(viewport);
    await assertNoHorizontalOverflow(page, `script editor ${name}`);
    await snap(page, 'script-editor', `03-published-${name}`);
  }
  await page.setViewportSize(DESKTOP);
  await page.goto(`${server.url}/console/catalog`);
  const row = page.locator('[data-testid="catalog-row"]', { hasText: TITLE });
  await row.waitFor({ timeout: 30_000 });
  assert.match(await row.getByTestId('catalog-state').textContent(), /已发布 v1/);
  assert.deepEqual(errors, []);
  await context.close();

  // The field user's tablet pulls the new script and follows it in an event visit.
  const field = await openAs(browser, server, 'field', { viewport: SIZES.tabletLandscape });
  await field.app.waitForSyncState('online');
  await field.app.waitForCustomers();
  const customerId = await field.app.id('customer-row').first().getAttribute('data-id');
  await field.app.id('nav-new-visit').click();
  await field.app.id('visit-form').waitFor();
  await field.app.id('visit-customer').selectOption(customerId);
  await field.app.id('visit-channel').selectOption('phone');
  await field.app.id('visit-type').selectOption('event');
  const stepper = field.app.id('script-stepper');
  await expect(async () => (await stepper.textContent()).includes(TITLE), 15_000, 'the new script');
  await field.app.id('script-audience-standard').click();
  const text = await field.app.id('script-step-text').textContent();
  assert.ok(text.startsWith('您好,') && !text.includes('{'), `filled in on the device: ${text}`);
  await snap(field.page, 'script-editor', '04-field-visit-tablet');
  assert.deepEqual(field.errors, []);
  await field.context.close();
});
