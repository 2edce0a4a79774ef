// Page objects: the tests speak of what a user does, the selectors live here.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from './expect.mjs';
import { SIZES, DEMO_PASSWORD } from './harness.mjs';

const require = createRequire(import.meta.url);

/// The app has two front doors on one origin: the field app at `/` and the console at
/// `/console/`. Each place of the navigation lives in one of them; 工单 (tickets) in both.
const DOOR_OF_PLACE = {
  tasks: 'field',
  customers: 'field',
  'new-visit': 'field',
  'my-visits': 'field',
  drafts: 'field',
  attention: 'field',
  supervise: 'console',
  plan: 'console',
  admin: 'console',
  rules: 'console',
  stats: 'console',
};

/// The front door of a URL (a string or a URL).
export function doorOf(url) {
  const { pathname } = new URL(url);
  return pathname === '/console' || pathname.startsWith('/console/') ? 'console' : 'field';
}

export class App {
  constructor(page) {
    this.page = page;
  }

  id(testid) {
    return this.page.getByTestId(testid);
  }

  async open(url) {
    await this.page.goto(url);
  }

  async login(username, password) {
    await this.id('login-username').fill(username);
    await this.id('login-password').fill(password);
    await this.id('login-submit').click();
    await this.id('sync-badge').waitFor();
  }

  async syncState() {
    return this.id('sync-badge').getAttribute('data-state');
  }

  async queued() {
    return Number((await this.id('sync-queued').textContent()).trim());
  }

  async waitForSyncState(state, timeout = 30_000) {
    await expect(async () => (await this.syncState()) === state, timeout, `sync state ${state}`);
  }

  /// The front door the page is in: 'field' or 'console'.
  door() {
    return doorOf(this.page.url());
  }

  /// `/console` in the console, nothing in the field app: what the paths of this door's
  /// screens start with.
  base() {
    return this.door() === 'console' ? '/console' : '';
  }

  /// Goes to the other front door through the switch link in the top bar (a full page load).
  async switchTo(door) {
    if (this.door() === door) return;
    await this.id(`switch-${door}`).click();
    await this.page.waitForURL((url) => doorOf(url) === door);
    await this.id('sync-badge').waitFor();
  }

  /// Goes to a place in the navigation (`nav-<place>`), through the switch link when the
  /// place is in the other front door and through the phone's "more" menu when it is behind
  /// it.
  async go(place) {
    const door = DOOR_OF_PLACE[place];
    if (door) await this.switchTo(door);
    const link = this.id(`nav-${place}`);
    if (!(await link.isVisible()) && (await this.id('nav-more').isVisible())) {
      await this.id('nav-more').click();
    }
    await link.click();
  }

  async waitForCustomers() {
    await this.go('customers');
    await this.id('customer-row').first().waitFor({ timeout: 30_000 });
  }

  /// Types into the customer list's search box (the device's list narrows at once; the server
  /// is asked when online).
  async searchCustomers(text) {
    await this.id('customer-search').fill(text);
  }

  /// The ids of the customer rows from the device (not those found on the server).
  async heldCustomerIds() {
    const rows = this.page.locator('[data-testid="customer-row"]:not([data-found])');
    return rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
  }

  /// The row of a customer found on the server (not on the device).
  foundCustomer(id) {
    return this.page.locator(`[data-testid="customer-row"][data-found="server"][data-id="${id}"]`);
  }

  async customerSearchStatus() {
    return (await this.id('customer-search-status').textContent()).trim();
  }

