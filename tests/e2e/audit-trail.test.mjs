// The audit trail (操作日志, issue 12) in the console: a field user reveals a customer's
// contact; the admin filters the trail by that person and the reveal action and sees the entry,
// masked as stored; the quick filter for reveals finds it too; the tamper check says intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIZES, snap, useServerAndBrowser } from './harness.mjs';
import { openAs } from './pages.mjs';

const DOCS_SCREENS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screens');

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

test('an admin filters the trail by person and action and sees a contact reveal', async () => {
  const field = await server.login('field');
  const found = await server.api('GET', `/api/customers?q=${encodeURIComponent('王')}`, { token: field });
  assert.equal(found.status, 200);
  const customer = found.json.customers[0];
  const revealed = await server.api('POST', `/api/customers/${customer.id}/reveal`, { token: field });
  assert.equal(revealed.status, 200);
  const number = revealed.json.contact;

  const { context, page, app, errors } = await openAs(browser, server, 'admin', {
    viewport: { width: 1366, height: 768 },
  });
  await app.open(`${server.url}/console/audit`);
  await app.id('audit-list').waitFor();
  await app.id('audit-entry').first().waitFor();
  assert.deepEqual(await app.axeViolations(), [], 'audit trail');

  await app.id('audit-filter-user').selectOption({ label: '李明 (外勤)' });
  await app.id('audit-filter-action').selectOption('contact.reveal');
  await app.id('audit-apply').click();
  const entries = page.locator('[data-testid="audit-entry"]');
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid="audit-entry"]')];
    return rows.length === 1 && rows[0].dataset.action === 'contact.reveal';
  });
  const entry = entries.first();
  assert.match(await entry.getByTestId('audit-entry-who').textContent(), /李明/);
  assert.match(await entry.getByTestId('audit-entry-who').textContent(), /客户/);
  assert.ok(
    (await entry.textContent()).includes('查看完整号码'),
    'the action reads as words',
  );
  assert.ok(!(await page.content()).includes(number), 'the trail never shows the full number');
  assert.equal((await app.id('audit-total').textContent()).trim(), '1');

  // The quick filter alone (everyone, every reveal) finds it as well.
  await app.open(`${server.url}/console/audit`);
  await app.id('audit-entry').first().waitFor();
  await app.id('audit-quick-reveals').click();
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid="audit-entry"]')];
    return rows.length >= 1 && rows.every((r) => r.dataset.action === 'contact.reveal');
  });
  assert.equal(await app.id('audit-quick-reveals').getAttribute('aria-pressed'), 'true');

  await app.id('audit-quick-all').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="audit-entry"]').length > 1);
  await app.id('audit-chain-run').click();
  const status = app.id('audit-chain-status').locator('[data-state]');
  await status.waitFor();
  assert.equal(await status.getAttribute('data-state'), 'intact');
  assert.deepEqual(await app.axeViolations(), [], 'audit trail, checked');

  for (const [name, viewport] of [
    ['desktop', { width: 1366, height: 768 }],
    ['tablet', SIZES.tabletLandscape],
    ['portrait', SIZES.tabletPortrait],
    ['phone', SIZES.phone],
  ]) {
    await page.setViewportSize(viewport);
    await snap(page, 'audit-trail', `01-audit-trail-${name}`);
    if (name === 'desktop' || name === 'tablet') {
      await page.screenshot({ path: path.join(DOCS_SCREENS, `audit-trail-${viewport.width}x${viewport.height}.png`) });
    }
  }
  assert.deepEqual(errors, []);
  await context.close();
});
