// 机构设置: an admin names the company and changes the quiet hours on the console; a window
// that overlaps another is refused naming it and nothing is saved; a save that lost to another
// admin's shows what is stored now. Screens checked with axe and at three sizes.
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

async function stored() {
  const token = await server.login('admin');
  const { status, json } = await server.api('GET', '/api/settings', { token });
  assert.equal(status, 200);
  return json;
}

async function openSettings(viewport = SIZES.tabletLandscape) {
  const opened = await openAs(browser, server, 'admin', { viewport });
  await opened.app.waitForSyncState('online');
  await opened.app.go('settings');
  await opened.app.id('org-settings-form').waitFor({ timeout: 30_000 });
  return opened;
}

const windowInput = (page, end, i) =>
  page.locator(`[data-testid="org-window-${end ? 'end' : 'start'}"][data-index="${i}"]`);

test('an admin changes the company and a quiet window; an overlapping window is refused by name', async () => {
  const { page, app, errors } = await openSettings();
  const before = await stored();
  assert.deepEqual(await app.axeViolations(), [], 'settings form');
  await snap(page, 'org-settings', '01-form-tablet');

  await app.id('org-company').fill('惠方家电客服中心');
  await windowInput(page, true, 1).fill('13:30');
  await app.id('org-window-add').click();
  await windowInput(page, false, 2).fill('13:00');
  await windowInput(page, true, 2).fill('15:00');
  await app.id('org-save').click();

  const problem = page.locator('[data-testid="org-problem"][data-field="quiet_hours[2].start"]');
  await problem.waitFor();
  assert.match(await problem.textContent(), /重叠/);
  assert.equal(await windowInput(page, false, 2).getAttribute('aria-invalid'), 'true');
  assert.equal(await app.id('org-form-error').isVisible(), true);
  assert.deepEqual(await app.axeViolations(), [], 'settings form with a refused window');
  await snap(page, 'org-settings', '02-overlap-refused');
  assert.deepEqual(await stored(), before, 'nothing saved');

  // Fixed: the message goes as soon as the window no longer overlaps.
  await windowInput(page, false, 2).fill('14:00');
  await windowInput(page, true, 2).fill('14:30');
  await expect(async () => !(await problem.isVisible()), 5_000, 'the overlap message goes');
  await app.id('org-save').click();
  await expect(
    async () => (await stored()).settings.company === '惠方家电客服中心',
    10_000,
    'the settings saved',
  );
  const saved = await stored();
  assert.ok(saved.version > before.version);
  assert.deepEqual(
    saved.settings.quiet_hours.windows.map((w) => [w.start, w.end]),
    [
      ['21:00:00', '09:00:00'],
      ['12:00:00', '13:30:00'],
      ['14:00:00', '14:30:00'],
    ],
  );
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('a save that lost to another admin shows what is stored now and loads it', async () => {
  const { page, app } = await openSettings();
  const read = await stored();
  const token = await server.login('admin');
  const other = { ...read, settings: { ...read.settings, company: '另一位管理员保存的名称' } };
  const put = await server.api('PUT', '/api/settings', { token, body: other });
  assert.equal(put.status, 200, JSON.stringify(put.json));

  await app.id('org-company').fill('我的名称');
  await app.id('org-save').click();
  const conflict = app.id('org-conflict');
  await conflict.waitFor();
  assert.match(await conflict.textContent(), /另一位管理员保存的名称/);
  assert.deepEqual(await app.axeViolations(), [], 'conflict notice');
  await snap(page, 'org-settings', '03-conflict');
  await app.id('org-load-current').click();
  assert.equal(await app.id('org-company').inputValue(), '另一位管理员保存的名称');
  assert.equal((await stored()).settings.company, '另一位管理员保存的名称', 'nothing overwritten');
  await page.context().close();
});

for (const [name, viewport] of [
  ['desktop', { width: 1366, height: 768 }],
  ['tablet', SIZES.tabletLandscape],
  ['phone', SIZES.phone],
]) {
  test(`the settings form fits at ${name} (${viewport.width}x${viewport.height})`, async () => {
    const { page } = await openSettings(viewport);
    const { scroll, width } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      width: window.innerWidth,
    }));
    assert.ok(scroll <= width, `content is ${scroll}px wide in a ${width}px viewport`);
    await snap(page, 'org-settings', `04-${name}`);
    await page.context().close();
  });
}
