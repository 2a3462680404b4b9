// import_codes.test.mjs: codes of imported records count on per prefix without gaps or reuse,
// also after a refused import (bulk imports hand codes out in memory and write the counters once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ok, demine, json, tempDir, newDb, writeJson, fc, feature, square } from './helpers.mjs';

test('imported codes continue each prefix; a refused import uses up no code', () => {
  const dir = tempDir();
  const { db, drop } = newDb(dir);
  try {
    ok(['demo', '--db', db]);
    const org = json(['show', '--db', db, '--json', 'HAZ-AGD-00001']).organisation;
    const codes = () => json(['list', '--db', db, '--type', 'hazard', '--json']).items.map((h) => h.code);
    const last = (prefix) => Math.max(0, ...codes().filter((c) => c.startsWith(prefix + '-') && /^\d+$/.test(c.slice(prefix.length + 1)))
      .map((c) => Number(c.slice(prefix.length + 1))));
    const agd0 = last('HAZ-AGD');
    const haz0 = last('HAZ');
    assert.ok(agd0 >= 1);
    // Inside Ağdam (beside HAZ-AGD-00001), and in the Caspian off the coast: outside every
    // district but inside the country (a record far outside it is refused: see bad_input).
    const inAgd = (i) => square(46.859 + i * 0.0005, 40.137, 0.0003);
    const outside = (i) => square(50.3 + i * 0.01, 40.0, 0.001);
    const hz = (ext, geom, extra = {}) => feature({
      organisation: org, category: 'sha', hazard_type: 'minefield', land_status: 'open',
      date_of_information: '2024-05-01', external_id: ext, ...extra,
    }, geom);
    const byExt = () => new Map(json(['list', '--db', db, '--type', 'hazard', '--json']).items.map((h) => [h.external_id, h.code]));
    const pad = (n) => String(n).padStart(5, '0');

    const f1 = writeJson(dir, 'a.geojson', fc([hz('A1', inAgd(0)), hz('A2', inAgd(1)), hz('X1', outside(0)), hz('A3', inAgd(2))]));
    ok(['import', '--db', db, '--type', 'hazard', f1]);
    let m = byExt();
    assert.equal(m.get('A1'), `HAZ-AGD-${pad(agd0 + 1)}`);
    assert.equal(m.get('A2'), `HAZ-AGD-${pad(agd0 + 2)}`);
    assert.equal(m.get('A3'), `HAZ-AGD-${pad(agd0 + 3)}`);
    assert.equal(m.get('X1'), `HAZ-${pad(haz0 + 1)}`);

    const bad = writeJson(dir, 'bad.geojson', fc([hz('B1', inAgd(3)), hz('B2', outside(1)), hz('B3', inAgd(4), { hazard_type: 'volcano' })]));
    const r = demine(['import', '--db', db, '--type', 'hazard', bad]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /nothing imported/);
    assert.ok(!byExt().has('B1'));

    const f2 = writeJson(dir, 'c.geojson', fc([hz('X2', outside(2)), hz('A4', inAgd(5))]));
    ok(['import', '--db', db, '--type', 'hazard', f2]);
    m = byExt();
    assert.equal(m.get('A4'), `HAZ-AGD-${pad(agd0 + 4)}`, 'the refused import used up no code');
    assert.equal(m.get('X2'), `HAZ-${pad(haz0 + 2)}`);
    const all = codes();
    assert.equal(new Set(all).size, all.length, 'no code twice');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    drop();
  }
});
