// money.test.mjs: money convert and rates import as a user runs them, on the report's figures
// and on the CBAR and ECB files in the shared fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demine, ok, json, freshDb, tempDir, dbDigest, FIXTURES } from './helpers.mjs';

test("France's EUR 400,000 at the report's rates", () => {
  assert.equal(ok(['money', 'convert', '400000', 'EUR', 'AZN', '--rate', '2.00818']).stdout, '803272.00 AZN\n');
  assert.equal(ok(['money', 'convert', '400000', 'EUR', 'USD', '--rate', '1.18188']).stdout, '472752.00 USD\n');
});

test('half-even rounding to the minor unit, and bad amounts and rates', () => {
  assert.equal(ok(['money', 'convert', '0.25', 'EUR', 'AZN', '--rate', '0.1']).stdout, '0.02 AZN\n'); // 0.025 -> 0.02
  assert.equal(ok(['money', 'convert', '0.35', 'EUR', 'AZN', '--rate', '0.1']).stdout, '0.04 AZN\n'); // 0.035 -> 0.04
  assert.equal(ok(['money', 'convert', '1000', 'USD', 'JPY', '--rate', '147.123']).stdout, '147123 JPY\n');
  for (const [args, pattern] of [
    [['1000', 'EUR', 'AZN', '--rate', '0'], /greater than zero/],
    [['1000', 'EUR', 'AZN', '--rate', '-2'], /rate/],
    [['1000', 'XYZ', 'AZN', '--rate', '2'], /unknown currency 'XYZ'/],
    [['1,000', 'EUR', 'AZN', '--rate', '2'], /amount/],
    [['1.234', 'EUR', 'AZN', '--rate', '2'], /more decimals than EUR allows/],
  ]) {
    const r = demine(['money', 'convert', ...args]);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
  }
  assert.equal(demine(['money', 'convert', '1000', 'EUR']).code, 2);
});

test('rates from CBAR and the ECB, by date, with the staleness rule', () => {
  const { db, cleanup } = freshDb();
  try {
    const cb = ok(['rates', 'import', '--db', db, join(FIXTURES, 'rates/cbar-04.09.2026.xml')]).stdout;
    assert.match(cb, /cbar/);
    // the weekend files carry Friday's bulletin: nothing new
    const again = ok(['rates', 'import', '--db', db, join(FIXTURES, 'rates/cbar-05.09.2026.xml')]).stdout;
    assert.match(again, /0 new/);
    ok(['rates', 'import', '--db', db, join(FIXTURES, 'rates/eurofxref.csv')]);
    let r = ok(['money', 'convert', '1000', 'USD', 'AZN', '--date', '2026-09-06', '--db', db]).stdout.split('\n');
    assert.equal(r[0], '1700.00 AZN');
    assert.match(r[1], /1\.7 AZN per USD of 2026-09-04 \(cbar\)/);
    // a week later the bulletin is too old
    const stale = demine(['money', 'convert', '1000', 'USD', 'AZN', '--date', '2026-09-20', '--db', db]);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /within 7 days/);
    // ECB has no AZN: EUR->GBP directly from the ECB file of 13 April 2026
    r = ok(['money', 'convert', '100', 'EUR', 'GBP', '--date', '2026-04-14', '--db', db]).stdout;
    assert.match(r, /GBP\nrate .* \(ecb\)/);
    const listed = json(['list', '--db', db, '--type', 'exchange_rate', '--json']).items;
    assert.ok(listed.length > 60);
    assert.ok(listed.every((x) => x.status === 'approved' && typeof x.rate === 'string'));
  } finally { cleanup(); }
});

test('a broken rate file is refused whole', () => {
  const { db, cleanup } = freshDb();
  const dir = tempDir();
  try {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'Date,USD,JPY,\n2026-04-13,1.1,-3,\n2026-04-10,1.2,160,\n');
    const before = dbDigest(db);
    const r = demine(['rates', 'import', '--db', db, bad]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /line 2/);
    assert.equal(dbDigest(db), before);
    const junk = join(dir, 'junk.xml');
    writeFileSync(junk, '<ValCurs Date="01.01.2026"><ValType><Valute Code="USD"><Nominal>1</Nominal><Value>abc</Value></Valute></ValType></ValCurs>');
    const j = demine(['rates', 'import', '--db', db, junk]);
    assert.equal(j.code, 1);
    assert.equal(dbDigest(db), before);
  } finally { cleanup(); }
});
