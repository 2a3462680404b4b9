// cors.test.mjs: partner web maps on other origins read the tiles, the OGC API and the API's
// GET routes when `demine serve --cors-origin ORIGIN` names their origin; nothing else changes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, token } from './helpers.mjs';
import { demine } from '../cli/helpers.mjs';

const PARTNER = 'https://maps.donor.example';
let s;
before(async () => { s = await startServer({ serveArgs: ['--cors-origin', PARTNER, '--cors-origin', 'http://localhost:9999'] }); });
after(async () => { await s.stop(); });

// A raw request (fetch would refuse to send Origin and OPTIONS as a browser does).
function req(method, path, headers = {}) {
  const u = new URL(s.url);
  return new Promise((res, rej) => {
    const q = http.request({ host: u.hostname, port: u.port, path, method, headers }, (r) => {
      let body = '';
      r.on('data', (d) => { body += d; });
      r.on('end', () => res({ status: r.statusCode, headers: r.headers, text: body }));
    });
    q.on('error', rej);
    q.end();
  });
}
const bearer = (role) => ({ Authorization: `Bearer ${s.tokens[role]}` });

test('every answer to a listed origin carries the CORS headers, errors, 304 and 401 included', async () => {
  const o = { Origin: PARTNER };
  const cases = [
    ['/tiles/hazard.json', bearer('viewer'), 200], ['/tiles/hazard/8/160/96.mvt', bearer('viewer'), null],
    ['/ogc/collections/hazard/items?limit=2', bearer('viewer'), 200], ['/openapi.json', {}, 200],
    ['/api/v1/hazard?limit=1', bearer('viewer'), 200], ['/ogc/collections/hazard/items', {}, 401],
    ['/api/v1/nothing-here', bearer('viewer'), 404], ['/ogc/collections/hazard/items?bbox=1,2', bearer('viewer'), 400],
  ];
  for (const [path, h, status] of cases) {
    const r = await req('GET', path, { ...o, ...h });
    if (status) assert.equal(r.status, status, path);
    assert.equal(r.headers['access-control-allow-origin'], PARTNER, path);
    assert.match(r.headers.vary, /Origin/, path);
    assert.equal(r.headers['access-control-allow-credentials'], undefined, path);
    assert.match(r.headers['access-control-expose-headers'], /ETag/, path);
  }
  // a tile over the first demo hazard, then its 304
  const [lon, lat] = s.hazard.geometry.type === 'Point' ? s.hazard.geometry.coordinates : s.hazard.geometry.coordinates[0][0];
  const z = 10, n = 2 ** z;
  const x = Math.floor((lon + 180) / 360 * n);
  const y = Math.floor((1 - Math.log(Math.tan(lat * Math.PI / 180) + 1 / Math.cos(lat * Math.PI / 180)) / Math.PI) / 2 * n);
  const tile = await req('GET', `/tiles/hazard/${z}/${x}/${y}.mvt`, { ...o, ...bearer('viewer') });
  assert.equal(tile.status, 200);
  assert.ok(tile.headers.etag);
  const t304 = await req('GET', `/tiles/hazard/${z}/${x}/${y}.mvt`, { ...o, ...bearer('viewer'), 'If-None-Match': tile.headers.etag });
  assert.equal(t304.status, 304);
  assert.equal(t304.headers['access-control-allow-origin'], PARTNER);
  assert.match(t304.headers.vary, /Origin/);
});

