// gis.test.mjs: GIS files in and out through GDAL: the demo's hazards and land releases,
// converted by ogr2ogr to Shapefile (plain and zipped), GeoPackage, KML and XLSX, import back
// as the same records; demine's own GeoPackage, Shapefile and KML exports read in GDAL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { demine, ok, json, tempDir, newDb, dbDigest } from './helpers.mjs';

const hasOgr = spawnSync('ogr2ogr', ['--version'], { encoding: 'utf8' }).status === 0;
// GDAL's GeoPackage validator (python3-gdal's samples)
const VALIDATE_GPKG = '/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py';

function gdal(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

// A demo database in its own folder; demine must have been built with GDAL.
function demoDb(t) {
  const dir = tempDir('demine-gis-');
  const { db, drop } = newDb(dir, 'demo.db');
  ok(['demo', '--db', db]);
  const probe = demine(['import', '--db', db, '--type', 'hazard', join(dir, 'none.gpkg')]);
  if (/built without GDAL/.test(probe.stderr)) {
    rmSync(dir, { recursive: true, force: true });
    drop();
    return null;
  }
  return { dir, db, cleanup: () => { rmSync(dir, { recursive: true, force: true }); drop(); } };
}

const exportFc = (db, type) => json(['export', '--db', db, '--type', type]);

// What a copy of a record must keep: every field a writer may set, and the area within 0.01 m².
function comparable(schema, type) {
  const t = schema.types.find((x) => x.name === type);
  return ['external_id', 'organisation', 'location', 'date_of_information',
    ...t.fields.filter((f) => !f.computed && !f.readonly).map((f) => f.name)];
}

function canon(p, keys) {
  const o = {};
  for (const k of keys) {
    let v = p[k] === undefined ? null : p[k];
    if (Array.isArray(v)) v = [...v].sort();
    if (v === '') v = null;
    o[k] = v;
  }
  return JSON.stringify(o);
}

// The records of AFTER that are not in BEFORE must equal BEFORE's records (ids, codes, versions
// and times aside), attribute by attribute.
function assertCopies(schema, type, before, after, label, tol = () => 0.01) {
  const keys = comparable(schema, type);
  const old = new Set(before.features.map((f) => f.id));
  const added = after.features.filter((f) => !old.has(f.id));
  assert.equal(added.length, before.features.length, `${label}: ${added.length} records added, not ${before.features.length}`);
  const sortKey = (f) => canon(f.properties, keys) + Math.round(f.properties.area_m2 || 0);
  const a = [...before.features].sort((x, y) => sortKey(x).localeCompare(sortKey(y)));
  const b = [...added].sort((x, y) => sortKey(x).localeCompare(sortKey(y)));
  for (let i = 0; i < a.length; i++) {
    assert.deepEqual(JSON.parse(canon(b[i].properties, keys)), JSON.parse(canon(a[i].properties, keys)), `${label}: record ${a[i].properties.code}`);
    const aa = a[i].properties.area_m2, ba = b[i].properties.area_m2;
    if (aa !== undefined && aa !== null) assert.ok(Math.abs(aa - ba) < tol(aa), `${label}: ${a[i].properties.code} area ${ba} vs ${aa}`);
    assert.equal(b[i].geometry?.type, a[i].geometry?.type === 'Polygon' && b[i].geometry?.type === 'MultiPolygon' ? 'MultiPolygon' : a[i].geometry?.type, `${label}: geometry type`);
  }
}

// The export as GeoJSON a new record would come from: without id and version.
function withoutIds(fc, keepPoints = true, keepPolygons = true) {
  return {
    type: 'FeatureCollection',
    features: fc.features
      .filter((f) => (f.geometry?.type === 'Point' ? keepPoints : keepPolygons))
      .map((f) => {
        const p = { ...f.properties };
        delete p.version;
        return { type: 'Feature', properties: p, geometry: f.geometry };
      }),
  };
}

test('GIS files written by ogr2ogr from the demo GeoJSON import back as the same records', { skip: !hasOgr && 'no ogr2ogr' }, (t) => {
  const d = demoDb(t);
  if (!d) return t.skip('demine built without GDAL');
  const { dir, db, cleanup } = d;
  try {
    const schema = json(['schema', '--json']);
    for (const type of ['hazard', 'land_release']) {
      const base = exportFc(db, type);
      assert.ok(base.features.length > 10);
      const src = join(dir, `${type}.geojson`);
      writeFileSync(src, JSON.stringify(withoutIds(base)));
      // Shapefiles hold one kind of geometry: polygons and points go to two files
      const polys = join(dir, `${type}-poly.geojson`), points = join(dir, `${type}-points.geojson`);
      writeFileSync(polys, JSON.stringify(withoutIds(base, false, true)));
      writeFileSync(points, JSON.stringify(withoutIds(base, true, false)));
      const files = [];
      const gpkg = join(dir, `${type}.gpkg`);
      gdal('ogr2ogr', ['-f', 'GPKG', gpkg, src, '-nln', type]);
      files.push([gpkg]);
      const kml = join(dir, `${type}.kml`);
      gdal('ogr2ogr', ['-f', 'KML', '-mapFieldType', 'StringList=String', kml, src, '-nln', type]);
      files.push([kml]);
      // KMZ: the KML zipped as doc.kml
      const kmz = join(dir, `${type}.kmz`), doc = join(dir, 'doc.kml');
      writeFileSync(doc, readFileSync(kml));
      gdal('zip', ['-j', '-q', kmz, doc]);
      files.push([kmz]);
      const shp = join(dir, `${type}.shp`), shpPts = join(dir, `${type}_pts.shp`);
      // sets as text: OGR has no list type in a DBF
      gdal('ogr2ogr', ['-f', 'ESRI Shapefile', '-lco', 'ENCODING=UTF-8', '-mapFieldType', 'StringList=String', shp, polys]);
      const nPoints = withoutIds(base, true, false).features.length;
      if (nPoints) gdal('ogr2ogr', ['-f', 'ESRI Shapefile', '-lco', 'ENCODING=UTF-8', '-mapFieldType', 'StringList=String', shpPts, points]);
      files.push(nPoints ? [shp, shpPts] : [shp]);
      // a zipped shapefile: both files in one archive, two layers
      const zip = join(dir, `${type}.zip`);
      const parts = [shp, ...(nPoints ? [shpPts] : [])].flatMap((p) => ['shp', 'shx', 'dbf', 'prj', 'cpg'].map((e) => p.replace(/shp$/, e)));
      gdal('zip', ['-j', '-q', zip, ...parts.filter(existsSync)]);
      files.push([zip]);
      // a spreadsheet: the CSV export (geometry as WKT) through ogr2ogr
      if (/XLSX/.test(gdal('ogrinfo', ['--formats']))) {
        const csv = join(dir, `${type}.csv`);
        ok(['export', '--db', db, '--type', type, '--format', 'csv', '-o', csv]);
        const lines = readFileSync(csv, 'utf8').split('\n');
        const head = lines[0].split(',');
        assert.equal(head[0], 'id');
        assert.equal(head[4], 'version');
        // blank the id and version cells (the first and fifth; UUIDs and numbers need no quotes)
        const blanked = [lines[0], ...lines.slice(1).map((l) => l.replace(/^[^,]*,([^,]*,[^,]*,[^,]*),[^,]*,/, ',$1,,'))].join('\n');
        writeFileSync(csv, blanked);
        const xlsx = join(dir, `${type}.xlsx`);
        gdal('ogr2ogr', ['-f', 'XLSX', xlsx, csv]);
        files.push([xlsx]);
      }
      for (const group of files) {
        const before = exportFc(db, type);
        let r;
        for (const f of group) {
          r = demine(['import', '--db', db, '--type', type, f]);
          assert.equal(r.code, 0, `${f}: ${r.stderr}`);
        }
        if (/\.shp$/.test(group[0])) assert.match(r.stdout, /cut to 10 characters/);
        const after = exportFc(db, type);
        const added = { type: 'FeatureCollection', features: after.features.filter((f) => !before.features.some((b) => b.id === f.id)) };
        assertCopies(schema, type, base, { type: 'FeatureCollection', features: [...base.features, ...added.features] }, group[0].replace(/.*\./, ''));
      }
    }
  } finally { cleanup(); }
});

test('export --format gpkg, shp, kml: GDAL reads them with every record; they import back', { skip: !hasOgr && 'no ogr2ogr' }, (t) => {
  const d = demoDb(t);
  if (!d) return t.skip('demine built without GDAL');
  const { dir, db, cleanup } = d;
  try {
    const schema = json(['schema', '--json']);
    const base = exportFc(db, 'hazard');
    const n = base.features.length;
    const gpkg = join(dir, 'hazards.gpkg');
    ok(['export', '--db', db, '--type', 'hazard', '--format', 'gpkg', '-o', gpkg]);
    const info = gdal('ogrinfo', ['-ro', '-al', '-so', gpkg]);
    // one table per geometry family: the polygons, and the hazards known only by a point
    const nPoints = base.features.filter((f) => f.geometry?.type === 'Point').length;
    assert.ok(nPoints > 0);
    assert.match(info, new RegExp(`Layer name: hazard\\nGeometry: Multi Polygon\\nFeature Count: ${n - nPoints}\\b`));
    assert.match(info, new RegExp(`Layer name: hazard_point\\nGeometry: Point\\nFeature Count: ${nPoints}\\b`));
    const valid = spawnSync('/usr/bin/python3', [VALIDATE_GPKG, gpkg], { encoding: 'utf8' });
    assert.equal(valid.status, 0, `validate_gpkg.py: ${valid.stderr}`);
    for (const col of ['code', 'hazard_type', 'land_status', 'contamination', 'area_m2', 'date_of_information']) assert.match(info, new RegExp(`\\n${col}: `));
    assert.match(info, /area_m2: Real/);
    assert.match(info, /date_of_information: Date/);
    // as it is (ids and versions): nothing changes, so no version is written (issue 25)
    const upd = ok(['import', '--db', db, '--type', 'hazard', gpkg]);
    assert.match(upd.stdout, new RegExp(`0 created, 0 updated, ${n} unchanged`));
    const keys = comparable(schema, 'hazard');
    const now = exportFc(db, 'hazard');
    for (const f of base.features) {
      const g = now.features.find((x) => x.id === f.id);
      assert.equal(canon(g.properties, keys), canon(f.properties, keys), f.properties.code);
    }
    // in UTM: the records remember where they came from
    const utm = join(dir, 'hazards-utm.gpkg');
    ok(['export', '--db', db, '--type', 'hazard', '--format', 'gpkg', '--crs', 'EPSG:32638', '-o', utm]);
    assert.match(gdal('ogrinfo', ['-ro', '-al', '-so', utm]), /ID\["EPSG",32638\]\]\s*$/m);
    gdal('ogrinfo', [utm, '-sql', 'UPDATE hazard SET id = NULL, version = NULL']);
    gdal('ogrinfo', [utm, '-sql', 'UPDATE hazard_point SET id = NULL, version = NULL']);
    const before = exportFc(db, 'hazard');
    ok(['import', '--db', db, '--type', 'hazard', utm]);
    const after = exportFc(db, 'hazard');
    const added = after.features.filter((f) => !before.features.some((b) => b.id === f.id));
    assert.equal(added.length, n);
    assert.ok(added.every((f) => f.properties.source_crs === 'EPSG:32638'));
    assertCopies(schema, 'hazard', before, { type: 'FeatureCollection', features: [...before.features, ...added] }, 'gpkg utm',
      (a) => a * 1e-5); // stored in WGS84 with 7 decimals: the way back from UTM moves vertices by millimetres

    // Shapefile: polygons in hazards.shp, the points beside them in hazards_points.shp
    const shp = join(dir, 'hazards.shp');
    ok(['export', '--db', db, '--type', 'hazard', '--format', 'shp', '-o', shp]);
    const total = exportFc(db, 'hazard').features;
    const nPts = total.filter((f) => f.geometry?.type === 'Point').length;
    assert.match(gdal('ogrinfo', ['-ro', '-al', '-so', shp]), new RegExp(`Feature Count: ${total.length - nPts}\\b`));
    assert.match(gdal('ogrinfo', ['-ro', '-al', '-so', join(dir, 'hazards_points.shp')]), new RegExp(`Feature Count: ${nPts}\\b`));
    assert.match(readFileSync(join(dir, 'hazards.cpg'), 'utf8'), /UTF-8/);
    // a folder of layers
    const folder = join(dir, 'shapes');
    ok(['export', '--db', db, '--type', 'land_release', '--format', 'shp', '-o', folder]);
    assert.match(gdal('ogrinfo', ['-ro', '-so', folder]), /land_release/);

    const kml = join(dir, 'hazards.kml');
    ok(['export', '--db', db, '--type', 'hazard', '--format', 'kml', '-o', kml]);
    assert.match(gdal('ogrinfo', ['-ro', '-al', '-so', kml]), new RegExp(`Feature Count: ${total.length}\\b`));
    assert.match(readFileSync(kml, 'utf8'), /<name>Ağdam/);
    // every record is matched by its id; those whose content came back the same write no
    // version (issue 25): the ones imported from UTM come back with WGS84 vertices, changed
    const imp = ok(['import', '--db', db, '--type', 'hazard', kml]);
    const m = imp.stdout.match(/0 created, (\d+) updated, (\d+) unchanged/);
    assert.ok(m, imp.stdout);
    assert.equal(Number(m[1]) + Number(m[2]), total.length);
    assert.ok(Number(m[2]) >= n, imp.stdout);

    // usage: these formats are files, KML is WGS84
    assert.equal(demine(['export', '--db', db, '--type', 'hazard', '--format', 'gpkg']).code, 2);
    assert.equal(demine(['export', '--db', db, '--type', 'hazard', '--format', 'kml', '--crs', 'EPSG:32638', '-o', kml]).code, 2);
    assert.equal(demine(['export', '--db', db, '--type', 'hazard', '--format', 'dxf', '-o', kml]).code, 2);
  } finally { cleanup(); }
});

