// gis_auth.test.mjs: API tokens as the password of HTTP Basic on the GIS paths (QGIS 3.22's
// Basic method, GDAL_HTTP_USERPWD, OWSLib auth=, curl -u), and the user's own named, expiring,
// read-only tokens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, password, rawGet } from './helpers.mjs';
import { demine } from '../cli/helpers.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); });

const basic = (user, pw) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
async function get(path, headers = {}) {
  const r = await fetch(s.url + path, { headers });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, headers: r.headers, json, text };
}

test('Basic with a token as the password (user name ignored) works on /ogc, /tiles and /api/v1', async () => {
  const auth = { Authorization: basic('anything-at-all', s.tokens.viewer) };
  const bearer = await get('/ogc/collections/hazard/items?limit=1000', { Authorization: `Bearer ${s.tokens.viewer}` });
  const r = await get('/ogc/collections/hazard/items?limit=1000', auth);
  assert.equal(r.status, 200);
  assert.equal(r.json.numberMatched, bearer.json.numberMatched);
  assert.equal((await get('/ogc/collections', auth)).status, 200);
  assert.equal((await get('/tiles/hazard.json', auth)).status, 200);
  assert.ok([200, 204].includes((await get('/tiles/hazard/8/160/96.mvt', auth)).status));
  const me = await get('/api/v1/me', { Authorization: basic('', s.tokens.im_officer) });
  assert.equal(me.status, 200);
  assert.equal(me.json.user.login, 'im_officer');
});

test('401 on the GIS paths challenges with Basic realm="demine"; a browser script is not challenged', async () => {
  for (const path of ['/ogc/collections', '/ogc/collections/hazard/items', '/tiles/hazard.json', '/api/v1/hazard']) {
    const r = await get(path);
    assert.equal(r.status, 401, path);
    assert.equal(r.headers.get('www-authenticate'), 'Basic realm="demine"', path);
    assert.match(r.json.error.message, /HTTP Basic with a token as the password/);
  }
  // fetch() in a browser sends Sec-Fetch-Mode: cors or same-origin; the app's own sign-in
  // page must not be covered by the browser's password dialog
  const app = await get('/api/v1/me', { 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'cors' });
  assert.equal(app.status, 401);
  assert.equal(app.headers.get('www-authenticate'), null);
  // (fetch() itself would send Sec-Fetch-Mode: cors whatever it is given)
  const nav = await rawGet(s, '/ogc/collections', { 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'navigate' });
  assert.equal(nav.status, 401);
  assert.equal(nav.headers['www-authenticate'], 'Basic realm="demine"');
});

test('an account password is never a Basic credential on these paths', async () => {
  for (const path of ['/ogc/collections/hazard/items', '/tiles/hazard.json', '/api/v1/me']) {
    const r = await get(path, { Authorization: basic('viewer', password('viewer')) });
    assert.equal(r.status, 401, path);
    assert.equal(r.json.error.code, 'unauthorized');
    assert.match(r.json.error.message, /account passwords are not accepted/);
    assert.equal(r.headers.get('www-authenticate'), 'Basic realm="demine"');
  }
  const junk = await get('/ogc/collections', { Authorization: 'Basic %%%not-base64' });
  assert.equal(junk.status, 401);
});

test('Basic with a token cannot mint a token', async () => {
  const r = await fetch(`${s.url}/api/v1/tokens`, {
    method: 'POST', headers: { Authorization: basic('admin', s.tokens.admin), 'Content-Type': 'application/json' }, body: '{}',
  });
  assert.equal(r.status, 403);
  const r2 = await fetch(`${s.url}/api/v1/tokens`, { method: 'POST', headers: { Authorization: basic('admin', s.tokens.admin) } });
  assert.equal(r2.status, 403);
});

