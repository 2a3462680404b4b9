// no_silence.test.mjs: the CLI no longer answers 0 to a change it cannot make (issue 25 part 1,
// item 7): --set of a computed or read-only field is refused saying what computes it; a change
// to the same values and a re-import of an unchanged export write no version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { demine, ok, json, tempDir, newDb, writeJson } from './helpers.mjs';

// The demo database in a folder of its own (SQLite or PostgreSQL, as the run says).
function demoDb() {
  const dir = tempDir();
  const { db, drop } = newDb(dir);
  ok(['demo', '--db', db]);
  return { dir, db, cleanup: () => { rmSync(dir, { recursive: true, force: true }); drop(); } };
}

// demine audit --json prints one JSON object a line, newest first.
const audit = (db, limit = 1000) => ok(['audit', '--db', db, '--json', '--limit', String(limit)]).stdout.trim().split('\n').map((l) => JSON.parse(l));
const versions = (db, code) => json(['history', '--db', db, code, '--json']).items.length;

test('update --set of a computed or read-only field is refused and writes nothing', () => {
  const { db, cleanup } = demoDb();
  try {
    const h = json(['show', '--db', db, 'HAZ-AGD-00001', '--json']);
    for (const [set, want] of [
      ['closure_reason=done by hand', /closure_reason is computed and cannot be set: why the land status is what it is/],
      ['remaining_m2=5', /remaining_m2 is computed and cannot be set: polygon minus the union of its released polygons/],
      ['area_m2=1', /area_m2 is computed and cannot be set: geodesic area of the polygon/],
      ['status=approved', /status is read-only: set by submit, approve and reject/],
      ['code=HAZ-X', /code is read-only: assigned when the record is created/],
    ]) {
      const r = demine(['update', '--db', db, h.code, '--set', set, '--expect-version', String(h.version), '--reason', 'try']);
      assert.equal(r.code, 1, `${set}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, want);
    }
    assert.equal(versions(db, h.code), h.version, 'no version written');
  } finally { cleanup(); }
});

test('update --set to the values a record already has writes no version and says so', () => {
  const { db, cleanup } = demoDb();
  try {
    const h = json(['show', '--db', db, 'HAZ-AGD-00001', '--json']);
    const r = ok(['update', '--db', db, h.code, '--set', `land_status=${h.land_status}`, '--set', `priority=${h.priority}`,
      '--expect-version', String(h.version), '--reason', 'same']);
    assert.match(r.stdout, new RegExp(`hazard ${h.code} is unchanged at version ${h.version}`));
    assert.equal(versions(db, h.code), h.version);
    assert.equal(audit(db).filter((a) => a.record_id === h.id && a.action === 'update').length, 0);
  } finally { cleanup(); }
});

test('re-importing an unchanged export writes nothing; a changed record is still updated', () => {
  const { db, dir, cleanup } = demoDb();
  try {
    for (const [type, ext] of [['hazard', 'geojson'], ['land_release', 'csv'], ['accident', 'geojson']]) {
      const f = join(dir, `${type}.${ext}`);
      ok(['export', '--db', db, '--type', type, ...(ext === 'csv' ? ['--format', 'csv'] : []), '-o', f]);
      const n = ext === 'csv' ? readFileSync(f, 'utf8').trim().split('\n').length - 1 : JSON.parse(readFileSync(f, 'utf8')).features.length;
      assert.ok(n > 0);
      const before = audit(db, 1)[0];
      const r = ok(['import', '--db', db, '--type', type, f]);
      assert.match(r.stdout, new RegExp(`0 created, 0 updated, ${n} unchanged`), `${type}: ${r.stdout}`);
      assert.deepEqual(audit(db, 1)[0], before, `${type}: no audit row`);
    }
    const f = join(dir, 'hazard.geojson');
    const fcol = JSON.parse(readFileSync(f, 'utf8'));
    fcol.features[0].properties.name = 'renamed in a spreadsheet';
    fcol.features[0].properties.remaining_m2 = 1; // computed: ignored in a whole document
    const g = writeJson(dir, 'changed.geojson', fcol);
    const r = ok(['import', '--db', db, '--type', 'hazard', g]);
    assert.match(r.stdout, new RegExp(`0 created, 1 updated, ${fcol.features.length - 1} unchanged`));
    const h = json(['show', '--db', db, fcol.features[0].properties.code, '--json']);
    assert.equal(h.name, 'renamed in a spreadsheet');
    assert.notEqual(h.remaining_m2, 1);
  } finally { cleanup(); }
});
