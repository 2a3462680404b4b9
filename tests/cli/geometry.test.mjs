// geometry.test.mjs: geometry through `demine import` (GEOS's validity cases rescaled into
// Azerbaijan), coordinate systems, and land release accounting a survey team can check by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { demine, ok, json, freshDb, writeJson, fc, feature, rect, FIXTURES } from './helpers.mjs';

// ---- a small WKT reader for the polygon cases of TestValid.xml ----
function parseWkt(wkt) {
  const s = wkt.trim().replace(/\s+/g, ' ');
  const m = /^(POLYGON|MULTIPOLYGON)\s*(EMPTY|\(.*\))$/i.exec(s);
  if (!m) return null;
  if (/EMPTY/i.test(m[2])) return null;
  let i = 0;
  const body = m[2];
  function list() { // ( ... )
    const out = [];
    if (body[i] !== '(') throw new Error('expected (');
    i++;
    while (true) {
      while (body[i] === ' ') i++;
      if (body[i] === '(') out.push(list());
      else {
        const end = body.slice(i).search(/[,)]/);
        const nums = body.slice(i, i + end).trim().split(' ').map(Number);
        out.push(nums);
        i += end;
      }
      while (body[i] === ' ') i++;
      if (body[i] === ',') { i++; continue; }
      if (body[i] === ')') { i++; return out; }
      throw new Error('bad wkt');
    }
  }
  const coords = list();
  return { type: /^MULTI/i.test(m[1]) ? 'MultiPolygon' : 'Polygon', coordinates: coords };
}

function positions(g) {
  return g.type === 'Polygon' ? g.coordinates.flat() : g.coordinates.flat(2);
}

// Affine map of the case's bounding box into lon 46.5-47.0, lat 39.7-40.0 (keeps topology).
function rescale(g) {
  const ps = positions(g);
  const xs = ps.map((p) => p[0]), ys = ps.map((p) => p[1]);
  const x0 = Math.min(...xs), y0 = Math.min(...ys);
  const span = Math.max(Math.max(...xs) - x0, Math.max(...ys) - y0) || 1;
  const f = (p) => [46.5 + ((p[0] - x0) / span) * 0.3, 39.7 + ((p[1] - y0) / span) * 0.3];
  const map = (c) => (typeof c[0] === 'number' ? f(c) : c.map(map));
  return { type: g.type, coordinates: map(g.coordinates) };
}

function validityCases() {
  const xml = readFileSync(join(FIXTURES, 'geos/TestValid.xml'), 'utf8');
  const cases = [];
  for (const c of xml.matchAll(/<case>([\s\S]*?)<\/case>/g)) {
    const a = /<a>([\s\S]*?)<\/a>/.exec(c[1]);
    const exp = /<op[^>]*name="isValid"[^>]*>\s*(true|false)\s*<\/op>/.exec(c[1]);
    const desc = /<desc>([\s\S]*?)<\/desc>/.exec(c[1]);
    if (!a || !exp) continue;
    let g;
    try { g = parseWkt(a[1]); } catch { g = null; }
    if (!g) continue;
    cases.push({ desc: desc ? desc[1].trim() : a[1].slice(0, 40), geometry: rescale(g), valid: exp[1] === 'true' });
  }
  return cases;
}

test('GEOS TestValid polygon cases, rescaled into Azerbaijan, are imported exactly when valid', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    const cases = validityCases();
    assert.ok(cases.length >= 30, `found ${cases.length} polygon cases`);
    let accepted = 0;
    cases.forEach((c, i) => {
      const f = writeJson(dir, `v${i}.geojson`, fc([feature({ category: 'sha', hazard_type: 'minefield', land_status: 'open' }, c.geometry)]));
      const r = demine(['import', '--db', db, '--type', 'hazard', f]);
      assert.equal(r.code, c.valid ? 0 : 1, `case "${c.desc}" expected ${c.valid ? 'valid' : 'invalid'}: ${r.stderr}`);
      if (!c.valid) assert.match(r.stderr, /feature 1.*geometry/, `case "${c.desc}" names the feature and field`);
      accepted += c.valid;
    });
    assert.equal(json(['list', '--db', db, '--type', 'hazard', '--json']).items.length, accepted);
  } finally { cleanup(); }
});

test('--repair fixes a bow-tie and says what changed', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    const bow = { type: 'Polygon', coordinates: [[[46.9, 39.9], [46.92, 39.92], [46.92, 39.9], [46.9, 39.92], [46.9, 39.9]]] };
    const f = writeJson(dir, 'bow.geojson', fc([feature({ category: 'sha', hazard_type: 'minefield', land_status: 'open' }, bow)]));
    assert.equal(demine(['import', '--db', db, '--type', 'hazard', f]).code, 1);
    const r = ok(['import', '--db', db, '--type', 'hazard', f, '--repair']);
    assert.match(r.stdout, /repaired/);
    assert.match(r.stdout, /area_before_m2/);
    const h = json(['list', '--db', db, '--type', 'hazard', '--json']).items[0];
    assert.equal(h.geometry.type, 'MultiPolygon');
  } finally { cleanup(); }
});