  /// Waits until the service worker controls the page, i.e. the app shell is cached.
  async waitForServiceWorker() {
    await this.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
      }
    });
  }

  async recordReachedVisit({ customerId, verbatim }) {
    await this.go('new-visit');
    await this.id('visit-form').waitFor();
    await this.id('visit-customer').selectOption(customerId);
    await this.id('visit-channel').selectOption('phone');
    await this.id('visit-type').selectOption('repair');
    await this.id('visit-outcome').selectOption('reached');
    await this.answerSurvey();
    await this.rate(4);
    await this.id('visit-emotion').selectOption('satisfied');
    await this.id('visit-verbatim').fill(verbatim);
    await this.id('visit-demand').selectOption('none');
    await this.id('visit-follow-up').fill('一周后电话确认空调制冷效果');
  }

  /// Gives the visit's 满意度 (1–5): on the separate scale, or on the survey's overall stars
  /// when the survey asks for them (the form then shows no scale).
  async rate(score) {
    const scale = this.id(`visit-satisfaction-${score}`);
    if ((await scale.count()) > 0) {
      await scale.click();
    } else {
      await this.page.locator('[data-testid="survey-question"][data-key="overall"]').getByTestId(`stars-${score}`).click();
    }
  }

  /// Answers every visible question of the visit's survey, if it has one, with the first
  /// positive choice: enough for the survey rules, whatever the template.
  async answerSurvey() {
    if (!(await this.id('survey').isVisible())) return;
    const questions = this.id('survey-question');
    for (let i = 0; i < (await questions.count()); i++) {
      const q = questions.nth(i);
      const pick = async (testid) => {
        const el = q.getByTestId(testid).first();
        if ((await el.count()) > 0) {
          await el.click();
          return true;
        }
        return false;
      };
      (await pick('stars-4')) || (await pick('nps-9')) || (await pick('mood-3')) || (await pick('yes')) || (await pick('choice'));
      const text = q.getByTestId('survey-text');
      if ((await text.count()) > 0) await text.fill('无');
    }
  }

  async openTasks() {
    await this.go('tasks');
    await this.id('task-tab-today').waitFor();
  }

  async taskCount(tab) {
    return Number((await this.id(`task-tab-${tab}`).getByTestId('task-count').textContent()).trim());
  }

  /// Starts the visit of a task row, confirming the quiet-hours warning when it is quiet time.
  async startTask(row) {
    await row.getByTestId('task-start').click();
    const form = this.id('visit-form');
    const warning = this.id('quiet-hours-warning');
    await expect(async () => (await form.isVisible()) || (await warning.isVisible()), 10_000, 'form or quiet warning');
    if (!(await form.isVisible())) await this.id('quiet-continue').click();
    await form.waitFor();
  }

  /// Draws a few strokes on the signature pad with the mouse.
  async sign() {
    const pad = this.id('signature-pad');
    await pad.scrollIntoViewIfNeeded();
    const box = await pad.boundingBox();
    const m = this.page.mouse;
    for (const [y0, y1] of [[0.3, 0.7], [0.7, 0.3]]) {
      await m.move(box.x + box.width * 0.1, box.y + box.height * y0);
      await m.down();
      for (let i = 1; i <= 12; i++) {
        await m.move(box.x + box.width * (0.1 + i * 0.06), box.y + box.height * (y0 + ((y1 - y0) * i) / 12));
      }
      await m.up();
    }
  }

  /// Serious and critical accessibility violations on the current screen (axe-core).
  async axeViolations() {
    // Evaluated, not added as a <script>: the app's Content-Security-Policy refuses inline
    // scripts, and a test tool must not need an exception to it.
    await this.page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
    const result = await this.page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
  }

  async save() {
    await this.id('visit-save').click();
  }

  myVisitRows() {
    return this.id('my-visit-row');
  }

  async openMyVisits() {
    await this.go('my-visits');
  }

  async logout() {
    await this.id('nav-logout').click();
    await this.id('login-username').waitFor();
  }
}

/// The feedback loop's screens: tickets, intake, a ticket's actions.
export class Tickets {
  constructor(app) {
    this.app = app;
    this.page = app.page;
  }

  id(testid) {
    return this.app.id(testid);
  }

  async openList(filter = 'mine') {
    await this.app.go('tickets');
    await this.id(`ticket-filter-${filter}`).click();
  }

  row(ticketId) {
    return this.page.locator(`[data-testid="ticket-row"][data-id="${ticketId}"]`);
  }

  /// The rows of the supervisor's "All" list, read from the server.
  onlineRows() {
    return this.page.locator('[data-testid="tickets-online"] [data-testid="ticket-row"]');
  }

  /// Reads the next page of the "All" list and waits until its rows are shown.
  async loadMore() {
    const before = await this.onlineRows().count();
    await this.id('tickets-more').click();
    await expect(async () => (await this.onlineRows().count()) > before, 15_000, 'the next page of tickets');
  }

  async open(ticketId) {
    await this.page.evaluate((path) => {
      history.pushState({}, '', path);
      window.dispatchEvent(new PopStateEvent('popstate'));
    }, `${this.app.base()}/tickets/${ticketId}`);
    await this.page.locator(`[data-testid="ticket-detail"][data-id="${ticketId}"]`).waitFor();
  }

  async state() {
    return this.id('ticket-detail').getAttribute('data-state');
  }

  async waitForState(state, timeout = 30_000) {
    await expect(async () => (await this.state()) === state, timeout, `ticket ${state}`);
  }

