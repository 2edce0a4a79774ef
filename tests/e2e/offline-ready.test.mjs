// Offline-ready once, and said so: a fresh tablet shows when it can work offline, and from that
// moment a reload with no network opens the app and its tasks; the service worker's install
// takes the fingerprinted files from what the page downloaded instead of fetching them again.
// And a new version waits while a form holds input, then takes over at the next safe moment
// (after saving, or on leaving the form) with nothing typed lost.
//
// The "new version" is the same build under a changed sw.js (another VERSION, so another
// cache): the server serves a copy of the built app, and the test edits the copy's worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { useServerAndBrowser, snap, SIZES, DEMO_PASSWORD, DIST } from './harness.mjs';
import { App } from './pages.mjs';
import { expect } from './expect.mjs';

const staticDir = path.join(mkdtempSync(path.join(tmpdir(), 'huifang-offline-ready-')), 'dist');
cpSync(DIST, staticDir, { recursive: true });
const SW = path.join(staticDir, 'sw.js');
const FINGERPRINTED = /-[0-9a-f]{12,}(_bg)?\.[a-z0-9]+$/;

let server;
let browser;
useServerAndBrowser(
  (s, b) => {
    server = s;
    browser = b;
  },
  { serviceWorkers: true, staticDir },
);

function version() {
  return readFileSync(SW, 'utf8').match(/const VERSION = "([^"]+)";/)[1];
}

/// Publishes "a new version": the same files under a worker with another version. The build's
/// precompressed copies of the worker go, or the server would keep sending the old one.
function publish(next) {
  const sw = readFileSync(SW, 'utf8').replace(/const VERSION = "[^"]+";/, `const VERSION = "${next}";`);
  writeFileSync(SW, sw);
  rmSync(`${SW}.br`, { force: true });
  rmSync(`${SW}.gz`, { force: true });
}

async function ready(app) {
  await app.page.locator('[data-testid=offline-status][data-state=ready]').waitFor({ timeout: 60_000 });
}

/// Marks the current document, so a reload (a new document) shows.
const mark = (page) => page.evaluate(() => (window.__sameDocument = true));
const reloaded = async (page) => !(await page.evaluate(() => window.__sameDocument === true));
const cacheNames = (page) => page.evaluate(() => caches.keys());
const checkForUpdate = (page) => page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));

test('a fresh tablet says when it is ready offline, and from then on opens with no network', async () => {
  const name = 'offline-ready';
  browser.workerTraffic.length = 0;
  const context = await browser.newContext({ viewport: SIZES.tabletLandscape, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const app = new App(page);
  await app.open(server.url);
  await app.login('field', DEMO_PASSWORD);
  const status = app.id('offline-status');
  await status.waitFor();
  await ready(app);
  assert.equal((await status.textContent()).trim(), '可离线使用');
  await app.openTasks();
  await expect(async () => (await app.taskCount('today')) > 0, 30_000, 'tasks pulled');
  const tasks = await app.id('task-row').count();
  await snap(page, name, '01-ready-offline');

  // The worker's install: every file of the version once, the fingerprinted ones from the
  // HTTP cache (what the page had just downloaded), nothing of them on the wire again.
  const precache = JSON.parse(readFileSync(SW, 'utf8').match(/const PRECACHE = (\[[^\]]*\]);/)[1].replace(/,\s*\]/, ']'));
  const installs = browser.workerTraffic.filter((e) => precache.includes(new URL(e.url).pathname));
  for (const file of precache) {
    const requests = installs.filter((e) => new URL(e.url).pathname === file);
    assert.equal(requests.length, 1, `${file} requested once by the worker: ${JSON.stringify(requests)}`);
    if (FINGERPRINTED.test(file)) {
      assert.ok(requests[0].fromCache, `${file} came from the HTTP cache: ${JSON.stringify(requests[0])}`);
    }
  }
  const hashedBytes = installs.filter((e) => FINGERPRINTED.test(e.url)).reduce((n, e) => n + e.bytes, 0);
  assert.equal(hashedBytes, 0, 'no fingerprinted byte downloaded twice');

  // Straight away: no network, a reload, and the app is there with its tasks.
  await server.stop();
  try {
    await page.reload();
    await app.id('task-tab-today').waitFor({ timeout: 15_000 });
    await expect(async () => (await app.id('task-row').count()) === tasks, 10_000, 'the same tasks offline');
    await ready(app);
    await snap(page, name, '02-reloaded-offline');
  } finally {
    await server.start();
  }
  assert.deepEqual(errors, [], 'no uncaught errors in the page');
  await context.close();
});

