// check.test.mjs: demine check reports data quality findings (duplicates, overlaps, slivers,
// vertex spacing, records outside every admin area, items found outside their release) with
// record codes and severity, and assigns admin areas to records entered without one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demine, ok, json, freshDb, writeJson, fc, feature, rect, square, sql } from './helpers.mjs';

const HZ = { category: 'sha', hazard_type: 'minefield', land_status: 'open' };

test('admin areas are assigned from the point or most of the polygon', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    const areas = fc([
      feature({ kind: 'adm2', name_en: 'West District', abbr: 'WST', pcode: 'AZ-W' }, rect(46.0, 39.0, 47.0, 40.0)),
      feature({ kind: 'adm2', name_en: 'East District', abbr: 'EST', pcode: 'AZ-E' }, rect(47.0, 39.0, 48.0, 40.0)),
    ]);
    ok(['import', '--db', db, '--type', 'location', writeJson(dir, 'a.geojson', areas), '--approve', '--reason', 'boundaries']);
    // mostly in the east: 0.002 west of the line, 0.008 east of it
    ok(['import', '--db', db, '--type', 'hazard', writeJson(dir, 'h.geojson', fc([feature(HZ, rect(46.998, 39.5, 47.008, 39.51))]))]);
    const h = json(['list', '--db', db, '--type', 'hazard', '--json']).items[0];
    const east = json(['list', '--db', db, '--type', 'location', '--json']).items.find((l) => l.abbr === 'EST');
    assert.equal(h.location, east.id);
    assert.match(h.code, /^HAZ-EST-00001$/);
    ok(['import', '--db', db, '--type', 'accident', writeJson(dir, 'acc.geojson', fc([feature({ accident_date: '2022-01-01', accident_kind: 'civilian' }, { type: 'Point', coordinates: [46.5, 39.5] })]))]);
    const a = json(['list', '--db', db, '--type', 'accident', '--json']).items[0];
    assert.match(a.code, /^ACC-WST-/);
  } finally { cleanup(); }
});

test('check lists data quality findings with codes and severity; warnings exit 0', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    ok(['import', '--db', db, '--type', 'location', writeJson(dir, 'a.geojson', fc([feature({ kind: 'adm2', name_en: 'District', abbr: 'DST' }, rect(46.0, 39.0, 47.0, 40.0))])), '--approve', '--reason', 'b']);
    const hazards = fc([
      feature({ ...HZ, external_id: 'A' }, rect(46.50, 39.50, 46.51, 39.51)),
      feature({ ...HZ, external_id: 'A-dup' }, rect(46.50, 39.50, 46.51, 39.51)), // duplicate of A
      feature({ ...HZ, external_id: 'B' }, rect(46.505, 39.505, 46.52, 39.52)), // overlaps A
      feature({ ...HZ, external_id: 'sliver' }, rect(46.60, 39.60, 46.60001, 39.6001)), // ~10 m2
      feature({ ...HZ, external_id: 'far' }, rect(47.5, 39.5, 47.6, 39.6)), // outside every admin area
      feature({ ...HZ, external_id: 'spike' }, { type: 'Polygon', coordinates: [[[46.7, 39.7], [46.71, 39.7], [46.9, 39.9], [46.7, 39.71], [46.7, 39.7]]] }),
    ]);
    ok(['import', '--db', db, '--type', 'hazard', writeJson(dir, 'h.geojson', hazards), '--approve', '--reason', 'r']);
    ok(['import', '--db', db, '--type', 'land_release', writeJson(dir, 'r.geojson', fc([feature({ hazard: 'A', method: 'clearance', result: 'cleared', external_id: 'R1' }, rect(46.50, 39.50, 46.505, 39.505))])), '--approve', '--reason', 'r']);
    ok(['import', '--db', db, '--type', 'eo_find', writeJson(dir, 'f.geojson', fc([
      feature({ release: 'R1', category: 'ap_mine', model: 'PMN-2', quantity: 1 }, { type: 'Point', coordinates: [46.502, 39.502] }),
      feature({ release: 'R1', category: 'at_mine', model: 'TM-62M', quantity: 1 }, { type: 'Point', coordinates: [46.509, 39.509] }),
    ])), '--approve', '--reason', 'r']);
    const r = demine(['check', '--db', db, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const by = (check) => out.findings.filter((f) => f.check === check);
    assert.equal(out.errors, 0);
    assert.ok(by('duplicate_polygon').length >= 1, 'duplicate');
    assert.ok(by('overlap').some((f) => /overlaps/.test(f.message)), 'overlap');
    assert.ok(by('sliver').some((f) => /sliver/.test(f.message)), 'sliver');
    assert.ok(by('outside_admin_areas').length === 1, 'outside admin areas');
    assert.ok(by('vertex_spacing').length >= 1, 'vertex spacing');
    const outside = by('find_outside_release');
    assert.equal(outside.length, 1);
    assert.match(outside[0].record, /^EO-/);
    for (const f of out.findings) {
      assert.ok(['warning', 'error'].includes(f.severity));
      assert.ok(f.message.length > 10);
    }
    const text = ok(['check', '--db', db]).stdout;
    assert.match(text, /0 errors, \d+ warnings/);
  } finally { cleanup(); }
});

test('check finds integrity errors and exits 1', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    ok(['import', '--db', db, '--type', 'hazard', writeJson(dir, 'h.geojson', fc([feature(HZ, square(46.9, 39.9, 0.001))]))]);
    // damage the database behind demine's back: a link to nowhere
    sql(db, "INSERT INTO record_link (from_id, field, to_id) SELECT id, 'hazard', 'no-such-id' FROM hazard");
    const r = demine(['check', '--db', db]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /error +links/);
  } finally { cleanup(); }
});
