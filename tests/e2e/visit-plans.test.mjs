// 回访计划: a supervisor filters everyone's tasks, reassigns one and cancels another (the
// server holds what the screen did), plans class A in bulk under a daily cap (the preview,
// then the created tasks), and the screen passes axe and fits each size.
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

async function plans(viewport = SIZES.tabletLandscape) {
  const opened = await openAs(browser, server, 'supervisor', { viewport });
  await opened.app.waitForSyncState('online');
  await opened.app.go('plan');
  await opened.app.id('plans-task-list').waitFor();
  return opened;
}

async function users(token) {
  const { json } = await server.api('GET', '/api/users', { token });
  return Object.fromEntries(json.map((u) => [u.username, u.id]));
}

async function task(token, id) {
  const { json } = await server.api('GET', '/api/tasks?limit=200', { token });
  return json.tasks.find((t) => t.id === id);
}

test('a supervisor filters, reassigns and cancels tasks, then plans class A in bulk', async () => {
  const { context, page, app, errors } = await plans();
  const token = await server.login('supervisor');
  const ids = await users(token);

  // The field worker's open tasks only.
  await app.id('filter-assignee').locator(`option[value="${ids.field}"]`).waitFor({ state: 'attached' });
  await app.id('filter-assignee').selectOption(ids.field);
  await app.id('filter-apply').click();
  // The rows' ids are read in one go: the list re-renders when the filtered page arrives, and
  // a row read one by one may be gone by the time it is asked for its id.
  await expect(async () => {
    const shown = await app.id('plans-task').evaluateAll((rows) => rows.map((r) => r.dataset.task));
    if (shown.length === 0) return false;
    for (const id of shown) {
      const t = await task(token, id);
      if (!t || t.assignee !== ids.field || t.status !== 'open') return false;
    }
    return true;
  }, 15_000, 'only the field worker\'s open tasks');
  await snap(page, 'visit-plans', '01-filtered');

  // Reassign the first to the agent.
  const first = app.id('plans-task').first();
  const moved = await first.getAttribute('data-task');
  await first.getByTestId('task-change').click();
  await first.getByTestId('task-reassign').selectOption(ids.agent);
  await first.getByTestId('task-save').click();
  await expect(async () => (await task(token, moved)).assignee === ids.agent, 15_000, 'reassigned on the server');
  await page.locator(`[data-task="${moved}"]`).waitFor({ state: 'detached' });

  // Cancel the next with a reason.
  const second = app.id('plans-task').first();
  const cancelled = await second.getAttribute('data-task');
  await second.getByTestId('task-change').click();
  await second.getByTestId('task-cancel-reason').fill('客户已搬走');
  await snap(page, 'visit-plans', '02-change-open');
  await second.getByTestId('task-cancel').click();
  await expect(async () => (await task(token, cancelled)).status === 'cancelled', 15_000, 'cancelled on the server');

  // Bulk: class A, the field worker and the agent, two a day each for three days.
  await app.id('bulk-class-A').check();
  await page.locator(`[data-testid="bulk-staff"][data-user="field"]`).check();
  await page.locator(`[data-testid="bulk-staff"][data-user="agent"]`).check();
  await app.id('bulk-days').fill('3');
  await app.id('bulk-cap').fill('2');
  await app.id('bulk-preview').click();
  await app.id('bulk-outcome').waitFor();
  const planned = Number(await app.id('bulk-planned').textContent());
  assert.ok(planned > 0 && planned <= 12, `planned ${planned} under a cap of 2 for 2 people and 3 days`);
  await snap(page, 'visit-plans', '03-preview');
  const before = (await server.api('GET', '/api/tasks?limit=200&status=open&class=A', { token })).json.tasks.length;
  await app.id('bulk-create').click();
  await app.id('bulk-message').waitFor();
  await expect(async () => {
    const after = (await server.api('GET', '/api/tasks?limit=200&status=open&class=A', { token })).json.tasks.length;
    return after === before + planned;
  }, 15_000, 'the previewed tasks created');
  assert.equal(await app.id('bulk-create').isDisabled(), true, 'created once: create is off until the next preview');
  await snap(page, 'visit-plans', '04-created');

  assert.deepEqual(await app.axeViolations(), [], 'visit plans');
  assert.deepEqual(errors, []);
  await context.close();
});

for (const [sizeName, viewport] of Object.entries(SIZES)) {
  test(`the visit plans screen fits at ${sizeName} (${viewport.width}x${viewport.height})`, async () => {
    const { context, page } = await plans(viewport);
    await page.getByTestId('recurring-policy').waitFor();
    const { scroll, width } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      width: window.innerWidth,
    }));
    assert.ok(scroll <= width, `content is ${scroll}px wide in a ${width}px viewport`);
    await snap(page, 'visit-plans', `sizes-${sizeName}`);
    await context.close();
  });
}
