// The field visit: tasks, customer file, script, survey widgets, signature, place, drafts,
// and one complete on-site visit done with no network that reaches the server whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, snap, SIZES, DEMO_PASSWORD } from './harness.mjs';
import { openAs } from './pages.mjs';
import { expect } from './expect.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

// People's Square, Shanghai: what the tablet's GPS reports in these tests.
const HERE = { latitude: 31.230416, longitude: 121.473701, accuracy: 15 };

async function fieldApp(viewport = SIZES.tabletLandscape, user = 'field') {
  const opened = await openAs(browser, server, user, {
    viewport,
    geolocation: HERE,
    permissions: ['geolocation'],
  });
  await opened.app.openTasks();
  await expect(async () => (await opened.app.taskCount('today')) > 0, 30_000, 'tasks pulled');
  return opened;
}

async function question(app, key) {
  return app.page.locator(`[data-testid="survey-question"][data-key="${key}"]`);
}

async function assertNoHorizontalOverflow(page, where) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  assert.ok(scroll <= width, `${where}: content is ${scroll}px wide in a ${width}px viewport`);
}

test('survey widgets, the conditional question, the audience switch and draft recovery', async () => {
  const { context, page, app, errors } = await fieldApp();
  await app.waitForCustomers();
  const customerId = await app.id('customer-row').first().getAttribute('data-id');
  await app.id('nav-new-visit').click();
  await app.id('visit-form').waitFor();
  await app.id('visit-customer').selectOption(customerId);
  await app.id('visit-channel').selectOption('phone');
  await app.id('visit-type').selectOption('satisfaction');
  assert.equal((await app.id('place-status').textContent()).trim(), '电话回访');

  // The script speaks to the customer as chosen.
  const text = app.id('script-step-text');
  await app.id('script-audience-standard').click();
  const standard = await text.textContent();
  await app.id('script-audience-elderly').click();
  const elderly = await text.textContent();
  assert.notEqual(standard, elderly, 'the elderly wording differs');
  assert.ok(!standard.includes('{'), `placeholders are filled: ${standard}`);
  await app.id('script-next').click();
  assert.equal(await app.page.locator('[data-testid="script-step"][data-key="opening"]').getAttribute('data-done'), 'true');

  // No survey until the customer is reached.
  assert.equal(await app.id('survey').count(), 0);
  await app.id('visit-outcome').selectOption('reached');
  await app.id('survey').waitFor();

  const overall = await question(app, 'overall');
  await overall.getByTestId('stars-2').click();
  const wrong = await question(app, 'what_went_wrong');
  await wrong.waitFor();
  assert.equal(await app.id('visit-satisfaction-2').count(), 0, 'the stars are the score: no second scale');

  // A missing required answer is named at its question.
  await app.save();
  const err = page.locator('[data-testid="survey-error"][data-key="what_went_wrong"]');
  await err.waitFor();
  assert.match(await err.textContent(), /哪方面让您不满意/);
  await snap(page, 'field-visit', '01-survey-error');

  // At most two of the multiple choice.
  for (const option of ['响应速度', '服务态度', '收费']) {
    await wrong.locator(`[data-testid="choice"][data-value="${option}"]`).click({ force: true });
  }
  assert.equal(await wrong.locator('[data-testid="choice"][aria-pressed="true"]').count(), 2);
  assert.equal(await err.count(), 0, 'answering clears the error');

  // A better score hides the follow-up question again.
  await overall.getByTestId('stars-5').click();
  await expect(async () => (await wrong.count()) === 0, 5_000, 'conditional question hidden');

  const nps = await question(app, 'nps');
  await nps.getByTestId('nps-3').click();
  assert.equal((await nps.getByTestId('nps-group').textContent()).trim(), '贬损者');
  await nps.getByTestId('nps-9').click();
  assert.equal((await nps.getByTestId('nps-group').textContent()).trim(), '推荐者');
  await nps.getByTestId('nps-7').click();
  assert.equal((await nps.getByTestId('nps-group').textContent()).trim(), '中立者');

  const mood = await question(app, 'mood');
  await mood.getByTestId('mood-3').click();
  assert.equal(await mood.getByTestId('mood-3').getAttribute('aria-pressed'), 'true');
  const resolved = await question(app, 'resolved');
  await resolved.getByTestId('no').click();
  await resolved.getByTestId('yes').click();
  assert.equal(await resolved.getByTestId('yes').getAttribute('aria-pressed'), 'true');
  const contact = await question(app, 'contact_by');
  await contact.locator('[data-testid="choice"][data-value="短信"]').click();
  await contact.locator('[data-testid="choice"][data-value="微信"]').click();
  assert.equal(await contact.locator('[data-testid="choice"][aria-pressed="true"]').getAttribute('data-value'), '微信');
  await (await question(app, 'advice')).getByTestId('survey-text').fill('希望上门前电话通知');
  await app.id('visit-verbatim').fill('师傅很耐心,就是来之前没打电话');
  await snap(page, 'field-visit', '02-survey-filled');

  // The draft survives a reload, answers and script ticks included. It is saved a moment after
  // the last change (a timer on the browser's pinned clock): wait for it, not for a set time.
  const draftSaved = () =>
    page.evaluate(() =>
      Object.keys(localStorage).some(
        (k) => k.startsWith('huifang/v1/draft/') && localStorage.getItem(k).includes('师傅很耐心,就是来之前没打电话'),
      ),
    );
  await expect(draftSaved, 10_000, 'draft saved');
  await page.reload();
  await app.id('visit-form').waitFor();
  assert.equal(await app.id('visit-verbatim').inputValue(), '师傅很耐心,就是来之前没打电话');
  // The timer keeps counting from when the visit started, reload or not.
  await expect(async () => !/00:00$/.test((await app.id('visit-timer').textContent()).trim()), 5_000, 'timer running');
  await expect(async () => (await app.id('nps-group').count()) === 1, 5_000, 'survey restored');
  assert.equal((await app.id('nps-group').textContent()).trim(), '中立者');
  assert.equal(await app.id('script-audience-elderly').getAttribute('aria-pressed'), 'true');
  assert.equal(await app.page.locator('[data-testid="script-step"][data-key="opening"]').getAttribute('data-done'), 'true');

  // The drafts list resumes it, and discards only after a confirmation.
  await app.id('nav-drafts').click();
  await app.id('draft-row').first().waitFor();
  assert.equal(await app.id('draft-row').count(), 1);
  await app.id('draft-resume').click();
  await app.id('visit-form').waitFor();
  assert.equal(await app.id('visit-verbatim').inputValue(), '师傅很耐心,就是来之前没打电话');
  await app.id('nav-drafts').click();
  await app.id('draft-discard').click();
  assert.equal(await app.id('draft-row').count(), 1, 'one tap does not discard');
  await app.id('draft-discard').click();
  await expect(async () => (await app.id('draft-row').count()) === 0, 5_000, 'draft discarded');

  assert.deepEqual(errors, []);
  await context.close();
});

