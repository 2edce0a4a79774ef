// Page objects: the tests speak of what a user does, the selectors live here.
import { expect } from './expect.mjs';

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

  async waitForCustomers() {
    await this.id('nav-customers').click();
    await this.id('customer-row').first().waitFor({ timeout: 30_000 });
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
    await this.id('nav-new-visit').click();
    await this.id('visit-form').waitFor();
    await this.id('visit-customer').selectOption(customerId);
    await this.id('visit-channel').selectOption('phone');
    await this.id('visit-type').selectOption('repair');
    await this.id('visit-outcome').selectOption('reached');
    await this.id('visit-satisfaction-4').click();
    await this.id('visit-emotion').selectOption('satisfied');
    await this.id('visit-verbatim').fill(verbatim);
    await this.id('visit-demand').selectOption('none');
    await this.id('visit-follow-up').fill('一周后电话确认空调制冷效果');
  }

  async save() {
    await this.id('visit-save').click();
  }

  myVisitRows() {
    return this.id('my-visit-row');
  }

  async openMyVisits() {
    await this.id('nav-my-visits').click();
  }

  async logout() {
    await this.id('nav-logout').click();
    await this.id('login-username').waitFor();
  }
}
