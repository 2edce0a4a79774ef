// Storage stops growing: synced copies beyond the retention budget leave the device after a
// sync, while queued records, records needing attention and drafts stay however old; the
// storage panel says what is kept; long lists are drawn a page at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, snap } from './harness.mjs';
import { openAs } from './pages.mjs';
import { expect } from './expect.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const NS = 'huifang/v1/';

/// What this app stores, in the unit the store counts (UTF-16 code units of key and value).
function usage(page) {
  return page.evaluate((ns) => {
    let units = 0;
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k.startsWith(ns)) units += k.length + localStorage.getItem(k).length;
    }
    return units;
  }, NS);
}

/// The visits stored on the device by state, and whether the given keys are still there.
function stored(page, keys) {
  return page.evaluate(
    ({ ns, keys }) => {
      const states = {};
      for (let i = 0; i < localStorage.length; i++) {
        const k = localStorage.key(i);
        if (!k.startsWith(ns + 'visit/')) continue;
        const s = JSON.parse(localStorage.getItem(k)).state.state;
        states[s] = (states[s] ?? 0) + 1;
      }
      const present = Object.fromEntries(Object.entries(keys).map(([what, k]) => [what, localStorage.getItem(ns + k) !== null]));
      return { states, present };
    },
    { ns: NS, keys },
  );
}

test('after many synced visits the oldest copies go, and unsynced work and drafts stay', async () => {
  const name = 'storage';
  const { context, page, app, errors } = await openAs(browser, server, 'field');
  await app.waitForCustomers();
  const customerId = await app.id('customer-row').first().getAttribute('data-id');

  // One visit saved and synced through the app gives the stored format to copy.
  await app.recordReachedVisit({ customerId, verbatim: '保留规则测试的原话' });
  await app.save();
  await app.openMyVisits();
  const first = app.myVisitRows().first();
  await expect(async () => (await first.getAttribute('data-status')) === 'synced', 60_000, 'the first visit synced');

  // The device as after months of work: 650 synced visits of the last days, 40 synced 45
  // days ago; a visit refused 90 days ago; another user's visit queued 90 days ago on this
  // shared tablet; a draft untouched for 90 days.
  const keys = await page.evaluate((ns) => {
    const all = Object.keys(localStorage).filter((k) => k.startsWith(ns));
    const me = JSON.parse(localStorage.getItem(ns + 'session')).user.id;
    const template = JSON.parse(localStorage.getItem(all.find((k) => k.startsWith(ns + 'visit/'))));
    const now = Date.now();
    const iso = (ms) => new Date(ms).toISOString();
    const day = 86_400_000;
    const visit = (id, at, state, extra = {}) => ({
      ...template,
      id,
      seq: extra.seq ?? 100_000,
      owner: extra.owner ?? me,
      saved_at: iso(at),
      synced_at: state.state === 'synced' ? iso(at) : undefined,
      state,
      record: { ...template.record, contacted_at: iso(at) },
    });
    const put = (k, v) => localStorage.setItem(ns + k, JSON.stringify(v));
    for (let i = 0; i < 650; i++) {
      const id = crypto.randomUUID();
      put(`visit/${id}`, visit(id, now - (i + 10) * 60_000, { state: 'synced' }));
    }
    const old = [];
    for (let i = 0; i < 40; i++) {
      const id = crypto.randomUUID();
      old.push(`visit/${id}`);
      put(`visit/${id}`, visit(id, now - 45 * day - i * 60_000, { state: 'synced' }));
    }
    const long = now - 90 * day;

    const refused = crypto.randomUUID();
    const rejected = { state: 'rejected', code: 'invalid', message: '缺少满意度', field: null };
    put(`visit/${refused}`, visit(refused, long, rejected, { seq: 900 }));
    const mutation = { seq: 900, id: refused, kind: 'visit.record', at: iso(long), data: { ...template.record, contacted_at: iso(long) } };
    put(`rejected/${me}/900`, { seq: 900, mutation, code: 'invalid', message: '缺少满意度', field: null });

    const other = crypto.randomUUID();
    const waiting = crypto.randomUUID();
    put(`visit/${waiting}`, visit(waiting, long, { state: 'queued' }, { owner: other, seq: 1 }));
    put(`outbox/${other}/1`, { schema: 2, mutation: { ...mutation, seq: 1, id: waiting } });
    put(`device/${other}`, { device_id: crypto.randomUUID(), next_seq: 2, display_name: '李明' });

    const draft = crypto.randomUUID();
    put(`draft/${draft}`, { id: draft, updated_at: iso(long), customer_id: template.record.customer_id, verbatim: '九十天前的草稿' });
    return { refused: `visit/${refused}`, rejectedEntry: `rejected/${me}/900`, waiting: `visit/${waiting}`, waitingEntry: `outbox/${other}/1`, draft: `draft/${draft}`, oldest: old[0], newest_old: old[39] };
  }, NS);
  const before = await usage(page);
  const seeded = await stored(page, keys);
  assert.deepEqual(seeded.states, { synced: 691, rejected: 1, queued: 1 });

  // The app reads the storage afresh when it opens, syncs, and prunes after the sync.
  await page.reload();
  await app.openMyVisits();
  const holdings = app.id('storage-holdings');
  await expect(async () => (await holdings.textContent()).includes('已同步 500 条'), 60_000, 'synced copies down to the budget');
  await app.waitForSyncState('online');

  const after = await stored(page, keys);
  assert.deepEqual(after.states, { synced: 500, rejected: 1, queued: 1 }, 'only synced copies were pruned');
  assert.deepEqual(after.present, {
    refused: true,
    rejectedEntry: true,
    waiting: true,
    waitingEntry: true,
    draft: true,
    oldest: false,
    newest_old: false,
  });
  const now = await usage(page);
  assert.ok(now < before * 0.8, `usage dropped: ${before} → ${now} units`);
  const text = await holdings.textContent();
  for (const part of ['已同步 500 条', '待处理 1 条', '草稿 1 份']) assert.ok(text.includes(part), `${part} in ${text}`);
  const kept = await app.id('storage-kept').textContent();
  for (const part of ['保留 30 天', '最近 500 条', '不会被清理']) assert.ok(kept.includes(part), `${part} in ${kept}`);

  // The list draws a page of 20 and more on request, newest first.
  assert.equal(await app.myVisitRows().count(), 20);
  assert.match(await app.id('shown-of').textContent(), /显示 20 \/ 共 501 条/);
  assert.match(await app.myVisitRows().first().textContent(), /保留规则测试的原话/);
  await snap(page, name, '01-my-visits-after-pruning');
  await app.id('my-visits-more').click();
  await expect(async () => (await app.myVisitRows().count()) === 40, 10_000, 'a second page');

  // What survived is still usable where the user looks for it.
  await app.id('nav-attention').click();
  await app.id('rejected-row').first().waitFor();
  await app.id('nav-drafts').click();
  await expect(async () => (await app.id('draft-row').filter({ hasText: '九十天前的草稿' }).count()) === 1, 10_000, 'the old draft listed');
  assert.match(await app.id('other-users-notice').textContent(), /李明/);
  await snap(page, name, '02-old-draft-kept');

  assert.deepEqual(errors, [], 'no uncaught errors in the page');
  await context.close();
});