test('a complete on-site visit done offline reaches the server with its proof', async () => {
  const { context, page, app, errors } = await fieldApp();
  await app.waitForServiceWorker();
  await app.openTasks();
  const todayBefore = await app.taskCount('today');
  const row = app.id('task-row').first();
  const taskId = await row.getAttribute('data-id');
  // Open the task once online, so its customer file is cached, then lose the network.
  await app.startTask(row);
  await app.id('customer-file-visit').first().waitFor({ state: 'attached', timeout: 15_000 });
  await app.id('nav-tasks').click();

  await server.stop();
  await page.reload();
  await app.openTasks();
  await snap(page, 'field-visit', '03-tasks-offline');
  await app.startTask(app.page.locator(`[data-testid="task-row"][data-id="${taskId}"]`));
  await app.id('file-cached-at').waitFor({ timeout: 30_000 });
  assert.equal(await app.id('visit-channel').inputValue(), 'on_site');
  assert.equal(await app.id('visit-type').inputValue(), 'repair');
  await expect(async () => (await app.id('place-status').getAttribute('data-state')) === 'fix', 15_000, 'position fix');
  assert.equal((await app.id('place-status').textContent()).trim(), '位置: 31.2304, 121.4737 (±15 m)');

  // Script: every step said, one tap each.
  const steps = await app.id('script-step').count();
  for (let i = 0; i < steps; i++) await app.id('script-next').click();
  assert.equal(await app.page.locator('[data-testid="script-step"][data-done="true"]').count(), steps);

  await app.id('visit-outcome').selectOption('reached');
  await app.answerSurvey();
  await app.id('visit-emotion').selectOption('satisfied');
  await app.id('visit-demand').selectOption('none');
  const verbatim = `外机不响了,减震垫装得很牢 ${Date.now()}`;
  await app.id('visit-verbatim').fill(verbatim);

  // No signature, no save.
  await app.save();
  await page.locator('[data-testid="visit-error"][data-field="signature"]').waitFor();
  await app.sign();
  await app.id('contact-finished').click();
  await snap(page, 'field-visit', '04-on-site-form');
  await app.save();
  await app.id('toast').waitFor();

  await app.openTasks();
  assert.equal(await app.taskCount('today'), todayBefore - 1, 'the task leaves the list at once');
  assert.equal(await app.page.locator(`[data-testid="task-row"][data-id="${taskId}"]`).count(), 0);
  await page.reload();
  await app.openMyVisits();
  const mine = app.myVisitRows().filter({ hasText: verbatim });
  await expect(async () => (await mine.getAttribute('data-status')) === 'queued', 10_000, 'queued after reload');
  assert.ok(Number(await mine.getByTestId('signature-view').getAttribute('data-strokes')) >= 2, 'strokes shown back');
  await snap(page, 'field-visit', '05-record-with-signature');

  await server.start();
  await app.id('sync-now').click();
  await expect(async () => (await mine.getAttribute('data-status')) === 'synced', 60_000, 'synced');

  const token = await server.login('admin');
  const { json } = await server.api('GET', '/api/visits?limit=100', { token });
  const stored = json.visits.find((v) => v.record.verbatim === verbatim);
  assert.ok(stored, 'the server has the visit');
  const r = stored.record;
  assert.equal(r.task_id, taskId);
  assert.equal(r.channel, 'on_site');
  assert.ok(r.signature.strokes.length >= 2 && r.signature.width === 1000);
  assert.deepEqual(
    { status: r.place.status, lat: r.place.lat_e6, lon: r.place.lon_e6, acc: r.place.accuracy_m },
    { status: 'fix', lat: 31230416, lon: 121473701, acc: 15 },
  );
  assert.equal(r.script.steps_done.length, steps);
  assert.ok(Object.keys(r.survey.answers).length >= 3, JSON.stringify(r.survey));
  assert.ok(r.duration_secs >= 1, `the visit timer ran: ${r.duration_secs}`);

  // The next pull confirms: the task stays gone.
  await app.id('sync-now').click();
  await app.waitForSyncState('online');
  await app.openTasks();
  assert.equal(await app.page.locator(`[data-testid="task-row"][data-id="${taskId}"]`).count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('escalations reach the supervisors, who can also plan a visit', async () => {
  const { context, page, app } = await fieldApp(SIZES.tabletLandscape, 'agent');
  const row = app.id('task-row').first();
  await app.startTask(row);

  // The full number is shown for this screen only, never kept on the device.
  await app.id('reveal-contact').click();
  const number = (await app.id('revealed-contact').textContent()).trim();
  assert.match(number, /^1\d{10}$/);
  const kept = await page.evaluate(() => Object.keys(localStorage).map((k) => localStorage.getItem(k)).join('\n'));
  assert.ok(!kept.includes(number), 'the revealed number is not stored');

  await app.id('visit-outcome').selectOption('reached');
  await app.answerSurvey();
  await app.rate(1);
  await app.id('visit-emotion').selectOption('angry');
  await app.id('visit-demand').selectOption('compensation');
  await app.id('visit-verbatim').fill('第三次了还没修好,我要投诉到底');
  await app.id('visit-escalate').check();
  await app.save();
  await app.openMyVisits();
  const mine = app.myVisitRows().filter({ hasText: '第三次了还没修好' });
  await mine.getByTestId('escalated-badge').waitFor();
  await expect(async () => (await mine.getAttribute('data-status')) === 'synced', 30_000, 'synced at once');

  // No answer: the toast says when the server will schedule the second attempt.
  await app.openTasks();
  await app.startTask(app.id('task-row').first());
  await app.id('visit-outcome').selectOption('call_back');
  await app.id('visit-call-back-at').waitFor();
  await app.id('visit-outcome').selectOption('no_answer');
  await app.save();
  await expect(async () => /第 2 次回访/.test(await app.id('toast').textContent()), 5_000, 'next attempt in the toast');
  await app.logout();

  await app.login('supervisor', DEMO_PASSWORD);
  await app.go('admin');
  await app.id('escalation-row').filter({ hasText: '第三次了还没修好' }).waitFor({ timeout: 15_000 });

  await app.waitForCustomers();
  await app.go('plan');
  await app.id('plans-plan-one').click();
  await app.id('plan-assignee').locator('option').nth(1).waitFor({ state: 'attached' });
  await app.id('plan-customer').selectOption({ index: 1 });
  await app.id('plan-assignee').selectOption({ index: 1 });
  await app.id('plan-type').selectOption('complaint');
  await app.id('plan-channel').selectOption('phone');
  await app.id('plan-note').fill('复查投诉处理结果');
  await app.id('plan-submit').click();
  await app.id('plan-done').waitFor();
  await snap(page, 'field-visit', '06-plan-done');
  await context.close();
});

for (const [sizeName, viewport] of Object.entries(SIZES)) {
  test(`field screens fit and pass axe at ${sizeName} (${viewport.width}x${viewport.height})`, async () => {
    const { context, page, app } = await fieldApp(viewport);
    const name = `field-${sizeName}`;
    await assertNoHorizontalOverflow(page, 'tasks');
    await snap(page, name, '01-tasks');
    if (sizeName === 'tabletLandscape') assert.deepEqual(await app.axeViolations(), [], 'tasks list');

    // An on-site visit from the customer list, so no task of the other tests is used up.
    await app.waitForCustomers();
    await app.id('customer-row').first().click();
    await app.id('visit-form').waitFor();
    await app.id('customer-file').waitFor();
    await app.id('visit-channel').selectOption('on_site');
    await app.id('visit-type').selectOption('satisfaction');
    await app.id('visit-outcome').selectOption('reached');
    await app.id('survey').waitFor();
    await app.answerSurvey();
    await app.id('visit-emotion').selectOption('satisfied');
    await app.id('visit-demand').selectOption('none');
    await app.id('visit-verbatim').fill(`${sizeName}:服务很好`);
    await app.sign();
    const aside = await app.id('script-stepper').boundingBox();
    const form = await app.id('visit-form').boundingBox();
    if (sizeName === 'tabletLandscape') {
      assert.ok(aside.x + aside.width <= form.x, 'the script sits beside the form');
    } else {
      assert.ok(aside.y + aside.height <= form.y, 'the script sits above the form');
    }
    await assertNoHorizontalOverflow(page, 'visit form');
    await page.evaluate(() => window.scrollTo(0, 0));
    await snap(page, name, '02-visit-form');
    if (sizeName === 'tabletLandscape') assert.deepEqual(await app.axeViolations(), [], 'visit form');

    await expect(async () => (await app.id('place-status').getAttribute('data-state')) === 'fix', 15_000, 'position fix');
    await app.save();
    await app.id('toast').waitFor();
    await app.openMyVisits();
    const mine = app.myVisitRows().filter({ hasText: `${sizeName}:服务很好` });
    await mine.getByTestId('signature-view').waitFor();
    await assertNoHorizontalOverflow(page, 'my visits');
    await snap(page, name, '03-record-with-signature');
    await context.close();
  });
}
