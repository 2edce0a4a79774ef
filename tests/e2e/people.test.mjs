// People and passwords in the browser: the first admin of an empty server, made with the
// command the server prints; a field user added in the console with a one-time password, who
// must set their own before anything else; a disabled user's tablet keeps its queued visit and
// tells them to hand it over.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { TestServer, launchBrowser, snap, BIN, SIZES } from './harness.mjs';
import { App, openAs } from './pages.mjs';
import { expect } from './expect.mjs';

const started = [];
after(async () => {
  for (const stop of started.reverse()) await stop();
});

async function serverAndBrowser(options) {
  const server = new TestServer(options);
  await server.start();
  const browser = await launchBrowser(server);
  started.push(() => server.stop(), () => browser.close());
  return { server, browser };
}

/// Runs the `huifang user add …` line the server printed, with `password` on stdin.
function runPrintedCommand(banner, password) {
  const line = banner.split('\n').find((l) => l.trim().startsWith('huifang user add'));
  assert.ok(line, `the start-up log names the command:\n${banner}`);
  const [, ...args] = line.trim().split(/\s+/);
  const out = spawnSync(BIN, args, { input: `${password}\n`, encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
}

async function fresh(browser, server, viewport = SIZES.tabletLandscape, path = '/') {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  const app = new App(page);
  await app.open(server.url + path);
  return { context, page, app };
}

test('the first admin adds a field user who sets a password at first login, then works', async () => {
  const { server, browser } = await serverAndBrowser({ demo: false });
  runPrintedCommand(server.banner, 'first-admin-pass');

  const admin = await fresh(browser, server, SIZES.tabletLandscape, '/console/');
  await admin.app.login('admin', 'first-admin-pass');
  await admin.app.id('nav-people').click();
  await admin.app.id('people-table').waitFor();
  assert.deepEqual(await admin.app.axeViolations(), [], 'People (list)');

  await admin.app.id('people-add').click();
  await admin.app.id('person-username').fill('xiaoli');
  await admin.app.id('person-display-name').fill('小李');
  await admin.app.id('person-role').selectOption('field');
  await admin.app.id('person-agent-no').fill('F210');
  assert.deepEqual(await admin.app.axeViolations(), [], 'People (editor)');
  await admin.app.id('person-save').click();
  const code = (await admin.app.id('one-time-code').textContent()).trim();
  assert.match(code, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  const row = admin.page.locator('[data-testid="person-row"][data-username="xiaoli"]');
  await row.getByTestId('person-must-change').waitFor();
  assert.deepEqual(await admin.app.axeViolations(), [], 'People (one-time password)');
  for (const [name, viewport] of [['desktop', { width: 1366, height: 768 }], ['tablet', SIZES.tabletLandscape], ['phone', SIZES.phone]]) {
    await admin.page.setViewportSize(viewport);
    await snap(admin.page, 'people', `01-people-${name}`);
  }
  await admin.page.setViewportSize(SIZES.tabletLandscape);

  // The field user, on their own tablet: the one-time password leads to one screen only.
  const field = await fresh(browser, server);
  await field.app.id('login-username').fill('xiaoli');
  await field.app.id('login-password').fill(code);
  await field.app.id('login-submit').click();
  await field.app.id('set-password').waitFor();
  assert.equal(await field.app.id('nav-tasks').count(), 0, 'nothing else before the new password');
  assert.deepEqual(await field.app.axeViolations(), [], 'set your password');
  await snap(field.page, 'people', '02-set-password');
  await field.app.id('password-current').fill(code);
  await field.app.id('password-new').fill('short');
  await field.app.id('password-again').fill('short');
  await field.app.id('password-save').click();
  await field.app.id('password-error').waitFor();
  await field.app.id('password-new').fill('xiaoli-own-pass');
  await field.app.id('password-again').fill('xiaoli-own-pass');
  await field.app.id('password-save').click();
  await field.app.id('nav-tasks').waitFor();
  await field.app.waitForSyncState('online');

  // Back in the console, the flag is gone; the admin's own password page is one click away.
  await admin.page.reload();
  await admin.app.id('people-table').waitFor();
  await expect(async () => (await row.getByTestId('person-must-change').count()) === 0, 10_000, 'flag cleared');
  await admin.app.id('my-password').click();
  await admin.app.id('password-current').waitFor();
  assert.deepEqual(await admin.app.axeViolations(), [], 'change password');
  await snap(admin.page, 'people', '03-my-password');
  await field.context.close();
  await admin.context.close();
});

test('a disabled user keeps the queued visit and is told to hand the tablet over', async () => {
  const { server, browser } = await serverAndBrowser();
  const { context, page, app } = await openAs(browser, server, 'field');
  await app.waitForCustomers();
  const customerId = await app.id('customer-row').first().getAttribute('data-id');

  // Offline on the tablet only: the admin disables the account meanwhile.
  await context.setOffline(true);
  await app.recordReachedVisit({ customerId, verbatim: '停用前离线记录的原话' });
  await app.save();
  await app.id('toast').waitFor();
  assert.equal(await app.queued(), 1);

  const admin = await server.login('admin');
  const { json: people } = await server.api('GET', '/api/people', { token: admin });
  const field = people.people.find((p) => p.username === 'field');
  const disabled = await server.api('POST', `/api/people/${field.id}/disable`, { token: admin });
  assert.equal(disabled.status, 200);

  await context.setOffline(false);
  await app.id('sync-now').click();
  await app.id('disabled-banner').waitFor({ timeout: 30_000 });
  assert.equal(await app.id('relogin-banner').count(), 0);
  assert.equal(await app.queued(), 1, 'the queue is untouched');
  const outbox = await page.evaluate(() =>
    Object.keys(localStorage).filter((k) => k.startsWith('huifang/v1/outbox/')).length,
  );
  assert.equal(outbox, 1, 'the queued visit is still in the local store');
  assert.deepEqual(await app.axeViolations(), [], 'disabled banner');
  await snap(page, 'people', '04-disabled-banner');

  // Nothing of it reached the server.
  const { json } = await server.api('GET', '/api/visits', { token: admin });
  assert.equal(json.visits.filter((v) => v.record.verbatim === '停用前离线记录的原话').length, 0);

  // The supervisor takes the tablet: their login opens over the disabled one, and the
  // disabled user's record waits on the device, named in the notice.
  await app.id('disabled-handover').click();
  await app.login('supervisor', 'huifang-demo');
  await app.id('other-users-notice').waitFor();
  await context.close();
});