test('preflight OPTIONS answers 204 with the methods and headers; writes are never opened', async () => {
  const r = await req('OPTIONS', '/ogc/collections/hazard/items', {
    Origin: PARTNER, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization',
  });
  assert.equal(r.status, 204);
  assert.equal(r.headers['access-control-allow-origin'], PARTNER);
  assert.match(r.headers['access-control-allow-methods'], /GET/);
  assert.match(r.headers['access-control-allow-headers'], /Authorization/);
  assert.match(r.headers['access-control-allow-headers'], /If-Match/);
  assert.equal(r.headers['access-control-allow-credentials'], undefined);
  const t = await req('OPTIONS', '/tiles/hazard/1/1/0.mvt', { Origin: 'http://localhost:9999', 'Access-Control-Request-Method': 'GET' });
  assert.equal(t.status, 204);
  assert.equal(t.headers['access-control-allow-origin'], 'http://localhost:9999');
  // a write from another origin: no CORS headers, so the browser refuses to send it
  const w = await req('OPTIONS', '/api/v1/hazard', { Origin: PARTNER, 'Access-Control-Request-Method': 'POST' });
  assert.equal(w.status, 204);
  assert.equal(w.headers['access-control-allow-origin'], undefined);
  const post = await req('POST', '/api/v1/hazard', { Origin: PARTNER, ...bearer('im_officer'), 'Content-Type': 'application/json' });
  assert.equal(post.headers['access-control-allow-origin'], undefined);
  // the web application's own files stay same-origin
  const app = await req('GET', '/', { Origin: PARTNER });
  assert.equal(app.headers['access-control-allow-origin'], undefined);
});

test('an origin not listed gets no CORS headers and no error', async () => {
  const r = await req('GET', '/ogc/collections/hazard/items?limit=1', { Origin: 'https://evil.example', ...bearer('viewer') });
  assert.equal(r.status, 200);
  assert.equal(r.headers['access-control-allow-origin'], undefined);
  const p = await req('OPTIONS', '/ogc/collections', { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' });
  assert.equal(p.status, 204);
  assert.equal(p.headers['access-control-allow-origin'], undefined);
  const same = await req('GET', '/api/v1/me', { Origin: s.url, ...bearer('viewer') });
  assert.equal(same.status, 200);
});

test('without --cors-origin nothing changes: no CORS headers, OPTIONS 405', async () => {
  const plain = await startServer({ login: false });
  try {
    const t = (await token(plain, 'viewer')).token;
    const u = new URL(plain.url);
    const get = (method, path, headers) => new Promise((res, rej) => {
      const q = http.request({ host: u.hostname, port: u.port, path, method, headers }, (r) => { r.resume(); r.on('end', () => res(r)); });
      q.on('error', rej);
      q.end();
    });
    const r = await get('GET', '/ogc/collections', { Origin: PARTNER, Authorization: `Bearer ${t}` });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
    assert.equal((await get('OPTIONS', '/ogc/collections', { Origin: PARTNER, 'Access-Control-Request-Method': 'GET' })).statusCode, 405);
  } finally { await plain.stop(); }
});

test('--cors-origin is checked: * only with --public, an origin has no path', () => {
  const star = demine(['serve', '--db', s.db, '--cors-origin', '*', '--listen', '127.0.0.1:0']);
  assert.equal(star.code, 2);
  assert.match(star.stderr, /only with --public/);
  for (const bad of ['https://maps.example.org/', 'maps.example.org', 'https://a.example/path', 'ftp://x']) {
    const r = demine(['serve', '--db', s.db, '--cors-origin', bad, '--listen', '127.0.0.1:0']);
    assert.equal(r.code, 2, bad);
    assert.match(r.stderr, /is not an origin/, bad);
  }
});

test('--cors-origin * with --public lets any origin read, still without credentials', async () => {
  const pub = await startServer({ pub: true, login: false, serveArgs: ['--cors-origin', '*'] });
  try {
    const u = new URL(pub.url);
    const r = await new Promise((res, rej) => {
      const q = http.request({ host: u.hostname, port: u.port, path: '/tiles/hazard.json', headers: { Origin: 'https://anyone.example' } }, (x) => { x.resume(); x.on('end', () => res(x)); });
      q.on('error', rej);
      q.end();
    });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['access-control-allow-origin'], '*');
    assert.equal(r.headers['access-control-allow-credentials'], undefined);
  } finally { await pub.stop(); }
});
