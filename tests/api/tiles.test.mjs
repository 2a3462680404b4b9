// tiles.test.mjs: vector tiles over HTTP, decoded by real clients (@mapbox/vector-tile and GDAL's
// MVT driver), checked against the source geometry, with the role rules and the caching headers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { startServer, api, ok, BIN, newHazard } from './helpers.mjs';

const LAYERS = ['hazard', 'land_release', 'eo_find', 'accident', 'eore_session', 'location', 'settlement', 'access_route'];
const EXTENT = 4096;
const PIXEL = EXTENT / 256; // one pixel of a 256-pixel tile, in tile units
let s;

before(async () => { s = await startServer(); });
after(async () => { await s?.stop(); });

async function getTile(role, layer, z, x, y, headers = {}) {
  const h = { ...headers };
  if (role) h.Authorization = `Bearer ${s.tokens[role]}`;
  const r = await fetch(`${s.url}/tiles/${layer}/${z}/${x}/${y}.mvt`, { headers: h });
  return { status: r.status, headers: r.headers, body: new Uint8Array(await r.arrayBuffer()) };
}

function decode(body, layer) {
  const t = new VectorTile(new PbfReader(body));
  const l = t.layers[layer];
  const out = [];
  for (let i = 0; l && i < l.length; i++) {
    const f = l.feature(i);
    out.push({ id: f.id, type: f.type, props: f.properties, rings: f.loadGeometry() });
  }
  return { layer: l, features: out };
}

// Web Mercator: lon/lat to tile units of tile z/x/y.
function toTile([lon, lat], z, x, y) {
  const n = 2 ** z;
  const wx = ((lon + 180) / 360) * n;
  const s2 = Math.sin((Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI) / 180);
  const wy = (0.5 - Math.log((1 + s2) / (1 - s2)) / (4 * Math.PI)) * n;
  return [(wx - x) * EXTENT, (wy - y) * EXTENT];
}
function tileOf([lon, lat], z) {
  const [tx, ty] = toTile([lon, lat], z, 0, 0);
  return [Math.floor(tx / EXTENT), Math.floor(ty / EXTENT)];
}
function segDist([px, py], [ax, ay], [bx, by]) {
  const dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
  const t = l2 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / l2)) : 0;
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}
// Distance from p to the nearest edge of a set of rings ([[x,y],...], closed or not).
function distToRings(p, rings) {
  let d = Infinity;
  for (const r of rings) for (let i = 0; i + 1 < r.length; i++) d = Math.min(d, segDist(p, r[i], r[i + 1]));
  return d;
}
const inside = ([x, y]) => x > 0 && x < EXTENT && y > 0 && y < EXTENT;
function polygonRings(geom) {
  if (geom.type === 'Point') return [[geom.coordinates]];
  if (geom.type === 'Polygon') return geom.coordinates;
  if (geom.type === 'MultiPolygon') return geom.coordinates.flat();
  return [];
}

function exported(type) {
  const out = JSON.parse(ok(['export', '--db', s.db, '--type', type, '--format', 'geojson']).stdout);
  return new Map(out.features.map((f) => { f.properties.id = f.id; return [f.id, f]; }));
}

test('TileJSON 3.0 for every layer, with absolute tile URLs and vector_layers', async () => {
  for (const layer of LAYERS) {
    const r = await api(s, 'viewer', 'GET', `/tiles/${layer}.json`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.tilejson, '3.0.0');
    assert.deepEqual(r.json.tiles, [`${s.url}/tiles/${layer}/{z}/{x}/{y}.mvt`]);
    assert.equal(r.json.vector_layers[0].id, layer);
    for (const k of ['id', 'code', 'status', 'adm2', 'date_of_information']) assert.ok(k in r.json.vector_layers[0].fields, `${layer}: ${k}`);
  }
  assert.equal((await api(s, 'viewer', 'GET', '/tiles/victim.json')).status, 404);
  assert.equal((await api(s, null, 'GET', '/tiles/hazard.json')).status, 401);
});