test('broken GIS files are refused, naming the feature, and nothing changes', { skip: !hasOgr && 'no ogr2ogr' }, (t) => {
  const d = demoDb(t);
  if (!d) return t.skip('demine built without GDAL');
  const { dir, db, cleanup } = d;
  try {
    const digest = () => ok(['export', '--db', db, '--type', 'hazard']).stdout + dbDigest(db);
    const before = digest();
    const notdb = join(dir, 'broken.gpkg');
    writeFileSync(notdb, 'this is not an SQLite database, nor a GeoPackage\n');
    let r = demine(['import', '--db', db, '--type', 'hazard', notdb]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /broken\.gpkg.*refused, nothing imported/);
    assert.match(r.stderr, /cannot read .*broken\.gpkg/);

    // a shapefile whose third polygon crosses itself (a bow tie)
    const base = exportFc(db, 'hazard').features.filter((f) => f.geometry?.type === 'Polygon').slice(0, 4);
    const feats = base.map((f) => ({ type: 'Feature', properties: { category: f.properties.category, hazard_type: f.properties.hazard_type, land_status: 'open', organisation: f.properties.organisation, date_of_information: f.properties.date_of_information }, geometry: f.geometry }));
    feats[2].geometry = { type: 'Polygon', coordinates: [[[46.9, 39.9], [46.91, 39.91], [46.91, 39.9], [46.9, 39.91], [46.9, 39.9]]] };
    const src = join(dir, 'bad.geojson');
    writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features: feats }));
    const shp = join(dir, 'bad.shp');
    gdal('ogr2ogr', ['-f', 'ESRI Shapefile', shp, src]);
    r = demine(['import', '--db', db, '--type', 'hazard', shp]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /feature 3 \(layer bad\): geometry: .*self-intersect/);
    assert.doesNotMatch(r.stderr, /feature [124] /);

    // a field no hazard has
    const extra = join(dir, 'extra.gpkg');
    writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features: [{ ...feats[0], properties: { ...feats[0].properties, colour: 'red' } }] }));
    gdal('ogr2ogr', ['-f', 'GPKG', extra, src, '-nln', 'extra']);
    r = demine(['import', '--db', db, '--type', 'hazard', extra]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /feature 1 \(layer extra\): colour: unknown field 'colour'/);
    assert.equal(digest(), before);
  } finally { cleanup(); }
});
