// The visit form as a first-time field worker meets it (issue 7): one save names every
// problem, a fixed field loses its error at once, and one rating is asked once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { useServerAndBrowser, snap, SIZES, ARTIFACTS } from './harness.mjs';
import { openAs } from './pages.mjs';
import { expect } from './expect.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const SCREENS = path.join(ARTIFACTS, 'docs-screens');
const HERE = { latitude: 31.230416, longitude: 121.473701, accuracy: 15 };

/// A new visit for the first customer of the list, on the given channel and visit type,
/// with the position already fixed (so the place is not among the problems).
async function newVisit(viewport, channel, type, options = {}) {
  const opened = await openAs(browser, server, 'field', {
    viewport,
    geolocation: HERE,
    permissions: ['geolocation'],
    ...options,
  });
  const { app } = opened;
  await app.waitForCustomers();
  await app.id('customer-row').first().click();
  await app.id('visit-form').waitFor();
  await app.id('visit-channel').selectOption(channel);
  await app.id('visit-type').selectOption(type);
  if (channel === 'on_site') {
    await expect(async () => (await app.id('place-status').getAttribute('data-state')) === 'fix', 15_000, 'position fix');
  }
  return opened;
}

/// The summary's lines as the ids of the fields they lead to, in order.
async function summaryTargets(app) {
  const items = app.id('error-summary-item');
  const n = await items.count();
  const targets = [];
  for (let i = 0; i < n; i++) targets.push(await items.nth(i).getAttribute('data-target'));
  return targets;
}

async function focusedId(page) {
  return page.evaluate(() => document.activeElement?.id ?? '');
}

async function fieldError(page, field) {
  return page.locator(`[data-testid="visit-error"][data-field="${field}"]`);
}

const ALL_AT_ONCE = ['f-emotion', 'q-fixed', 'q-on_time', 'q-overall', 'f-verbatim', 'f-signature'];

test('one save of an empty on-site repair visit names every problem, each a link to its field', async () => {
  const { context, page, app, errors } = await newVisit(SIZES.tabletLandscape, 'on_site', 'repair');

  await app.id('visit-outcome').selectOption('reached');
  assert.equal(await app.id('error-summary').count(), 0, 'no problems shown before saving');
  await app.save();
  await app.id('error-summary').waitFor();
  assert.equal(await app.id('error-summary').getAttribute('role'), 'alert');
  assert.deepEqual(await summaryTargets(app), ALL_AT_ONCE);
  assert.match(await app.id('error-summary').textContent(), /还有 6 项/);
  assert.equal(await focusedId(page), 'f-emotion', 'the first problem is focused');

  // Every field is marked and points at its own message.
  for (const target of ALL_AT_ONCE) {
    const el = page.locator(`#${target}`);
    assert.equal(await el.getAttribute('aria-invalid'), 'true', target);
    const described = (await el.getAttribute('aria-describedby')) ?? '';
    const messageId = described.split(' ').find((id) => id.startsWith('err-'));
    assert.ok(messageId, `${target} is described by its error`);
    assert.ok((await page.locator(`#${messageId}`).textContent()).trim().length > 0, `${target} message`);
  }
  assert.equal(await (await fieldError(page, 'signature')).count(), 1);
  await snap(page, 'visit-form-errors', '01-all-problems');
  assert.deepEqual(await app.axeViolations(), [], 'the form with its errors');

  // A summary line moves focus to its field.
  for (const target of ['f-signature', 'q-on_time', 'f-verbatim']) {
    await page.locator(`[data-testid="error-summary-item"][data-target="${target}"]`).click();
    assert.equal(await focusedId(page), target);
    const box = await page.locator(`#${target}`).boundingBox();
    assert.ok(box.y >= 0 && box.y < 768, `${target} is in view (y ${box.y})`);
  }

  // Before the outcome is chosen it is the one problem: it decides what else is asked.
  // Choosing it then lists everything it asks for at once, without another save.
  await app.id('visit-clear').click();
  await expect(async () => (await app.id('error-summary').count()) === 0, 5_000, 'a cleared form shows no problems');
  await expect(async () => (await app.id('place-status').getAttribute('data-state')) === 'fix', 15_000, 'position fix again');
  await app.save();
  await app.id('error-summary').waitFor();
  assert.deepEqual(await summaryTargets(app), ['f-outcome']);
  assert.equal(await focusedId(page), 'f-outcome');
  assert.equal(await app.id('visit-outcome').getAttribute('aria-invalid'), 'true');
  assert.equal(await app.id('visit-outcome').getAttribute('aria-describedby'), 'err-outcome');
  await app.id('visit-outcome').selectOption('reached');
  await expect(async () => (await summaryTargets(app)).join() === ALL_AT_ONCE.join(), 5_000, 'every problem listed');
  assert.deepEqual(errors, []);
  await context.close();
});

