// imports.test.mjs: files as GIS officers and handhelds write them, made here with GDAL's own
// tools (ogr2ogr), import as records: CSV/XLSX coordinate columns under their usual names in any
// case (Longitude/Latitude, Easting/Northing with --crs), values of blanks only as empty.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ok, json, tempDir, newDb, BIN } from '../cli/helpers.mjs';

function ogr2ogr(args) {
  const r = spawnSync('ogr2ogr', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

function demoDb() {
  const dir = tempDir('demine-imports-');
  const { db, drop } = newDb(dir, 'demo.db');
  ok(['demo', '--db', db, '--no-users']);
  const org = json(['show', '--db', db, '--json', 'HAZ-AGD-00001']).organisation;
  return { dir, db, org, cleanup: () => { rmSync(dir, { recursive: true, force: true }); drop(); } };
}

const newest = (db, n) => json(['list', '--db', db, '--type', 'hazard', '--json']).items
  .sort((a, b) => (a.created_at < b.created_at ? 1 : -1)).slice(0, n);
const exported = (db) => JSON.parse(ok(['export', '--db', db, '--type', 'hazard', '--format', 'geojson']).stdout).features;

test('CSV and XLSX: Longitude/Latitude and Easting/Northing (with --crs), any case, are the point', () => {
  const { dir, db, org, cleanup } = demoDb();
  try {
    const fields = `category,hazard_type,land_status,organisation,date_of_information,estimated_area_m2`;
    const row = `sha,minefield,open,${org},2024-05-01,5000`;
    const cases = [
      ['lonlat.csv', `Longitude,Latitude,${fields}\n46.95,39.95,${row}\n`, [], [46.95, 39.95]],
      ['upper.csv', `LONGITUDE,LATITUDE,${fields}\n46.96,39.96,${row}\n`, [], [46.96, 39.96]],
      ['en.csv', `Easting,Northing,${fields}\n664000,4423000,${row}\n`, ['--crs', 'EPSG:32638'], null],
    ];
    for (const [name, text, extra, at] of cases) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const r = ok(['import', '--db', db, '--type', 'hazard', ...extra, file]);
      assert.match(r.stdout, /1 created/, name);
      const [h] = newest(db, 1);
      const f = exported(db).find((x) => x.id === h.id);
      assert.equal(f.geometry.type, 'Point', name);
      if (at) f.geometry.coordinates.forEach((v, i) => assert.ok(Math.abs(v - at[i]) < 1e-9, `${name}: ${v}`));
      else assert.ok(f.geometry.coordinates[0] > 46.8 && f.geometry.coordinates[0] < 47 && f.geometry.coordinates[1] > 39.9 && f.geometry.coordinates[1] < 40, `${name}: UTM 38N to WGS84`);
    }
    // the same in a spreadsheet written by GDAL, with an easting/northing in UTM 38N
    const csv = join(dir, 'sheet.csv'), xlsx = join(dir, 'sheet.xlsx');
    writeFileSync(csv, `easting,northing,${fields}\n664100,4423100,${row}\n`);
    ogr2ogr(['-f', 'XLSX', xlsx, csv]);
    assert.match(ok(['import', '--db', db, '--type', 'hazard', '--crs', 'EPSG:32638', xlsx]).stdout, /1 created/);
    const f = exported(db).find((x) => x.id === newest(db, 1)[0].id);
    assert.ok(f.geometry.coordinates[0] > 46.8 && f.geometry.coordinates[0] < 47);
  } finally { cleanup(); }
});

test('a value of blanks only counts as empty (spreadsheets and DBF pad cells)', () => {
  const { dir, db, org, cleanup } = demoDb();
  try {
    const csv = join(dir, 'blanks.csv'), xlsx = join(dir, 'blanks.xlsx');
    writeFileSync(csv, `lon,lat,category,hazard_type,land_status,organisation,date_of_information,estimated_area_m2,name,source\n`
      + `46.95,39.95,sha,minefield,open,${org},2024-05-01,5000,"   ","  "\n`);
    ogr2ogr(['-f', 'XLSX', xlsx, csv]);
    const r = ok(['import', '--db', db, '--type', 'hazard', xlsx]);
    assert.match(r.stdout, /1 created/);
    const [h] = newest(db, 1);
    assert.ok(h.name === undefined || h.name === null, `name: ${JSON.stringify(h.name)}`);
    assert.ok(h.source === undefined || h.source === null, `source: ${JSON.stringify(h.source)}`);
  } finally { cleanup(); }
});

test('a GPX written by GDAL (ogr_ fields, 2022/07/11 dates) imports back as the same records', () => {
  const { dir, db, cleanup } = demoDb();
  try {
    const src = join(dir, 'eo.geojson'), gpx = join(dir, 'eo.gpx');
    ok(['export', '--db', db, '--type', 'eo_find', '--format', 'geojson', '-o', src]);
    const before = JSON.parse(ok(['export', '--db', db, '--type', 'eo_find', '--format', 'geojson']).stdout).features;
    ogr2ogr(['-f', 'GPX', '-dsco', 'GPX_USE_EXTENSIONS=YES', gpx, src]);
    const text = spawnSync('cat', [gpx], { encoding: 'utf8' }).stdout;
    assert.match(text, /<ogr:find_date>\d{4}\/\d\d\/\d\d</, 'GDAL writes ogr_ fields and slashed dates');
    const r = ok(['import', '--db', db, '--type', 'eo_find', gpx]);
    // the same content: every record unchanged (no new version)
    assert.match(r.stdout, new RegExp(`0 created, 0 updated, ${before.length} unchanged`));
    const after = JSON.parse(ok(['export', '--db', db, '--type', 'eo_find', '--format', 'geojson']).stdout).features;
    for (const f of before) {
      const g = after.find((x) => x.id === f.id);
      for (const k of ['find_date', 'date_of_information', 'model', 'quantity', 'category']) assert.deepEqual(g.properties[k], f.properties[k], `${f.properties.code}.${k}`);
    }
  } finally { cleanup(); }
});

test('the problem count counts what is listed, and says how many features they are in', () => {
  const { dir, db, org, cleanup } = demoDb();
  try {
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'lon,lat,category,hazard_type,land_status,organisation,date_of_information,estimated_area_m2\n'
      + `46.95,39.95,boom,bang,open,${org},2024-05-01,-5\n46.96,39.96,sha,minefield,shut,${org},2024-05-01,5000\n`);
    const r = spawnSync(BIN, ['import', '--db', db, '--type', 'hazard', csv], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    const listed = r.stderr.split('\n').filter((l) => /^  \S/.test(l)).length;
    const m = r.stderr.match(/(\d+) problems found in 2 features/);
    assert.ok(m, r.stderr);
    assert.equal(Number(m[1]), listed);
    assert.ok(listed >= 4);
  } finally { cleanup(); }
});

test('a Google Earth KML whose placemark is a MultiGeometry of a label Point and a Polygon imports the polygon', () => {
  const { dir, db, org, cleanup } = demoDb();
  try {
    const src = join(dir, 'mg.geojson'), kml = join(dir, 'mg.kml');
    const ring = [[46.9, 39.7], [46.91, 39.7], [46.91, 39.71], [46.9, 39.71], [46.9, 39.7]];
    writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature',
      properties: { name: 'Field by the river', category: 'sha', hazard_type: 'minefield', land_status: 'open', organisation: org, date_of_information: '2024-05-01' },
      geometry: { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [46.905, 39.705] }, { type: 'Polygon', coordinates: [ring] }] } }] }));
    ogr2ogr(['-f', 'KML', kml, src]);
    assert.match(spawnSync('cat', [kml], { encoding: 'utf8' }).stdout, /<MultiGeometry>/);
    const r = ok(['import', '--db', db, '--type', 'hazard', kml]);
    assert.match(r.stdout, /1 created/);
    assert.match(r.stdout, /feature 1 \(layer mg\): a MultiGeometry of 1 polygon\(s\) and 1 label point\(s\): the polygon is taken, the point dropped/);
    const [h] = newest(db, 1);
    const f = exported(db).find((x) => x.id === h.id);
    assert.equal(f.geometry.type, 'Polygon');
    assert.deepEqual(f.geometry.coordinates[0].length, 5);
    assert.ok(h.area_m2 > 900000 && h.area_m2 < 1000000, `the polygon's area, ${h.area_m2} m²`);
  } finally { cleanup(); }
});

