// Set up from nothing (issue 11): an empty server without the demo. The first admin, made with
// the command the server prints, imports customers from an XLSX and a CSV file, adds a field
// user, writes and publishes a call script and a survey, and plans visits in bulk; the field
// user sets a password on a tablet, goes offline with the server stopped, carries out a planned
// visit with that script and survey, comes back online, and the visit is stored once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestServer, launchBrowser, snap, BIN, SIZES, TIMEZONE } from './harness.mjs';
import { App } from './pages.mjs';
import { expect } from './expect.mjs';
import { writeXlsx } from './xlsx.mjs';

const NAME = 'setup-from-nothing';
const DESKTOP = { width: 1366, height: 768 };
const ADMIN_PASSWORD = 'first-admin-pass';
const FIELD_PASSWORD = 'xiaoli-own-pass';
const SCRIPT_TITLE = '满意度回访话术(自建)';
const SURVEY_TITLE = '满意度回访问卷(自建)';
const HEADERS = ['客户编号', '姓名', '电话', '客户等级', 'VIP', '标签', '区域'];
const GUESSED = {
  客户编号: 'external_id',
  姓名: 'name',
  电话: 'contact',
  客户等级: 'class',
  VIP: 'vip',
  标签: 'tags',
  区域: 'region',
};

/// `MM-DD HH:` of an instant in the organisation's time zone, as the console writes times.
function localHour(at) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: TIMEZONE, month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.month}-${parts.day} ${parts.hour}:`;
}

const started = [];
after(async () => {
  for (const stop of started.reverse()) await stop();
});

/// Runs the `huifang user add …` line the server printed, with `password` on stdin.
function runPrintedCommand(banner, password) {
  const line = banner.split('\n').find((l) => l.trim().startsWith('huifang user add'));
  assert.ok(line, `the start-up log names the command:\n${banner}`);
  const [, ...args] = line.trim().split(/\s+/);
  const out = spawnSync(BIN, args, { input: `${password}\n`, encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return args[args.indexOf('--username') + 1];
}

/// The console's customer import (/console/customers/import): upload, mapping, preview, commit.
class CustomerImport {
  constructor(app, url) {
    this.app = app;
    this.page = app.page;
    this.url = url;
  }

  id(testid) {
    return this.app.id(testid);
  }

  async open() {
    await this.page.goto(`${this.url}/console/customers/import`);
    await this.id('import-file').waitFor({ state: 'attached', timeout: 30_000 });
  }

  column(header) {
    return this.page.locator(`[data-testid="import-map"][data-column="${header}"]`);
  }

  /// Chooses the file (which uploads it) and waits for the mapping of its columns.
  async choose(file) {
    await this.id('import-file').setInputFiles(file);
    await this.column(HEADERS[0]).waitFor({ timeout: 30_000 });
  }

  async mapping() {
    const selects = this.id('import-map');
    const out = {};
    for (const select of await selects.all()) {
      out[await select.getAttribute('data-column')] = await select.inputValue();
    }
    return out;
  }

  /// Previews and returns the counts the screen shows.
  async preview() {
    await this.id('import-preview').click();
    const counts = this.id('import-counts');
    await counts.waitFor({ timeout: 30_000 });
    const read = async (name) => Number(await counts.getAttribute(`data-${name}`));
    return { create: await read('create'), update: await read('update'), errors: await read('errors') };
  }

  async commit() {
    await this.id('import-commit').click();
    await this.id('import-done').waitFor({ timeout: 60_000 });
  }
}

test('an empty server set up in the console carries a field visit done offline', async () => {
  const server = new TestServer({ demo: false });
  await server.start();
  const browser = await launchBrowser(server);
  started.push(() => server.stop(), () => browser.close());
  const adminName = runPrintedCommand(server.banner, ADMIN_PASSWORD);

  // 1. The first admin logs in to the console.
  const console_ = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
  const page = await console_.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const app = new App(page);
  await app.open(`${server.url}/console/`);
  await app.login(adminName, ADMIN_PASSWORD);
  await app.waitForSyncState('online');
  await snap(page, NAME, '01-console-empty');

  // 2. Customers from an XLSX file, then a CSV file that updates one of them and adds two.
  const dir = mkdtempSync(path.join(tmpdir(), 'huifang-setup-'));
  const xlsx = path.join(dir, '客户名单.xlsx');
  writeXlsx(xlsx, [
    HEADERS,
    ['C-001', '王秀英', '13800000001', 'A', '是', '老客户', '浦东'],
    ['C-002', '李建国', '13800000002', 'A', '否', '', '徐汇'],
    ['C-003', '张伟', '13800000003', 'B', '否', '新客户', '静安'],
  ]);
  const csv = path.join(dir, '补充客户.csv');
  writeFileSync(
    csv,
    [
      HEADERS.join(','),
      'C-003,张伟,13800000003,A,是,升级客户,静安',
      'C-004,赵敏,13800000004,A,否,,闵行',
      'C-005,陈静,13800000005,C,否,,长宁',
    ].join('\n') + '\n',
  );
  const importer = new CustomerImport(app, server.url);
  await importer.open();
  await importer.choose(xlsx);
  assert.deepEqual(await importer.mapping(), GUESSED, 'the columns are guessed from the Chinese headers');
  await snap(page, NAME, '02-import-xlsx-mapped');
  assert.deepEqual(await importer.preview(), { create: 3, update: 0, errors: 0 });
  await snap(page, NAME, '03-import-xlsx-preview');
  await importer.commit();
  await snap(page, NAME, '04-import-xlsx-done');

  await importer.open();
  await importer.choose(csv);
  assert.deepEqual(await importer.mapping(), GUESSED);
  assert.deepEqual(await importer.preview(), { create: 2, update: 1, errors: 0 });
  assert.equal(await importer.id('import-error').count(), 0);
  await importer.commit();
  await snap(page, NAME, '05-import-csv-done');

  const login = await server.api('POST', '/api/auth/login', { body: { username: adminName, password: ADMIN_PASSWORD } });
  assert.equal(login.status, 200);
  const token = login.json.token;

  // 3. A field user, with the one-time password the console shows once.
  await page.goto(`${server.url}/console/people`);
  await app.id('people-table').waitFor({ timeout: 30_000 });
  await app.id('people-add').click();
  await app.id('person-username').fill('xiaoli');
  await app.id('person-display-name').fill('小李');
  await app.id('person-role').selectOption('field');
  await app.id('person-agent-no').fill('F210');
  await app.id('person-save').click();
  const oneTime = (await app.id('one-time-code').textContent()).trim();
  assert.match(oneTime, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  await snap(page, NAME, '06-field-user-added');

  // 4. A call script for satisfaction visits, its greeting naming the customer.
  await page.goto(`${server.url}/console/catalog`);
  await app.id('catalog-page').waitFor({ timeout: 30_000 });
  await app.id('catalog-new-scripts').click();
  await app.id('script-editor').waitFor();
  await app.id('script-title').fill(SCRIPT_TITLE);
  await app.id('script-visit-type').selectOption('satisfaction');
  const step = page.locator('[data-testid="script-edit-step"]').first();
  await step.getByTestId('script-step-goal').fill('问候并说明来意');
  const standard = step.getByTestId('script-text-standard');
  await standard.fill('您好,');
  await step.getByTestId('script-insert-customer_name').click();
  await page.keyboard.type(',我是售后回访专员,想了解您对服务的评价');
  assert.equal(await standard.inputValue(), '您好,{customer_name},我是售后回访专员,想了解您对服务的评价');
  await app.id('script-publish').click();
  await expect(async () => (await app.id('script-state').textContent()).includes('v1'), 15_000, 'script published as v1');
  await snap(page, NAME, '07-script-published');

  // 5. A survey for satisfaction visits: a required rating and a required single choice.
  await page.goto(`${server.url}/console/catalog/surveys/new`);
  await app.id('se-title').waitFor({ timeout: 30_000 });
  await app.id('se-title').fill(SURVEY_TITLE);
  await app.id('se-visit-type').selectOption('satisfaction');
  const addQuestion = async (kind, prompt) => {
    const before = await app.id('se-question').count();
    await app.id('se-add-kind').selectOption(kind);
    await app.id('se-add-question').click();
    const card = app.id('se-question').nth(before);
    await card.getByTestId('se-q-prompt').fill(prompt);
    await card.getByTestId('se-q-required').check();
    return card.getAttribute('data-key');
  };
  const rating = await addQuestion('stars', '您对本次服务的整体评价?');
  const channel = await addQuestion('single', '您更希望我们怎样联系您?');
  const channelCard = page.locator(`[data-testid="se-question"][data-key="${channel}"]`);
  for (const [i, option] of ['电话', '短信', '微信'].entries()) {
    await channelCard.getByTestId('se-add-option').click();
    await channelCard.getByTestId('se-option').nth(i).fill(option);
  }
  await app.id('se-publish').click();
  await page.waitForURL(/\/console\/catalog\/surveys\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  await page.locator('[data-testid="se-version"][data-version="1"]').waitFor({ timeout: 30_000 });
  const surveyId = page.url().split('/').pop();
  // Published moments ago, in the organisation's time as the script editor shows it.
  const version = await page.locator('[data-testid="se-version"][data-version="1"]').textContent();
  assert.ok(version.includes(localHour(server.now())), `${version} is in local time`);
  await snap(page, NAME, '08-survey-published');

  const scripts = (await server.api('GET', '/api/catalog/scripts', { token })).json.items;
  const script = scripts.find((s) => s.title === SCRIPT_TITLE);
  assert.equal(script?.published_version, 1, JSON.stringify(scripts));
  const survey = (await server.api('GET', `/api/catalog/surveys/${surveyId}`, { token })).json;
  assert.deepEqual(survey.published.questions.map((q) => [q.key, q.required]), [[rating, true], [channel, true]]);

  // 6. Visits planned in bulk: class A (three from the XLSX file, one raised by the CSV file),
  // all for the new field user, from today.
  await page.goto(`${server.url}/console/plan`);
  await app.id('plans-task-list').waitFor({ timeout: 30_000 });
  const staff = page.locator('[data-testid="bulk-staff"][data-user="xiaoli"]');
  await staff.waitFor({ timeout: 30_000 });
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: TIMEZONE }).format(server.now());
  await app.id('bulk-class-A').check();
  await staff.check();
  await app.id('bulk-type').selectOption('satisfaction');
  await app.id('bulk-first-day').fill(today);
  await app.id('bulk-days').fill('1');
  await app.id('bulk-cap').fill('10');
  await app.id('bulk-preview').click();
  await app.id('bulk-outcome').waitFor({ timeout: 30_000 });
  assert.equal((await app.id('bulk-planned').textContent()).trim(), '4');
  await snap(page, NAME, '09-plan-preview');
  await app.id('bulk-create').click();
  await app.id('bulk-message').waitFor();
  await expect(async () => (await app.id('bulk-create').isDisabled()) === true, 15_000, 'created');
  const planned = (await server.api('GET', '/api/tasks?limit=200&status=open', { token })).json.tasks;
  assert.equal(planned.length, 4, JSON.stringify(planned));
  await snap(page, NAME, '10-plan-created');
  assert.deepEqual(errors, [], 'no uncaught errors in the console');
  await console_.close();

  // 7. The field user's tablet: their own password first, then the planned tasks.
  const tablet = await browser.newContext({ viewport: SIZES.tabletLandscape, locale: 'zh-CN' });
  const fieldPage = await tablet.newPage();
  const fieldErrors = [];
  fieldPage.on('pageerror', (e) => fieldErrors.push(e.message));
  const field = new App(fieldPage);
  await field.open(server.url);
  await field.id('login-username').fill('xiaoli');
  await field.id('login-password').fill(oneTime);
  await field.id('login-submit').click();
  await field.id('set-password').waitFor();
  await field.id('password-current').fill(oneTime);
  await field.id('password-new').fill(FIELD_PASSWORD);
  await field.id('password-again').fill(FIELD_PASSWORD);
  await field.id('password-save').click();
  await field.id('nav-tasks').waitFor();
  await field.waitForSyncState('online');
  await field.openTasks();
  await expect(async () => (await field.taskCount('today')) === 4, 30_000, 'the four planned tasks pulled');
  await field.waitForServiceWorker();
  await snap(fieldPage, NAME, '11-field-tasks');

  // Offline: the server is gone, the app comes back from its own cache.
  await server.stop();
  await fieldPage.reload();
  await field.openTasks();
  const row = field.id('task-row').filter({ hasText: '王秀英' });
  await row.waitFor({ timeout: 15_000 });
  const taskId = await row.getAttribute('data-id');
  await field.startTask(row);
  const stepper = field.id('script-stepper');
  await expect(async () => (await stepper.textContent()).includes(SCRIPT_TITLE), 15_000, 'the new script');
  const said = (await field.id('script-step-text').textContent()).trim();
  assert.equal(said, '您好,王秀英,我是售后回访专员,想了解您对服务的评价');
  await field.id('script-next').click();
  await field.id('visit-outcome').selectOption('reached');
  await field.id('survey').waitFor();
  const question = (key) => fieldPage.locator(`[data-testid="survey-question"][data-key="${key}"]`);
  await question(rating).getByTestId('stars-4').click();
  await question(channel).locator('[data-testid="choice"][data-value="微信"]').click();
  if ((await field.id('visit-satisfaction-4').count()) > 0) await field.id('visit-satisfaction-4').click();
  await field.id('visit-emotion').selectOption('satisfied');
  await field.id('visit-demand').selectOption('none');
  const verbatim = `服务挺好,以后微信联系我 ${Date.now()}`;
  await field.id('visit-verbatim').fill(verbatim);
  await snap(fieldPage, NAME, '12-visit-offline');
  await field.save();
  await field.id('toast').waitFor();
  await field.openMyVisits();
  const mine = field.myVisitRows().filter({ hasText: verbatim });
  await expect(async () => (await mine.getAttribute('data-status')) === 'queued', 10_000, 'queued offline');
  assert.equal(await field.queued(), 1);
  await snap(fieldPage, NAME, '13-queued-offline');

  // Online again: the visit syncs, once.
  await server.start();
  await field.id('sync-now').click();
  await expect(async () => (await mine.getAttribute('data-status')) === 'synced', 60_000, 'synced');
  await field.id('sync-now').click();
  await field.waitForSyncState('online');
  assert.equal(await field.queued(), 0);
  await snap(fieldPage, NAME, '14-synced');

  const { json } = await server.api('GET', '/api/visits?limit=100', { token });
  assert.equal(json.total.count, 1, 'stored exactly once');
  const [stored] = json.visits;
  assert.equal(stored.record.verbatim, verbatim);
  assert.equal(stored.record.task_id, taskId);
  assert.deepEqual(
    { id: stored.record.script.script_id, version: stored.record.script.version },
    { id: script.id, version: 1 },
  );
  assert.deepEqual(
    { id: stored.record.survey.survey_id, version: stored.record.survey.version },
    { id: surveyId, version: 1 },
  );
  assert.deepEqual(stored.record.survey.answers, { [rating]: 4, [channel]: ['微信'] });
  const tasks = (await server.api('GET', '/api/tasks?limit=200', { token })).json.tasks;
  assert.equal(tasks.find((t) => t.id === taskId)?.status, 'done', 'the visit closed its task');
  assert.equal(tasks.filter((t) => t.status === 'open').length, 3);
  assert.deepEqual(fieldErrors, [], 'no uncaught errors on the tablet');
  await tablet.close();
});