test('UTM 38N coordinates are stored in WGS84 and the source CRS is kept', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    // a 100 m x 100 m square in UTM 38N near Aghdam
    const x = 670000, y = 4427000;
    const sq = { type: 'Polygon', coordinates: [[[x, y], [x + 100, y], [x + 100, y + 100], [x, y + 100], [x, y]]] };
    const f = writeJson(dir, 'utm.geojson', fc([feature({ category: 'sha', hazard_type: 'minefield', land_status: 'open' }, sq)]));
    ok(['import', '--db', db, '--type', 'hazard', f, '--crs', 'EPSG:32638']);
    const h = json(['list', '--db', db, '--type', 'hazard', '--json']).items[0];
    assert.equal(h.source_crs, 'EPSG:32638');
    const [lon, lat] = h.geometry.coordinates[0][0];
    assert.ok(lon > 46.9 && lon < 47.1 && lat > 39.9 && lat < 40.1, `${lon} ${lat}`);
    assert.ok(Math.abs(h.area_m2 - 10000) < 10, `area ${h.area_m2}`); // UTM scale factor near the zone edge
    // the 2008-style crs member works the same
    const g = writeJson(dir, 'utm2.geojson', { type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32638' } }, features: [feature({ category: 'sha', hazard_type: 'minefield', land_status: 'open' }, sq)] });
    ok(['import', '--db', db, '--type', 'hazard', g]);
    // and export writes it back in that CRS
    const csv = ok(['export', '--db', db, '--type', 'hazard', '--format', 'csv', '--crs', 'EPSG:32638']).stdout;
    assert.match(csv, /POLYGON \(\(670000(\.0+)? 4427000/);
    const back = JSON.parse(ok(['export', '--db', db, '--type', 'hazard', '--crs', 'EPSG:32638']).stdout);
    assert.equal(back.crs.properties.name, 'urn:ogc:def:crs:EPSG::32638');
  } finally { cleanup(); }
});

// Geodesic area of a lon/lat ring by GeographicLib's Planimeter.
function planimeter(ring) {
  const input = ring.slice(0, -1).map(([x, y]) => `${y} ${x}`).join('\n') + '\n';
  const r = spawnSync('Planimeter', ['-p', '9'], { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`Planimeter: ${r.stderr}`);
  return Math.abs(Number(r.stdout.trim().split(/\s+/)[2]));
}

test('a hazard with three overlapping releases shows the areas a survey team computes by hand', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    // about 1 km x 1 km near Fuzuli; releases are strips across it, in date order:
    // cancelled 0-0.5, reduced 0.4-0.7 (overlaps the cancelled land), cleared 0.6-0.9; 0.9-1.0 remains.
    const x0 = 47.10, y0 = 39.55, dx = 0.0117, dy = 0.009;
    const X = (t) => +(x0 + t * dx).toFixed(7);
    // Edges are geodesics: every polygon gets a vertex at every strip boundary along its top
    // and bottom edges, so shared edges are the same geodesics and the parts add up exactly.
    const breaks = [0, 0.4, 0.5, 0.6, 0.7, 0.85, 0.9, 0.95, 1, 1.2];
    const strip = (a, b) => {
      const xs = breaks.filter((t) => t >= a && t <= b).map(X);
      const ring = [...xs.map((x) => [x, y0]), ...xs.reverse().map((x) => [x, +(y0 + dy).toFixed(7)])];
      ring.push(ring[0]);
      return { type: 'Polygon', coordinates: [ring] };
    };
    const hz = strip(0, 1);
    ok(['import', '--db', db, '--type', 'hazard', writeJson(dir, 'h.geojson', fc([feature({ category: 'cha', hazard_type: 'minefield', land_status: 'open', external_id: 'H1' }, hz)])), '--approve', '--reason', 'survey']);
    const rels = [
      feature({ hazard: 'H1', method: 'nts', result: 'cancelled', end_date: '2022-01-10' }, strip(0, 0.5)),
      feature({ hazard: 'H1', method: 'ts', result: 'reduced', end_date: '2022-03-10' }, strip(0.4, 0.7)),
      feature({ hazard: 'H1', method: 'clearance', result: 'cleared', end_date: '2022-06-10' }, strip(0.6, 0.9)),
    ];
    ok(['import', '--db', db, '--type', 'land_release', writeJson(dir, 'r.geojson', fc(rels)), '--approve', '--reason', 'completion reports']);
    const h = json(['list', '--db', db, '--type', 'hazard', '--json']).items[0];
    const area = (a, b) => planimeter(strip(a, b).coordinates[0]);
    const near = (got, want, what) => assert.ok(Math.abs(got - want) <= Math.max(0.01, want * 1e-6), `${what}: ${got} vs ${want}`);
    near(h.area_m2, planimeter(hz.coordinates[0]), 'hazard area');
    near(h.cancelled_m2, area(0, 0.5), 'cancelled');
    near(h.reduced_m2, area(0.5, 0.7), 'reduced');
    near(h.cleared_m2, area(0.7, 0.9), 'cleared');
    near(h.remaining_m2, area(0.9, 1), 'remaining');
    // partly released: worked on, set by the system (issue 25: it used to stay open)
    assert.equal(h.land_status, 'worked_on');
    assert.equal(h.closure_reason, 'partly released');
    assert.equal(h.updated_by, 'system');
    // clearing the last strip closes the hazard as fully released, as a system version
    ok(['import', '--db', db, '--type', 'land_release', writeJson(dir, 'r2.geojson', fc([feature({ hazard: 'H1', method: 'clearance', result: 'cleared', end_date: '2022-07-01' }, strip(0.85, 1))])), '--approve', '--reason', 'last strip']);
    let closed = json(['list', '--db', db, '--type', 'hazard', '--json']).items[0];
    assert.equal(closed.land_status, 'closed');
    assert.equal(closed.closure_reason, 'fully released');
    assert.ok(closed.remaining_m2 < 1);
    // withdrawing that release reopens it
    const last = json(['list', '--db', db, '--type', 'land_release', '--json']).items.find((r) => r.end_date === '2022-07-01');
    ok(['delete', '--db', db, last.code, '--expect-version', String(last.version), '--reason', 'report withdrawn: wrong polygon']);
    closed = json(['list', '--db', db, '--type', 'hazard', '--json']).items[0];
    assert.equal(closed.land_status, 'worked_on');
    near(closed.remaining_m2, area(0.9, 1), 'remaining after withdrawal');
    // a release partly outside its hazard is reported
    ok(['import', '--db', db, '--type', 'land_release', writeJson(dir, 'r3.geojson', fc([feature({ hazard: 'H1', method: 'nts', result: 'cancelled', end_date: '2022-08-01' }, strip(0.95, 1.2))])), '--approve', '--reason', 'outside']);
    const out = json(['list', '--db', db, '--type', 'hazard', '--json']).items[0];
    near(out.released_outside_m2, area(1, 1.2), 'outside');
    const chk = demine(['check', '--db', db, '--json']);
    const findings = JSON.parse(chk.stdout).findings;
    assert.ok(findings.some((f) => f.check === 'release_outside_hazard' && /outside the hazard/.test(f.message)));
  } finally { cleanup(); }
});

test('a polygon entered as turning points: geom turning-points prints it, import takes the same columns', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    const rows = [
      'point,lon,lat,bearing,distance,bearing_type,declination,category,hazard_type,land_status,external_id',
      'BM,46.9,39.9,,,,,cha,minefield,open,TP-A',
      'RP,,,45,50,true,,,,,',
      'TP1,,,0,20,true,,,,,',
      'TP2,,,90,100,true,,,,,',
      'TP3,,,180,100,true,,,,,',
      'TP4,,,270,100,true,,,,,',
      'BM,46.95,39.95,,,,,sha,battle_area,open,TP-B',
      'RP,,,90,10,magnetic,6,,,,',
      'TP1,,,354,50,magnetic,6,,,,',
      'TP2,,,84,200,magnetic,6,,,,',
      'TP3,,,174,200,magnetic,6,,,,',
      'TP4,,,264,200,magnetic,6,,,,',
    ];
    const file = join(dir, 'tp.csv');
    writeFileSync(file, rows.join('\r\n') + '\r\n');
    const single = join(dir, 'one.csv');
    writeFileSync(single, rows.slice(0, 7).join('\n') + '\n');
    const printed = JSON.parse(ok(['geom', 'turning-points', single]).stdout);
    assert.ok(Math.abs(printed.properties.area_m2 - 10000) < 1, `area ${printed.properties.area_m2}`);
    ok(['import', '--db', db, '--type', 'hazard', file]);
    const hs = json(['list', '--db', db, '--type', 'hazard', '--json']).items;
    assert.equal(hs.length, 2);
    const a = hs.find((h) => h.external_id === 'TP-A'), b = hs.find((h) => h.external_id === 'TP-B');
    assert.ok(Math.abs(a.area_m2 - 10000) < 1, `TP-A ${a.area_m2}`);
    assert.ok(Math.abs(b.area_m2 - 40000) < 2, `TP-B ${b.area_m2}`);
    assert.equal(a.category, 'cha');
    assert.deepEqual(JSON.stringify(a.geometry.coordinates[0][0]), JSON.stringify(printed.geometry.coordinates[0][0]));
    // a bad bearing refuses the file and names the line
    writeFileSync(file, rows.join('\n').replace('TP3,,,174,200', 'TP3,,,400,200') + '\n');
    const r = demine(['import', '--db', db, '--type', 'hazard', file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /turning points from line 8: line 12: bearing '400' is outside 0-360/);
  } finally { cleanup(); }
});