test('signing, or fixing any field, clears its error and its summary line at once', async () => {
  const { context, page, app, errors } = await newVisit(SIZES.phone, 'on_site', 'repair', {
    hasTouch: true,
    isMobile: true,
  });
  await app.id('visit-outcome').selectOption('reached');
  await app.save();
  await app.id('error-summary').waitFor();
  assert.deepEqual(await summaryTargets(app), ALL_AT_ONCE);

  await app.sign();
  await expect(async () => (await (await fieldError(page, 'signature')).count()) === 0, 5_000, 'signature error gone');
  assert.equal(await app.id('signature-pad').locator('xpath=..').getAttribute('aria-invalid'), 'false');
  assert.deepEqual(await summaryTargets(app), ALL_AT_ONCE.filter((t) => t !== 'f-signature'));

  await app.id('visit-verbatim').fill('师傅准时,外机不响了');
  await expect(async () => (await (await fieldError(page, 'verbatim')).count()) === 0, 5_000, 'verbatim error gone');
  assert.equal(await app.id('visit-verbatim').getAttribute('aria-invalid'), 'false');
  assert.equal(await app.id('visit-verbatim').getAttribute('aria-describedby'), 'verbatim-hint');

  await app.id('visit-emotion').selectOption('satisfied');
  const fixed = page.locator('[data-testid="survey-question"][data-key="fixed"]');
  await fixed.getByTestId('yes').click();
  assert.equal(await page.locator('[data-testid="survey-error"][data-key="fixed"]').count(), 0);
  assert.deepEqual(await summaryTargets(app), ['q-on_time', 'q-overall']);
  assert.match(await app.id('error-summary').textContent(), /还有 2 项/);

  // A field made wrong again is named again, without a save.
  await app.id('visit-verbatim').fill('  ');
  await expect(async () => (await summaryTargets(app)).includes('f-verbatim'), 5_000, 'verbatim listed again');
  await app.id('visit-verbatim').fill('师傅准时,外机不响了');

  await page.locator('[data-testid="survey-question"][data-key="on_time"]').getByTestId('yes').click();
  await page.locator('[data-testid="survey-question"][data-key="overall"]').getByTestId('stars-5').click();
  await expect(async () => (await app.id('error-summary').count()) === 0, 5_000, 'summary gone once all is fixed');
  await app.save();
  await app.id('toast').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a survey with an overall-score question asks for the rating once, and it is the stored score', async () => {
  const { context, page, app, errors } = await newVisit(SIZES.tabletPortrait, 'phone', 'satisfaction');
  await app.id('visit-outcome').selectOption('reached');
  await app.id('survey').waitFor();
  const overall = page.locator('[data-testid="survey-question"][data-key="overall"]');
  assert.equal(await overall.getByTestId('stars-5').count(), 1, 'the survey asks for the stars');
  assert.equal(await page.locator('#f-satisfaction').count(), 0, 'no separate 1–5 scale');
  assert.equal(await app.id('visit-satisfaction-3').count(), 0);

  // Without an overall question (a complaint visit has no survey) the scale is the rating.
  await app.id('visit-type').selectOption('complaint');
  await app.id('visit-satisfaction-3').waitFor();
  assert.equal(await app.id('survey').count(), 0);
  await app.id('visit-type').selectOption('repair');
  await app.id('survey').waitFor();
  assert.equal(await app.id('visit-satisfaction-3').count(), 0, 'the repair survey has its own stars');
  await app.id('visit-type').selectOption('satisfaction');
  await app.id('survey').waitFor();

  await app.answerSurvey();
  await overall.getByTestId('stars-5').click();
  await app.id('visit-emotion').selectOption('satisfied');
  await app.id('visit-demand').selectOption('none');
  const verbatim = `评分只问一次 ${Date.now()}`;
  await app.id('visit-verbatim').fill(verbatim);
  await app.save();
  await app.id('toast').waitFor();
  await app.openMyVisits();
  const mine = app.myVisitRows().filter({ hasText: verbatim });
  await expect(async () => (await mine.getAttribute('data-status')) === 'synced', 30_000, 'synced');

  const token = await server.login('admin');
  const { json } = await server.api('GET', '/api/visits?limit=100', { token });
  const stored = json.visits.find((v) => v.record.verbatim === verbatim);
  assert.ok(stored, 'the server has the visit');
  assert.equal(stored.record.survey.answers.overall, 5);
  assert.equal(stored.record.satisfaction, 5, 'the stars are the satisfaction score');
  assert.deepEqual(errors, []);
  await context.close();
});

for (const [name, viewport, options] of [
  ['1024x768', SIZES.tabletLandscape, {}],
  ['390x844', SIZES.phone, { hasTouch: true, isMobile: true }],
]) {
  test(`the form with several errors, as a screenshot at ${name}`, async () => {
    const { context, page, app } = await newVisit(viewport, 'on_site', 'repair', options);
    await app.id('visit-outcome').selectOption('reached');
    await app.save();
    await app.id('error-summary').waitFor();
    // The summary's links are tall enough to tap.
    const items = app.id('error-summary-item');
    for (let i = 0; i < (await items.count()); i++) {
      const box = await items.nth(i).boundingBox();
      assert.ok(box.height >= 44, `summary line ${i} is ${box.height}px high`);
    }
    // The screen as the user sees it when they scroll back to the summary.
    await page.evaluate(() => document.querySelector('[data-testid="error-summary"]').scrollIntoView());
    mkdirSync(SCREENS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENS, `visit-form-errors-${name}.png`) });
    await snap(page, 'visit-form-errors', `02-screen-${name}`);
    await context.close();
  });
}
