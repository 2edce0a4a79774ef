// 主管工作台, revisit coverage: a kind of case with no resolved cases in the period has no rate
// and is neither on nor below target; it says so instead of "100 % 达标".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser } from './harness.mjs';
import { openAs } from './pages.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

test('a kind of case with no resolved cases shows "no cases" on the workbench, not a rate', async () => {
  const token = await server.login('supervisor');
  const { status, json: rows } = await server.api('GET', '/api/coverage', { token });
  assert.equal(status, 200);
  // Only complaints and repairs are counted from tickets, so events never have cases.
  const event = rows.find((r) => r.visit_type === 'event');
  assert.equal(event?.resolved, 0, JSON.stringify(rows));
  assert.equal(event.meets_target, false, 'no cases do not count as met');

  const sup = await openAs(browser, server, 'supervisor');
  const { page, app } = sup;
  await app.id('nav-supervise').click();
  const row = (type) => page.locator(`[data-testid="coverage-row"][data-type="${type}"]`);
  await row('event').waitFor({ timeout: 15_000 });

  for (const r of rows) {
    const rate = (await row(r.visit_type).getByTestId('coverage-rate').textContent()).trim();
    const standing = await row(r.visit_type).getAttribute('data-standing');
    if (r.resolved === 0) {
      assert.equal(standing, 'no_cases', r.visit_type);
      assert.equal(rate, '暂无案例', r.visit_type);
    } else {
      assert.equal(standing, r.meets_target ? 'met' : 'below', r.visit_type);
      assert.equal(rate, `${r.percent}% ${r.meets_target ? '达标' : '未达标'}`, r.visit_type);
    }
  }

  await app.id('lang-switch').click();
  await row('event').getByTestId('coverage-rate').filter({ hasText: 'No cases' }).waitFor();
  assert.equal((await row('event').getByTestId('coverage-rate').textContent()).trim(), 'No cases');
  assert.deepEqual(sup.errors, []);
  await sup.context.close();
});
