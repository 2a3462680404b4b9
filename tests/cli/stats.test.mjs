// stats.test.mjs: demine stats on the demo database, on either store: table, CSV and JSON,
// France's grant in three currencies, and refused filters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { demine, ok, json, tempDir, newDb } from './helpers.mjs';

let dir, db, drop;
before(() => {
  dir = tempDir();
  ({ db, drop } = newDb(dir));
  ok(['demo', '--db', db]);
});
after(() => { rmSync(dir, { recursive: true, force: true }); drop(); });

test('every figure as a table, CSV and JSON, the same rows', () => {
  for (const f of ['released', 'remaining', 'items', 'casualties', 'eore', 'funding']) {
    const j = json(['stats', f, '--db', db, '--json']);
    assert.ok(j.items.length > 0, f);
    const csv = ok(['stats', f, '--db', db, '--csv']).stdout.trimEnd().split('\r\n');
    const table = ok(['stats', f, '--db', db]).stdout.trimEnd().split('\n');
    assert.equal(csv.length, j.items.length + 1, f);
    assert.equal(table.length, j.items.length + 1, f);
    assert.equal(csv[0], table[0].replaceAll('\t', ','), f);
  }
  const rel = json(['stats', 'released', '--db', db, '--from', '2024-01-01', '--to', '2024-12-31', '--json']);
  assert.ok(rel.items.every((i) => i.month.startsWith('2024-')));
  assert.equal(rel.from, '2024-01-01');
});

test("France's EUR 400,000 in EUR, AZN and USD", () => {
  for (const [cur, amount] of [['EUR', '400000.00'], ['AZN', '803272.00'], ['USD', '472752.00']]) {
    const j = json(['stats', 'funding', '--db', db, '--currency', cur, '--from', '2021-09-08', '--to', '2021-09-08', '--json']);
    assert.equal(j.currency, cur);
    assert.deepEqual(j.items.map((i) => [i.donor_name, i.amount]), [['Ministry for Europe and Foreign Affairs', amount]]);
  }
});

test('bad filters exit 1 naming the filter; usage errors exit 2', () => {
  for (const [args, pattern] of [
    [['released', '--from', '2024-02-30'], /from: '2024-02-30' is not a date/],
    [['items', '--from', '2024-05-01', '--to', '2024-01-01'], /to: '2024-01-01' is before from/],
    [['remaining', '--adm2', 'NOWHERE'], /adm2: no district/],
    [['eore', '--organisation', 'ANAMA'], /organisation: 'ANAMA' is not an organisation id/],
    [['funding', '--currency', 'XYZ'], /currency: 'XYZ'/],
  ]) {
    const r = demine(['stats', ...args, '--db', db]);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
  }
  for (const args of [['landmines'], [], ['released', '--currency', 'EUR'], ['released', '--json', '--csv']]) {
    assert.equal(demine(['stats', ...args, '--db', db]).code, 2, args.join(' '));
  }
});
