// 导入客户 in the console (issue 11): an admin imports a CRM export. A CSV with a bad class is
// refused row by row (row number, column, reason); the corrected file imports with a progress
// bar and its counts; an XLSX with the same headers reuses the remembered mapping, updates one
// customer and adds another; the customers are in the customer book. The screen passes axe
// and fits a desktop, a tablet and a phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { useServerAndBrowser, snap, SIZES, DEMO_PASSWORD } from './harness.mjs';
import { App } from './pages.mjs';
import { expect } from './expect.mjs';
import { writeXlsx } from './xlsx.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const DESKTOP = { width: 1366, height: 768 };
const HEADERS = ['客户编号', '姓名', '电话', '客户等级', 'VIP', '标签', '区域'];
const GUESSED = ['external_id', 'name', 'contact', 'class', 'vip', 'tags', 'region'];

function csv(rows) {
  return [HEADERS, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n';
}

/// Chooses a file, waits for the mapping of it, previews, and answers the counts.
async function choosePreview(app, file) {
  await app.id('import-file').setInputFiles(file);
  await app.id('import-mapping').waitFor();
  await expect(
    async () => (await app.id('import-map').evaluateAll((s) => s.map((e) => e.dataset.column))).join() === HEADERS.join(),
    10_000,
    'the mapping of the new file',
  );
  await app.id('import-preview').click();
  const counts = app.id('import-counts');
  await counts.waitFor();
  return {
    create: Number(await counts.getAttribute('data-create')),
    update: Number(await counts.getAttribute('data-update')),
    errors: Number(await counts.getAttribute('data-errors')),
  };
}

/// Imports the previewed file; answers whether the progress bar was seen and the done counts.
async function commit(app) {
  await app.page.evaluate(() => {
    window.__sawProgress = false;
    new MutationObserver(() => {
      if (document.querySelector('[data-testid="import-progress"]')) window.__sawProgress = true;
    }).observe(document.body, { childList: true, subtree: true });
  });
  await app.id('import-commit').click();
  const done = app.id('import-done');
  await done.waitFor({ timeout: 30_000 });
  return {
    sawProgress: await app.page.evaluate(() => window.__sawProgress),
    created: Number(await done.getAttribute('data-created')),
    updated: Number(await done.getAttribute('data-updated')),
  };
}

test('an admin imports customers from a CSV and an XLSX', async () => {
  const name = 'customer-import';
  const dir = mkdtempSync(path.join(tmpdir(), 'huifang-import-'));
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const app = new App(page);

  await app.open(`${server.url}/console/`);
  await app.login('admin', DEMO_PASSWORD);
  await app.open(`${server.url}/console/customers`);
  await app.id('customer-import').click();
  await page.waitForURL('**/console/customers/import');
  assert.equal(await page.getByLabel('选择文件(CSV 或 XLSX)').getAttribute('data-testid'), 'import-file');

  // A bad class: the row is named with its number, column and reason; nothing can be imported.
  const bad = path.join(dir, 'crm-bad.csv');
  writeFileSync(bad, csv([
    ['E2E-IMP-1', '导入客户甲', '13800001111', 'A', '是', '新装机', '闵行'],
    ['E2E-IMP-2', '导入客户乙', '13800002222', 'Z', '否', '', '浦东'],
  ]));
  assert.deepEqual(await choosePreview(app, bad), { create: 1, update: 0, errors: 1 });
  assert.deepEqual(await app.id('import-map').evaluateAll((s) => s.map((e) => e.value)), GUESSED);
  const error = app.id('import-errors').getByTestId('import-error');
  assert.equal(await error.count(), 1);
  assert.deepEqual(
    await error.evaluate((e) => [e.dataset.row, e.dataset.column, e.dataset.reason]),
    ['3', '客户等级', 'bad_class'],
  );
  assert.match(await error.textContent(), /第 3 行 · 客户等级.*等级须为 A、B、C 或 D/);
  assert.equal(await app.id('import-commit').isDisabled(), true, 'no import while the preview has errors');
  assert.deepEqual(await app.axeViolations(), [], 'the mapping and the errors');
  for (const [size, viewport] of Object.entries({ desktop: DESKTOP, ...SIZES })) {
    await page.setViewportSize(viewport);
    await snap(page, name, `01-errors-${size}`);
  }
  await page.setViewportSize(DESKTOP);

  // Changing the mapping asks for a new preview; a field chosen twice is named.
  await app.id('import-map').nth(5).selectOption('region');
  assert.equal(await app.id('import-counts').count(), 0, 'the preview was of another mapping');
  assert.match(await app.id('import-mapping-problem').textContent(), /“区域”对应了多个列/);
  assert.equal(await app.id('import-preview').isDisabled(), true);

  // The corrected file: previewed clean, imported with a progress bar, counted.
  const good = path.join(dir, 'crm-good.csv');
  writeFileSync(good, csv([
    ['E2E-IMP-1', '导入客户甲', '13800001111', 'A', '是', '新装机', '闵行'],
    ['E2E-IMP-2', '导入客户乙', '13800002222', 'B', '否', '', '浦东'],
  ]));
  assert.deepEqual(await choosePreview(app, good), { create: 2, update: 0, errors: 0 });
  assert.equal(await app.id('import-errors').count(), 0);
  assert.equal(await app.id('import-row').count(), 2, 'the first rows as they will be stored');
  assert.equal(await app.id('import-commit').isDisabled(), false);
  assert.deepEqual(await commit(app), { sawProgress: true, created: 2, updated: 0 });
  for (const [size, viewport] of Object.entries({ desktop: DESKTOP, ...SIZES })) {
    await page.setViewportSize(viewport);
    await snap(page, name, `02-done-${size}`);
  }
  await page.setViewportSize(DESKTOP);

  // An XLSX with the same headers: the mapping is remembered; one update, one new customer.
  const xlsx = path.join(dir, 'crm.xlsx');
  writeXlsx(xlsx, [
    HEADERS,
    ['E2E-IMP-2', '导入客户乙', '13800002222', 'C', '否', '已回访', '浦东'],
    ['E2E-IMP-3', '导入客户丙', '13800003333', 'D', 'N', '', '徐汇'],
  ]);
  assert.deepEqual(await choosePreview(app, xlsx), { create: 1, update: 1, errors: 0 });
  assert.match(await app.id('import-file-info').textContent(), /crm\.xlsx.*已沿用上次相同表头的对应关系/);
  assert.deepEqual(await commit(app), { sawProgress: true, created: 1, updated: 1 });

  // In the customer book.
  await app.id('import-back').click();
  await app.id('book-table').waitFor();
  await app.id('book-search-text').fill('导入客户');
  await app.id('book-search').click();
  await expect(
    async () => JSON.stringify((await app.id('book-row').locator('.book-name').allTextContents()).sort())
      === JSON.stringify(['导入客户丙', '导入客户乙', '导入客户甲']),
    15_000,
    'the imported customers in the book',
  );

  assert.deepEqual(errors, []);
  await context.close();
});
