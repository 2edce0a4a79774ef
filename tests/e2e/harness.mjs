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

/// A huifang server on a temporary database. It can be stopped and started again on the same
/// port and database, which is how the tests take the network away from the app.
export class TestServer {
  constructor() {
    for (const [what, p] of [['server binary', BIN], ['built app', path.join(DIST, 'index.html')]]) {
      if (!existsSync(p)) throw new Error(`${what} missing at ${p}: run scripts/test.sh`);
    }
    this.db = path.join(mkdtempSync(path.join(tmpdir(), 'huifang-e2e-')), 'e2e.db');
    this.addr = '127.0.0.1:0';
    this.child = null;
  }

  async start() {
    const child = spawn(BIN, ['serve', '--addr', this.addr, '--db', this.db, '--demo', '--static-dir', DIST], {
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

export async function launchBrowser() {
  return chromium.launch({
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
/// after them) and hands both to `ready`.
export function useServerAndBrowser(ready) {
  let server;
  let browser;
  before(async () => {
    server = new TestServer();
    await server.start();
    browser = await launchBrowser();
    ready(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
}
