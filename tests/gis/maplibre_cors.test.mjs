// maplibre_cors.test.mjs: a partner's MapLibre GL JS map on another origin (a donor's site)
// draws demine's vector tiles, its token sent with transformRequest, when demine serve names
// that origin with --cors-origin; without it the browser refuses the tiles.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../api/helpers.mjs';
import { ROOT } from '../cli/helpers.mjs';

const VENDOR = join(ROOT, 'web/vendor');
let partner, origin, browser;

// The partner's site: one page with a MapLibre map of demine's hazard tiles.
function page(demineUrl, token) {
  return `<!doctype html><meta charset="utf-8"><link rel="stylesheet" href="/maplibre-gl.css">
<div id="map" style="width:512px;height:512px"></div>
<script type="module">
import * as maplibregl from '/maplibre-gl.mjs';
window.tiles = { loaded: 0, errors: [] };
const map = new maplibregl.Map({
  container: 'map', center: [46.9, 39.9], zoom: 8,
  style: { version: 8, sources: { d: { type: 'vector', tiles: ['${demineUrl}/tiles/hazard/{z}/{x}/{y}.mvt'], maxzoom: 14 } },
    layers: [{ id: 'h', type: 'fill', source: 'd', 'source-layer': 'hazard', paint: { 'fill-color': '#c00' } }] },
  transformRequest: (url) => (url.startsWith('${demineUrl}') ? { url, headers: { Authorization: 'Bearer ${token}' } } : { url }),
});
map.on('sourcedata', (e) => { if (e.tile && e.sourceId === 'd') window.tiles.loaded++; });
map.on('error', (e) => window.tiles.errors.push(String(e.error && e.error.message)));
window.map = map;
</script>`;
}

let current = '';
before(async () => {
  partner = http.createServer((q, r) => {
    const path = q.url.split('?')[0];
    const f = { '/maplibre-gl.mjs': 'text/javascript', '/maplibre-gl-worker.mjs': 'text/javascript', '/maplibre-gl.css': 'text/css' }[path];
    if (f) { r.writeHead(200, { 'Content-Type': f }); r.end(readFileSync(join(VENDOR, path.slice(1)))); return; }
    r.writeHead(200, { 'Content-Type': 'text/html' });
    r.end(current);
  });
  await new Promise((res) => partner.listen(0, '127.0.0.1', res));
  origin = `http://127.0.0.1:${partner.address().port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
});
after(async () => { await browser?.close(); partner?.close(); });

// Opens the partner page against server s; resolves {loaded, errors, features} once the map is
// idle (or gave up).
async function viewFrom(s) {
  current = page(s.url, s.tokens.viewer);
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto(origin + '/');
  await p.waitForFunction(() => window.map && (window.map.loaded() || window.tiles.errors.length), null, { timeout: 30000 });
  await p.waitForTimeout(500);
  const out = await p.evaluate(() => ({ ...window.tiles, features: window.map.querySourceFeatures('d', { sourceLayer: 'hazard' }).length }));
  await ctx.close();
  return out;
}

test('tiles load on another origin with --cors-origin set, and fail without', async () => {
  const withCors = await startServer({ serveArgs: ['--cors-origin', origin] });
  try {
    const r = await viewFrom(withCors);
    assert.deepEqual(r.errors, []);
    assert.ok(r.features > 0, `hazards drawn from ${origin}: ${JSON.stringify(r)}`);
  } finally { await withCors.stop(); }
  const without = await startServer();
  try {
    const r = await viewFrom(without);
    assert.equal(r.features, 0);
    assert.ok(r.errors.length > 0, 'the browser refused the tiles');
  } finally { await without.stop(); }
});
