// 客户档案 in the console (issue 11): an admin adds a customer, finds them by name, by the
// masked number and by tag, narrows the list by class and VIP, edits them, and archives them;
// the number is masked on every screen; the screen passes axe and fits a desktop, a tablet and
// a phone.
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
});

/// The customer book, opened from the console's navigation.
async function openBook(app) {
  const link = app.id('nav-customer-book');
  if (!(await link.isVisible()) && (await app.id('nav-more').isVisible())) await app.id('nav-more').click();
  await link.click();
  await app.id('book-table').waitFor();
}

/// Fills in the search boxes and searches; waits until the rows are the ones for it.
async function search(app, { by = 'name', text = '', cls = '', vip = '', archived = '' } = {}) {
  await app.id('book-search-by').selectOption(by);
  await app.id('book-search-text').fill(text);
  await app.id('book-class').selectOption(cls);
  await app.id('book-vip').selectOption(vip);
  await app.id('book-archived').selectOption(archived);
  await app.id('book-search').click();
}

async function names(app) {
  return app.id('book-row').locator('.book-name').allTextContents();
}

async function waitForNames(app, want, what) {
  await expect(async () => JSON.stringify(await names(app)) === JSON.stringify(want), 15_000, what);
}

test('an admin adds, finds, edits and archives a customer', async () => {
  const name = 'customer-book';
  const context = await browser.newContext({ viewport: SIZES.tabletLandscape, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const app = new App(page);

  await app.open(`${server.url}/console/`);
  await app.login('admin', DEMO_PASSWORD);
  await openBook(app);
  assert.equal(await app.id('customer-import').getAttribute('href'), '/console/customers/import');
  await app.id('book-row').first().waitFor();
  for (const contact of await app.id('book-contact').allTextContents()) {
    assert.match(contact, /\*{4}/, 'every number is masked');
  }

  // A new customer: the first save names what is missing, in the reader's language.
  await app.id('book-new').click();
  await app.id('book-field-name').fill('');
  await app.id('book-field-contact').fill('abc');
  await app.id('book-save').click();
  const problems = app.id('book-field-error');
  await expect(async () => (await problems.count()) === 2, 10_000, 'two field errors');
  assert.deepEqual(
    await problems.evaluateAll((ps) => ps.map((p) => [p.dataset.field, p.textContent])),
    [['name', '必填'], ['contact', '不是有效的电话号码(5–20 位数字)']],
  );
  assert.equal(await app.id('book-field-name').getAttribute('aria-invalid'), 'true');
  await app.id('book-field-name').fill('测试客户甲');
  await app.id('book-field-contact').fill('13955501234');
  await app.id('book-field-class').selectOption('A');
  await app.id('book-field-vip').check();
  await app.id('book-field-tags').fill('新装机, 回访重点');
  await app.id('book-field-region').fill('闵行');
  await app.id('book-field-external_id').fill('CRM-E2E-1');
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    await snap(page, name, `01-editor-${size}`);
  }
  await page.setViewportSize(SIZES.tabletLandscape);
  assert.deepEqual(await app.axeViolations(), [], 'the editor');
  await app.id('book-save').click();
  await app.id('book-editor').waitFor({ state: 'detached' });

  // Found by name, by the masked number, by tag; narrowed by class and VIP.
  await search(app, { text: '测试客户' });
  await waitForNames(app, ['测试客户甲'], 'found by name');
  const row = app.id('book-row').first();
  assert.equal(await row.getByTestId('book-contact').textContent(), '139****1234');
  assert.ok(!(await page.content()).includes('13955501234'), 'the whole number is never shown');
  await search(app, { by: 'contact', text: '139****1234' });
  await waitForNames(app, ['测试客户甲'], 'found by the masked number');
  await search(app, { by: 'tag', text: '回访重点', cls: 'A', vip: 'true' });
  await waitForNames(app, ['测试客户甲'], 'found by tag, class A, VIP');
  await search(app, { text: '测试客户', cls: 'B' });
  await waitForNames(app, [], 'not class B');
  await app.id('book-empty').waitFor();
  await search(app, { text: '测试客户' });
  await waitForNames(app, ['测试客户甲'], 'found again');
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    await snap(page, name, `02-list-${size}`);
  }
  await page.setViewportSize({ width: 1366, height: 768 });
  assert.deepEqual(await app.axeViolations(), [], 'the customer book');
  await page.setViewportSize(SIZES.tabletLandscape);

  // Edited: the number box starts blank (the editor never holds it whole) and keeps it.
  await app.id('book-edit').first().click();
  assert.equal(await app.id('book-field-contact').inputValue(), '');
  await app.id('book-field-name').fill('测试客户乙');
  await app.id('book-save').click();
  await app.id('book-editor').waitFor({ state: 'detached' });
  await search(app, { text: '测试客户' });
  await waitForNames(app, ['测试客户乙'], 'renamed');
  assert.equal(await app.id('book-row').first().getByTestId('book-contact').textContent(), '139****1234');

  // Archived: gone from the list of active customers, listed with the archived ones.
  await app.id('book-edit').first().click();
  await app.id('book-archive').click();
  await app.id('book-editor').waitFor({ state: 'detached' });
  await waitForNames(app, [], 'archived: not active');
  await search(app, { text: '测试客户', archived: 'archived' });
  await waitForNames(app, ['测试客户乙'], 'listed as archived');
  await app.id('book-edit').first().click();
  await app.id('book-archived-note').waitFor();
  await snap(page, name, '03-archived');

  assert.deepEqual(errors, []);
  await context.close();
});
