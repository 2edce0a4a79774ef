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

/// The codes the server stores for the demo rule set: none may be shown to the admin.
async function storedCodes() {
  const token = await server.login('admin');
  const get = async (name) => (await server.api('GET', `/api/settings/${name}`, { token })).json;
  const grading = await get('grading');
  const routing = await get('routing');
  const sla = await get('sla');
  const revisit = await get('revisit');
  const codes = new Set([
    ...grading.rules.map((r) => r.key),
    ...Object.keys(routing.by_nature),
    ...Object.values(routing.by_nature),
    ...Object.keys(routing.by_sub_problem),
    ...Object.values(routing.by_sub_problem),
    ...sla.rules.flatMap((r) => [r.kind, r.timing, r.impact, r.priority]).filter(Boolean),
    ...Object.keys(revisit.percent_by_type),
    'complicated_process',
  ]);
  for (const known of ['injury_or_loss', 'repeated_5_in_7_days', 'quality', 'operations', 'supply_chain']) {
    assert.ok(codes.has(known), `the demo rules use ${known}`);
  }
  return [...codes];
}

/// Codes found as whole words (case-sensitive: "Quality / product" is a name, "quality" a code).
function codesIn(text, codes) {
  return codes.filter((c) => new RegExp(`(^|[^A-Za-z0-9_])${c}($|[^A-Za-z0-9_])`).test(text));
}

test('the rules screen names every rule, department and choice; no code is shown or typed', async () => {
  const admin = await device('admin');
  const { page, rules } = admin;
  await rules.open();
  await rules.waitForAllCards();
  const codes = await storedCodes();

  const zh = await rules.readableText();
  assert.deepEqual(codesIn(zh, codes), [], 'codes on the Chinese screen');
  for (const name of ['人身伤害或财产损失', '同一问题多次反映', '质量/产品部', '运营部', '供应链']) {
    assert.ok(zh.includes(name), `${name} is shown`);
  }
  // Nothing on the screen is a free-text department: every routing row is a picker.
  const routingCard = rules.card('routing');
  assert.equal(await routingCard.locator('input').count(), 0, 'no typed departments');
  assert.equal(await routingCard.locator('select').count(), 3 + 9);
  assert.equal(
    await rules.routing('nature', 'service').locator('option:checked').textContent(),
    '运营部',
  );
  assert.equal(
    await rules.routing('sub', 'logistics_delay').locator('option:checked').textContent(),
    '供应链',
  );

  // English: the same screen, with names only. English prose may use a plain word such as
  // "service", so only the multi-word codes and the departments are looked for.
  await admin.app.id('lang-switch').click();
  await page.getByTestId('grading-name').filter({ hasText: 'Injury or property loss' }).waitFor();
  const en = await rules.readableText();
  const enCodes = codes.filter((c) => c.includes('_') || ['quality', 'operations'].includes(c));
  assert.deepEqual(codesIn(en, enCodes), [], 'codes on the English screen');
  assert.ok(en.includes('Operations'));
  assert.deepEqual(admin.errors, []);
  await admin.context.close();
});

test('an admin reroutes through the pickers; new tickets go to the picked departments', async () => {
  const admin = await device('admin');
  const { page, rules } = admin;
  await rules.open();
  await rules.waitForAllCards();

  // Experience problems to quality; damaged packaging keeps supply chain; logistics delays
  // follow their nature; complicated processes to supply chain.
  await rules.routing('nature', 'experience').selectOption({ label: '质量/产品部' });
  await rules.routing('sub', 'logistics_delay').selectOption({ label: '按性质分派' });
  await rules.routing('sub', 'complicated_process').selectOption({ label: '供应链' });
  await rules.save('routing');
  await admin.app.id('toast').waitFor();
  assert.equal(await rules.error('routing').count(), 0);

  const token = await server.login('admin');
  await expect(async () => {
    const { json } = await server.api('GET', '/api/settings/routing', { token });
    return json.by_nature.experience === 'quality' && json.by_sub_problem.complicated_process === 'supply_chain';
  }, 10_000, 'routing stored');
  const { json: stored } = await server.api('GET', '/api/settings/routing', { token });
  assert.equal(stored.by_sub_problem.logistics_delay, undefined, 'the sub-problem follows its nature');

  const agent = await server.login('agent');
  const deviceId = randomUUID();
  const delayed = await reportTicket(agent, deviceId, 1, 'logistics_delay');
  const complicated = await reportTicket(agent, deviceId, 2, 'complicated_process');
  assert.equal((await serverTicket(delayed)).department, 'quality');
  assert.equal((await serverTicket(complicated)).department, 'supply_chain');

  // After a reload the pickers show what the server stored, by name.
  await page.reload();
  await rules.waitForAllCards();
  assert.equal(
    await rules.routing('nature', 'experience').locator('option:checked').textContent(),
    '质量/产品部',
  );
  assert.equal(await rules.routing('sub', 'logistics_delay').inputValue(), '');
  assert.deepEqual(admin.errors, []);
  await admin.context.close();
});

test('a supervisor has no rules screen', async () => {
  const sup = await device('supervisor');
  await sup.app.id('nav-tickets').waitFor();
  assert.equal(await sup.app.id('nav-rules').count(), 0);
  await sup.page.goto(`${server.url}/console/rules`);
  await sup.app.id('rules-page').waitFor();
  assert.equal(await sup.page.locator('[data-testid="rules-card"]').count(), 0);
  await sup.context.close();
});
