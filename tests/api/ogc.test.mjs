// ogc.test.mjs: OGC API - Features at /ogc, checked with GDAL's OAPIF driver (ogrinfo, ogr2ogr)
// against `demine export`, and directly: every parameter, every bad input, roles and paging.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { startServer, api, ok, sql } from './helpers.mjs';

// one geometry family each: the hazards and places that are single points have collections of their own
const COLLECTIONS = ['location', 'location_point', 'hazard', 'hazard_point', 'land_release', 'eo_find', 'accident', 'eore_session',
  'settlement', 'settlement_point', 'access_route', 'access_route_point'];
// SQL: the records of the polygon collection of a type that also has a _point one (a single point
// is the geometry whose box has no extent)
const AREA = '(minx < maxx OR miny < maxy)';
const POINT = '(minx = maxx AND miny = maxy)';
const PERSONAL = 'witness_name';
const WITNESS = 'Elvin Mammadov';

let s;
before(async () => {
  // A personal field on accidents, filled in the accident's approved version, to see that
  // only roles with the right to personal data get it.
  s = await startServer({
    setup(db) {
      ok(['field', 'add', '--db', db, '--type', 'accident', '--name', PERSONAL, '--kind', 'text', '--personal']);
      const acc = JSON.parse(ok(['list', '--db', db, '--type', 'accident', '--json']).stdout).items[0];
      ok(['update', '--db', db, acc.code, '--set', `${PERSONAL}=${WITNESS}`, '--expect-version', String(acc.version),
        '--reason', 'witness statement']);
      ok(['submit', '--db', db, acc.code]);
      ok(['approve', '--db', db, acc.code]);
    },
  });
});
after(async () => { await s.stop(); });

const get = (role, path) => api(s, role, 'GET', path);
const gdalEnv = (role) => ({ ...process.env, GDAL_HTTP_HEADERS: `Authorization: Bearer ${s.tokens[role]}`, CPL_DEBUG: 'OFF' });

