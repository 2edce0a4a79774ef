// 看板 (issue 12): a supervisor opens the dashboard after visits with known scores were pushed
// and reads the figures the server counted, each chart with its numbers as a table, sortable
// per-agent figures, in Chinese and English; the screen passes axe, and its screenshots at a
// desktop and a tablet size are the ones in docs/screens/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useServerAndBrowser, snap, SIZES } from './harness.mjs';
import { openAs } from './pages.mjs';

const SCREENS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screens');

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

/// Reached phone visits by the field user, one per score, recorded five minutes after contact.
async function pushScoredVisits(scores) {
  const token = await server.login('field');
  const { json: pulled } = await server.api('GET', '/api/sync/pull?since=0', { token });
  const customer = pulled.customers[0].id;
  const at = new Date(server.now().getTime() - 5 * 60_000).toISOString();
  const mutations = scores.map((satisfaction, i) => ({
    seq: i + 1,
    id: randomUUID(),
    kind: 'visit.record',
    at,
    data: {
      customer_id: customer, channel: 'phone', visit_type: 'repair', outcome: 'reached',
      satisfaction, emotion: 'satisfied', verbatim: `看板测试 ${i + 1}`, demand: 'none',
      follow_up: '', contacted_at: at,
    },
  }));
  const { status, json } = await server.api('POST', '/api/sync/push', {
    token,
    body: { device_id: randomUUID(), mutations },
  });
  assert.equal(status, 200);
  assert.deepEqual(json.rejected, []);
}

/// A figure as the dashboard writes it: at most one decimal, `–` for none.
function shown(v, percent = false) {
  if (v === null || v === undefined) return '–';
  const n = Math.round(v * 10) / 10;
  return `${Object.is(n, -0) ? 0 : n}${percent ? '%' : ''}`;
}

test('the supervisor reads the pushed scores on the dashboard, every chart with its table', async () => {
  const token = await server.login('supervisor');
  const read = async () => {
    const { status, json } = await server.api('GET', '/api/dashboard/satisfaction', { token });
    assert.equal(status, 200, JSON.stringify(json));
    return json.current;
  };
  const before = await read();
  await pushScoredVisits([5, 4, 4, 2]);
  const after = await read();
  assert.equal(after.sample, before.sample + 4);
  assert.deepEqual(
    after.distribution.map((n, i) => n - before.distribution[i]),
    [0, 1, 0, 2, 1],
    'one 2, two 4s and one 5 more',
  );

  const sup = await openAs(browser, server, 'supervisor', { viewport: { width: 1366, height: 768 } });
  const { page, app } = sup;
  await app.switchTo('console');
  await app.id('nav-dashboard').click();
  const sat = app.id('dash-satisfaction');
  const figure = (section, id) => section.getByTestId(id).getByTestId('value');
  await figure(sat, 'fig-csat').waitFor({ timeout: 15_000 });
  assert.equal((await figure(sat, 'fig-csat').textContent()).trim(), shown(after.csat, true));
  assert.equal((await figure(sat, 'fig-average').textContent()).trim(), shown(after.average));
  assert.match(await sat.getByTestId('fig-csat').textContent(), new RegExp(`n = ${after.sample}\\b`));

  // The score distribution's table has a row per score with the server's counts.
  const distribution = sat.locator('table', { has: page.locator('caption', { hasText: '评分分布' }) });
  for (const [i, n] of after.distribution.entries()) {
    const row = distribution.locator('tbody tr').nth(i);
    assert.equal((await row.locator('th').textContent()).trim(), String(i + 1));
    assert.equal((await row.locator('td').first().textContent()).trim(), String(n));
  }

  for (const id of ['dash-visits', 'dash-revisits', 'dash-backlog', 'dash-agents']) {
    await app.id(id).locator('[data-testid="dash-loading"]').waitFor({ state: 'detached', timeout: 15_000 });
    assert.equal(await app.id(id).getByTestId('dash-failed').count(), 0, `${id} loaded`);
  }
  // Every chart is an image named like its table's caption, and has that table.
  const charts = page.locator('figure.chart:has(svg[role="img"])');
  assert.ok((await charts.count()) >= 8, 'the sections draw their charts');
  for (const chart of await charts.all()) {
    const name = await chart.locator('svg').getAttribute('aria-label');
    assert.equal((await chart.locator('table caption').textContent()).trim(), name);
    assert.ok((await chart.locator('tbody tr').count()) > 0, `${name} has rows`);
  }

  // The per-agent table lists the field user and sorts by a column on demand.
  const agents = app.id('agent-table');
  await agents.getByTestId('agent-row').first().waitFor();
  const header = agents.locator('thead th').nth(3);
  await header.getByRole('button').click();
  assert.equal(await header.getAttribute('aria-sort'), 'descending');
  await header.getByRole('button').click();
  assert.equal(await header.getAttribute('aria-sort'), 'ascending');

  assert.deepEqual(await app.axeViolations(), [], 'the dashboard');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SCREENS, 'dashboard-1366.png'), fullPage: false });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: path.join(SCREENS, 'dashboard-1024.png'), fullPage: false });
  await page.setViewportSize(SIZES.phone);
  await snap(page, 'dashboard', 'phone-390');

  await app.id('lang-switch').click();
  await sat.getByRole('heading', { name: 'Satisfaction' }).waitFor();
  await sat.locator('caption', { hasText: 'Score distribution' }).waitFor();
  assert.deepEqual(await app.axeViolations(), [], 'the dashboard in English');
  assert.deepEqual(sup.errors, []);
  await sup.context.close();
});

test('a filter narrows satisfaction to one agent', async () => {
  const sup = await openAs(browser, server, 'supervisor', { viewport: SIZES.tabletLandscape });
  const { app } = sup;
  await app.switchTo('console');
  await app.id('nav-dashboard').click();
  const token = await server.login('supervisor');
  const { json: users } = await server.api('GET', '/api/users', { token });
  const field = users.find((u) => u.username === 'field');
  const { json: one } = await server.api('GET', `/api/dashboard/satisfaction?agent=${field.id}`, { token });
  await app.id('dash-filter-agent').selectOption(field.id);
  const value = app.id('dash-satisfaction').getByTestId('fig-average').getByTestId('value');
  await value.filter({ hasText: shown(one.current.average) }).waitFor({ timeout: 15_000 });
  assert.match(
    await app.id('dash-satisfaction').getByTestId('fig-average').textContent(),
    new RegExp(`n = ${one.current.sample}\\b`),
  );
  assert.deepEqual(sup.errors, []);
  await sup.context.close();
});
