// gpkg_validate.test.mjs: every GeoPackage demine writes, and every one GDAL copies from its OGC
// API, passes GDAL's validate_gpkg.py (python3-gdal): one geometry family per table
// (Requirement 32: the geometries match the table's declared type).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer } from '../api/helpers.mjs';
import { ok, sql } from '../cli/helpers.mjs';

const VALIDATE = '/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py';
let s;
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); });

function validate(file) {
  const r = spawnSync('/usr/bin/python3', [VALIDATE, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, `validate_gpkg.py ${file}: ${r.stdout}${r.stderr}`);
}

// {table: {geometry, count}} of a GeoPackage, from ogrinfo.
function tables(file) {
  const r = spawnSync('ogrinfo', ['-ro', '-so', '-al', '-nomd', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Object.fromEntries([...r.stdout.matchAll(/Layer name: (\S+)\nGeometry: ([^\n]+)\nFeature Count: (\d+)/g)]
    .map((m) => [m[1], { geometry: m[2], count: Number(m[3]) }]));
}

test('demine export --format gpkg of every type with geometry passes validate_gpkg.py, one table per family', () => {
  for (const type of ['hazard', 'location', 'land_release', 'eo_find', 'accident', 'eore_session']) {
    const file = join(s.dir, `${type}.gpkg`);
    const out = ok(['export', '--db', s.db, '--type', type, '--format', 'gpkg', '-o', file]);
    const n = Number((out.stdout + out.stderr).match(/exported (\d+)/)[1]);
    validate(file);
    const t = tables(file);
    const sum = Object.values(t).reduce((a, b) => a + b.count, 0);
    assert.equal(sum, n, `${type}: the tables hold every record`);
    if (type === 'hazard' || type === 'location') {
      assert.deepEqual(Object.keys(t).sort(), [type, `${type}_point`]);
      assert.equal(t[type].geometry, 'Multi Polygon');
      assert.equal(t[`${type}_point`].geometry, 'Point');
    }
  }
});

test('ogr2ogr from the OGC API collections to GeoPackage passes validate_gpkg.py', () => {
  const file = join(s.dir, 'oapif.gpkg');
  const r = spawnSync('ogr2ogr', ['-f', 'GPKG', file, `OAPIF:${s.url}/ogc`, 'hazard', 'hazard_point', 'location', 'location_point'], {
    encoding: 'utf8', env: { ...process.env, GDAL_HTTP_AUTH: 'BASIC', GDAL_HTTP_USERPWD: `x:${s.tokens.admin}` },
  });
  assert.equal(r.status, 0, r.stderr);
  validate(file);
  const t = tables(file);
  const total = (type) => Number(sql(s.db, `SELECT count(*) FROM ${type} WHERE deleted = 0`));
  // the geometry types each table holds (GDAL 3.6 declares a layer of Polygons and
  // MultiPolygons 'Unknown'; -nlt PROMOTE_TO_MULTI makes it MultiPolygon)
  const kinds = (table) => [...spawnSync('ogrinfo', ['-ro', '-q', '-dialect', 'OGRSQL', '-sql', `SELECT DISTINCT OGR_GEOMETRY FROM ${table}`, file],
    { encoding: 'utf8' }).stdout.matchAll(/OGR_GEOMETRY \(String\) = (\w+)/g)].map((m) => m[1]).sort();
  for (const type of ['hazard', 'location']) {
    assert.ok(kinds(type).length > 0 && kinds(type).every((k) => k === 'POLYGON' || k === 'MULTIPOLYGON'), `${type}: ${kinds(type)}`);
    assert.deepEqual(kinds(`${type}_point`), ['POINT']);
    assert.equal(t[`${type}_point`].geometry, 'Point');
    assert.equal(t[type].count + t[`${type}_point`].count, total(type), `${type}: the two layers hold every record`);
  }
});
