// 规则设置: an admin edits the ticket rules on the screen and new tickets follow them; other
// roles do not see the screen; a value the server refuses shows the server's message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { useServerAndBrowser, snap, SIZES } from './harness.mjs';
import { openAs, Rules } from './pages.mjs';
import { expect } from './expect.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const REPEATED = 'repeated_5_in_7_days';

async function device(user, viewport = SIZES.tabletLandscape) {
  const opened = await openAs(browser, server, user, { viewport });
  await opened.app.waitForSyncState('online');
  return { ...opened, rules: new Rules(opened.app) };
}

async function assertNoHorizontalOverflow(page, where) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  assert.ok(scroll <= width, `${where}: content is ${scroll}px wide in a ${width}px viewport`);
}

/// A hotline report pushed straight to the server, as an agent's device would.
async function reportTicket(token, deviceId, seq, subProblem) {
  const id = randomUUID();
  const { status, json } = await server.api('POST', '/api/sync/push', {
    token,
    body: {
      device_id: deviceId,
      mutations: [
        {
          seq,
          id,
          kind: 'ticket.create',
          at: server.now().toISOString(),
          data: {
            reporter: '李先生',
            contact: '13800001111',
            channel: 'hotline',
            nature: 'experience',
            sub_problem: subProblem,
            description: `流程太复杂 ${seq}`,
            emotion: null,
            demand: 'improvement',
          },
        },
      ],
    },
  });
  assert.equal(status, 200, JSON.stringify(json));
  assert.deepEqual(json.rejected, [], JSON.stringify(json.rejected));
  return id;
}

async function serverTicket(id) {
  const token = await server.login('supervisor');
  const { status, json } = await server.api('GET', `/api/tickets/${id}`, { token });
  assert.equal(status, 200);
  return json.ticket;
}

test('an admin lowers the repeat threshold to 2 in 7 days; the second report is graded important', async () => {
  const admin = await device('admin');
  const { page, rules } = admin;
  await rules.open();
  await snap(page, 'rules', '01-rules-tablet');

  const { min, days } = rules.repeated(REPEATED);
  assert.equal(await min.inputValue(), '5');
  assert.equal(await days.inputValue(), '7');
  await min.fill('2');
  await rules.save('grading');
  await admin.app.id('toast').waitFor();
  assert.equal(await rules.error('grading').count(), 0);
  await snap(page, 'rules', '02-grading-saved');

  // The server stores the new threshold.
  const adminToken = await server.login('admin');
  const stored = await server.api('GET', '/api/settings/grading', { token: adminToken });
  const rule = stored.json.rules.find((r) => r.key === REPEATED);
  assert.deepEqual(rule.when, { repeated: { min: 2, days: 7 } });

  // Two reports of the same sub-problem: the second reaches the threshold.
  const agent = await server.login('agent');
  const deviceId = randomUUID();
  await reportTicket(agent, deviceId, 1, 'complicated_process');
  const second = await reportTicket(agent, deviceId, 2, 'complicated_process');
  const ticket = await serverTicket(second);
  assert.equal(ticket.grade.impact, 'important');
  assert.ok(ticket.grade.fired.includes(REPEATED), JSON.stringify(ticket.grade));

  // The screen shows what the server stored after a reload.
  await page.reload();
  await rules.card('grading').getByTestId('rules-save').waitFor({ timeout: 30_000 });
  assert.equal(await rules.repeated(REPEATED).min.inputValue(), '2');
  assert.deepEqual(admin.errors, []);
  await admin.context.close();
});

test('a value the server refuses shows its message on the card; nothing is stored', async () => {
  const admin = await device('admin');
  const { page, rules } = admin;
  await rules.open();
  await rules.repeated(REPEATED).days.fill('0');
  await rules.save('grading');
  const error = rules.error('grading');
  await error.waitFor();
  const text = await error.textContent();
  assert.match(text, /365/, text);
  await error.scrollIntoViewIfNeeded();
  await snap(page, 'rules', '03-grading-refused');

  const token = await server.login('admin');
  const stored = await server.api('GET', '/api/settings/grading', { token });
  const rule = stored.json.rules.find((r) => r.key === REPEATED);
  assert.equal(rule.when.repeated.days, 7);

  // Fixing it clears the error.
  await rules.repeated(REPEATED).days.fill('7');
  await rules.save('grading');
  await admin.app.id('toast').waitFor();
  await expect(async () => (await error.count()) === 0, 10_000, 'error cleared');
  await admin.context.close();
});

test('the other rule sets load and save; the calendar takes holidays', async () => {
  const admin = await device('admin');
  const { page, rules } = admin;
  await rules.open();
  for (const name of ['grading', 'sla', 'calendar', 'routing', 'revisit']) {
    await rules.card(name).getByTestId('rules-save').waitFor();
  }
  await page.locator('[data-testid="revisit-percent"][data-type="repair"]').fill('40');
  await rules.save('revisit');
  await expect(async () => {
    const token = await server.login('admin');
    const { json } = await server.api('GET', '/api/settings/revisit', { token });
    return json.percent_by_type.repair === 40;
  }, 10_000, 'revisit target stored');

  const cal = rules.card('calendar');
  await cal.locator('[data-testid="calendar-date-input"][data-list="holidays"]').fill('2027-01-01');
  await cal.locator('[data-testid="calendar-date-add"][data-list="holidays"]').click();
  await cal.locator('[data-testid="calendar-date"][data-date="2027-01-01"]').waitFor();
  await rules.save('calendar');
  await expect(async () => {
    const token = await server.login('admin');
    const { json } = await server.api('GET', '/api/settings/calendar', { token });
    return json.holidays.includes('2027-01-01');
  }, 10_000, 'holiday stored');

  await page.setViewportSize(SIZES.phone);
  await assertNoHorizontalOverflow(page, 'rules on a phone');
  await snap(page, 'rules', '04-rules-phone');
  assert.deepEqual(admin.errors, []);
  await admin.context.close();
});

test('a supervisor has no rules screen', async () => {
  const sup = await device('supervisor');
  await sup.app.id('nav-tickets').waitFor();
  assert.equal(await sup.app.id('nav-rules').count(), 0);
  await sup.page.goto(`${server.url}/rules`);
  await sup.app.id('rules-page').waitFor();
  assert.equal(await sup.page.locator('[data-testid="rules-card"]').count(), 0);
  await sup.context.close();
});
