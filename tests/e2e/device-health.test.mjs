// 设备状态 (issue 12): a field worker records a visit offline; when the line comes back the
// first batch goes through and the line drops again, so the device's last word to the server
// is "one record still queued". A supervisor sees that person flagged as having unsynced
// work; once the device syncs, the flag clears. Screens checked with axe and at three sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, snap, SIZES } from './harness.mjs';
import { App, openAs } from './pages.mjs';
import { expect } from './expect.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const NS = 'huifang/v1/';
/// One more than a push carries (the app's PUSH_MAX_COUNT): two batches.
const QUEUED = 101;

/// Copies the one queued visit into 100 more (fresh ids, the next seqs), as a day offline with
/// a full outbox would leave it; returns the user's id.
async function fillOutbox(page) {
  return page.evaluate(({ ns, total }) => {
    const me = JSON.parse(localStorage.getItem(`${ns}session`)).user.id;
    const first = JSON.parse(localStorage.getItem(`${ns}outbox/${me}/1`));
    for (let seq = 2; seq <= total; seq += 1) {
      const entry = structuredClone(first);
      entry.mutation.seq = seq;
      entry.mutation.id = crypto.randomUUID();
      localStorage.setItem(`${ns}outbox/${me}/${seq}`, JSON.stringify(entry));
    }
    const device = JSON.parse(localStorage.getItem(`${ns}device/${me}`));
    device.next_seq = total + 1;
    localStorage.setItem(`${ns}device/${me}`, JSON.stringify(device));
    return me;
  }, { ns: NS, total: QUEUED });
}

async function openDevices(viewport) {
  const opened = await openAs(browser, server, 'supervisor', { viewport });
  await opened.app.waitForSyncState('online');
  await opened.app.switchTo('console');
  await opened.app.go('devices');
  await opened.app.id('devices-summary').waitFor({ timeout: 30_000 });
  return opened;
}

test('a supervisor sees who has unsynced work until the device syncs', async () => {
  const name = 'device-health';
  const field = await openAs(browser, server, 'field', { viewport: SIZES.tabletLandscape });
  const app = field.app;
  await app.waitForCustomers();
  await app.waitForServiceWorker();
  const customerId = await app.id('customer-row').first().getAttribute('data-id');

  await server.stop();
  await app.recordReachedVisit({ customerId, verbatim: `下班前还没同步的记录 ${Date.now()}` });
  await app.save();
  await app.id('toast').waitFor();
  const me = await fillOutbox(field.page);

  // The line comes back for one batch, then drops.
  let pushes = 0;
  await field.page.route('**/api/sync/push', async (route) => {
    pushes += 1;
    if (pushes === 1) await route.continue();
    else await route.abort('internetdisconnected');
  });
  await server.start();
  await app.id('sync-now').click();
  await expect(async () => pushes >= 2, 60_000, 'the second batch tried');
  await expect(async () => (await app.queued()) === 1, 30_000, 'one record left on the device');

  const sup = await openDevices({ width: 1366, height: 768 });
  const row = sup.app.id('device-row').and(sup.page.locator(`[data-user="${me}"]`));
  await expect(async () => (await row.first().getAttribute('data-unsynced')) === 'true', 15_000, 'flagged unsynced');
  assert.equal(await row.first().getAttribute('data-silent'), 'false');
  assert.match(await row.first().getByTestId('device-queued').textContent(), /^1 条/);
  assert.match(await sup.app.id('devices-summary').textContent(), /1 人有未同步记录/);
  assert.equal(
    await sup.app.id('device-row').first().getAttribute('data-user'),
    me,
    'unsynced work comes first',
  );
  assert.deepEqual(await sup.app.axeViolations(), [], 'device health screen');
  await snap(sup.page, name, '01-unsynced-1366');
  await sup.page.setViewportSize(SIZES.tabletLandscape);
  await snap(sup.page, name, '01-unsynced-1024');
  await sup.page.setViewportSize({ width: 1366, height: 768 });

  await sup.app.id('devices-attention').check();
  await expect(async () => (await sup.app.id('device-row').count()) === 1, 15_000, 'only who needs attention');
  await snap(sup.page, name, '02-only-attention-1366');

  // The device syncs the rest; the flag clears.
  await field.page.unroute('**/api/sync/push');
  await app.id('sync-now').click();
  await app.waitForSyncState('online');
  assert.equal(await app.queued(), 0);
  await sup.app.id('devices-attention').uncheck();
  await sup.app.id('devices-refresh').click();
  await expect(async () => (await row.first().getAttribute('data-unsynced')) === 'false', 15_000, 'the flag cleared');
  assert.match(await sup.app.id('devices-summary').textContent(), /所有设备都已同步/);
  await snap(sup.page, name, '03-synced-1366');

  for (const [label, viewport] of [['1024', SIZES.tabletLandscape], ['390', SIZES.phone]]) {
    const other = await openDevices(viewport);
    await other.app.id('device-row').first().waitFor();
    await snap(other.page, name, `04-synced-${label}`);
    assert.deepEqual(other.errors, [], `no uncaught errors at ${label}`);
    await other.context.close();
  }

  assert.deepEqual(field.errors, [], 'no uncaught errors on the device');
  assert.deepEqual(sup.errors, [], 'no uncaught errors on the console');
  await field.context.close();
  await sup.context.close();
});
