// Test harness: a real `huifang` process on a temporary database, and headless Chromium.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

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
/// and runs on with real time, across restarts too: `now()` is what it reads.
export class TestServer {
  constructor({ clockStart: at = clockStart() } = {}) {
    for (const [what, p] of [['server binary', BIN], ['built app', path.join(DIST, 'index.html')]]) {
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
    const args = ['serve', '--addr', this.addr, '--db', this.db, '--demo', '--static-dir', DIST, '--clock-start', at];
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
export async function launchBrowser(server) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  if (server) pinClocks(browser, server);
  return browser;
}

function pinClocks(browser, server) {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options = {}) => {
    const context = await newContext({ timezoneId: TIMEZONE, ...options });
    await context.clock.install({ time: server.now() });
    return context;
  };
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
/// starts at `clockStart` (see `TestServer`).
export function useServerAndBrowser(ready, { clockStart: at } = {}) {
  let server;
  let browser;
  before(async () => {
    server = new TestServer(at === undefined ? {} : { clockStart: at });
    await server.start();
    browser = await launchBrowser(server);
    ready(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
}
