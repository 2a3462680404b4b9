// landrelease.test.mjs: demine landrelease recompute, which rebuilds every hazard's land release
// figures (overlays run on several threads, in batches of 512 hazards; reads and writes stay in
// code order on one connection).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ok, json, tempDir, newDb, sql, dbDigest } from './helpers.mjs';

const N = 520; // more than one batch

const FIGURES = ['cancelled_m2', 'reduced_m2', 'cleared_m2', 'remaining_m2', 'released_outside_m2'];

function figures(db, code) {
  const row = sql(db, `SELECT ${FIGURES.join(', ')}, land_status, COALESCE(closure_reason, ''), version FROM hazard WHERE code = '${code}'`).split('|');
  return { ...Object.fromEntries(FIGURES.map((f, i) => [f, Number(row[i])])), land_status: row[5], closure_reason: row[6],
    version: Number(row[7]) };
}

test('landrelease recompute: damaged figures and closures come back as system versions, the rest is untouched', () => {
  const dir = tempDir();
  const { db, drop } = newDb(dir, 'g.db');
  try {
    ok(['gen', '--db', db, '--hazards', String(N), '--seed', '5', '--quiet']);
    // Already consistent: nothing is written.
    const before = dbDigest(db);
    assert.match(ok(['landrelease', 'recompute', '--db', db]).stdout, new RegExp(`^${N} hazards recomputed: 0 changed \\(0 closed, 0 reopened\\)$`, 'm'));
    assert.equal(dbDigest(db), before);

    const codes = sql(db, 'SELECT code FROM hazard ORDER BY code').split('\n');
    const first = codes[0], late = codes[N - 1]; // in the first batch and in the second
    const withReleases = (status) => sql(db, `SELECT h.code FROM hazard h WHERE h.land_status = '${status}'
      AND h.code NOT IN ('${first}', '${late}') AND EXISTS (SELECT 1 FROM land_release r WHERE r.hazard = h.id)
      ORDER BY h.code LIMIT 1`);
    const closed = withReleases('closed'), worked = withReleases('worked_on');
    assert.ok(closed && worked && ![first, late].includes(closed) && ![first, late].includes(worked));
    const want = Object.fromEntries([first, late, closed, worked].map((c) => [c, figures(db, c)]));
    assert.ok(want[late].cleared_m2 + want[late].reduced_m2 + want[late].cancelled_m2 > 0 || want[late].remaining_m2 > 0);

    // Damage behind demine's back.
    sql(db, `UPDATE hazard SET remaining_m2 = 0, cleared_m2 = cleared_m2 + 5 WHERE code IN ('${first}', '${late}')`);
    sql(db, `UPDATE hazard SET land_status = 'worked_on', closure_reason = NULL WHERE code = '${closed}'`);
    sql(db, `UPDATE hazard SET land_status = 'closed', closure_reason = 'fully released' WHERE code = '${worked}'`);
    // reopened by the system, it says so: worked on because partly released (issue 25)
    want[worked].closure_reason = 'partly released';

    assert.match(ok(['landrelease', 'recompute', '--db', db]).stdout, new RegExp(`^${N} hazards recomputed: 4 changed \\(1 closed, 1 reopened\\)$`, 'm'));
    for (const [code, w] of Object.entries(want)) {
      const got = figures(db, code);
      for (const f of FIGURES) assert.ok(Math.abs(got[f] - w[f]) <= 0.01, `${code} ${f}: ${got[f]} vs ${w[f]}`);
      assert.equal(got.land_status, w.land_status, code);
      assert.equal(got.closure_reason, w.closure_reason, code);
      assert.equal(got.version, w.version + 1, `${code}: one new version`);
      const hist = json(['history', '--db', db, code, '--json']);
      const last = hist.items.at(-1);
      assert.equal(last.updated_by, 'system', JSON.stringify(last).slice(0, 300));
      assert.equal(last.status, 'approved');
    }
    const reasons = Object.fromEntries(Object.keys(want).map((c) => [c, sql(db, `SELECT change_reason FROM hazard WHERE code = '${c}'`)]));
    assert.equal(reasons[closed], 'closed: fully released');
    assert.equal(reasons[worked], 'reopened: a release was withdrawn');
    assert.equal(reasons[late], 'land release figures recomputed');
    // Done once: a second run finds nothing to do.
    assert.match(ok(['landrelease', 'recompute', '--db', db]).stdout, / 0 changed /);
  } finally { drop(); rmSync(dir, { recursive: true, force: true }); }
});