test('a Shapefile in CP1254 or CP1251 without .cpg: the likely code page is named, --encoding reads it', () => {
  const { dir, db, org, cleanup } = demoDb();
  try {
    const props = { category: 'sha', hazard_type: 'minefield', land_status: 'open', organisation: org, date_of_information: '2024-05-01' };
    const ring = (x) => [[[x, 39.7], [x + 0.01, 39.7], [x + 0.01, 39.71], [x, 39.71], [x, 39.7]]];
    for (const [name, cp, text, kind, x] of [['az', 'CP1254', 'Ağdam yaxınlığı çöl', 'Azerbaijani/Turkish Latin', 46.9],
      ['ru', 'CP1251', 'Поле у реки Кондалан', 'Cyrillic', 46.95]]) {
      const src = join(dir, `${name}.geojson`), shp = join(dir, `${name}.shp`);
      writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { ...props, name: text }, geometry: { type: 'Polygon', coordinates: ring(x) } }] }));
      ogr2ogr(['-f', 'ESRI Shapefile', '-lco', `ENCODING=${cp}`, shp, src]);
      rmSync(join(dir, `${name}.cpg`));
      const bad = spawnSync(BIN, ['import', '--db', db, '--type', 'hazard', shp], { encoding: 'utf8' });
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, new RegExp(`name: not UTF-8, and the file names no code page .*look like ${cp} \\(${kind.replace('/', '\\/')}\\); import it with --encoding ${cp}`));
      assert.match(ok(['import', '--db', db, '--type', 'hazard', '--encoding', cp, shp]).stdout, /1 created/);
      assert.equal(newest(db, 1)[0].name, text);
    }
    const r = spawnSync(BIN, ['import', '--db', db, '--type', 'hazard', '--encoding', 'NOPE', join(dir, 'az.shp')], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--encoding 'NOPE' is not a code page/);
  } finally { cleanup(); }
});

