// Two front doors on one origin: the field app at / and the console at /console/. Each role
// lands in its own after login, a supervisor switches between them, a field user is sent back
// from the console, both share the device's store, and the console works offline once used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, snap, SIZES } from './harness.mjs';
import { openAs, doorOf } from './pages.mjs';
import { expect } from './expect.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const path = (page) => new URL(page.url()).pathname;

test('each role lands in its front door after login', async () => {
  const landings = [
    ['field', '/tasks'],
    ['agent', '/tasks'],
    ['supervisor', '/console/supervise'],
    ['admin', '/console/admin'],
  ];
  for (const [user, landing] of landings) {
    const { context, page, app, errors } = await openAs(browser, server, user);
    await expect(async () => path(page) === landing, 10_000, `${user} on ${landing}, not ${path(page)}`);
    await app.id('nav').waitFor();
    // A door shows a link to the other only to whom may use it.
    const other = app.door() === 'console' ? 'field' : 'console';
    assert.equal(await app.id(`switch-${other}`).count(), user === 'supervisor' ? 1 : 0, `${user}: switch to ${other}`);
    assert.equal(await app.id(`switch-${app.door()}`).count(), 0, `${user}: no link to where it is`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('a supervisor switches from the console to the field app and back', async () => {
  const { context, page, app, errors } = await openAs(browser, server, 'supervisor');
  assert.equal(app.door(), 'console');
  await app.id('nav-supervise').waitFor();
  assert.equal(await app.id('nav-tasks').count(), 0, 'no field screens in the console');
  await app.id('review-queue').waitFor({ timeout: 15_000 });
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => window.scrollTo(0, 0));
    await snap(page, 'doors', `01-console-landing-${size}`);
  }
  await page.setViewportSize(SIZES.tabletLandscape);

  await app.id('switch-field').click();
  await page.waitForURL((url) => doorOf(url) === 'field');
  assert.equal(path(page), '/tasks');
  await app.id('task-tab-today').waitFor();
  assert.equal(await app.id('nav-supervise').count(), 0, 'no console screens in the field app');
  assert.equal(await app.id('switch-console').isVisible(), true);
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    await snap(page, 'doors', `02-field-with-switch-link-${size}`);
  }
  await page.setViewportSize(SIZES.tabletLandscape);

  await app.id('switch-console').click();
  await page.waitForURL((url) => doorOf(url) === 'console');
  assert.equal(path(page), '/console/supervise');
  await app.id('review-queue').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('both doors read one store: the language and the session carry over', async () => {
  const { context, page, app, errors } = await openAs(browser, server, 'supervisor');
  await app.id('lang-switch').click();
  await app.go('tasks');
  assert.equal(app.door(), 'field');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal((await app.id('switch-console').textContent()).trim(), 'Console');
  await app.id('lang-switch').click();
  assert.equal((await app.id('switch-console').textContent()).trim(), '控制台');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a field user who opens the console is sent to the field app; an admin the other way', async () => {
  const field = await openAs(browser, server, 'field');
  await field.page.goto(`${server.url}/console/supervise`);
  await expect(async () => path(field.page) === '/tasks', 10_000, `field sent to /tasks, not ${path(field.page)}`);
  await field.app.id('task-tab-today').waitFor();
  assert.deepEqual(field.errors, []);
  await field.context.close();

  const admin = await openAs(browser, server, 'admin');
  await admin.page.goto(`${server.url}/tasks`);
  await expect(async () => path(admin.page) === '/console/admin', 10_000, `admin sent to the console, not ${path(admin.page)}`);
  await admin.app.id('admin-visit-row').first().waitFor({ timeout: 30_000 });
  assert.deepEqual(admin.errors, []);
  await admin.context.close();
});

test('the console works offline after its first use', async () => {
  const { context, page, app, errors } = await openAs(browser, server, 'supervisor');
  await app.waitForServiceWorker();
  // The first load under the worker caches the console.
  await page.reload();
  await app.id('review-queue').waitFor({ timeout: 15_000 });
  await app.waitForSyncState('online');

  await server.stop();
  try {
    await page.reload();
    await app.id('nav-supervise').waitFor({ timeout: 15_000 });
    assert.equal(path(page), '/console/supervise');
    await app.id('sync-now').click();
    await app.waitForSyncState('offline');
    await app.id('nav-tickets').click();
    await app.id('ticket-filter-escalated').waitFor();
    // Another console route, loaded afresh: the cached console answers it too.
    await page.goto(`${server.url}/console/plan`);
    await app.id('nav-plan').waitFor({ timeout: 15_000 });
    await snap(page, 'doors', '03-console-offline');
  } finally {
    await server.start();
  }
  assert.deepEqual(errors, []);
  await context.close();
});