test('a new version waits while the visit form holds input, and takes over after saving or leaving it', async () => {
  const name = 'update-takeover';
  const context = await browser.newContext({ viewport: SIZES.tabletLandscape, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const app = new App(page);
  await app.open(server.url);
  await app.login('field', DEMO_PASSWORD);
  await app.waitForCustomers();
  await ready(app);
  const customerId = await app.id('customer-row').first().getAttribute('data-id');
  const first = version();
  assert.deepEqual(await cacheNames(page), [`huifang-field-${first}`]);

  // A version arrives while a visit is being typed: it waits, and says it will apply after.
  const verbatim = `更新前写下的回访内容 ${Date.now()}`;
  await app.recordReachedVisit({ customerId, verbatim });
  await mark(page);
  publish(`${first}-2`);
  await checkForUpdate(page);
  const banner = app.id('update-banner');
  await page.locator('[data-testid=update-banner][data-state=after-save]').waitFor({ timeout: 30_000 });
  assert.ok((await banner.textContent()).includes('保存或离开此页后自动更新'), await banner.textContent());
  assert.equal(await app.id('update-reload').count(), 0, 'no reload offered in the middle of a form');
  await snap(page, name, '01-update-waits-in-the-form');
  await page.waitForTimeout(2_000);
  assert.equal(await reloaded(page), false, 'the form is not reloaded under the user');
  assert.equal(await app.id('visit-verbatim').inputValue(), verbatim);

  // Saving leaves the form for a list: the new version takes over there.
  await app.save();
  await expect(() => reloaded(page), 30_000, 'the page reloaded into the new version');
  await app.id('sync-badge').waitFor();
  await expect(async () => (await cacheNames(page)).includes(`huifang-field-${first}-2`), 10_000, 'the new cache');
  // The old cache goes when the new version activates, which may finish after the reload (the
  // page reloads itself when an old worker keeps the new one waiting).
  await expect(async () => !(await cacheNames(page)).includes(`huifang-field-${first}`), 30_000, 'the old version is gone');
  assert.equal(await banner.count(), 0, 'nothing waits any more');
  await app.openMyVisits();
  await app.myVisitRows().filter({ hasText: verbatim }).waitFor();
  await snap(page, name, '02-saved-visit-in-the-new-version');

  // Another version arrives in a form the user then leaves: the draft keeps what was typed.
  // A minute passes between the two updates as far as the page knows: the first may have
  // used the once-a-minute reload that frees a waiting version from a busy old worker.
  await page.evaluate(() => sessionStorage.removeItem('huifang/sw-nudged-at'));
  const unfinished = `没写完的回访 ${Date.now()}`;
  await app.go('new-visit');
  await app.id('visit-form').waitFor();
  await app.id('visit-customer').selectOption(customerId);
  await app.id('visit-verbatim').fill(unfinished);
  await mark(page);
  publish(`${first}-3`);
  await checkForUpdate(page);
  await page.locator('[data-testid=update-banner][data-state=after-save]').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1_000);
  assert.equal(await reloaded(page), false);
  await app.go('tasks');
  await expect(() => reloaded(page), 30_000, 'the page reloaded into the third version');
  await app.id('sync-badge').waitFor();
  await expect(async () => (await cacheNames(page)).includes(`huifang-field-${first}-3`), 10_000, 'the third cache');
  await app.go('drafts');
  await app.id('draft-row').filter({ hasText: unfinished }).waitFor();
  await snap(page, name, '03-draft-kept-across-the-update');

  assert.deepEqual(errors, [], 'no uncaught errors in the page');
  await context.close();
});

test("the console's first load precaches the console alone, and is ready offline", async () => {
  browser.workerTraffic.length = 0;
  const context = await browser.newContext({ viewport: SIZES.tabletLandscape, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const app = new App(page);
  await app.open(`${server.url}/console/`);
  await app.login('supervisor', DEMO_PASSWORD);
  await ready(app);
  await app.id('review-queue').waitFor({ timeout: 30_000 });
  // Its precache is the console's files; the page's own requests (the icon) pass through it.
  const requested = browser.workerTraffic.map((e) => new URL(e.url).pathname);
  assert.ok(requested.includes('/console/index.html'), `the console's worker fetched ${requested}`);
  const fieldFiles = requested.filter((p) => FINGERPRINTED.test(p) && !p.startsWith('/console/'));
  assert.deepEqual(fieldFiles, [], 'nothing of the field app');
  const hashedBytes = browser.workerTraffic.filter((e) => FINGERPRINTED.test(e.url)).reduce((n, e) => n + e.bytes, 0);
  assert.equal(hashedBytes, 0, 'no fingerprinted byte downloaded twice');
  assert.deepEqual((await cacheNames(page)).map((c) => c.replace(/-[0-9a-f]{16}.*/, '')), ['huifang-console']);

  await server.stop();
  try {
    await page.reload();
    await app.id('review-queue').waitFor({ timeout: 15_000 });
    await snap(page, 'offline-ready', '03-console-reloaded-offline');
  } finally {
    await server.start();
  }
  assert.deepEqual(errors, [], 'no uncaught errors in the page');
  await context.close();
});
