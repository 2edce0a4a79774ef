// The foundation story: a field worker logs in, loses the network, records a visit, reloads
// with no network, the network comes back, the visit reaches the server exactly once, and an
// admin sees it.
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

test('a visit recorded offline survives reloads and reaches the server exactly once', async () => {
  const name = 'offline-visit';
  const context = await browser.newContext({ viewport: SIZES.tabletLandscape, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const app = new App(page);

  await app.open(server.url);
  await snap(page, name, '01-login');
  await app.login('field', DEMO_PASSWORD);
  await app.waitForCustomers();
  await app.waitForServiceWorker();
  const customerId = await app.id('customer-row').first().getAttribute('data-id');
  assert.ok(customerId, 'customer rows carry their id');
  const admin = await server.login('admin');
  const storedBefore = (await server.api('GET', '/api/visits', { token: admin })).json.total.count;
  await snap(page, name, '02-customers-online');

  await server.stop();
  await page.reload();
  await app.id('sync-badge').waitFor({ timeout: 15_000 });
  await app.waitForCustomers();
  await snap(page, name, '03-reopened-offline');

  const verbatim = `空调修好了,师傅很耐心 ${Date.now()}`;
  await app.recordReachedVisit({ customerId, verbatim });
  await snap(page, name, '04-visit-form-filled');
  await app.save();
  await app.id('toast').waitFor();
  await app.openMyVisits();
  const row = app.myVisitRows().filter({ hasText: verbatim });
  await expect(async () => (await row.getAttribute('data-status')) === 'queued', 10_000, 'queued row');
  assert.equal(await app.queued(), 1);
  assert.notEqual(await app.syncState(), 'online', 'the badge must not claim to be online');
  await snap(page, name, '05-queued-offline');

  await page.reload();
  await app.openMyVisits();
  await expect(async () => (await row.getAttribute('data-status')) === 'queued', 10_000, 'still queued after reload');
  assert.equal(await app.queued(), 1);
  await snap(page, name, '06-still-queued-after-reload');

  await server.start();
  await app.id('sync-now').click();
  await expect(async () => (await row.getAttribute('data-status')) === 'synced', 60_000, 'synced row');
  assert.equal(await app.queued(), 0);
  await app.waitForSyncState('online');
  await snap(page, name, '07-synced');

  // A second sync must not send the visit again.
  await app.id('sync-now').click();
  await app.waitForSyncState('online');

  await app.logout();
  await app.login('admin', DEMO_PASSWORD);
  await app.go('admin');
  const adminRows = app.id('admin-visit-row');
  await adminRows.first().waitFor({ timeout: 30_000 });
  assert.equal(await adminRows.filter({ hasText: verbatim }).count(), 1);
  assert.equal((await app.id('admin-visits-total').textContent()).trim(), String(storedBefore + 1));
  await snap(page, name, '08-admin-sees-it-once');

  const { status, json } = await server.api('GET', '/api/visits', { token: admin });
  assert.equal(status, 200);
  assert.equal(json.total.count, storedBefore + 1, 'stored exactly once');
  const mine = json.visits.filter((v) => v.record.verbatim === verbatim);
  assert.equal(mine.length, 1);
  assert.equal(mine[0].record.customer_id, customerId);

  assert.deepEqual(errors, [], 'no uncaught errors in the page');
  await context.close();
});
