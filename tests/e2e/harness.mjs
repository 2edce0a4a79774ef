// Test harness: a real `huifang` process on a temporary database, and headless Chromium.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after, afterEach } from 'node:test';
import { chromium } from 'playwright-core';

// Playwright's own WebSocket client, for a CDP connection beside Playwright's.
const { ws } = createRequire(import.meta.url)('playwright-core/lib/utilsBundle');

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
export const BIN = process.env.HUIFANG_BIN ?? path.join(root, 'target/debug/huifang');
export const DIST = process.env.HUIFANG_STATIC_DIR ?? path.join(root, 'app/dist');
export const ARTIFACTS = path.join(here, 'artifacts');

export const SIZES = {
  tabletLandscape: { width: 1024, height: 768 },
  tabletPortrait: { width: 768, height: 1024 },
  phone: { width: 390, height: 844 },
};

export const DEMO_PASSWORD = 'huifang-demo';

/// The instant servers and browsers start at unless a test file picks another: Monday
/// 2026-11-23, a working-day morning in Beijing outside quiet hours, with seconds so that a rule
/// rounding to whole minutes shows. `HUIFANG_TEST_CLOCK_START` runs the suite at another instant.
export const DEFAULT_CLOCK_START = '2026-11-23T10:10:30+08:00';

export function clockStart() {
  const at = process.env.HUIFANG_TEST_CLOCK_START ?? DEFAULT_CLOCK_START;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) throw new Error(`HUIFANG_TEST_CLOCK_START=${at} is not an instant`);
  return date;
}

/// A huifang server on a temporary database. It can be stopped and started again on the same
/// port and database, which is how the tests take the network away from the app.
///
/// Its clock starts at `clockStart` (a Date or an RFC 3339 string; `clockStart()` by default)
/// and runs on with real time, across restarts too: `now()` is what it reads. It serves the app
/// from `staticDir` (`DIST` by default).
export class TestServer {
  constructor({ clockStart: at = clockStart(), staticDir = DIST, demo = true } = {}) {
    this.staticDir = staticDir;
    // Without the demo, an empty database: the server prints how to add the first admin.
    this.demo = demo;
    this.banner = '';
    for (const [what, p] of [['server binary', BIN], ['built app', path.join(staticDir, 'index.html')]]) {
      if (!existsSync(p)) throw new Error(`${what} missing at ${p}: run scripts/test.sh`);
    }
    this.db = path.join(mkdtempSync(path.join(tmpdir(), 'huifang-e2e-')), 'e2e.db');
    this.addr = '127.0.0.1:0';
    this.child = null;
    this.clockStart = new Date(at);
    this.spawnedAt = null;
  }

  /// The server's time: it runs ahead of the server's own reading by the process start-up
  /// (milliseconds), never behind. Before the first start, the start instant.
  now() {
    const elapsed = this.spawnedAt === null ? 0 : performance.now() - this.spawnedAt;
    return new Date(this.clockStart.getTime() + elapsed);
  }

