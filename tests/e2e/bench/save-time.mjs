// Benchmark, not a test: how long one visit save and opening 我的回访 take in headless
// Chromium with 0 and with 3,000 visits stored on the device. See docs/benchmarks.md.
//
//   HUIFANG_BIN=target/release/huifang HUIFANG_STATIC_DIR=app/dist node tests/e2e/bench/save-time.mjs
//
// RUNS (default 15) sets the runs per measurement, STORED (default "0,3000") the store sizes.
// Each size gets its own browser context: a field user logs in, saves one visit through the
// app (its stored form is the template), the network goes away, the store is filled with
// copies of that visit as queued records (the kind the device can never prune, and the one
// every sync reads), and the page is reloaded from the service worker. A save is timed from
// the click on 保存 to the next frame after the saved visit's row is drawn on 我的回访;
// opening 我的回访 from the task list until the frame after its rows are drawn.
import { TestServer, launchBrowser, SIZES, DEMO_PASSWORD } from '../harness.mjs';
import { App } from '../pages.mjs';

const RUNS = Number(process.env.RUNS ?? 15);
const STORED = (process.env.STORED ?? '0,3000').split(',').map(Number);
const NS = 'huifang/v1/';

async function prepare(browser, server) {
  const context = await browser.newContext({ viewport: SIZES.tabletLandscape, locale: 'zh-CN' });
  const page = await context.newPage();
  const app = new App(page);
  await app.open(server.url);
  await app.login('field', DEMO_PASSWORD);
  await app.waitForCustomers();
  await app.waitForServiceWorker();
  const customerId = await app.id('customer-row').first().getAttribute('data-id');
  await app.recordReachedVisit({ customerId, verbatim: '基准测试模板' });
  await app.save();
  await app.openMyVisits();
  await app.myVisitRows().first().waitFor();
  for (let i = 0; i < 300 && (await app.queued()) > 0; i++) await page.waitForTimeout(100);
  return { context, page, app, customerId };
}

/// Adds `n` queued visits in the app's own storage format, copied from the stored template.
function seed(page, n) {
  return page.evaluate(
    ({ ns, n }) => {
      const me = JSON.parse(localStorage.getItem(ns + 'session')).user.id;
      const template = JSON.parse(
        localStorage.getItem(Object.keys(localStorage).find((k) => k.startsWith(ns + 'visit/'))),
      );
      const deviceKey = `${ns}device/${me}`;
      const device = JSON.parse(localStorage.getItem(deviceKey));
      const start = Date.now() - 86_400_000;
      for (let i = 0; i < n; i++) {
        const id = crypto.randomUUID();
        const seq = device.next_seq + i;
        const at = new Date(start + i * 1000).toISOString();
        const record = { ...template.record, contacted_at: at, verbatim: `第 ${i} 条:${template.record.verbatim}` };
        localStorage.setItem(`${ns}visit/${id}`, JSON.stringify({ ...template, id, seq, saved_at: at, state: { state: 'queued' }, synced_at: undefined, record }));
        localStorage.setItem(`${ns}outbox/${me}/${seq}`, JSON.stringify({ schema: 2, mutation: { seq, id, kind: 'visit.record', at, data: record } }));
      }
      localStorage.setItem(deviceKey, JSON.stringify({ ...device, next_seq: device.next_seq + n }));
      let units = 0;
      for (const k of Object.keys(localStorage)) if (k.startsWith(ns)) units += k.length + localStorage.getItem(k).length;
      return units;
    },
    { ns: NS, n },
  );
}

/// Milliseconds from running `start` in the page until the frame after `done()` holds.
const timeInPage = (page, start, done, arg) =>
  page.evaluate(
    async ({ start, done, arg }) => {
      const startFn = new Function('arg', start);
      const doneFn = new Function('arg', done);
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const t0 = performance.now();
      startFn(arg);
      while (!doneFn(arg)) await new Promise((r) => requestAnimationFrame(r));
      await frame();
      return performance.now() - t0;
    },
    { start, done, arg },
  );

async function timeSave(page, app, customerId, run) {
  const verbatim = `基准测试第 ${run} 次保存 ${Date.now()}`;
  await app.recordReachedVisit({ customerId, verbatim });
  return timeInPage(
    page,
    `document.querySelector('[data-testid=visit-save]').click();`,
    `return location.pathname === '/visits' &&
       [...document.querySelectorAll('[data-testid=my-visit-row]')].some((r) => r.textContent.includes(arg));`,
    verbatim,
  );
}

async function timeOpen(page, app) {
  await app.openTasks();
  return timeInPage(
    page,
    `document.querySelector('[data-testid=nav-my-visits]').click();`,
    `return location.pathname === '/visits' && document.querySelector('[data-testid=my-visit-row]') !== null;`,
    null,
  );
}

function stats(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { median: at(0.5), p95: at(0.95) };
}

const server = new TestServer();
await server.start();
const browser = await launchBrowser();
const prepared = [];
for (const n of STORED) prepared.push({ n, ...(await prepare(browser, server)) });
// No network from here on: nothing syncs, so nothing but the save itself is measured.
await server.stop();

const results = [];
for (const { n, page, app, customerId } of prepared) {
  const units = await seed(page, n);
  await page.reload();
  await app.id('sync-badge').waitFor({ timeout: 30_000 });
  await app.openTasks();
  // One unmeasured save and open, so both start warm.
  await timeSave(page, app, customerId, 'warm-up');
  await timeOpen(page, app);
  const save = [];
  const open = [];
  for (let run = 0; run < RUNS; run++) {
    save.push(await timeSave(page, app, customerId, run));
    open.push(await timeOpen(page, app));
  }
  results.push({ n, units, save: stats(save), open: stats(open) });
}
await browser.close();

const f = (x) => `${x.toFixed(0)} ms`;
console.log(`| visits stored | storage used | save: median | save: p95 | open 我的回访: median | open: p95 |`);
console.log(`|---|---|---|---|---|---|`);
for (const r of results) {
  const pct = ((r.units / (5 * 1024 * 1024)) * 100).toFixed(1);
  console.log(`| ${r.n} | ${pct} % | ${f(r.save.median)} | ${f(r.save.p95)} | ${f(r.open.median)} | ${f(r.open.p95)} |`);
}
if (results.length > 1) {
  const [first, last] = [results[0], results[results.length - 1]];
  console.log(`save with ${last.n} stored / with ${first.n}: ${(last.save.median / first.save.median).toFixed(2)}× (median)`);
}
