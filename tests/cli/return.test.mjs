// return.test.mjs: settlements come in through the existing import (a CSV with coordinates),
// all or nothing with every problem listed, and get their readiness on the way in (issue 17).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ok, demine, json, tempDir, newDb, sql } from './helpers.mjs';

test('import settlements from a CSV with lon/lat: refused whole with every problem, then imported with their readiness', () => {
  const dir = tempDir();
  const { db, drop } = newDb(dir, 'r.db');
  try {
    ok(['demo', '--db', db]);
    const csv = join(dir, 's.csv');
    const head = 'name_en,name_az,alt_names,population_before,planned_returnees,return_priority,lon,lat\n';
    writeFileSync(csv, head + 'Khidirli,Xıdırlı,Khydyrly;Hidirli,900,500,20,46.955,39.985\n'
      + 'Badvillage,,,-5,,,46.95,39.98\nNowhere,,,,,,49.9,41.2\n');
    const bad = demine(['import', '--db', db, '--type', 'settlement', csv, '--approve', '--reason', 'return plan']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /2 problems found/);
    assert.match(bad.stderr, /line 3: population_before: -5 is negative/);
    assert.match(bad.stderr, /line 4: geometry: the settlement at \(49\.900000 41\.200000\) lies outside every administrative area/);
    assert.equal(sql(db, "SELECT count(*) FROM settlement WHERE name_en = 'Khidirli'"), '0', 'nothing half-imported');
    writeFileSync(csv, head + 'Khidirli,Xıdırlı,Khydyrly;Hidirli,900,500,20,46.955,39.985\n');
    assert.match(ok(['import', '--db', db, '--type', 'settlement', csv, '--approve', '--reason', 'return plan']).stdout,
      /1 created/);
    const code = sql(db, "SELECT code FROM settlement WHERE name_en = 'Khidirli'");
    assert.match(code, /^SET-AGD-\d{5}$/);
    const r = json(['readiness', 'show', '--db', db, code]);
    assert.ok(['blocked', 'in_progress', 'cleared_for_return'].includes(r.readiness_status));
    assert.ok(r.readiness_reasons.length >= 1);
    assert.equal(r.history[0].reason, 'return plan');
  } finally {
    drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
