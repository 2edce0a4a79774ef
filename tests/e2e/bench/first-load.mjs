// Benchmark, not a test: the first load of each front door on a throttled network, in headless
// Chromium. See docs/benchmarks.md.
//
//   HUIFANG_BIN=target/debug/huifang HUIFANG_STATIC_DIR=app/dist node tests/e2e/bench/first-load.mjs
//
// NETWORK (default "regular3g") picks the conditions, RUNS (default 3) the runs per door,
// DOORS (default "field,console") the doors. Each run is a fresh browser context: empty HTTP
// cache, no service worker. The conditions are applied with CDP
// `Network.emulateNetworkConditions` to the page and to the service worker (the harness
// attaches to each new worker before it runs, so its install is throttled from the first
// request).
//
// Measured from the start of the navigation: when the login form is visible, when the user
// (typing at once) is logged in, when the app says it is ready offline (`offline-status` with
// data-state="ready"; a build without that indicator: when a service worker controls the page),
// and the bytes on the wire (CDP `encodedDataLength`, headers included) of the page and the
// worker until then; and when the door's first screen is filled (the field app's tasks, pulled
// after login; the console's workbench). Then the server stops and the page is reloaded: it must show the door's
// first screen from the worker's cache.
import { TestServer, launchBrowser, recordTraffic, SIZES, DEMO_PASSWORD } from '../harness.mjs';

const NETWORKS = {
  // Chrome DevTools' "Regular 3G" preset.
  regular3g: { latency: 100, downloadThroughput: (750 * 1024) / 8, uploadThroughput: (250 * 1024) / 8 },
  fast3g: { latency: 40, downloadThroughput: (1.5 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 },
  none: { latency: 0, downloadThroughput: -1, uploadThroughput: -1 },
};
const NETWORK = process.env.NETWORK ?? 'regular3g';
const CONDITIONS = NETWORKS[NETWORK];
if (!CONDITIONS) throw new Error(`NETWORK=${NETWORK}: one of ${Object.keys(NETWORKS).join(', ')}`);
const RUNS = Number(process.env.RUNS ?? 3);
const DOORS = (process.env.DOORS ?? 'field,console').split(',');
// Who logs in at each door, and the screen that shows the app is there after the reload.
const USERS = {
  field: { user: 'field', path: '/', screen: 'task-row' },
  console: { user: 'supervisor', path: '/console/', screen: 'nav-supervise' },
};
const TIMEOUT = 240_000;
const FINGERPRINTED = /-[0-9a-f]{12,}(_bg)?\.[a-z0-9]+$/;

async function firstLoad(browser, server, door) {
  const { user, path, screen } = USERS[door];
  browser.workerTraffic.length = 0;
  const context = await browser.newContext({ viewport: SIZES.tabletLandscape, locale: 'zh-CN' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const pageTraffic = [];
  await recordTraffic((m, p) => cdp.send(m, p), (m, h) => cdp.on(m, h), pageTraffic, { conditions: CONDITIONS });
  const id = (testid) => page.getByTestId(testid);

  const t0 = performance.now();
  await page.goto(server.url + path, { waitUntil: 'commit', timeout: TIMEOUT });
  await id('login-username').waitFor({ timeout: TIMEOUT });
  const loginForm = performance.now() - t0;
  await id('login-username').fill(user);
  await id('login-password').fill(DEMO_PASSWORD);
  const submitted = performance.now() - t0;
  await id('login-submit').click();
  await id('sync-badge').waitFor({ timeout: TIMEOUT });
  const loggedIn = performance.now() - t0;
  const indicator = (await id('offline-status').count()) > 0;
  if (indicator) {
    await page.locator('[data-testid=offline-status][data-state=ready]').waitFor({ timeout: TIMEOUT });
  } else {
    await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', null, { timeout: TIMEOUT, polling: 100 });
  }
  const ready = performance.now() - t0;
  const sum = (list) => list.reduce((n, e) => n + e.bytes, 0);
  const bytes = { page: sum(pageTraffic), worker: sum(browser.workerTraffic) };
  // A fingerprinted file the worker took from the network although the page had it.
  const fetchedByPage = new Set(pageTraffic.filter((e) => e.bytes > 1000).map((e) => e.url));
  const twice = browser.workerTraffic
    .filter((e) => FINGERPRINTED.test(e.url) && !e.fromCache && e.bytes > 1000 && fetchedByPage.has(e.url))
    .map((e) => new URL(e.url).pathname);

  // The scenario: logged in, the door's first screen filled (tasks pulled), then no
  // server: the reload must come from the worker's cache.
  await id(screen).first().waitFor({ timeout: TIMEOUT });
  const filled = performance.now() - t0;
  await server.stop();
  let offline = 'ok';
  try {
    await page.reload({ timeout: 30_000 });
    await id(screen).first().waitFor({ timeout: 30_000 });
  } catch (e) {
    offline = `failed: ${e.message.split('\n')[0]}`;
  }
  await server.start();
  await context.close();
  return { loginForm, submitted, loggedIn, ready, filled, indicator, bytes, twice, offline };
}

const server = new TestServer();
await server.start();
const browser = await launchBrowser(server, { serviceWorkers: CONDITIONS });
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
console.log(`network: ${NETWORK} ${JSON.stringify(CONDITIONS)}; static files: ${server.staticDir}`);
console.log('| door | run | login form | logged in | ready offline | ready after login | first screen filled | page bytes | worker bytes | total | downloaded twice | offline reload |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const door of DOORS) {
  for (let run = 1; run <= RUNS; run++) {
    const r = await firstLoad(browser, server, door);
    const ready = `${s(r.ready)}${r.indicator ? '' : ' (controller)'}`;
    const total = r.bytes.page + r.bytes.worker;
    console.log(
      `| ${door} | ${run} | ${s(r.loginForm)} | ${s(r.loggedIn)} | ${ready} | ${s(r.ready - r.submitted)} | ${s(r.filled)} | ${kb(r.bytes.page)} | ${kb(r.bytes.worker)} | ${kb(total)} | ${r.twice.join(' ') || 'none'} | ${r.offline} |`,
    );
  }
}
await browser.close();
await server.stop();
