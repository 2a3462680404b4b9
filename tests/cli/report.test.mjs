// report.test.mjs: demine report on the demo database, on either store: the PDF opens in
// poppler (pdftotext has the Azerbaijani and Cyrillic letters, page 1 rendered is not blank),
// the XLSX's numbers are numbers, CSV has one file per table with the model's figures, HTML
// escapes, bad parameters exit 1 naming the parameter, and a past as-of report is unchanged
// by a later approved edit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { demine, ok, json, tempDir, newDb } from './helpers.mjs';

let dir, db, drop;
const PERIOD = ['--from', '2021-01-01', '--to', '2026-12-31'];
before(() => {
  dir = tempDir();
  ({ db, drop } = newDb(dir));
  ok(['demo', '--db', db]);
});
after(() => { rmSync(dir, { recursive: true, force: true }); drop(); });

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// Share of pixels that are not white on a grey map (PGM, P5) that pdftoppm wrote.
function inked(pgm) {
  const text = pgm.subarray(0, 64).toString('latin1');
  const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(text);
  assert.ok(m, 'a PGM header');
  const pixels = pgm.subarray(m[0].length);
  let dark = 0;
  for (const p of pixels) if (p < 200) dark++;
  return dark / pixels.length;
}

test('the national report as PDF in az, ru and en: poppler reads it, the letters are right, page 1 is not blank', () => {
  for (const [lang, letters, title] of [['az', ['ə', 'ğ', 'ş'], 'Minatəmizləmə'], ['ru', ['Ж', 'ж', 'ё'].slice(0, 1), 'Национальный'], ['en', [], 'National']]) {
    const pdf = join(dir, `national-${lang}.pdf`);
    ok(['report', 'national', '--db', db, ...PERIOD, '--lang', lang, '--format', 'pdf', '-o', pdf]);
    const text = run('pdftotext', ['-enc', 'UTF-8', pdf, '-']).toString('utf8');
    assert.ok(text.includes(title), `${lang}: ${text.slice(0, 200)}`);
    for (const l of letters) assert.ok(text.includes(l), `${lang}: the letter ${l} in the PDF's text`);
    if (lang !== 'en') assert.match(text, /\d\d\.\d\d\.20\d\d/, `${lang} writes dates as 03.12.2026`);
    run('pdftoppm', ['-r', '50', '-f', '1', '-l', '1', '-png', pdf, join(dir, `p-${lang}`)]);
    const png = readdirSync(dir).find((f) => f.startsWith(`p-${lang}`) && f.endsWith('.png'));
    assert.ok(png, 'pdftoppm wrote page 1 as PNG');
    assert.deepEqual([...readFileSync(join(dir, png)).subarray(1, 4)], [0x50, 0x4e, 0x47]);
    const pgm = run('pdftoppm', ['-r', '50', '-f', '1', '-l', '1', '-gray', pdf]);
    const share = inked(pgm);
    assert.ok(share > 0.01 && share < 0.6, `${lang}: ${share} of page 1 is ink`);
    const info = run('pdfinfo', [pdf]).toString('utf8');
    assert.match(info, /Pages:\s+[1-9]/);
  }
  // the Russian text has Ж (the word for "killed" in the casualty table is not enough: the
  // section title "Уничтоженные взрывоопасные предметы" has no Ж, the casualty report's has)
  const pdf = join(dir, 'cas-ru.pdf');
  ok(['report', 'casualties', '--db', db, ...PERIOD, '--lang', 'ru', '--format', 'pdf', '-o', pdf]);
  const text = run('pdftotext', ['-enc', 'UTF-8', pdf, '-']).toString('utf8');
  assert.ok(/[Жж]/.test(text), 'Ж in the Russian casualty report');
});