  async start() {
    // A restart carries on from where the clock is, so time never runs backwards for the app.
    const at = this.now().toISOString();
    this.spawnedAt ??= performance.now();
    const args = ['serve', '--addr', this.addr, '--db', this.db, ...(this.demo ? ['--demo'] : []), '--static-dir', this.staticDir, '--clock-start', at];
    const child = spawn(BIN, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
    });
    this.child = child;
    child.stderr.on('data', (d) => process.env.E2E_VERBOSE && process.stderr.write(d));
    const url = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`huifang did not start:\n${out}`)), 30_000);
      child.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/huifang listening on (http:\/\/[^\s]+)/);
        if (m) {
          clearTimeout(timer);
          this.banner = out.slice(0, m.index);
          resolve(m[1]);
        }
      });
      child.on('exit', (code) => reject(new Error(`huifang exited with ${code}:\n${out}`)));
    });
    this.url = url;
    this.addr = new URL(url).host;
    return url;
  }

  async stop() {
    if (!this.child) return;
    const child = this.child;
    this.child = null;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  async api(method, route, { token, body } = {}) {
    const res = await fetch(this.url + route, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }

  async login(username) {
    const { status, json } = await this.api('POST', '/api/auth/login', {
      body: { username, password: DEMO_PASSWORD },
    });
    if (status !== 200) throw new Error(`login ${username}: ${status} ${JSON.stringify(json)}`);
    return json.token;
  }
}

/// The organisation's time zone (the demo settings' UTC+8), for the browser's local time.
export const TIMEZONE = 'Asia/Shanghai';

/// Headless Chromium. With a `server`, every context it opens has its clock pinned to the
/// server's (`context.clock.install`): it starts at the server's `now()` and runs on with real
/// time, so the app's timers still fire, and the app and the server agree on the time of day.
/// Such contexts are in `TIMEZONE` unless told otherwise, so date and time inputs read as they
/// would on a tablet in China whatever the machine's time zone.
///
/// Every context records what the page's Content-Security-Policy refused (`watchCsp`); closing
/// a context or the browser with a refusal recorded throws, and so does the end of each test
/// of `useServerAndBrowser`.
///
/// With `serviceWorkers` (true, or network conditions for `Network.emulateNetworkConditions`),
/// `browser.workerTraffic` lists every request a service worker makes (`watchServiceWorkers`),
/// throttled to those conditions.
export async function launchBrowser(server, { args = [], serviceWorkers = false } = {}) {
  const port = serviceWorkers ? await freePort() : null;
  if (port) args = [...args, `--remote-debugging-port=${port}`];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...args,
    ],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options = {}) => {
    const context = await newContext(server ? { timezoneId: TIMEZONE, ...options } : options);
    if (server) await context.clock.install({ time: server.now() });
    await watchCsp(context);
    return context;
  };
  let cdp = null;
  if (port) {
    cdp = await connectCdp(port);
    browser.workerTraffic = await watchServiceWorkers(cdp, serviceWorkers === true ? null : serviceWorkers);
  }
  const close = browser.close.bind(browser);
  browser.close = async (...a) => {
    cdp?.close();
    await close(...a);
    assertNoCspViolations();
  };
  return browser;
}

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/// A CDP connection of its own to the browser: Playwright's sessions cannot reach a service
/// worker's target. Sessions are flattened (each message names its `sessionId`).
async function connectCdp(port) {
  const { webSocketDebuggerUrl } = await (await fetch(`http://127.0.0.1:${port}/json/version`)).json();
  const socket = new ws(webSocketDebuggerUrl, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let nextId = 1;
  const pending = new Map();
  const listeners = [];
  socket.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    if (msg.id !== undefined) {
      pending.get(msg.id)?.(msg);
      pending.delete(msg.id);
    } else {
      for (const listener of listeners) listener(msg);
    }
  });
  const send = (method, params = {}, sessionId = undefined) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, (msg) => (msg.error ? reject(new Error(`${method}: ${msg.error.message}`)) : resolve(msg.result)));
      socket.send(JSON.stringify({ id, method, params, sessionId }));
    });
  return { send, on: (listener) => listeners.push(listener), close: () => socket.close() };
}

/// Records each request of one CDP target (a page or a service worker) into `traffic`: its
/// URL, status, whether the HTTP cache answered it (`fromCache`) and its bytes on the wire
/// (`encodedDataLength`, headers included), and `worker` (the script URL of the worker that
/// made it, if one did). Applies `conditions` first, when given.
export async function recordTraffic(send, on, traffic, { conditions = null, worker = null } = {}) {
  const byId = new Map();
  on('Network.requestWillBeSent', (e) => {
    const entry = { url: e.request.url, worker, status: null, fromCache: false, bytes: 0, done: false };
    byId.set(e.requestId, entry);
    traffic.push(entry);
  });
  on('Network.requestServedFromCache', (e) => {
    const entry = byId.get(e.requestId);
    if (entry) entry.fromCache = true;
  });
  on('Network.responseReceived', (e) => {
    const entry = byId.get(e.requestId);
    if (!entry) return;
    entry.status = e.response.status;
    entry.fromCache ||= Boolean(e.response.fromDiskCache || e.response.fromPrefetchCache);
  });
  on('Network.loadingFinished', (e) => {
    const entry = byId.get(e.requestId);
    if (!entry) return;
    entry.bytes = e.encodedDataLength;
    entry.done = true;
  });
  await send('Network.enable', {});
  if (conditions) await send('Network.emulateNetworkConditions', { offline: false, ...conditions });
}