  /// Takes one action on the open ticket: assign (to a user id), start, resolve (with a
  /// resolution), note, wait, resume, reopen, close.
  async act(action, { assignee, resolution, note } = {}) {
    await this.id(`act-${action}`).click();
    await this.id('action-form').waitFor();
    if (assignee) {
      await this.page.locator(`[data-testid="act-assignee"] option[value="${assignee}"]`).waitFor({ state: 'attached' });
      await this.id('act-assignee').selectOption(assignee);
    }
    if (resolution) await this.id('act-resolution').fill(resolution);
    if (note) await this.id('act-note-text').fill(note);
    await this.id('act-submit').click();
    await this.id('action-form').waitFor({ state: 'detached' });
  }

  async syncNow() {
    await this.id('sync-now').click();
    await this.app.waitForSyncState('online');
  }

  /// The revisit task of a ticket in 我的任务, whichever tab it is on.
  async revisitTask(ticketId, timeout = 30_000) {
    const row = this.page.locator(`[data-testid="task-row"][data-ticket="${ticketId}"]`);
    await expect(async () => {
      await this.id('sync-now').click();
      await this.app.openTasks();
      for (const tab of ['today', 'overdue', 'upcoming']) {
        await this.id(`task-tab-${tab}`).click();
        if ((await row.count()) > 0) return true;
      }
      return false;
    }, timeout, `revisit task of ${ticketId}`);
    return row.first();
  }
}

/// 规则设置: the admin's rule sets, one card each.
export class Rules {
  constructor(app) {
    this.app = app;
    this.page = app.page;
  }

  id(testid) {
    return this.app.id(testid);
  }

  async open() {
    await this.app.go('rules');
    await this.id('rules-page').waitFor();
    await this.card('grading').getByTestId('rules-save').waitFor({ timeout: 30_000 });
  }

  card(name) {
    return this.page.locator(`[data-testid="rules-card"][data-name="${name}"]`);
  }

  repeated(key) {
    return {
      min: this.page.locator(`[data-testid="grading-min"][data-key="${key}"]`),
      days: this.page.locator(`[data-testid="grading-days"][data-key="${key}"]`),
    };
  }

  async save(name) {
    await this.card(name).getByTestId('rules-save').click();
  }

  error(name) {
    return this.card(name).getByTestId('rules-error');
  }

  /// The department picker of a nature (`product`…) or a sub-problem (`logistics_delay`…).
  routing(kind, key) {
    return this.page.locator(`[data-testid="routing-${kind}"][data-key="${key}"]`);
  }

  async waitForAllCards() {
    for (const name of ['grading', 'sla', 'calendar', 'routing', 'revisit']) {
      await this.card(name).getByTestId('rules-save').waitFor({ timeout: 30_000 });
    }
  }

  /// Everything a person can read on the screen: the text, what the fields hold, and every
  /// choice of every picker.
  async readableText() {
    return this.page.evaluate(() => {
      const parts = [document.body.innerText];
      for (const el of document.querySelectorAll('input:not([type="hidden"]), textarea')) {
        parts.push(el.value, el.placeholder ?? '');
      }
      for (const o of document.querySelectorAll('option')) parts.push(o.textContent);
      return parts.join('\n');
    });
  }
}

/// A user's own tablet: a fresh browser context (its own storage) with the app open and
/// `user` logged in. Uncaught page errors are collected in `errors`.
export async function openAs(browser, server, user, { viewport = SIZES.tabletLandscape, ...options } = {}) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const app = new App(page);
  await app.open(server.url);
  await app.login(user, DEMO_PASSWORD);
  return { context, page, app, errors };
}

/// The console's list of every stored visit, read by cursor.
export class AdminVisits {
  constructor(app) {
    this.app = app;
    this.page = app.page;
  }

  id(testid) {
    return this.app.id(testid);
  }

  rows() {
    return this.id('admin-visit-row');
  }

  async open() {
    await this.app.go('admin');
    await this.rows().first().waitFor({ timeout: 30_000 });
  }

  async total() {
    return (await this.id('admin-visits-total').textContent()).trim();
  }

  async pageLabel() {
    return (await this.id('admin-visits-page').textContent()).trim();
  }

  /// Goes to the next (or previous) page and waits for its first row to change.
  async turn(direction) {
    const first = await this.rows().first().getAttribute('data-id');
    await this.id(`admin-visits-${direction}`).click();
    await expect(async () => (await this.rows().first().getAttribute('data-id')) !== first, 15_000, `the ${direction} page`);
  }
}