test('a handheld GPS file: --layer tracks, --track-as-polygon naming the gap, --set for the fields it lacks', () => {
  const { dir, db, org, cleanup } = demoDb();
  try {
    const src = join(dir, 'walk.geojson'), gpx = join(dir, 'garmin.gpx');
    // a perimeter walked round a field, ending 2 m short of where it began
    writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'Perimeter 1' },
      geometry: { type: 'LineString', coordinates: [[46.9, 39.7], [46.91, 39.7], [46.91, 39.71], [46.9, 39.71], [46.90002, 39.70001]] } }] }));
    ogr2ogr(['-f', 'GPX', '-nlt', 'MULTILINESTRING', '-lco', 'FORCE_GPX_TRACK=YES', gpx, src]);
    const sets = ['--set', 'category=sha', '--set', 'hazard_type=minefield', '--set', 'land_status=open',
      '--set', `organisation=${org}`, '--set', 'date_of_information=2024-05-02'];
    // without the defaults the track is refused for the missing fields, naming them
    const bare = spawnSync(BIN, ['import', '--db', db, '--type', 'hazard', '--layer', 'tracks', '--track-as-polygon', gpx], { encoding: 'utf8' });
    assert.equal(bare.status, 1);
    assert.match(bare.stderr, /category/);
    const r = ok(['import', '--db', db, '--type', 'hazard', '--layer', 'tracks', '--track-as-polygon', ...sets, gpx]);
    assert.match(r.stdout, /1 created/);
    assert.match(r.stdout, /feature 1 \(layer tracks\): the track of 5 points is closed into a polygon; its ends were 2\.\d m apart/);
    const [h] = newest(db, 1);
    assert.equal(h.name, 'Perimeter 1', 'the file\'s own value wins over nothing');
    assert.equal(h.category, 'sha');
    assert.equal(h.date_of_information, '2024-05-02');
    const f = exported(db).find((x) => x.id === h.id);
    assert.equal(f.geometry.type, 'Polygon');
    assert.ok(h.area_m2 > 900000 && h.area_m2 < 1000000, `${h.area_m2}`);
    // a layer the file does not have, named with the ones it has
    const nope = spawnSync(BIN, ['import', '--db', db, '--type', 'hazard', '--layer', 'nope', gpx], { encoding: 'utf8' });
    assert.equal(nope.status, 1);
    assert.match(nope.stderr, /has no layer 'nope'; its layers: waypoints, routes, tracks/);
    assert.equal(spawnSync(BIN, ['import', '--db', db, '--type', 'hazard', '--set', 'oops', gpx], { encoding: 'utf8' }).status, 2);
  } finally { cleanup(); }
});
