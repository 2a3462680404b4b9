// qgis.test.mjs: Debian 12's QGIS (3.22, python3-qgis, headless) loads demine's OGC API -
// Features and vector tile layers with a Basic authentication configuration (the token as the
// password), as docs/gis.md tells QGIS 3.22 users to; its counts equal the API's and the
// rendered map is not blank.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, api, password } from '../api/helpers.mjs';
import { ROOT } from '../cli/helpers.mjs';

const COLLECTIONS = ['hazard', 'hazard_point', 'land_release', 'location_point'];
let s, token;
before(async () => {
  s = await startServer();
  const r = await api(s, null, 'POST', '/api/v1/tokens', {
    body: { username: 'viewer', password: password('viewer'), name: 'QGIS', scope: 'read', expires_in_days: 1 },
  });
  token = r.json.token;
});
after(async () => { await s.stop(); });

function qgis(tok) {
  const png = join(s.dir, 'qgis.png');
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'tests/gis/qgis_load.py'), s.url, tok, png, ...COLLECTIONS], {
    encoding: 'utf8', env: { ...process.env, QT_QPA_PLATFORM: 'offscreen', XDG_RUNTIME_DIR: s.dir }, timeout: 180000,
  });
  assert.equal(r.status, 0, `signal ${r.signal}: ${r.stderr}`);
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()), png };
}

test('QGIS 3.22 loads the OGC API and vector tile layers with Basic auth; counts equal the API\'s', async () => {
  const q = qgis(token);
  assert.match(q.version, /^3\.22\./);
  for (const c of COLLECTIONS) {
    const r = await api(s, 'viewer', 'GET', `/ogc/collections/${c}/items?limit=10000`);
    assert.equal(q.counts[c], r.json.features.length, c);
  }
  assert.equal(q.tiles_valid, true);
  assert.ok(existsSync(q.png));
  assert.ok(q.png_pixels > 50, `the rendered map has ${q.png_pixels} drawn pixels`);
});

test('QGIS with a wrong token gets no layer', () => {
  const q = qgis('0'.repeat(64));
  for (const c of COLLECTIONS) assert.equal(q.counts[c], null, c);
});
