// A phone in one hand: every role's navigation fits a bottom bar and a "more" menu in each of
// its front doors, and every tap target on every main screen is at least 44×44 px (WCAG 2.5.5,
// Apple HIG). Tickets open on the queue each role acts on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { useServerAndBrowser, SIZES, ARTIFACTS } from './harness.mjs';
import { openAs } from './pages.mjs';
import { expect } from './expect.mjs';

const TAP = 44;
const SCREENS = path.join(ARTIFACTS, 'docs-screens');

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const phone = (user) => openAs(browser, server, user, { viewport: SIZES.phone, hasTouch: true, isMobile: true });

/// Every visible interactive element smaller than TAP in either direction, described so a
/// failure says what and where. A checkbox or radio is tapped through its label, so the label
/// is measured.
async function smallTargets(page) {
  return page.evaluate((tap) => {
    const selector = [
      'a[href]',
      'button',
      'input:not([type="hidden"])',
      'select',
      'textarea',
      'summary',
      '[role="button"]',
      '[role="tab"]',
      '[tabindex]:not([tabindex="-1"])',
    ].join(',');
    const small = [];
    for (const el of document.querySelectorAll(selector)) {
      let target = el;
      if (el.matches('input[type="checkbox"], input[type="radio"]')) {
        target = el.closest('label') ?? (el.id && document.querySelector(`label[for="${el.id}"]`)) ?? el;
      }
      // A link stretched over its card (an absolute ::after) is as big as the card.
      const after = getComputedStyle(el, '::after');
      if (el.matches('a') && after.content !== 'none' && after.position === 'absolute' && el.offsetParent) {
        target = el.offsetParent;
      }
      const style = getComputedStyle(target);
      const box = target.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
      // Half a pixel of rounding, no more.
      if (box.width + 0.5 >= tap && box.height + 0.5 >= tap) continue;
      const testid = target.closest('[data-testid]')?.getAttribute('data-testid') ?? '';
      const text = (target.textContent || target.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 24);
      small.push(`<${target.tagName.toLowerCase()} class="${target.className}"> [${testid}] "${text}" ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
    return small;
  }, TAP);
}

/// Waits for a screen's data: no request for a moment (screens load from the server on open).
async function settle(page) {
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => {});
}

/// The sync badge is on every screen, also scrolled to the bottom.
async function assertSyncBadgeVisible(page, where) {
  for (const y of [0, 1e6]) {
    await page.evaluate((to) => window.scrollTo(0, to), y);
    const box = await page.getByTestId('sync-now').boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= SIZES.phone.height, `${where}: sync badge off screen`);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}

/// The places in the user's navigation: the bottom bar's, then the "more" menu's.
async function places(page) {
  const ids = (loc) => loc.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
  const bar = await ids(page.locator('[data-testid="nav"] > a.tab'));
  const more = await ids(page.locator('[data-testid="nav-more-menu"] > a.tab'));
  return { bar, more };
}

const FIELD_BAR = ['nav-tasks', 'nav-new-visit', 'nav-customers', 'nav-tickets'];

/// Each role's front doors, the one it lands in first, and each door's bottom bar.
const ROLES = {
  field: { doors: { field: FIELD_BAR }, visit: true },
  agent: { doors: { field: FIELD_BAR }, visit: true },
  supervisor: {
    doors: { console: ['nav-supervise', 'nav-tickets', 'nav-plan', 'nav-admin'], field: FIELD_BAR },
    visit: true,
  },
  admin: { doors: { console: ['nav-admin', 'nav-supervise', 'nav-tickets', 'nav-plan'] }, visit: false },
};

for (const [user, expected] of Object.entries(ROLES)) {
  test(`every tap target is at least ${TAP}x${TAP} px on a phone: ${user}`, async () => {
    const { context, page, app, errors } = await phone(user);
    await app.waitForSyncState('online');
    assert.equal(app.door(), Object.keys(expected.doors)[0], 'the door the role lands in');
    const problems = [];
    const check = async (where) => {
      await settle(page);
      await assertSyncBadgeVisible(page, where);
      for (const p of await smallTargets(page)) problems.push(`${where}: ${p}`);
    };

    for (const [door, expectedBar] of Object.entries(expected.doors)) {
      await app.switchTo(door);
      const { bar, more } = await places(page);
      assert.deepEqual(bar, expectedBar, `the bottom bar of the ${door}`);
      assert.ok(bar.length + (more.length ? 1 : 0) <= 5, 'at most five slots');
      for (const id of [...bar, ...more]) {
        await app.go(id.replace(/^nav-/, ''));
        await expect(async () => (await page.getByTestId(id).getAttribute('aria-current')) === 'page', 5_000, `${id} current`);
        await check(`${door} ${id}`);
        if (more.length) {
          // With the menu open its links are on screen too.
          await app.id('nav-more').click();
          await app.id('nav-more-menu').waitFor();
          await check(`${door} ${id} + more menu`);
          await page.keyboard.press('Escape');
        }
      }
    }

    // A ticket and the intake form hang below 工单.
    await app.go('tickets');
    if ((await app.id('ticket-filter-all').count()) > 0) await app.id('ticket-filter-all').click();
    const row = page.getByTestId('ticket-row').first();
    if ((await row.count()) > 0) {
      await row.locator('a').click();
      await app.id('ticket-detail').waitFor();
      await check('ticket');
    }
    if (expected.visit) {
      await app.go('tickets');
      await app.id('ticket-new').click();
      await app.id('intake-form').waitFor();
      await check('ticket intake');

      // The visit form with every widget out: an on-site satisfaction visit (stars, NPS 0–10,
      // moods, signature, place) with its script.
      await app.go('new-visit');
      await app.id('visit-form').waitFor();
      const customer = await page.locator('[data-testid="visit-customer"] option:not([value=""])').first().getAttribute('value');
      await app.id('visit-customer').selectOption(customer);
      await app.id('visit-channel').selectOption('on_site');
      await app.id('visit-type').selectOption('satisfaction');
      await app.id('visit-outcome').selectOption('reached');
      await app.id('survey').waitFor();
      await app.id('script-stepper').waitFor();
      await check('visit form');
    }

    assert.deepEqual(problems, [], `targets under ${TAP}x${TAP} px:\n${problems.join('\n')}`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('the bottom bar and its "more" menu work by touch and keyboard', async () => {
  const { context, page, app, errors } = await phone('supervisor');
  await app.waitForSyncState('online');
  await app.switchTo('field');
  const bar = app.id('nav');
  const box = await bar.boundingBox();
  assert.equal(Math.round(box.y + box.height), SIZES.phone.height, 'the bar sits at the bottom');
  const more = app.id('nav-more');
  const menu = app.id('nav-more-menu');
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  assert.equal(await menu.isVisible(), false);
  assert.equal(await app.id('nav-attention').isVisible(), false, 'needs attention is behind "more"');

  // Tap: opens, the first link has focus; arrows move; Escape closes and focus comes back.
  await more.tap();
  await menu.waitFor();
  assert.equal(await more.getAttribute('aria-expanded'), 'true');
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
  await expect(async () => (await focused()) === 'nav-my-visits', 2_000, 'focus on the first link');
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(), 'nav-drafts');
  await page.keyboard.press('End');
  assert.equal(await focused(), 'nav-attention');
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(), 'nav-my-visits', 'wraps around');
  await page.evaluate(() => window.scrollTo(0, 0));
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENS, 'phone-supervisor-more-menu.png') });
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden' });
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  assert.equal(await focused(), 'nav-more', 'focus returns to "more"');

  // Keyboard: Enter opens; a tap beside the menu closes it.
  await page.keyboard.press('Enter');
  await menu.waitFor();
  await page.mouse.click(20, 200);
  await menu.waitFor({ state: 'hidden' });

  // Navigating closes the menu, and "more" shows it holds the current screen.
  await more.tap();
  await app.id('nav-attention').tap();
  await expect(async () => new URL(page.url()).pathname === '/attention', 5_000, 'on /attention');
  await menu.waitFor({ state: 'hidden' });
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  assert.match(await more.getAttribute('class'), /holds-current/);

  // A bar place: no menu involved.
  await app.id('nav-tasks').tap();
  await app.id('task-tab-today').waitFor();
  assert.doesNotMatch(await more.getAttribute('class'), /holds-current/);

  // On a tablet the same links are tabs, and there is no "more".
  await page.setViewportSize(SIZES.tabletPortrait);
  assert.equal(await more.isVisible(), false);
  assert.equal(await app.id('nav-attention').isVisible(), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a ticket review card on 主管工作台 opens the ticket wherever it is tapped', async () => {
  const { context, page, app, errors } = await phone('supervisor');
  await app.waitForSyncState('online');
  await app.go('supervise');
  const card = page.locator('[data-testid="review-row"][data-kind="ticket"]').first();
  await card.waitFor({ timeout: 30_000 });
  await settle(page);
  // The review queue under the sticky top bar, the bottom bar below.
  await page.evaluate(() => {
    const queue = document.querySelector('[data-testid="review-queue"]');
    const top = document.querySelector('.topbar').getBoundingClientRect().height;
    window.scrollTo(0, queue.getBoundingClientRect().top + window.scrollY - top - 8);
  });
  await page.screenshot({ path: path.join(SCREENS, 'phone-supervisor-workbench.png') });
  const id = await card.getAttribute('data-id');

  // The comment field and the decisions stay their own targets.
  const comment = card.getByTestId('review-comment');
  await comment.tap();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'review-comment');
  assert.equal(new URL(page.url()).pathname, '/console/supervise');

  // Anywhere else on the card, e.g. the resolution text well away from the title, opens it.
  const text = await card.locator('.row-text').boundingBox();
  const title = await card.getByTestId('review-open').boundingBox();
  assert.ok(text.y >= title.y + title.height, 'the text is below the title');
  await page.mouse.click(text.x + text.width - 4, text.y + text.height / 2);
  await expect(async () => new URL(page.url()).pathname === `/console/tickets/${id}`, 5_000, 'the ticket opened in the console');
  await app.id('ticket-detail').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('tickets open on the queue each role acts on', async () => {
  for (const [user, filter] of [['supervisor', 'escalated'], ['admin', 'all'], ['field', 'mine'], ['agent', 'mine']]) {
    const { context, app, errors } = await openAs(browser, server, user);
    await app.go('tickets');
    const selected = app.page.locator('[data-testid^="ticket-filter-"][aria-selected="true"]');
    await expect(async () => (await selected.getAttribute('data-testid')) === `ticket-filter-${filter}`, 5_000, `${user} on ${filter}`);
    assert.equal(await selected.count(), 1);
    assert.deepEqual(errors, []);
    await context.close();
  }
});
