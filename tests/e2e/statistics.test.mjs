// 反馈分类统计表: a supervisor reads the period's counts and shares, follows a count to exactly
// its tickets, and sees the red risk banner after a burst of reports of one sub-problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIZES, useServerAndBrowser } from './harness.mjs';
import { openAs } from './pages.mjs';

const SCREENS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screens');

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

/// Tickets of `subProblem` reported now by the agent, through the push; their ids.
async function pushTickets(nature, subProblem, count) {
  const token = await server.login('agent');
  const mutations = Array.from({ length: count }, (_, i) => ({
    seq: i + 1,
    id: randomUUID(),
    kind: 'ticket.create',
    at: server.now().toISOString(),
    data: {
      reporter: '王女士', contact: '13900002222', channel: 'hotline', nature, sub_problem: subProblem,
      description: `第 ${i + 1} 次:打 13912345678 没人接`, demand: 'improvement',
      personal_injury: false, property_loss: false,
    },
  }));
  const { status, json } = await server.api('POST', '/api/sync/push', {
    token,
    body: { device_id: randomUUID(), mutations },
  });
  assert.equal(status, 200, JSON.stringify(json));
  assert.deepEqual(json.rejected, []);
  return mutations.map((m) => m.id);
}

async function stats(token) {
  const { status, json } = await server.api('GET', '/api/stats/feedback?period=month', { token });
  assert.equal(status, 200);
  return json;
}

const countOf = (s, sub) => s.rows.find((r) => r.sub_problem === sub)?.count ?? 0;

test('the statistics table shows the period, drills down to its tickets and warns of a spike', async () => {
  const token = await server.login('supervisor');
  const before = await stats(token);
  const shirking = await pushTickets('service', 'shirking', 3);
  await pushTickets('product', 'design', 5);
  const after = await stats(token);
  assert.equal(countOf(after, 'shirking'), countOf(before, 'shirking') + 3);
  assert.equal(countOf(after, 'design'), countOf(before, 'design') + 5);
  assert.equal(after.total, before.total + 8);

  const { page, app, errors, context } = await openAs(browser, server, 'supervisor');
  await app.go('stats');
  const table = app.id('stats-table');
  await table.waitFor({ timeout: 30_000 });
  const row = (sub) => page.locator(`[data-testid="stats-row"][data-sub-problem="${sub}"]`);
  for (const r of after.rows) {
    assert.equal((await row(r.sub_problem).getByTestId('stats-count').textContent()).trim(), String(r.count));
    assert.equal((await row(r.sub_problem).getByTestId('stats-share').textContent()).trim(), `${r.share.toFixed(1)}%`);
  }
  assert.equal((await app.id('stats-total-count').textContent()).trim(), String(after.total));
  assert.equal(await app.id('stats-row').count(), after.rows.length);
  assert.match(await row('shirking').textContent(), /139\*\*\*\*5678/, 'the quote masks the phone');
  assert.doesNotMatch(await table.textContent(), /13912345678/);

  const banner = app.id('risk-banner');
  await banner.waitFor();
  const spike = banner.locator('[data-testid="risk-item"][data-sub-problem="design"]');
  assert.equal(await spike.count(), 1, await banner.textContent());

  // Sorting by sub-problem, then back by count, largest first.
  await app.id('stats-sort-sub_problem').click();
  const subs = await app.id('stats-row').evaluateAll((rows) => rows.map((r) => r.dataset.subProblem));
  assert.deepEqual(subs, [...subs].sort());
  await app.id('stats-sort-count').click();

  assert.deepEqual(await app.axeViolations(), []);
  mkdirSync(SCREENS, { recursive: true });
  for (const [name, viewport] of [['1366x768', { width: 1366, height: 768 }], ['1024x768', SIZES.tabletLandscape], ['390x844', SIZES.phone]]) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: path.join(SCREENS, `statistics-${name}.png`), fullPage: true });
  }
  await page.setViewportSize(SIZES.tabletLandscape);

  await row('shirking').getByTestId('stats-count').click();
  await page.waitForURL((url) => url.pathname === '/console/tickets' && url.searchParams.get('sub_problem') === 'shirking');
  await app.id('ticket-drill-chip').waitFor();
  const { json: drilled } = await server.api('GET', '/api/tickets?sub_problem=shirking&period=month&limit=100', { token });
  const listed = page.locator('[data-testid="tickets-online"] [data-testid="ticket-row"]');
  await listed.nth(drilled.tickets.length - 1).waitFor();
  const ids = await listed.evaluateAll((rows) => rows.map((r) => r.dataset.id));
  assert.deepEqual(ids.sort(), drilled.tickets.map((t) => t.ticket.id).sort());
  for (const id of shirking) assert.ok(ids.includes(id), id);
  assert.equal(ids.length, countOf(after, 'shirking'), 'as many tickets as the count said');
  await page.screenshot({ path: path.join(SCREENS, 'statistics-drill-down-1024x768.png'), fullPage: true });

  await app.id('ticket-drill-remove').click();
  await app.id('ticket-drill-chip').waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await context.close();
});