test('hazard tiles hold every approved demo hazard, each within one pixel of its source geometry', async () => {
  // hazards whose current version is the approved one: what a viewer's tile shows of them
  const all = exported('hazard');
  const hazards = [...all.values()].filter((f) => f.geometry && f.properties.status === 'approved');
  assert.ok(hazards.length >= 10, `demo hazards: ${hazards.length}`);
  let checkedVertices = 0, worst = 0;
  for (const z of [9, 12, 14]) {
    // the tiles that hold the first vertex of each hazard
    const tiles = new Map();
    for (const f of hazards) {
      const [tx, ty] = tileOf(polygonRings(f.geometry)[0][0], z);
      tiles.set(`${tx}/${ty}`, [tx, ty]);
    }
    const seen = new Set();
    for (const [tx, ty] of tiles.values()) {
      const t = await getTile('viewer', 'hazard', z, tx, ty);
      assert.equal(t.status, 200, `hazard ${z}/${tx}/${ty}`);
      assert.equal(t.headers.get('content-type'), 'application/vnd.mapbox-vector-tile');
      const { layer, features } = decode(t.body, 'hazard');
      assert.equal(layer.extent, EXTENT);
      for (const f of features) {
        seen.add(f.props.id);
        const src = hazards.find((h) => h.properties.id === f.props.id);
        if (!src) { // a newer draft or submission over an approved version: the viewer sees the approved one
          assert.ok(all.get(f.props.id)?.properties.approved_version > 0, `feature ${f.props.id} has an approved version`);
          assert.equal(f.props.status, 'approved');
          continue;
        }
        assert.equal(f.props.code, src.properties.code);
        assert.equal(f.props.status, 'approved');
        assert.equal(f.props.category, src.properties.category);
        assert.equal(f.id, parseInt(f.props.id.replaceAll('-', '').slice(0, 13), 16), 'integer id = first 52 bits of the UUID');
        if (src.geometry.type === 'Point') {
          assert.equal(f.type, 1);
          const d = Math.hypot(...toTile(src.geometry.coordinates, z, tx, ty).map((v, i) => v - [f.rings[0][0].x, f.rings[0][0].y][i]));
          assert.ok(d <= 1, `${src.properties.code}: point ${d.toFixed(2)} units off`);
          continue;
        }
        if (f.type !== 3) continue; // tiny hazards become points at low zoom
        const srcRings = polygonRings(src.geometry).map((r) => r.map((p) => toTile(p, z, tx, ty)));
        const outRings = f.rings.map((r) => r.map((p) => [p.x, p.y]));
        // both ways: decoded vertices near the source outline, source vertices near the decoded outline
        for (const r of outRings) for (const p of r) if (inside(p)) {
          const d = distToRings(p, srcRings); worst = Math.max(worst, d); checkedVertices++;
          assert.ok(d <= PIXEL, `${src.properties.code} z${z}: decoded vertex ${p} is ${d.toFixed(1)} units off`);
        }
        for (const r of srcRings) for (const p of r) if (inside(p)) {
          const d = distToRings(p, outRings); worst = Math.max(worst, d);
          assert.ok(d <= PIXEL, `${src.properties.code} z${z}: source vertex ${p} is ${d.toFixed(1)} units from the tile`);
        }
      }
    }
    for (const f of hazards) assert.ok(seen.has(f.properties.id), `z${z}: ${f.properties.code} is in its tile`);
  }
  assert.ok(checkedVertices > 100, `checked ${checkedVertices} vertices (worst ${worst.toFixed(2)} units)`);
});

