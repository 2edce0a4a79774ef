// Quiet hours on the device: starting a task in a quiet window warns first and names the
// window's end as the next contact time, to the minute, in the task list and in the visit form.
// Each case runs its own server and browser at a chosen instant with seconds, so a rule that
// rounds or returns a moment inside the window shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestServer, launchBrowser, snap } from './harness.mjs';
import { openAs } from './pages.mjs';
import { expect } from './expect.mjs';

const CASES = [
  { name: 'morning', at: '2026-11-24T08:04:30+08:00', next: '11-24 09:00' },
  { name: 'lunch', at: '2026-11-24T12:59:59+08:00', next: '11-24 14:00' },
];

for (const { name, at, next } of CASES) {
  test(`at ${at} the quiet-hours warning names ${next} as the next contact time`, async () => {
    const server = new TestServer({ clockStart: at });
    await server.start();
    const browser = await launchBrowser(server);
    try {
      const { context, page, app, errors } = await openAs(browser, server, 'agent');
      const deviceNow = new Date(await page.evaluate(() => Date.now()));
      const skew = Math.abs(deviceNow - server.now());
      assert.ok(skew < 60_000, `the device reads the server's time: ${deviceNow.toISOString()}`);

      await app.openTasks();
      await expect(async () => (await app.taskCount('today')) > 0, 30_000, 'tasks pulled');
      await app.id('task-row').first().getByTestId('task-start').click();
      const warning = app.id('quiet-hours-warning');
      await warning.waitFor();
      assert.ok((await warning.textContent()).includes(`下一个可联系时间:${next}`), await warning.textContent());
      assert.equal(await app.id('visit-form').count(), 0, 'the form waits for a confirmation');
      await snap(page, 'quiet-hours', `01-${name}-task-warning`);

      await app.id('quiet-continue').click();
      await app.id('visit-form').waitFor();
      const formWarning = app.id('quiet-hours-warning');
      await formWarning.waitFor();
      assert.ok((await formWarning.textContent()).includes(next), await formWarning.textContent());
      await snap(page, 'quiet-hours', `02-${name}-form-warning`);
      assert.deepEqual(errors, []);
      await context.close();
    } finally {
      await browser.close();
      await server.stop();
    }
  });
}