test('the XLSX has a sheet per table and its figures are numbers', () => {
  const xlsx = join(dir, 'national.xlsx');
  ok(['report', 'national', '--db', db, ...PERIOD, '--format', 'xlsx', '-o', xlsx]);
  const model = json(['report', 'national', '--db', db, ...PERIOD, '--format', 'json', '-o', '-']);
  const workbook = run('unzip', ['-p', xlsx, 'xl/workbook.xml']).toString('utf8');
  const sheets = [...workbook.matchAll(/<sheet name="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(sheets, ['report', ...model.sections.filter((s) => !s.map).map((s) => s.key)]);
  // the items sheet: column B (Destroyed) holds numbers (no t="s"), equal to the model's
  const idx = sheets.indexOf('items') + 1;
  const xml = run('unzip', ['-p', xlsx, `xl/worksheets/sheet${idx}.xml`]).toString('utf8');
  const items = model.sections.find((s) => s.key === 'items');
  assert.ok(items.rows.length > 0);
  items.rows.forEach((row, i) => {
    const m = new RegExp(`<c r="B${i + 2}"( s="\\d+")?><v>([^<]+)</v></c>`).exec(xml);
    assert.ok(m, `B${i + 2} is a number cell`);
    assert.equal(Number(m[2]), row.quantity);
  });
  // areas are hectares as numbers
  const sidx = sheets.indexOf('summary_area') + 1;
  const sxml = run('unzip', ['-p', xlsx, `xl/worksheets/sheet${sidx}.xml`]).toString('utf8');
  const m = /<c r="B2" s="\d+"><v>([^<]+)<\/v><\/c>/.exec(sxml);
  assert.ok(m);
  assert.ok(Math.abs(Number(m[1]) * 10000 - model.sections[0].rows[0].current) < 0.01);
});

test('CSV: one file per table, or one table; the figures as the model has them', () => {
  const out = join(dir, 'csv');
  ok(['report', 'national', '--db', db, ...PERIOD, '--format', 'csv', '-o', out]);
  const model = json(['report', 'national', '--db', db, ...PERIOD, '--format', 'json', '-o', '-']);
  assert.deepEqual(readdirSync(out).sort(), model.sections.filter((s) => !s.map).map((s) => `${s.key}.csv`).sort());
  // the map: the period's releases over the districts, as paths
  const map = model.sections.find((s) => s.key === 'map').map;
  assert.ok(map.width > 0 && map.height > 0 && map.releases > 0);
  assert.equal(map.layers[0].key, 'districts');
  assert.ok(map.layers.slice(1).reduce((a, l) => a + l.paths.length, 0) >= map.releases - map.left_out);
  const released = readFileSync(join(out, 'released.csv'), 'utf8').trimEnd().split('\r\n');
  assert.equal(released[0], 'Method,Result,Area (ha),Releases');
  const rows = model.sections.find((s) => s.key === 'released').rows;
  assert.equal(released.length, rows.length + 1);
  rows.forEach((r, i) => {
    const cells = released[i + 1].split(',');
    assert.ok(Math.abs(Number(cells[2]) * 10000 - r.area_m2) < 0.01);
    assert.equal(Number(cells[3]), r.releases);
  });
  const one = ok(['report', 'national', '--db', db, ...PERIOD, '--format', 'csv', '--table', 'items', '-o', '-']).stdout;
  assert.match(one, /^Category,Destroyed,Finds,Previous period\r\n/);
});

test('the donor report of France\'s grant: EUR 400,000.00 and AZN 803,272.00', () => {
  const m = json(['report', 'donor', '--db', db, ...PERIOD, '--grant', 'GRT-00001', '--format', 'json', '-o', '-']);
  const g = m.sections.find((s) => s.key === 'grant');
  assert.deepEqual(g.rows.map((r) => [r.currency, r.amount]), [['EUR', '400000.00'], ['AZN', '803272.00']]);
  const html = ok(['report', 'donor', '--db', db, ...PERIOD, '--grant', 'GRT-00001', '--format', 'html', '-o', '-']).stdout;
  assert.match(html, /<!doctype html>/);
  assert.match(html, /803272\.00/);
});

test('bad parameters exit 1 naming the parameter; nothing is written', () => {
  const out = join(dir, 'bad.pdf');
  for (const [args, pattern] of [
    [['report', 'nope', ...PERIOD], /report: no report 'nope'/],
    [['report', 'national', '--from', '2024-12-01', '--to', '2024-01-31'], /to: the period ends/],
    [['report', 'national', '--from', '2000-01-01', '--to', '2024-01-31'], /to: .*over 20 years/],
    [['report', 'national', ...PERIOD, '--area', 'AZ-NOWHERE'], /area: no district/],
    [['report', 'donor', ...PERIOD, '--grant', 'GRT-99999'], /grant: no grant 'GRT-99999'/],
    [['report', 'national', ...PERIOD, '--lang', 'de'], /lang: there is no catalogue for the language 'de' \(there are: az, en, ru\)/],
    [['report', 'national', ...PERIOD, '--as-of', 'soon'], /as_of/],
    [['report', 'national', '--to', '2024-01-31'], /from: give the first day/],
  ]) {
    const r = demine([...args, '--db', db, '-o', out]);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.ok(!existsSync(out) && !existsSync(`${out}.part`));
  }
  const r = demine(['report', 'national', '--db', db, ...PERIOD, '--format', 'docx', '-o', out]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--format: 'docx'/);
});

test('an empty period gives a report that says so', () => {
  const html = ok(['report', 'national', '--db', db, '--from', '1995-01-01', '--to', '1995-12-31', '--format', 'html', '-o', '-']).stdout;
  assert.match(html, /id="empty-period">There are no approved records for this period/);
  const pdf = join(dir, 'empty.pdf');
  ok(['report', 'national', '--db', db, '--from', '1995-01-01', '--to', '1995-12-31', '--format', 'pdf', '-o', pdf]);
  assert.match(run('pdftotext', [pdf, '-']).toString('utf8'), /the report is empty/);
});

test('a report as of a past time has the same figures after a later approved edit', () => {
  const asOf = new Date().toISOString();
  const args = ['report', 'national', '--db', db, ...PERIOD, '--as-of', asOf, '--format', 'csv', '--table', 'items', '-o', '-'];
  const before = ok(args).stdout;
  const pdfBefore = join(dir, 'asof1.pdf');
  ok(['report', 'national', '--db', db, ...PERIOD, '--as-of', asOf, '--format', 'pdf', '-o', pdfBefore]);
  const find = json(['list', '--db', db, '--type', 'eo_find', '--json']).items
    .find((f) => f.disposition?.startsWith('destroyed') && f.find_date >= '2021-01-01');
  assert.ok(find, 'a destroyed find in the period');
  ok(['update', '--db', db, find.id, '--set', `quantity=${(find.quantity || 1) + 500}`, '--expect-version', String(find.version), '--reason', 'recount']);
  ok(['submit', '--db', db, find.id]);
  ok(['approve', '--db', db, find.id]);
  assert.equal(ok(args).stdout, before);
  const pdfAfter = join(dir, 'asof2.pdf');
  ok(['report', 'national', '--db', db, ...PERIOD, '--as-of', asOf, '--format', 'pdf', '-o', pdfAfter]);
  assert.ok(readFileSync(pdfBefore).equals(readFileSync(pdfAfter)), 'the same PDF, byte for byte');
  const now = ok(['report', 'national', '--db', db, ...PERIOD, '--format', 'csv', '--table', 'items', '-o', '-']).stdout;
  assert.notEqual(now, before);
});

test('report --list names the reports and their parameters', () => {
  const list = json(['report', '--list', '--lang', 'az']);
  assert.deepEqual(list.map((r) => r.name), ['national', 'article7', 'casualties', 'donor', 'return']);
  assert.ok(list[0].title.includes('ə'));
  assert.deepEqual(list[3].requires, ['grant']);
});