test("GDAL's MVT driver reads our tiles with the same features and attributes", async () => {
  const hazards = [...exported('hazard').values()].filter((f) => f.geometry && f.properties.status === 'approved');
  const [tx, ty] = tileOf(polygonRings(hazards[0].geometry)[0][0], 10);
  for (const layer of ['hazard', 'land_release', 'location']) {
    const t = await getTile('im_officer', layer, 10, tx, ty);
    if (t.status === 204) continue;
    assert.equal(t.status, 200);
    const file = join(s.dir, `${layer}.mvt`);
    writeFileSync(file, t.body);
    const out = join(s.dir, `${layer}.geojson`);
    const r = spawnSync('ogr2ogr', ['-f', 'GeoJSON', out, file, '-oo', `Z=10`, '-oo', `X=${tx}`, '-oo', `Y=${ty}`, layer], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const gdal = JSON.parse(readFileSync(out, 'utf8')).features;
    const ours = decode(t.body, layer).features;
    assert.equal(gdal.length, ours.length, `${layer}: GDAL reads ${gdal.length}, @mapbox/vector-tile ${ours.length}`);
    const byId = new Map(gdal.map((f) => [f.properties.id, f]));
    for (const f of ours) {
      const g = byId.get(f.props.id);
      assert.ok(g, `${layer}: GDAL has ${f.props.code}`);
      for (const [k, v] of Object.entries(f.props)) assert.equal(g.properties[k], v, `${layer} ${f.props.code}.${k}`);
    }
  }
});

test('every layer has features in the demo area for the roles that may read it', async () => {
  const [tx, ty] = tileOf([46.9, 39.7], 7);
  for (const layer of LAYERS) {
    const t = await getTile('im_officer', layer, 7, tx, ty);
    assert.equal(t.status, 200, `${layer} 7/${tx}/${ty}: ${t.status}`);
    const { features } = decode(t.body, layer);
    assert.ok(features.length > 0, layer);
    for (const f of features) for (const k of ['name', 'address', 'contact', 'date_of_birth']) assert.ok(!(k in f.props), `${layer} has no ${k}`);
  }
});

test('empty tiles are 204, bad coordinates 400, unknown layers 404, overzoom works', async () => {
  assert.equal((await getTile('viewer', 'hazard', 8, 0, 0)).status, 204);
  for (const [z, x, y] of [[25, 0, 0], [3, 8, 0], [3, 0, 8], ['a', 0, 0], [3, -1, 0], [3, '01x', 0]]) {
    const r = await api(s, 'viewer', 'GET', `/tiles/hazard/${z}/${x}/${y}.mvt`);
    assert.equal(r.status, 400, `${z}/${x}/${y}: ${r.text}`);
    assert.match(r.json.error.message, /whole number/);
  }
  assert.equal((await api(s, 'viewer', 'GET', '/tiles/victim/1/0/0.mvt')).status, 404);
  assert.equal((await api(s, 'viewer', 'GET', '/tiles/hazard/1/0/0.png')).status, 404);
  assert.equal((await api(s, 'viewer', 'POST', '/tiles/hazard/1/0/0.mvt')).status, 405);
  const hazards = [...exported('hazard').values()].filter((f) => f.geometry && f.properties.status === 'approved');
  const [tx, ty] = tileOf(polygonRings(hazards[0].geometry)[0][0], 17);
  const t = await getTile('viewer', 'hazard', 17, tx, ty);
  assert.equal(t.status, 200);
  assert.ok(decode(t.body, 'hazard').features.some((f) => f.props.id === hazards[0].properties.id));
});

test('roles: drafts only for those who may see them; ETag, 304 and cache headers; counters move on writes', async () => {
  const geom = { type: 'Polygon', coordinates: [[[46.95, 39.75], [46.952, 39.75], [46.952, 39.752], [46.95, 39.752], [46.95, 39.75]]] };
  const [tx, ty] = tileOf([46.951, 39.751], 14);
  const before = await getTile('viewer', 'hazard', 14, tx, ty);
  const etag = before.headers.get('etag');
  assert.match(etag, /^"hazard-\d+-viewer-[0-9a-f]{8}"$/);
  assert.equal(before.headers.get('cache-control'), 'private, no-cache');
  assert.equal(before.headers.get('vary'), 'Cookie, Authorization');
  assert.equal((await getTile('viewer', 'hazard', 14, tx, ty, { 'If-None-Match': etag })).status, 304);
  const c = await api(s, 'operator', 'POST', '/api/v1/hazard', { body: newHazard(s.org, { geometry: geom }) });
  assert.equal(c.status, 201, c.text);
  const mine = decode((await getTile('operator', 'hazard', 14, tx, ty)).body, 'hazard').features;
  assert.ok(mine.some((f) => f.props.id === c.json.id && f.props.status === 'draft'), "the operator sees its own draft");
  for (const role of ['viewer', 'donor']) {
    const t = await getTile(role, 'hazard', 14, tx, ty);
    assert.ok(!decode(t.body, 'hazard').features.some((f) => f.props.id === c.json.id), `${role} does not see the draft`);
  }
  const after = await getTile('viewer', 'hazard', 14, tx, ty, { 'If-None-Match': etag });
  assert.equal(after.status === 304, false, 'a write changes the ETag');
  assert.notEqual(after.headers.get('etag'), etag);
  assert.equal((await fetch(`${s.url}/tiles/hazard/14/${tx}/${ty}.mvt`)).status, 401, 'anonymous without --public');
});

test('the ETag is the same from a second server process on the same database', async () => {
  const p = spawn(BIN, ['serve', '--db', s.db, '--listen', '127.0.0.1:0', '--threads', '2'], {
    env: { ...process.env, DEMINE_ARGON2_FAST: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise((res, rej) => {
      let out = '';
      p.stdout.on('data', (d) => { out += d; const m = out.match(/^listening on (http:\/\/\S+)\n/); if (m) res(m[1]); });
      p.on('exit', (code) => rej(new Error(`second server exited ${code}`)));
    });
    const [tx, ty] = tileOf([46.9, 39.7], 8);
    const a = await getTile('viewer', 'hazard', 8, tx, ty);
    const b = await fetch(`${url}/tiles/hazard/8/${tx}/${ty}.mvt`, { headers: { Authorization: `Bearer ${s.tokens.viewer}`, 'If-None-Match': a.headers.get('etag') } });
    assert.equal(b.status, 304);
    assert.equal(b.headers.get('etag'), a.headers.get('etag'));
  } finally {
    p.kill('SIGTERM');
    await new Promise((res) => p.on('exit', res));
  }
});
