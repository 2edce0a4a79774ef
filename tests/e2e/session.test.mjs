// Sessions never cost queued records: an expired session asks for a new login and keeps the
// outbox; logging out with unsynced records asks first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, snap, DEMO_PASSWORD } from './harness.mjs';
import { openAs } from './pages.mjs';
import { expect } from './expect.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

async function freshApp() {
  const { context, page, app } = await openAs(browser, server, 'field');
  await app.waitForCustomers();
  const customerId = await app.id('customer-row').first().getAttribute('data-id');
  return { context, page, app, customerId };
}

async function storedToken(page) {
  return page.evaluate(() => {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key.startsWith('huifang/v1/session')) return JSON.parse(localStorage.getItem(key)).token;
    }
    return null;
  });
}

test('an expired session asks for a new login and keeps the queued visit', async () => {
  const { context, page, app, customerId } = await freshApp();
  const token = await storedToken(page);
  assert.ok(token, 'the session is cached on the device');

  await server.stop();
  await app.recordReachedVisit({ customerId, verbatim: '会话过期前记录的原话' });
  await app.save();
  await app.id('toast').waitFor();
  await server.start();
  // The server forgets the session, as it does when a session expires.
  assert.equal((await server.api('POST', '/api/auth/logout', { token })).status, 204);

  await app.id('sync-now').click();
  await app.id('relogin-banner').waitFor({ timeout: 30_000 });
  assert.equal(await app.queued(), 1, 'the queue is untouched');
  await snap(page, 'session', '01-relogin-banner');

  await app.id('relogin-banner').getByRole('button').first().click();
  await app.login('field', DEMO_PASSWORD);
  await app.id('sync-now').click();
  await expect(async () => (await app.queued()) === 0, 30_000, 'queue drained after login');
  const admin = await server.login('admin');
  const { json } = await server.api('GET', '/api/visits', { token: admin });
  assert.equal(json.visits.filter((v) => v.record.verbatim === '会话过期前记录的原话').length, 1);
  await context.close();
});

test('logging out with unsynced visits asks first and keeps them', async () => {
  const { context, page, app, customerId } = await freshApp();
  await server.stop();
  await app.recordReachedVisit({ customerId, verbatim: '退出登录前未同步的原话' });
  await app.save();
  await app.id('toast').waitFor();

  await app.id('nav-logout').click();
  await app.id('logout-dialog').waitFor();
  await snap(page, 'session', '02-logout-dialog');
  await app.id('logout-cancel').click();
  assert.equal(await app.id('logout-dialog').count(), 0);
  assert.equal(await app.queued(), 1);

  await app.id('nav-logout').click();
  await app.id('logout-keep').click();
  await app.id('login-username').waitFor();

  await server.start();
  await app.login('field', DEMO_PASSWORD);
  await app.id('sync-now').click();
  await expect(async () => (await app.queued()) === 0, 30_000, 'kept visit synced after login');
  const admin = await server.login('admin');
  const { json } = await server.api('GET', '/api/visits', { token: admin });
  assert.equal(json.visits.filter((v) => v.record.verbatim === '退出登录前未同步的原话').length, 1);
  await context.close();
});

test('two people sharing a tablet each sync their own visits under their own login', async () => {
  const { context, page, app, customerId } = await freshApp();
  await server.stop();
  await app.recordReachedVisit({ customerId, verbatim: '共用平板:李明离线记录' });
  await app.save();
  await app.id('toast').waitFor();
  await app.id('nav-logout').click();
  await app.id('logout-keep').click();
  await server.start();

  await app.login('agent', DEMO_PASSWORD);
  await app.id('other-users-notice').waitFor();
  await snap(page, 'session', '03-other-users-notice');
  assert.equal(await app.queued(), 0, "the agent's queue holds only the agent's records");
  await app.waitForCustomers();
  // Each device holds its own user's customers (those of their tasks and tickets).
  const agentCustomer = await app.id('customer-row').first().getAttribute('data-id');
  await app.recordReachedVisit({ customerId: agentCustomer, verbatim: '共用平板:王芳的记录' });
  await app.save();
  await app.id('toast').waitFor();
  await app.id('sync-now').click();
  await expect(async () => (await app.queued()) === 0, 30_000, "agent's visit synced");
  await app.waitForSyncState('online');

  const admin = await server.login('admin');
  // Earlier tests in this file share the server; only this test's records count here.
  const stored = async () =>
    (await server.api('GET', '/api/visits', { token: admin })).json.visits
      .filter((v) => v.record.verbatim.startsWith('共用平板'))
      .map((v) => [v.agent_username, v.record.verbatim]);
  assert.deepEqual(await stored(), [['agent', '共用平板:王芳的记录']], "the field worker's record waits for them");

  await app.logout();
  await app.login('field', DEMO_PASSWORD);
  await app.id('sync-now').click();
  await expect(async () => (await app.queued()) === 0, 30_000, "field worker's visit synced");
  await expect(async () => (await stored()).length === 2, 10_000, 'both visits stored');
  assert.deepEqual((await stored()).sort(), [
    ['agent', '共用平板:王芳的记录'],
    ['field', '共用平板:李明离线记录'],
  ]);
  assert.equal(await app.id('other-users-notice').count(), 0);
  await context.close();
});
