// ogr_oapif.test.mjs: GDAL's OGC API - Features driver (ogrinfo, ogr2ogr) reads demine's
// collections with HTTP Basic, an API token as the password (GDAL_HTTP_USERPWD), as QGIS 3.22
// and scripts do; its feature counts equal the API's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, api, password } from '../api/helpers.mjs';

let s, token;
before(async () => {
  s = await startServer();
  const r = await api(s, null, 'POST', '/api/v1/tokens', {
    body: { username: 'viewer', password: password('viewer'), name: 'GDAL', scope: 'read', expires_in_days: 1 },
  });
  assert.equal(r.status, 201);
  token = r.json.token;
});
after(async () => { await s.stop(); });

// Runs a GDAL program; auth: 'token' (Basic with the token), 'password' (Basic with the
// account password) or null.
function gdal(cmd, args, auth = 'token') {
  const env = { ...process.env, GDAL_HTTP_AUTH: 'BASIC', CPL_DEBUG: 'OFF', GDAL_HTTP_TIMEOUT: '60' };
  if (auth === 'token') env.GDAL_HTTP_USERPWD = `gis:${token}`;
  if (auth === 'password') env.GDAL_HTTP_USERPWD = `viewer:${password('viewer')}`;
  return spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

// {layer: feature count} from ogrinfo -so -al.
function counts(out) {
  const c = {};
  let layer = null;
  for (const line of out.split('\n')) {
    const m = line.match(/^Layer name: (\S+)/);
    if (m) layer = m[1];
    const f = line.match(/^Feature Count: (\d+)/);
    if (f && layer) c[layer] = Number(f[1]);
  }
  return c;
}

async function apiCount(collection) {
  const r = await api(s, 'viewer', 'GET', `/ogc/collections/${collection}/items?limit=10000`);
  assert.equal(r.status, 200);
  return r.json.features.length;
}

test('ogrinfo lists every collection with the API\'s feature counts (Basic with a token)', async () => {
  const r = gdal('ogrinfo', ['-ro', '-so', '-al', `OAPIF:${s.url}/ogc`]);
  assert.equal(r.status, 0, r.stderr);
  const c = counts(r.stdout);
  const cols = (await api(s, 'viewer', 'GET', '/ogc/collections')).json.collections.map((x) => x.id);
  assert.deepEqual(Object.keys(c).sort(), [...cols].sort());
  for (const id of cols) assert.equal(c[id], await apiCount(id), `features of ${id}`);
  assert.ok(c.hazard > 0);
});

test('ogr2ogr copies a collection to GeoPackage with every feature', async () => {
  const out = join(s.dir, 'hazard.gpkg');
  const r = gdal('ogr2ogr', ['-f', 'GPKG', out, `OAPIF:${s.url}/ogc`, 'hazard']);
  assert.equal(r.status, 0, r.stderr);
  const info = spawnSync('ogrinfo', ['-ro', '-so', '-al', out], { encoding: 'utf8' });
  assert.equal(info.status, 0, info.stderr);
  assert.equal(Object.values(counts(info.stdout)).reduce((a, b) => a + b, 0), await apiCount('hazard'));
});

test('GDAL without credentials, or with the account password as Basic, is refused', () => {
  for (const auth of [null, 'password']) {
    const r = gdal('ogrinfo', ['-ro', '-so', `OAPIF:${s.url}/ogc`, 'hazard'], auth);
    assert.notEqual(r.status, 0, `${auth}: ${r.stdout}`);
    assert.match(r.stderr, /401/);
  }
});
