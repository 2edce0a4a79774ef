// Lists read by cursor (issue 10): the console's list of every visit, page by page with
// "previous" and "next", and the supervisor's "All" tickets read online with "load more",
// with a clear message offline while the other filters keep the device's tickets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { useServerAndBrowser, snap, SIZES } from './harness.mjs';
import { openAs, AdminVisits, Tickets } from './pages.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

/// `count` reached phone visits pushed straight to the server by one new device of `user`.
async function pushVisits(user, count, verbatim) {
  const token = await server.login(user);
  const { json: pulled } = await server.api('GET', '/api/sync/pull?since=0', { token });
  const customer = pulled.customers[0].id;
  const at = new Date(server.now().getTime() - 5 * 60_000).toISOString();
  const mutations = Array.from({ length: count }, (_, i) => ({
    seq: i + 1,
    id: randomUUID(),
    kind: 'visit.record',
    at,
    data: {
      customer_id: customer, channel: 'phone', visit_type: 'repair', outcome: 'reached',
      satisfaction: 4, emotion: 'satisfied', verbatim: `${verbatim} ${i + 1}`, demand: 'none',
      follow_up: '', contacted_at: at,
    },
  }));
  const { status, json } = await server.api('POST', '/api/sync/push', {
    token,
    body: { device_id: randomUUID(), mutations },
  });
  assert.equal(status, 200);
  assert.deepEqual(json.rejected, []);
}

/// `count` hotline tickets reported by the agent's new device.
async function reportTickets(count) {
  const token = await server.login('agent');
  const { json: pulled } = await server.api('GET', '/api/sync/pull?since=0', { token });
  const customer = pulled.customers[0].id;
  const mutations = Array.from({ length: count }, (_, i) => ({
    seq: i + 1,
    id: randomUUID(),
    kind: 'ticket.create',
    at: server.now().toISOString(),
    data: {
      customer_id: customer, reporter: '李先生', contact: '13800001111', channel: 'hotline',
      nature: 'service', sub_problem: 'attitude', description: `客服态度 ${i + 1}`,
      demand: 'improvement', personal_injury: false, property_loss: false,
    },
  }));
  const { status, json } = await server.api('POST', '/api/sync/push', {
    token,
    body: { device_id: randomUUID(), mutations },
  });
  assert.equal(status, 200);
  assert.deepEqual(json.rejected, []);
}

test('the admin visit list pages by cursor, back and forth', async () => {
  await pushVisits('field', 60, '分页测试');
  const token = await server.login('admin');
  const { json } = await server.api('GET', '/api/visits?limit=1', { token });
  for (const [sizeName, viewport] of [['tablet', SIZES.tabletLandscape], ['phone', SIZES.phone]]) {
    const { app, page, errors, context } = await openAs(browser, server, 'admin', { viewport });
    const list = new AdminVisits(app);
    await list.open();
    assert.equal(await list.total(), String(json.total.count));
    assert.equal(await list.rows().count(), 50);
    assert.equal(await list.pageLabel(), '第 1 页');
    assert.ok(await app.id('admin-visits-prev').isDisabled());
    await page.evaluate(() => window.scrollTo(0, 0));
    await snap(page, `lists-${sizeName}`, '01-admin-visits-page-1');
    const firstOfPage1 = await list.rows().first().getAttribute('data-id');

    await list.turn('next');
    assert.equal(await list.pageLabel(), '第 2 页');
    assert.equal(await list.rows().count(), json.total.count - 50);
    assert.ok(await app.id('admin-visits-next').isDisabled(), 'the last page');
    await list.turn('prev');
    assert.equal(await list.rows().first().getAttribute('data-id'), firstOfPage1);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('the supervisor reads all tickets online, more on demand, and is told when offline', async () => {
  await reportTickets(55);
  for (const [sizeName, viewport] of [['tablet', SIZES.tabletLandscape], ['phone', SIZES.phone]]) {
    const { app, page, errors, context } = await openAs(browser, server, 'supervisor', { viewport });
    await app.waitForSyncState('online');
    const tickets = new Tickets(app);
    await tickets.openList('all');
    await tickets.onlineRows().first().waitFor({ timeout: 30_000 });
    assert.equal(await tickets.onlineRows().count(), 50, 'one page');
    await tickets.loadMore();
    assert.ok((await tickets.onlineRows().count()) > 50);
    assert.equal(await app.id('tickets-more').count(), 0, 'no page after the last');
    await page.evaluate(() => window.scrollTo(0, 0));
    await snap(page, `lists-${sizeName}`, '02-all-tickets-online');

    await context.setOffline(true);
    await tickets.openList('escalated');
    await tickets.openList('all');
    await app.id('tickets-online-offline').waitFor({ timeout: 30_000 });
    assert.match(await app.id('tickets-online-offline').textContent(), /需要联网/);
    await snap(page, `lists-${sizeName}`, '03-all-tickets-offline');
    await tickets.openList('escalated');
    assert.equal(await app.id('tickets-online-offline').count(), 0, 'the other filters stay local');
    assert.deepEqual(errors, []);
    await context.close();
  }
});