/// Auto-attaches to every service worker that starts from now on, while it waits for a
/// debugger (`waitForDebuggerOnStart`), so its first request is already recorded (and
/// throttled to `conditions`). Returns the list `recordTraffic` fills, each entry with the
/// worker's script URL.
async function watchServiceWorkers(cdp, conditions) {
  const traffic = [];
  const sessions = new Map();
  cdp.on((msg) => {
    if (msg.method === 'Target.attachedToTarget') {
      const { sessionId, targetInfo, waitingForDebugger } = msg.params;
      const handlers = new Map();
      sessions.set(sessionId, handlers);
      const send = (method, params) => cdp.send(method, params, sessionId);
      const on = (method, handler) => handlers.set(method, handler);
      (async () => {
        await recordTraffic(send, on, traffic, { conditions, worker: targetInfo.url });
        if (waitingForDebugger) await send('Runtime.runIfWaitingForDebugger', {});
      })().catch(() => {});
    } else if (msg.sessionId) {
      sessions.get(msg.sessionId)?.get(msg.method)?.(msg.params);
    }
  });
  await cdp.send('Target.setAutoAttach', {
    autoAttach: true,
    waitForDebuggerOnStart: true,
    flatten: true,
    filter: [{ type: 'service_worker', exclude: false }, { exclude: true }],
  });
  return traffic;
}

/// What a Content-Security-Policy refused since the last check, in every context.
const cspViolations = [];

/// Records each `securitypolicyviolation` event of the context's pages (an init script, so
/// every page and reload has it before the app runs) and each "Refused to …" console message
/// (what the browser logs for a refusal). Closing the context throws if it recorded any.
async function watchCsp(context) {
  await context.exposeBinding('__huifangCspViolation', ({ page }, v) => cspViolations.push({ page: page?.url(), ...v }));
  await context.addInitScript(() => {
    addEventListener('securitypolicyviolation', (e) =>
      window.__huifangCspViolation({
        directive: e.effectiveDirective,
        blocked: e.blockedURI,
        source: `${e.sourceFile}:${e.lineNumber}`,
        sample: e.sample,
      }),
    );
  });
  context.on('console', (msg) => {
    if (msg.text().startsWith('Refused to ')) cspViolations.push({ page: msg.page()?.url(), console: msg.text() });
  });
  const close = context.close.bind(context);
  context.close = async (...a) => {
    await close(...a);
    assertNoCspViolations();
  };
}

/// Throws when a Content-Security-Policy refused anything since the last call.
export function assertNoCspViolations() {
  const seen = cspViolations.splice(0);
  if (seen.length > 0) {
    const list = seen.map((v) => JSON.stringify(v)).join('\n');
    throw new Error(`the Content-Security-Policy refused ${seen.length} thing(s):\n${list}`);
  }
}

/// Saves a screenshot under tests/e2e/artifacts/<test>/ and prints its path, so a person can
/// open each step of a run.
export async function snap(page, test, step) {
  const dir = path.join(ARTIFACTS, test);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${step}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${path.relative(root, file)}`);
  return file;
}

/// Starts one server and one browser for the calling test file (before its tests, stopped
/// after them) and hands both to `ready`. The browser's clock follows the server's, which
/// starts at `clockStart` (see `TestServer`); the server serves `staticDir`, the browser
/// watches service workers when `serviceWorkers` says so (see `launchBrowser`).
export function useServerAndBrowser(ready, { clockStart: at, serviceWorkers = false, staticDir = DIST } = {}) {
  let server;
  let browser;
  // A refusal fails the test it happened in.
  afterEach(assertNoCspViolations);
  before(async () => {
    server = new TestServer(at === undefined ? { staticDir } : { clockStart: at, staticDir });
    await server.start();
    browser = await launchBrowser(server, { serviceWorkers });
    ready(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
}
