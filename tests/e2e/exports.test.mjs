// Exports in the console (issue 12): a supervisor downloads this month's 客户沟通记录表 as XLSX
// from 全部回访记录; the file opens with the handbook's headers, one row per visit of the month
// (checked against GET /api/visits) and every contact masked. The ticket list exports a CSV
// with the BOM. The screens pass axe and fit a desktop, a tablet and a phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { useServerAndBrowser, snap, SIZES, DEMO_PASSWORD } from './harness.mjs';
import { App } from './pages.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const DESKTOP = { width: 1366, height: 768 };
const HEADERS = [
  '序号', '客户姓名', '联系方式(脱敏)', '沟通时间', '沟通渠道', '问题类型',
  '沟通话术摘要', '客户反馈内容(原话)', '满意度评分(1-5分)', '跟进事项', '负责客服',
];

/// The files of a zip archive by name (read from its central directory, so entries written
/// with a trailing data descriptor read too).
function unzip(buf) {
  let end = buf.length - 22;
  while (end >= 0 && buf.readUInt32LE(end) !== 0x06054b50) end -= 1;
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const files = new Map();
  for (let i = 0; i < count; i += 1) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const skip = nameLen + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    const local = buf.readUInt32LE(at + 42);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    files.set(name, method === 8 ? inflateRawSync(data) : data);
    at += 46 + skip;
  }
  return files;
}

function unescapeXml(s) {
  return s
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function column(letters) {
  return [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
}

/// The first sheet of an XLSX file as rows of cell texts (shared, inline or number cells).
function readXlsx(file) {
  const files = unzip(readFileSync(file));
  const shared = [...(files.get('xl/sharedStrings.xml')?.toString('utf8') ?? '').matchAll(/<si>(.*?)<\/si>/gs)]
    .map(([, si]) => unescapeXml([...si.matchAll(/<t[^>]*>(.*?)<\/t>/gs)].map((m) => m[1]).join('')));
  const sheet = files.get('xl/worksheets/sheet1.xml').toString('utf8');
  return [...sheet.matchAll(/<row[^>]*>(.*?)<\/row>/gs)].map(([, row]) => {
    const cells = [];
    for (const [, ref, attrs, body = ''] of row.matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>(.*?)<\/c>)/gs)) {
      const type = /t="(\w+)"/.exec(attrs)?.[1];
      let value = '';
      if (type === 'inlineStr') value = unescapeXml([...body.matchAll(/<t[^>]*>(.*?)<\/t>/gs)].map((m) => m[1]).join(''));
      else if (type === 's') value = shared[Number(/<v>(.*?)<\/v>/s.exec(body)[1])];
      else value = unescapeXml(/<v>(.*?)<\/v>/s.exec(body)?.[1] ?? '');
      cells[column(ref)] = value;
    }
    return Array.from(cells, (c) => c ?? '');
  });
}

/// The visits contacted this month (Beijing) by GET /api/visits, each page of them.
async function visitsThisMonth(token) {
  const month = new Date(server.now().getTime() + 8 * 3600_000).toISOString().slice(0, 7);
  const all = [];
  let after = '';
  for (;;) {
    const { status, json } = await server.api('GET', `/api/visits?limit=100${after}`, { token });
    assert.equal(status, 200);
    all.push(...json.visits);
    if (!json.next) break;
    after = `&after=${json.next}`;
  }
  const local = (v) => new Date(new Date(v.record.contacted_at).getTime() + 8 * 3600_000).toISOString();
  return { month, visits: all.filter((v) => local(v).startsWith(month)) };
}

/// Clicks `testid` and answers the download it starts, saved in `dir`.
async function download(app, testid, dir) {
  const [file] = await Promise.all([app.page.waitForEvent('download'), app.id(testid).click()]);
  const saved = path.join(dir, file.suggestedFilename());
  await file.saveAs(saved);
  return { name: file.suggestedFilename(), saved };
}

test('a supervisor downloads the month of visits as XLSX and the tickets as CSV', async () => {
  const name = 'exports';
  const dir = mkdtempSync(path.join(tmpdir(), 'huifang-exports-'));
  const token = await server.login('supervisor');
  const { month, visits } = await visitsThisMonth(token);
  assert.ok(visits.length > 0, 'the demo has visits this month');

  const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const app = new App(page);
  await app.open(`${server.url}/console/`);
  await app.login('supervisor', DEMO_PASSWORD);
  await app.open(`${server.url}/console/admin`);
  await app.id('export-visits-xlsx').waitFor();

  const xlsx = await download(app, 'export-visits-xlsx', dir);
  assert.equal(xlsx.name, `客户沟通记录表_${month}.xlsx`);
  const rows = readXlsx(xlsx.saved);
  assert.deepEqual(rows[0], HEADERS);
  const body = rows.slice(1);
  assert.equal(body.length, visits.length, 'one row per visit of the month');
  assert.deepEqual(body.map((r) => r[0]), body.map((_, i) => String(i + 1)), '序号 counts from 1');
  assert.deepEqual(
    body.map((r) => r[7]).sort(),
    visits.map((v) => v.record.verbatim).sort(),
    'the customers\' own words of the month',
  );
  assert.deepEqual(
    body.map((r) => r[1]).sort(),
    visits.map((v) => v.customer_name).sort(),
  );
  for (const row of body) {
    assert.match(row[2], /^(\d{3}\*+\d{4}|\*{4,})$/, `a masked contact: ${row[2]}`);
  }
  assert.equal(await app.id('export-visits-error').count(), 0);
  assert.deepEqual(await app.axeViolations(), [], 'the all-visits screen with its export buttons');
  for (const [size, viewport] of Object.entries({ desktop: DESKTOP, ...SIZES })) {
    await page.setViewportSize(viewport);
    await snap(page, name, `01-visits-${size}`);
  }
  await page.setViewportSize(DESKTOP);

  await app.open(`${server.url}/console/tickets`);
  await app.id('export-tickets-csv').waitFor();
  const csv = await download(app, 'export-tickets-csv', dir);
  assert.equal(csv.name, `工单记录表_${month}.csv`);
  const text = readFileSync(csv.saved);
  assert.deepEqual([...text.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the UTF-8 BOM');
  assert.match(text.toString('utf8', 3), /^工单编号,创建时间,反映人,联系方式\(脱敏\)/);
  assert.deepEqual(await app.axeViolations(), [], 'the ticket list with its export buttons');
  await snap(page, name, '02-tickets-desktop');

  // Each export is in the audit log with who, what and how many rows.
  const admin = await server.login('admin');
  const { json } = await server.api('GET', '/api/audit?action=export', { token: admin });
  const [tickets, visitsEntry] = json.entries;
  assert.equal(visitsEntry.after.kind, 'visits');
  assert.equal(visitsEntry.after.rows, visits.length);
  assert.equal(tickets.after.kind, 'tickets');
  assert.equal(tickets.user_name, visitsEntry.user_name);
  assert.deepEqual(errors, []);
  await context.close();
});
