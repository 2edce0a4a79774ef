// 问卷编辑: an admin builds a survey in the console (a rating, a single choice, and a text asked
// only when the rating is low), watches the preview ask and drop the text as the rating
// changes, publishes it, and has a broken definition refused with the question named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, snap, SIZES } from './harness.mjs';
import { openAs } from './pages.mjs';
import { expect } from './expect.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const DESKTOP = { width: 1366, height: 768 };

class Editor {
  constructor(page) {
    this.page = page;
  }

  id(testid) {
    return this.page.getByTestId(testid);
  }

  async openNew() {
    await this.page.goto(`${server.url}/console/catalog/surveys/new`);
    await this.id('se-title').waitFor({ timeout: 30_000 });
  }

  question(key) {
    return this.page.locator(`[data-testid="se-question"][data-key="${key}"]`);
  }

  previewQuestion(key) {
    return this.id('se-preview').locator(`[data-testid="survey-question"][data-key="${key}"]`);
  }

  /// Adds a question of `kind` with `prompt`; returns its key.
  async add(kind, prompt) {
    const before = await this.id('se-question').count();
    await this.id('se-add-kind').selectOption(kind);
    await this.id('se-add-question').click();
    const card = this.id('se-question').nth(before);
    await card.getByTestId('se-q-prompt').fill(prompt);
    return card.getAttribute('data-key');
  }

  async options(key, options) {
    const card = this.question(key);
    for (const [i, option] of options.entries()) {
      await card.getByTestId('se-add-option').click();
      await card.getByTestId('se-option').nth(i).fill(option);
    }
  }

  async versions() {
    return this.page.locator('[data-testid="se-version"]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.version)));
  }
}

async function assertNoHorizontalOverflow(page, where) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  assert.ok(scroll <= width, `${where}: content is ${scroll}px wide in a ${width}px viewport`);
}

test('an admin builds a survey whose preview behaves like the device, publishes it, and a broken one is refused naming the question', async () => {
  const { page, app, errors } = await openAs(browser, server, 'admin', { viewport: DESKTOP });
  const ed = new Editor(page);
  await ed.openNew();

  await ed.id('se-title').fill('活动回访满意度');
  await ed.id('se-visit-type').selectOption('event');
  const rating = await ed.add('stars', '您对本次活动的整体评价?');
  await ed.question(rating).getByTestId('se-q-required').check();
  const channel = await ed.add('single', '您是从哪里知道本次活动的?');
  await ed.options(channel, ['短信', '门店', '朋友介绍']);
  const why = await ed.add('text', '哪方面没有做好?');
  const cond = ed.question(why);
  // The condition offers only earlier questions that can be tested (a text cannot).
  const offered = await cond.getByTestId('se-cond-question').locator('option').evaluateAll((o) => o.map((x) => x.value));
  assert.deepEqual(offered, ['', rating, channel]);
  await cond.getByTestId('se-cond-question').selectOption(rating);
  const tests = await cond.getByTestId('se-cond-test').locator('option').evaluateAll((o) => o.map((x) => x.value));
  assert.deepEqual(tests, ['at_most', 'at_least']);
  await cond.getByTestId('se-cond-test').selectOption('at_most');
  await cond.getByTestId('se-cond-value').selectOption('2');
  await assertNoHorizontalOverflow(page, 'editor 1366');
  await snap(page, 'survey-editor', '01-built-1366');

  // The preview asks the text only while the rating is low, as the device would.
  const preview = ed.id('se-preview');
  await ed.previewQuestion(rating).waitFor();
  assert.equal(await ed.previewQuestion(why).count(), 0);
  await ed.previewQuestion(rating).getByTestId('stars-1').click();
  await ed.previewQuestion(why).waitFor();
  await ed.previewQuestion(rating).getByTestId('stars-4').click();
  await expect(async () => (await ed.previewQuestion(why).count()) === 0, 5_000, 'the text question hidden again');
  // Checked as on save: the required rating is named once it is cleared.
  await preview.getByTestId('se-preview-clear').click();
  await preview.getByTestId('se-preview-check').click();
  await preview.locator(`[data-testid="survey-error"][data-key="${rating}"]`).waitFor();
  await ed.previewQuestion(rating).getByTestId('stars-2').click();
  await ed.previewQuestion(why).getByTestId('survey-text').fill('排队太久');
  await preview.getByTestId('se-preview-ok').waitFor();

  assert.deepEqual(await app.axeViolations(), [], 'survey editor');

  await ed.id('se-publish').click();
  // The first save named the survey in the address; the page opens it from the server.
  await page.waitForURL(/\/console\/catalog\/surveys\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  await expect(async () => (await ed.versions()).join() === '1', 30_000, 'version 1 listed');
  const id = page.url().split('/').pop();
  const token = await server.login('admin');
  const stored = await server.api('GET', `/api/catalog/surveys/${id}`, { token });
  assert.equal(stored.status, 200);
  assert.deepEqual(stored.json.published.questions.map((q) => q.key), [rating, channel, why]);
  assert.deepEqual(stored.json.published.questions[2].show_if, { question: rating, at_most: 2 });
  await snap(page, 'survey-editor', '02-published-1366');

  // A choice without options and a condition on a later question: refused, each named.
  await ed.id('se-title').waitFor();
  const broken = await ed.add('single', '还有什么想说的?');
  // Moved above the rating it tests, the text's condition no longer looks back.
  await ed.question(why).getByTestId('se-q-up').click();
  await ed.question(why).getByTestId('se-q-up').click();
  await ed.question(why).getByTestId('se-cond-broken').waitFor();
  await ed.id('se-publish').click();
  const problems = ed.id('se-problems');
  await problems.waitFor({ timeout: 30_000 });
  const fields = await problems.getByTestId('se-problem').evaluateAll((rows) => rows.map((r) => r.dataset.field));
  assert.deepEqual(fields, [`questions[${why}].show_if`, `questions[${broken}].options`]);
  assert.match(await problems.textContent(), /第 4 题「还有什么想说的\?」 · 选项/);
  assert.equal(await ed.question(why).getAttribute('data-flagged'), 'true');
  assert.equal(await ed.question(broken).getAttribute('data-flagged'), 'true');
  assert.equal(await ed.question(channel).getAttribute('data-flagged'), 'false');
  // The server kept version 1 and holds the broken text as the draft only.
  const after = await server.api('GET', `/api/catalog/surveys/${id}`, { token });
  assert.deepEqual(after.json.versions.map((v) => v.version), [1]);
  const refused = await server.api('POST', `/api/catalog/surveys/${id}/publish`, { token, body: { draft_rev: after.json.draft_rev } });
  assert.equal(refused.status, 422);
  assert.ok(refused.json.problems.some((p) => p.path === `questions[${broken}].options`), JSON.stringify(refused.json));
  assert.deepEqual(await ed.versions(), [1]);
  assert.deepEqual(await app.axeViolations(), [], 'survey editor with problems');
  await snap(page, 'survey-editor', '03-refused-1366');

  for (const [name, viewport] of [['1024', SIZES.tabletLandscape], ['768', SIZES.tabletPortrait], ['390', SIZES.phone]]) {
    await page.setViewportSize(viewport);
    await assertNoHorizontalOverflow(page, `editor ${name}`);
    await snap(page, 'survey-editor', `04-refused-${name}`);
  }
  assert.deepEqual(errors, []);
});