function gdal(cmd, args, role = 'admin') {
  const r = spawnSync(cmd, args, { env: gdalEnv(role), encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// Every feature of a collection by following next links; returns {features, pages, matched}
// (matched: numberMatched of the first page).
async function walk(role, first) {
  const features = [];
  let url = first, pages = 0, matched = null;
  while (url) {
    const r = await get(role, url.replace(s.url, ''));
    assert.equal(r.status, 200, r.text);
    pages++;
    if (pages === 1) matched = r.json.numberMatched;
    else assert.ok(!('numberMatched' in r.json), 'numberMatched is on the first page only');
    assert.equal(r.json.numberReturned, r.json.features.length);
    features.push(...r.json.features);
    url = r.json.links.find((l) => l.rel === 'next')?.href;
    assert.ok(pages < 1000, 'paging ends');
  }
  return { features, pages, matched };
}

const errorOf = async (path, status = 400, role = 'admin') => {
  const r = await get(role, path);
  assert.equal(r.status, status, `${path}: ${r.text}`);
  assert.ok(r.json?.error?.message, `${path} answers with an error message`);
  return r.json.error;
};

test('landing page and conformance: links for clients, the classes that are true', async () => {
  const r = await get(null, '/ogc');
  assert.equal(r.status, 200);
  const rel = Object.fromEntries(r.json.links.map((l) => [l.rel, l]));
  for (const k of ['self', 'service-desc', 'conformance', 'data']) assert.ok(rel[k], `link ${k}`);
  assert.equal(rel['service-desc'].href, `${s.url}/openapi.json`);
  assert.equal(rel.data.href, `${s.url}/ogc/collections`);
  const desc = await get(null, new URL(rel['service-desc'].href).pathname);
  assert.equal(desc.status, 200);
  assert.ok(desc.json.paths['/ogc/collections/{collectionId}/items'].get.parameters.some((p) => p.name === 'bbox'));
  const c = await get(null, '/ogc/conformance');
  assert.equal(c.status, 200);
  assert.deepEqual(c.json.conformsTo.sort(), [
    'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
    'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
    'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
    'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
    'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
    'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters',
    'http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/schemas',
  ]);
  // oas30: OpenAPI 3.0 at /ogc/api (the first service-desc; OWSLib's api() and GDAL read it) and /api
  const d30 = r.json.links.find((l) => l.rel === 'service-desc');
  assert.equal(d30.href, `${s.url}/ogc/api`);
  for (const p of ['/ogc/api', '/api']) {
    const a = await get(null, p);
    assert.equal(a.status, 200, p);
    assert.equal(a.json.openapi, '3.0.3');
    assert.deepEqual(a.json.servers, [{ url: s.url, description: 'This server' }]);
    assert.ok(!JSON.stringify(a.json).includes('"type":["'), 'no 3.1 type lists in a 3.0 document');
  }
});

test('collections: the record types with geometry, with extents, CRS84 and items links', async () => {
  const r = await get('admin', '/ogc/collections');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.collections.map((c) => c.id), COLLECTIONS);
  const haz = r.json.collections.find((c) => c.id === 'hazard');
  assert.equal(haz.title, 'Hazardous area (polygons)');
  assert.deepEqual(haz.crs, ['http://www.opengis.net/def/crs/OGC/1.3/CRS84', 'http://www.opengis.net/def/crs/EPSG/0/32638',
    'http://www.opengis.net/def/crs/EPSG/0/32639', 'http://www.opengis.net/def/crs/EPSG/0/3857']);
  assert.equal(haz.storageCrs, 'http://www.opengis.net/def/crs/OGC/1.3/CRS84');
  const [w, so, e, n] = haz.extent.spatial.bbox[0];
  const box = sql(s.db, `SELECT min(minx), min(miny), max(maxx), max(maxy) FROM hazard WHERE deleted = 0 AND ${AREA}`).split('|').map(Number);
  for (const [a, b] of [[w, box[0]], [so, box[1]], [e, box[2]], [n, box[3]]]) assert.ok(Math.abs(a - b) < 1e-9, `${a} ~ ${b}`);
  const [t0, t1] = haz.extent.temporal.interval[0];
  const dates = sql(s.db, `SELECT min(date_of_information), max(date_of_information) FROM hazard WHERE deleted = 0 AND ${AREA}`).split('|');
  assert.equal(t0, `${dates[0]}T00:00:00Z`);
  assert.equal(t1, `${dates[1]}T23:59:59Z`);
  assert.equal(haz.links.find((l) => l.rel === 'items').href, `${s.url}/ogc/collections/hazard/items`);
  const one = await get('admin', '/ogc/collections/hazard');
  assert.equal(one.status, 200);
  assert.deepEqual(one.json, haz);
  assert.match((await errorOf('/ogc/collections/nothing', 404)).message, /no collection 'nothing'/);
  assert.match((await errorOf('/ogc/collections/grant', 404)).message, /no collection 'grant'/, 'a type without geometry is no collection');
  assert.match((await errorOf('/ogc/collections/hazard/items/x/y', 404)).message, /no such API endpoint/);
});

test('one geometry family per collection: hazard (polygons) and hazard_point, likewise location; counts add up', async () => {
  for (const type of ['hazard', 'location']) {
    const all = (await walk('admin', `/ogc/collections/${type}/items?limit=1000`)).features;
    const pts = (await walk('admin', `/ogc/collections/${type}_point/items?limit=1000`)).features;
    assert.ok(all.length > 0 && pts.length > 0, `${type}: both families in the demo`);
    assert.ok(all.every((f) => f.geometry && /Polygon$/.test(f.geometry.type)), `${type}: polygons only`);
    assert.ok(pts.every((f) => f.geometry?.type === 'Point'), `${type}_point: points only`);
    const total = Number(sql(s.db, `SELECT count(*) FROM ${type} WHERE deleted = 0`));
    assert.equal(all.length + pts.length, total, `${type} + ${type}_point = every ${type}`);
    // each with its own extent: the points' box is the box of the points
    const c = (await get('admin', `/ogc/collections/${type}_point`)).json;
    assert.equal(c.title.endsWith('(points)'), true);
    const box = sql(s.db, `SELECT min(minx), min(miny), max(maxx), max(maxy) FROM ${type} WHERE deleted = 0 AND ${POINT}`).split('|').map(Number);
    c.extent.spatial.bbox[0].forEach((v, i) => assert.ok(Math.abs(v - box[i]) < 1e-9, `${type}_point extent ${i}`));
    // a feature is found in its own collection only
    assert.equal((await get('admin', `/ogc/collections/${type}_point/items/${pts[0].id}`)).status, 200);
    assert.match((await errorOf(`/ogc/collections/${type}/items/${pts[0].id}`, 404)).message, new RegExp(`in the collection ${type}_point`));
    assert.equal((await get('admin', `/ogc/collections/${type}_point/items/${all[0].id}`)).status, 404);
  }
  assert.equal((await get('admin', '/ogc/collections/eo_find_point')).status, 404, 'point-only types have one collection');
});

test('ogrinfo (GDAL OAPIF driver) lists every collection with the demo feature counts', () => {
  const out = gdal('ogrinfo', ['-ro', '-al', '-so', `OAPIF:${s.url}/ogc`]);
  const layers = [...out.matchAll(/Layer name: (\w+)[\s\S]*?Feature Count: (\d+)/g)].map((m) => [m[1], Number(m[2])]);
  assert.deepEqual(layers.map(([n]) => n), COLLECTIONS);
  for (const [name, count] of layers) {
    // a _point collection holds the export's single points, its polygon sibling the rest
    const type = name.replace(/_point$/, '');
    const split = COLLECTIONS.includes(`${type}_point`);
    const exp = JSON.parse(ok(['export', '--db', s.db, '--type', type, '--format', 'geojson']).stdout).features;
    const n = exp.filter((f) => !split || (f.geometry?.type === 'Point') === name.endsWith('_point')).length;
    assert.ok(n > 0, `${name}: the demo has features`);
    assert.equal(count, n, `${name}: ogrinfo's count is the export's`);
  }
});

test('ogr2ogr copies a collection to GeoPackage with the same features and values as demine export', () => {
  const fromApi = join(s.dir, 'api.gpkg'), fromExport = join(s.dir, 'export.gpkg'), geojson = join(s.dir, 'hazard-export.geojson');
  gdal('ogr2ogr', ['-f', 'GPKG', fromApi, `OAPIF:${s.url}/ogc`, 'hazard']);
  ok(['export', '--db', s.db, '--type', 'hazard', '--format', 'geojson', '-o', geojson]);
  gdal('ogr2ogr', ['-f', 'GPKG', '-nln', 'hazard', fromExport, geojson]);
  const rows = (f) => JSON.parse(spawnSync('sqlite3', ['-json', f, 'SELECT *, hex(geom) AS geom_hex FROM hazard'], { encoding: 'utf8' }).stdout);
  const points = new Set(JSON.parse(readFileSync(geojson, 'utf8')).features.filter((f) => f.geometry?.type === 'Point').map((f) => f.id));
  assert.ok(points.size > 0, 'the demo has hazards known only by a point');
  const a = rows(fromApi), b = rows(fromExport).filter((r) => !points.has(r.id));
  assert.equal(a.length, Number(sql(s.db, `SELECT count(*) FROM hazard WHERE deleted = 0 AND ${AREA}`)));
  assert.equal(a.length, b.length);
  const byId = new Map(b.map((r) => [r.id, r]));
  const cols = Object.keys(b[0]).filter((k) => k !== 'fid' && k !== 'geom');
  assert.ok(cols.includes('code') && cols.includes('category') && cols.includes('remaining_m2') && cols.includes('geom_hex'));
  assert.deepEqual(Object.keys(a[0]).filter((k) => k !== 'fid' && k !== 'geom').sort(), [...cols].sort());
  for (const r of a) {
    const e = byId.get(r.id);
    assert.ok(e, `${r.id} is in the export`);
    // a column GDAL typed as text in one file and as a number in the other holds the same value
    for (const k of cols) assert.equal(String(r[k]), String(e[k]), `${r.code}.${k}`);
  }
});

test('items: a GeoJSON FeatureCollection with the properties of demine export', async () => {
  const r = await get('admin', '/ogc/collections/hazard/items');
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^application\/geo\+json/);
  const fc = r.json;
  assert.equal(fc.type, 'FeatureCollection');
  assert.equal(fc.features.length, 10, 'limit defaults to 10');
  assert.equal(fc.numberReturned, 10);
  assert.equal(fc.numberMatched, Number(sql(s.db, `SELECT count(*) FROM hazard WHERE deleted = 0 AND ${AREA}`)));
  assert.match(fc.timeStamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(fc.links.find((l) => l.rel === 'self').href, `${s.url}/ogc/collections/hazard/items`);
  assert.match(fc.links.find((l) => l.rel === 'next').href, /^http:\/\/127\.0\.0\.1:\d+\/ogc\/collections\/hazard\/items\?cursor=[0-9a-f-]{36}$/);
  const exp = JSON.parse(ok(['export', '--db', s.db, '--type', 'hazard', '--format', 'geojson']).stdout);
  const byId = new Map(exp.features.map((f) => [f.id, f]));
  for (const f of fc.features) {
    assert.equal(f.type, 'Feature');
    assert.match(f.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(f.properties, byId.get(f.id).properties, `${f.properties.code}: the export's properties`);
    assert.deepEqual(f.geometry, byId.get(f.id).geometry);
  }
  // one feature by its UUID
  const one = await get('admin', `/ogc/collections/hazard/items/${fc.features[0].id}`);
  assert.equal(one.status, 200);
  assert.match(one.headers.get('content-type'), /^application\/geo\+json/);
  assert.deepEqual({ ...one.json, links: undefined }, { ...fc.features[0], links: undefined });
  assert.equal(one.json.links.find((l) => l.rel === 'self').href, `${s.url}/ogc/collections/hazard/items/${fc.features[0].id}`);
});

test('items/{featureId}: the UUID of a feature of that collection, else 404', async () => {
  const code = fcFirstCode();
  assert.match((await errorOf(`/ogc/collections/hazard/items/${code}`, 404)).message, /a feature id is a UUID/, 'a code is not a feature id');
  assert.match((await errorOf('/ogc/collections/hazard/items/00000000-0000-4000-8000-000000000000', 404)).message,
    /no feature '00000000-0000-4000-8000-000000000000' in hazard/);
  const eo = (await get('admin', '/ogc/collections/eo_find/items?limit=1')).json.features[0].id;
  assert.match((await errorOf(`/ogc/collections/hazard/items/${eo}`, 404)).message, /no feature .* in hazard/, 'a feature of another collection');
  assert.match((await errorOf(`/ogc/collections/nothing/items/${eo}`, 404)).message, /no collection 'nothing'/);
});

function fcFirstCode() {
  return sql(s.db, 'SELECT code FROM hazard ORDER BY code LIMIT 1');
}

test('limit: 1 to 10000, larger values clamped, anything else refused', async () => {
  const all = Number(sql(s.db, `SELECT count(*) FROM location WHERE deleted = 0 AND ${AREA}`));
  let r = await get('admin', '/ogc/collections/location/items?limit=3');
  assert.equal(r.json.features.length, 3);
  r = await get('admin', '/ogc/collections/location/items?limit=10000');
  assert.equal(r.json.features.length, all);
  assert.ok(!r.json.links.some((l) => l.rel === 'next'), 'no next link on the last page');
  for (const big of ['10001', '999999999', '99999999999999999999999']) {
    r = await get('admin', `/ogc/collections/location/items?limit=${big}`);
    assert.equal(r.status, 200, `limit=${big} is clamped, not refused`);
    assert.equal(r.json.numberReturned, all);
  }
  for (const bad of ['0', '-1', 'abc', '1.5', '', '10x', '1e3']) {
    const e = await errorOf(`/ogc/collections/location/items?limit=${bad}`);
    assert.equal(e.field, 'limit');
    assert.match(e.message, /limit must be a whole number from 1 to 10000/);
  }
});

test('bbox: features that intersect it; four valid numbers or a 400', async () => {
  const bbox = [46.5, 39.5, 47.0, 40.0];
  const { features, matched } = await walk('admin', `/ogc/collections/hazard/items?limit=100&bbox=${bbox.join(',')}`);
  const expected = sql(s.db, `SELECT count(*) FROM hazard WHERE deleted = 0 AND ${AREA} AND maxx >= ${bbox[0]} AND minx <= ${bbox[2]}`
    + ` AND maxy >= ${bbox[1]} AND miny <= ${bbox[3]}`);
  assert.equal(features.length, Number(expected));
  assert.equal(matched, features.length);
  const total = Number(sql(s.db, `SELECT count(*) FROM hazard WHERE deleted = 0 AND ${AREA}`));
  assert.ok(features.length > 0 && features.length < total, `${features.length} of ${total} in the box`);
  const none = await get('admin', '/ogc/collections/hazard/items?bbox=10,10,11,11');
  assert.equal(none.json.numberMatched, 0);
  assert.deepEqual(none.json.features, []);
  // six numbers: the heights are ignored
  const six = await get('admin', `/ogc/collections/hazard/items?limit=100&bbox=${bbox[0]},${bbox[1]},-100,${bbox[2]},${bbox[3]},5000`);
  assert.equal(six.status, 200, six.text);
  assert.equal(six.json.numberMatched, features.length);
  // minx > maxx crosses the antimeridian: minx to 180 and -180 to maxx
  const across = await get('admin', '/ogc/collections/hazard/items?limit=1000&bbox=170,39.5,47.0,40.0');
  assert.equal(across.status, 200, across.text);
  assert.equal(across.json.numberMatched,
    Number(sql(s.db, `SELECT count(*) FROM hazard WHERE deleted = 0 AND ${AREA} AND minx <= 47.0 AND maxy >= 39.5 AND miny <= 40.0`)));
  assert.ok(across.json.numberMatched > 0);
  assert.equal((await get('admin', '/ogc/collections/hazard/items?bbox=170,39.5,46.0,40.0')).json.numberMatched, 0);
  for (const [bad, why] of [['1,2,3', /four numbers/], ['1,2,3,4,5', /four numbers/], ['a,b,c,d', /four numbers/],
    ['46,39,47', /four numbers/], ['', /four numbers/], ['46,39,47,91', /outside/], ['-181,39,47,40', /outside/],
    ['1,2,3,4,5,6,7', /four numbers/], ['1,2,3,4,', /four numbers/],
    ['46,40,47,39', /minlat is greater than maxlat/], ['46,39,47,nan', /four numbers/]]) {
    const e = await errorOf(`/ogc/collections/hazard/items?bbox=${encodeURIComponent(bad)}`);
    assert.equal(e.field, 'bbox');
    assert.match(e.message, why, `bbox=${bad}`);
  }
});

test('datetime on date_of_information: instants, closed and open intervals, and refusals', async () => {
  const dates = sql(s.db, `SELECT date_of_information FROM hazard WHERE deleted = 0 AND ${AREA}`).split('\n');
  const count = (pred) => dates.filter((d) => d && pred(d)).length;
  const day = dates.find(Boolean);
  const cases = [
    [day, (d) => d === day],
    [`${day}T12:00:00Z`, (d) => d === day],
    ['2023-01-01/2024-12-31', (d) => d >= '2023-01-01' && d <= '2024-12-31'],
    ['../2022-06-30', (d) => d <= '2022-06-30'],
    ['/2022-06-30', (d) => d <= '2022-06-30'],
    ['2023-01-01/..', (d) => d >= '2023-01-01'],
    ['2023-01-01T00:00:00Z/', (d) => d >= '2023-01-01'],
    ['2022-12-31T23:30:00-01:00/..', (d) => d >= '2023-01-01'],
  ];
  let some = 0;
  for (const [v, pred] of cases) {
    const r = await get('admin', `/ogc/collections/hazard/items?limit=1000&datetime=${encodeURIComponent(v)}`);
    assert.equal(r.status, 200, `${v}: ${r.text}`);
    assert.equal(r.json.numberMatched, count(pred), `datetime=${v}`);
    assert.ok(r.json.features.every((f) => pred(f.properties.date_of_information)), `datetime=${v}: every feature in range`);
    some += r.json.numberMatched > 0 && r.json.numberMatched < dates.length;
  }
  assert.ok(some >= 3, 'the intervals select part of the data');
  for (const [bad, why] of [['2024-13-01', /not an RFC 3339/], ['2024-02-30', /not an RFC 3339/], ['yesterday', /not an RFC 3339/],
    ['2024-01-01T25:00:00Z', /not an RFC 3339/], ['2024-01-01T10:00:00', /not an RFC 3339/],
    ['2024-01-01/2023-01-01', /the start is after the end/], ['2023-01-01/2024-01-01/2025-01-01', /more than one/],
    ['x/2024-01-01', /the start 'x'/], ['2024-01-01/y', /the end 'y'/]]) {
    const e = await errorOf(`/ogc/collections/hazard/items?datetime=${encodeURIComponent(bad)}`);
    assert.equal(e.field, 'datetime');
    assert.match(e.message, why, `datetime=${bad}`);
  }
});

test('property filters: ?field=value for the type fields and common members, checked against the field', async () => {
  const total = Number(sql(s.db, `SELECT count(*) FROM hazard WHERE deleted = 0 AND ${AREA}`));
  const sha = Number(sql(s.db, `SELECT count(*) FROM hazard WHERE deleted = 0 AND ${AREA} AND category = 'sha'`));
  let r = await get('admin', '/ogc/collections/hazard/items?category=sha&limit=1000');
  assert.equal(r.json.numberMatched, sha);
  assert.ok(sha > 0 && sha < total);
  assert.ok(r.json.features.every((f) => f.properties.category === 'sha'));
  r = await get('admin', '/ogc/collections/hazard/items?category=sha&land_status=open&limit=1000');
  assert.ok(r.json.features.every((f) => f.properties.category === 'sha' && f.properties.land_status === 'open'));
  assert.equal(r.json.numberMatched,
    Number(sql(s.db, `SELECT count(*) FROM hazard WHERE deleted = 0 AND ${AREA} AND category = 'sha' AND land_status = 'open'`)));
  r = await get('admin', '/ogc/collections/hazard/items?contamination=ap_mine&limit=1000');
  assert.ok(r.json.numberMatched > 0);
  assert.ok(r.json.features.every((f) => f.properties.contamination.includes('ap_mine')), 'a set matches one element');
  const code = fcFirstCode();
  r = await get('admin', `/ogc/collections/hazard/items?code=${code}`);
  assert.deepEqual(r.json.features.map((f) => f.properties.code), [code]);
  r = await get('admin', `/ogc/collections/hazard/items?organisation=${s.org}&status=approved&limit=1000`);
  assert.ok(r.json.numberMatched > 0);
  assert.ok(r.json.features.every((f) => f.properties.organisation === s.org && f.properties.status === 'approved'));
  r = await get('admin', '/ogc/collections/eore_session/items?girls=0&limit=1000');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.features.every((f) => f.properties.girls === 0));
  for (const [q, field, why] of [['category=xyz', 'category', /'xyz' is not one of sha, cha/],
    ['contamination=apm', 'contamination', /'apm' is not one of/], ['status=done', 'status', /status must be draft/],
    ['organisation=acme', 'organisation', /must be a UUID/], ['area_m2=5', 'area_m2', /cannot be filtered on 'area_m2'/]]) {
    const e = await errorOf(`/ogc/collections/hazard/items?${q}`);
    assert.equal(e.field, field);
    assert.match(e.message, why, q);
  }
  const e = await errorOf('/ogc/collections/eore_session/items?girls=many');
  assert.equal(e.field, 'girls');
  assert.match((await errorOf(`/ogc/collections/accident/items?${PERSONAL}=x`, 400, 'va_officer')).message, /personal data/);
});

test('Part 2: crs and bbox-crs by URI (UTM 38N/39N, Web Mercator, CRS84), Content-Crs; an unknown CRS is a 400 naming it', async () => {
  const UTM38 = 'http://www.opengis.net/def/crs/EPSG/0/32638';
  const plain = await get('admin', '/ogc/collections/hazard/items?limit=3');
  assert.equal(plain.headers.get('content-crs'), '<http://www.opengis.net/def/crs/OGC/1.3/CRS84>');
  const utm = await get('admin', `/ogc/collections/hazard/items?limit=3&crs=${encodeURIComponent(UTM38)}`);
  assert.equal(utm.status, 200, utm.text);
  assert.equal(utm.headers.get('content-crs'), `<${UTM38}>`);
  const [e, n] = utm.json.features[0].geometry.coordinates[0][0];
  const [lon, lat] = plain.json.features[0].geometry.coordinates[0][0];
  assert.ok(e > 166000 && e < 834000 && n > 4300000 && n < 4600000, `UTM 38N metres: ${e} ${n}`);
  assert.ok(lon > 44 && lon < 51 && lat > 38 && lat < 42);
  for (const code of ['32639', '3857']) {
    const r = await get('admin', `/ogc/collections/hazard/items?limit=1&crs=${encodeURIComponent(`http://www.opengis.net/def/crs/EPSG/0/${code}`)}`);
    assert.equal(r.status, 200, code);
    assert.equal(r.headers.get('content-crs'), `<http://www.opengis.net/def/crs/EPSG/0/${code}>`);
  }
  const one = await get('admin', `/ogc/collections/hazard/items/${plain.json.features[0].id}?crs=${encodeURIComponent(UTM38)}`);
  assert.equal(one.headers.get('content-crs'), `<${UTM38}>`);
  assert.deepEqual(one.json.geometry, utm.json.features[0].geometry);
  // bbox-crs: a box in UTM 38N metres selects what its CRS84 box selects
  const deg = await walk('admin', '/ogc/collections/hazard/items?limit=1000&bbox=46.5,39.5,47.0,40.0');
  const box = await walk('admin', `/ogc/collections/hazard/items?limit=1000&bbox-crs=${encodeURIComponent(UTM38)}&bbox=600000,4370000,700000,4430000`);
  assert.ok(box.features.length > 0);
  assert.ok(box.features.every((f) => { const [x, y] = f.geometry.coordinates[0][0]; return x > 45.5 && x < 47.5 && y > 39 && y < 40.3; }));
  assert.ok(deg.features.length > 0);
  for (const [q, field] of [['crs=EPSG:4326', 'crs'], ['crs=http://www.opengis.net/def/crs/EPSG/0/9999', 'crs'],
    ['bbox-crs=x&bbox=1,2,3,4', 'bbox-crs']]) {
    const err = await errorOf(`/ogc/collections/hazard/items?${q}`);
    assert.equal(err.field, field, q);
    assert.match(err.message, new RegExp(`'${q.split('=')[1].split('&')[0].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}' is not a CRS this server offers`), q);
  }
  assert.equal((await errorOf(`/ogc/collections/hazard/items/${plain.json.features[0].id}?crs=EPSG:3857`)).field, 'crs');
});

test('Part 3 queryables and Part 5 schema: JSON Schema with types and enumerations, as the role may see', async () => {
  const q = await get('admin', '/ogc/collections/hazard/queryables');
  assert.equal(q.status, 200, q.text);
  assert.match(q.headers.get('content-type'), /^application\/schema\+json/);
  assert.equal(q.json.type, 'object');
  assert.deepEqual(q.json.properties.category.enum, ['sha', 'cha']);
  assert.equal(q.json.properties.organisation.format, 'uuid');
  assert.ok(!('area_m2' in q.json.properties), 'not a filter: not queryable');
  const sc = await get('admin', '/ogc/collections/hazard_point/schema');
  assert.equal(sc.status, 200);
  assert.equal(sc.json.properties.geometry['x-ogc-role'], 'primary-geometry');
  assert.equal(sc.json.properties.geometry.format, 'geometry-point');
  assert.equal(sc.json.properties.area_m2.type, 'number');
  assert.equal(sc.json.properties.estimated_area_m2.type, 'number');
  assert.equal(sc.json.properties.date_of_information.format, 'date');
  assert.equal(sc.json.properties.id['x-ogc-role'], 'id');
  // every queryable filters the items
  for (const name of Object.keys(q.json.properties)) assert.notEqual((await get('admin', `/ogc/collections/hazard/items?${name}=zz`)).json?.error?.message?.match(/unknown parameter/) ? 1 : 0, 1, name);
  // the collection links to both
  const c = (await get('admin', '/ogc/collections/hazard')).json;
  assert.equal(c.links.find((l) => l.rel === 'http://www.opengis.net/def/rel/ogc/1.0/queryables').href, `${s.url}/ogc/collections/hazard/queryables`);
  assert.equal(c.links.find((l) => l.rel === 'http://www.opengis.net/def/rel/ogc/1.0/schema').href, `${s.url}/ogc/collections/hazard/schema`);
  // personal fields: only for roles that may see them
  assert.ok(PERSONAL in (await get('va_officer', '/ogc/collections/accident/schema')).json.properties);
  assert.ok(!(PERSONAL in (await get('viewer', '/ogc/collections/accident/schema')).json.properties));
  assert.ok(!(PERSONAL in (await get('va_officer', '/ogc/collections/accident/queryables')).json.properties), 'personal data is no filter');
  assert.equal((await get('admin', '/ogc/collections/nothing/queryables')).status, 404);
  const p = await startServer({ pub: true, login: false });
  try {
    const pq = await api(p, null, 'GET', '/ogc/collections/hazard/queryables');
    assert.equal(pq.status, 200);
    assert.ok(!('organisation' in pq.json.properties), 'the public role neither sees nor filters by organisation');
    assert.ok(!('organisation' in (await api(p, null, 'GET', '/ogc/collections/hazard/schema')).json.properties));
    assert.ok('category' in pq.json.properties);
  } finally { await p.stop(); }
});

test('OpenAPI: servers, and the items operations declare f, bbox (form, explode false), crs and each collection\'s filters', async () => {
  const d = (await get(null, '/openapi.json')).json;
  assert.deepEqual(d.servers, [{ url: s.url, description: 'This server' }]);
  const params = d.paths['/ogc/collections/{collectionId}/items'].get.parameters;
  const by = Object.fromEntries(params.map((x) => [x.name, x]));
  assert.equal(by.bbox.style, 'form');
  assert.equal(by.bbox.explode, false);
  assert.equal(by.bbox.schema.maxItems, 6);
  assert.deepEqual(by.f.schema.enum, ['json', 'geojson']);
  assert.ok(by.crs.schema.enum.includes('http://www.opengis.net/def/crs/EPSG/0/32638'));
  assert.ok(by['bbox-crs']);
  const haz = Object.fromEntries(d.paths['/ogc/collections/hazard/items'].get.parameters.map((x) => [x.name, x]));
  assert.deepEqual(haz.category.schema.enum, ['sha', 'cha']);
  assert.equal(haz.bbox.style, 'form');
  assert.ok(d.paths['/ogc/collections/hazard_point/items']);
});

test('unknown and repeated parameters are refused with 400', async () => {
  for (const q of ['foo=1', 'sort=code', 'after=10', 'q=mine', 'limit=5&filter=x']) {
    const e = await errorOf(`/ogc/collections/hazard/items?${q}`);
    assert.match(e.message, /unknown parameter/, q);
  }
  assert.match((await errorOf('/ogc/collections/hazard/items?limit=1&limit=2')).message, /given more than once/);
  assert.match((await errorOf('/ogc/collections/hazard/items?f=xml')).message, /f must be json or geojson/);
  assert.equal((await get('admin', '/ogc/collections/hazard/items?f=json')).status, 200);
  assert.match((await errorOf('/ogc/collections/hazard/items?cursor=abc')).message, /cursor must be the value of a next link/);
  const e = await errorOf('/ogc/collections/hazard/items?cursor=00000000-0000-4000-8000-000000000000');
  assert.match(e.message, /the cursor names no hazard record/);
  assert.equal(e.field, 'cursor');
});

test('paging: next links cover every feature exactly once, also while records are added and deleted', async () => {
  const { features, pages, matched } = await walk('admin', '/ogc/collections/location/items?limit=7');
  const ids = features.map((f) => f.id);
  assert.equal(new Set(ids).size, ids.length, 'no feature twice');
  assert.equal(ids.length, matched);
  assert.equal(ids.length, Number(sql(s.db, `SELECT count(*) FROM location WHERE deleted = 0 AND ${AREA}`)));
  assert.equal(pages, Math.ceil(ids.length / 7));
  // filters stay on the next links
  const sha = await walk('admin', '/ogc/collections/hazard/items?limit=4&category=sha');
  assert.ok(sha.pages > 1);
  assert.ok(sha.features.every((f) => f.properties.category === 'sha'));
  assert.equal(sha.features.length, sha.matched);
  // records created and deleted between two pages do not shift the pages: nothing is seen twice or missed
  const existing = (await walk('admin', '/ogc/collections/hazard/items?limit=1000')).features.map((f) => f.id);
  const first = await get('admin', '/ogc/collections/hazard/items?limit=5');
  const before = first.json.features.map((f) => f.id);
  const lastCode = first.json.features.at(-1).properties.code;
  const created = await api(s, 'im_officer', 'POST', '/api/v1/hazard', { body: {
    organisation: s.org, category: 'sha', hazard_type: 'minefield', land_status: 'open', date_of_information: '2024-05-01',
    geometry: { type: 'Polygon', coordinates: [[[46.9, 39.7], [46.91, 39.7], [46.91, 39.71], [46.9, 39.71], [46.9, 39.7]]] },
  } });
  assert.equal(created.status, 201, created.text);
  // and a record of the first page is deleted: with offsets the next page would skip one
  const gone = first.json.features[0];
  const del = await api(s, 'im_officer', 'DELETE', `/api/v1/hazard/${gone.id}`,
    { headers: { 'If-Match': `"${gone.properties.version}"` }, body: { reason: 'duplicate' } });
  assert.equal(del.status, 200, del.text);
  const rest = await walk('admin', first.json.links.find((l) => l.rel === 'next').href);
  const seen = [...before, ...rest.features.map((f) => f.id)];
  assert.equal(new Set(seen).size, seen.length, 'no feature twice');
  assert.equal((await get('admin', '/ogc/collections/hazard/items')).json.numberMatched, existing.length,
    'numberMatched: one created, one deleted');
  const expected = [...existing, ...(created.json.code > lastCode ? [created.json.id] : [])];
  assert.deepEqual([...seen].sort(), expected.sort(), 'every feature that existed, once; the new one where it sorts');
});

test('roles: personal data only with the right to it, approved versions only for readers', async () => {
  const acc = (await get('va_officer', '/ogc/collections/accident/items')).json.features[0];
  assert.equal(acc.properties[PERSONAL], WITNESS, 'the VA officer sees the personal field');
  for (const role of ['viewer', 'admin', 'donor', 'operator']) {
    const r = await get(role, '/ogc/collections/accident/items');
    assert.equal(r.status, 200, `${role}: ${r.text}`);
    assert.ok(!(PERSONAL in r.json.features[0].properties), `${role} gets no personal field`);
    const one = await get(role, `/ogc/collections/accident/items/${acc.id}`);
    assert.ok(!(PERSONAL in one.json.properties), `${role}: not in the single feature either`);
  }
  // the viewer reads approved versions: drafts and submissions do not show
  const admin = await walk('admin', '/ogc/collections/hazard/items?limit=100');
  const viewer = await walk('viewer', '/ogc/collections/hazard/items?limit=100');
  assert.ok(viewer.features.every((f) => f.properties.status === 'approved'));
  assert.ok(admin.features.some((f) => f.properties.status !== 'approved'), 'the demo has unapproved hazards');
  assert.equal(viewer.matched, viewer.features.length);
  assert.ok(viewer.matched < admin.matched);
  const draft = admin.features.find((f) => f.properties.status === 'draft' && f.properties.approved_version === null);
  assert.ok(draft);
  assert.equal((await get('viewer', `/ogc/collections/hazard/items/${draft.id}`)).status, 404);
  // GDAL as the viewer sees the viewer's counts
  const out = gdal('ogrinfo', ['-ro', '-al', '-so', `OAPIF:${s.url}/ogc`, 'hazard'], 'viewer');
  assert.equal(Number(out.match(/Feature Count: (\d+)/)[1]), viewer.matched);
});

test('anonymous requests need credentials (the landing page and conformance excepted)', async () => {
  for (const p of ['/ogc/collections', '/ogc/collections/hazard', '/ogc/collections/hazard/items',
    `/ogc/collections/hazard/items/${s.hazard.id}`]) {
    const r = await get(null, p);
    assert.equal(r.status, 401, p);
    assert.match(r.json.error.message, /Bearer/);
  }
  const bad = await fetch(`${s.url}/ogc/collections`, { headers: { Authorization: 'Bearer nope' } });
  assert.equal(bad.status, 401);
});

test('with --public: anonymous readers get the public collections, approved features only', async () => {
  const p = await startServer({ pub: true, login: false });
  try {
    const c = await api(p, null, 'GET', '/ogc/collections');
    assert.equal(c.status, 200, c.text);
    assert.deepEqual(c.json.collections.map((x) => x.id), ['location', 'location_point', 'hazard', 'hazard_point', 'land_release', 'settlement', 'settlement_point']);
    const r = await api(p, null, 'GET', '/ogc/collections/hazard/items?limit=1000');
    assert.equal(r.status, 200);
    assert.ok(r.json.features.length > 0);
    assert.ok(r.json.features.every((f) => f.properties.status === 'approved'));
    const eo = await api(p, null, 'GET', '/ogc/collections/eo_find/items');
    assert.equal(eo.status, 403);
    assert.match(eo.json.error.message, /not public/);
  } finally {
    await p.stop();
  }
});