test('users make named, expiring, read-only tokens, list them and revoke them by id', async () => {
  const mk = await api(s, null, 'POST', '/api/v1/tokens', {
    body: { username: 'im_officer', password: password('im_officer'), name: 'QGIS on my laptop', scope: 'read', expires_in_days: 7 },
  });
  assert.equal(mk.status, 201);
  assert.equal(mk.json.name, 'QGIS on my laptop');
  assert.equal(mk.json.scope, 'read');
  assert.match(mk.json.id, /^[0-9a-f]{16}$/);
  const days = (Date.parse(mk.json.expires_at) - Date.now()) / 86400e3;
  assert.ok(days > 6.9 && days <= 7, `expires in ${days} days`);
  const ro = { Authorization: basic('im_officer', mk.json.token) };
  assert.equal((await get('/ogc/collections/hazard/items', ro)).status, 200);
  // read-only: no writes, even for a role that may write
  const w = await fetch(`${s.url}/api/v1/hazard`, { method: 'POST', headers: { ...ro, 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(w.status, 403);
  assert.equal((await w.json()).error.code, 'read_only_token');
  // the list holds the new token without its secret, and marks the caller's own
  const list = await get('/api/v1/tokens', { Authorization: `Bearer ${mk.json.token}` });
  assert.equal(list.status, 200);
  const mine = list.json.items.find((t) => t.id === mk.json.id);
  assert.deepEqual({ ...mine, created_at: undefined }, { id: mk.json.id, name: 'QGIS on my laptop', scope: 'read', created_at: undefined, expires_at: mk.json.expires_at, current: true });
  assert.ok(!list.text.includes(mk.json.token));
  assert.ok(list.json.items.some((t) => !t.current), 'the login token of the tests is listed too');
  // another user cannot revoke it; its owner can
  assert.equal((await api(s, 'admin', 'DELETE', `/api/v1/tokens/${mk.json.id}`)).status, 404);
  const rv = await api(s, 'im_officer', 'DELETE', `/api/v1/tokens/${mk.json.id}`);
  assert.equal(rv.status, 200);
  assert.equal((await get('/ogc/collections', ro)).status, 401);
  assert.equal((await api(s, 'im_officer', 'DELETE', `/api/v1/tokens/${mk.json.id}`)).status, 404);
  assert.equal((await api(s, 'im_officer', 'GET', '/api/v1/me')).status, 200, 'the other tokens live on');
});

test('bad token options are refused naming the field', async () => {
  const base = { username: 'viewer', password: password('viewer') };
  const cases = [
    [{ name: 'x'.repeat(101) }, 'name'], [{ name: 5 }, 'name'], [{ scope: 'admin' }, 'scope'],
    [{ expires_in_days: 0 }, 'expires_in_days'], [{ expires_in_days: 366 }, 'expires_in_days'], [{ expires_in_days: '7' }, 'expires_in_days'],
  ];
  for (const [extra, field] of cases) {
    const r = await api(s, null, 'POST', '/api/v1/tokens', { body: { ...base, ...extra } });
    assert.equal(r.status, 422, JSON.stringify(extra));
    assert.equal(r.json.error.field, field);
  }
  const full = await api(s, null, 'POST', '/api/v1/tokens', { body: base });
  assert.equal(full.json.scope, 'full');
  assert.equal(full.json.name, null);
});

test('the command line makes, lists and revokes the same tokens', async () => {
  const mk = demine(['token', 'create', '--db', s.db, '--name', 'operator', '--label', 'GDAL script', '--read-only', '--days', '10']);
  assert.equal(mk.code, 0, mk.stderr);
  const secret = mk.stdout.trim();
  assert.match(mk.stderr, /^read-only token ([0-9a-f]{16}) for operator, expires /);
  const id = mk.stderr.match(/token ([0-9a-f]{16})/)[1];
  const r = await get('/ogc/collections/hazard/items', { Authorization: basic('operator', secret) });
  assert.equal(r.status, 200);
  const w = await fetch(`${s.url}/api/v1/hazard`, { method: 'POST', headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(w.status, 403);
  const list = demine(['token', 'list', '--db', s.db, '--name', 'operator']);
  assert.match(list.stdout, new RegExp(`^${id}\\tread\\t\\S+\\t\\S+\\tGDAL script$`, 'm'));
  assert.equal(demine(['token', 'create', '--db', s.db, '--name', 'operator', '--days', '400']).code, 1);
  assert.equal(demine(['token', 'create', '--db', s.db, '--name', 'operator', '--days', 'x']).code, 2);
  const rv = demine(['token', 'revoke', '--db', s.db, '--name', 'operator', '--id', id]);
  assert.equal(rv.code, 0, rv.stderr);
  assert.equal((await get('/ogc/collections', { Authorization: basic('operator', secret) })).status, 401);
  assert.doesNotMatch(demine(['token', 'list', '--db', s.db, '--name', 'operator']).stdout, new RegExp(id));
  assert.equal(demine(['token', 'revoke', '--db', s.db, '--name', 'operator', '--id', id]).code, 1);
});
