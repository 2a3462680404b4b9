// basics.test.mjs: health, static files, login/logout/me, bearer tokens, CSRF, users, schema, audit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, rawGet, password } from './helpers.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); });

test('healthz answers ok', async () => {
  const r = await api(s, null, 'GET', '/healthz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'ok' });
});

test('static files have their type and caching headers', async () => {
  let r = await api(s, null, 'GET', '/');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.equal(r.headers.get('cache-control'), 'no-cache');
  r = await api(s, null, 'GET', '/js/app.js');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/javascript/);
  assert.match(r.headers.get('cache-control'), /max-age=/);
  r = await api(s, null, 'GET', '/style.css');
  assert.match(r.headers.get('content-type'), /^text\/css/);
  r = await api(s, null, 'GET', '/nope.js');
  assert.equal(r.status, 404);
});

test('paths outside the web folder are refused', async () => {
  for (const p of ['/../secret.txt', '/js/../../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E/secret.txt',
    '/js/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '//etc/passwd', '/%00/etc/passwd', '/.%2e/secret.txt']) {
    const r = await rawGet(s, p);
    assert.ok([400, 404].includes(r.status), `${p}: ${r.status}`);
    assert.doesNotMatch(r.text, /SECRET/, p);
  }
});

test('login sets a strict HttpOnly cookie; me and logout', async () => {
  let r = await api(s, null, 'POST', '/api/v1/login', { body: { username: 'viewer', password: password('viewer') } });
  assert.equal(r.status, 200);
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /^demine_session=[0-9a-f]{64};/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Path=\//);
  assert.equal(r.json.user.login, 'viewer');
  assert.equal(r.json.user.role, 'viewer');
  assert.equal(r.json.user.pw_hash, undefined);
  const csrf = r.json.csrf_token;
  const c = cookie.split(';')[0];
  r = await api(s, null, 'GET', '/api/v1/me', { headers: { Cookie: c } });
  assert.equal(r.status, 200);
  assert.equal(r.json.user.login, 'viewer');
  // logout is a write: the CSRF token is needed
  r = await api(s, null, 'POST', '/api/v1/logout', { headers: { Cookie: c } });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'csrf');
  r = await api(s, null, 'POST', '/api/v1/logout', { headers: { Cookie: c, 'X-CSRF-Token': csrf } });
  assert.equal(r.status, 200);
  r = await api(s, null, 'GET', '/api/v1/me', { headers: { Cookie: c } });
  assert.equal(r.status, 401);
  r = await api(s, null, 'POST', '/api/v1/login', { body: { username: 'viewer', password: 'wrong-password' } });
  assert.equal(r.status, 401);
  assert.equal(r.headers.get('set-cookie'), null);
});

test('bearer tokens: create, use, revoke, then 401', async () => {
  let r = await api(s, null, 'POST', '/api/v1/tokens', { body: { username: 'im_officer', password: password('im_officer') } });
  assert.equal(r.status, 201);
  assert.match(r.json.token, /^[0-9a-f]{64}$/);
  assert.ok(Date.parse(r.json.expires_at) > Date.now());
  const auth = { Authorization: `Bearer ${r.json.token}` };
  r = await api(s, null, 'GET', '/api/v1/me', { headers: auth });
  assert.equal(r.json.user.role, 'im_officer');
  // bearer writes need no CSRF token
  r = await api(s, null, 'DELETE', '/api/v1/tokens/current', { headers: auth });
  assert.equal(r.status, 200);
  r = await api(s, null, 'GET', '/api/v1/me', { headers: auth });
  assert.equal(r.status, 401);
  assert.equal(r.json.error.code, 'invalid_token');
});

test('a session makes a token without the password (with its CSRF token)', async () => {
  let r = await api(s, null, 'POST', '/api/v1/login', { body: { username: 'donor', password: password('donor') } });
  const c = r.headers.get('set-cookie').split(';')[0];
  const csrf = r.json.csrf_token;
  r = await api(s, null, 'POST', '/api/v1/tokens', { headers: { Cookie: c } });
  assert.equal(r.status, 403);
  // logging in again (as someone else) with an old cookie needs no CSRF token
  r = await api(s, null, 'POST', '/api/v1/login', { headers: { Cookie: c }, body: { username: 'viewer', password: password('viewer') } });
  assert.equal(r.status, 200);
  assert.equal(r.json.user.login, 'viewer');
  r = await api(s, null, 'POST', '/api/v1/tokens', { headers: { Cookie: c, 'X-CSRF-Token': csrf } });
  assert.equal(r.status, 201);
  r = await api(s, null, 'GET', '/api/v1/me', { headers: { Authorization: `Bearer ${r.json.token}` } });
  assert.equal(r.json.user.login, 'donor');
});

test('cookie writes need the CSRF token, bearer writes do not', async () => {
  let r = await api(s, null, 'POST', '/api/v1/login', { body: { username: 'im_officer', password: password('im_officer') } });
  const c = r.headers.get('set-cookie').split(';')[0];
  const csrf = r.json.csrf_token;
  const body = { organisation: s.org, category: 'sha', hazard_type: 'minefield', land_status: 'open' };
  r = await api(s, null, 'POST', '/api/v1/hazard', { headers: { Cookie: c }, body });
  assert.equal(r.status, 403);
  r = await api(s, null, 'POST', '/api/v1/hazard', { headers: { Cookie: c, 'X-CSRF-Token': 'f'.repeat(64) }, body });
  assert.equal(r.status, 403);
  r = await api(s, null, 'POST', '/api/v1/hazard', { headers: { Cookie: c, 'X-CSRF-Token': csrf }, body });
  assert.equal(r.status, 201);
  r = await api(s, 'im_officer', 'POST', '/api/v1/hazard', { body });
  assert.equal(r.status, 201);
});

test('admins manage users; everyone changes their own password', async () => {
  let r = await api(s, 'admin', 'GET', '/api/v1/users');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.items.map((u) => u.login).sort(), ['admin', 'donor', 'im_officer', 'operator', 'va_officer', 'viewer']);
  r = await api(s, 'viewer', 'GET', '/api/v1/users');
  assert.equal(r.status, 403);
  r = await api(s, 'admin', 'POST', '/api/v1/users', { body: { login: 'newbie', password: 'a-new-member-key-7', role: 'viewer' } });
  assert.equal(r.status, 201);
  r = await api(s, 'admin', 'POST', '/api/v1/users', { body: { login: 'newbie', password: 'a-new-member-key-7', role: 'viewer' } });
  assert.equal(r.status, 409);
  r = await api(s, 'admin', 'POST', '/api/v1/users', { body: { login: 'bad role', password: 'x', role: 'king' } });
  assert.equal(r.status, 422);
  r = await api(s, null, 'POST', '/api/v1/tokens', { body: { username: 'newbie', password: 'a-new-member-key-7' } });
  const auth = { Authorization: `Bearer ${r.json.token}` };
  r = await api(s, null, 'POST', '/api/v1/users/newbie/password', { headers: auth, body: { password: 'changed-pass-2', old_password: 'wrong-one' } });
  assert.equal(r.status, 403);
  r = await api(s, null, 'POST', '/api/v1/users/newbie/password', { headers: auth, body: { password: 'changed-pass-2', old_password: 'a-new-member-key-7' } });
  assert.equal(r.status, 200);
  r = await api(s, null, 'POST', '/api/v1/users/viewer/password', { headers: auth, body: { password: 'hijack-pass-3' } });
  assert.equal(r.status, 403);
  r = await api(s, 'admin', 'POST', '/api/v1/users/newbie/password', { body: { password: 'reset-pass-4' } });
  assert.equal(r.status, 200);
  r = await api(s, null, 'POST', '/api/v1/tokens', { body: { username: 'newbie', password: 'reset-pass-4' } });
  assert.equal(r.status, 201);
  r = await api(s, 'admin', 'POST', '/api/v1/users/newbie/disable');
  assert.equal(r.status, 200);
  r = await api(s, null, 'GET', '/api/v1/me', { headers: auth });
  assert.equal(r.status, 401, 'disabling revokes tokens');
  r = await api(s, null, 'POST', '/api/v1/tokens', { body: { username: 'newbie', password: 'reset-pass-4' } });
  assert.equal(r.status, 401);
  r = await api(s, 'admin', 'POST', '/api/v1/users/nobody/disable');
  assert.equal(r.status, 404);
});

test('schema and audit', async () => {
  let r = await api(s, 'viewer', 'GET', '/api/v1/schema');
  assert.equal(r.status, 200);
  assert.ok(r.json.types.some((t) => t.name === 'hazard'));
  r = await api(s, 'admin', 'GET', '/api/v1/audit?limit=5');
  assert.equal(r.status, 200);
  assert.equal(r.json.items.length, 5);
  assert.ok(r.json.items[0].seq > r.json.items[1].seq, 'newest first');
  for (const role of ['operator', 'va_officer', 'donor', 'viewer']) {
    r = await api(s, role, 'GET', '/api/v1/audit');
    assert.equal(r.status, 403, role);
  }
  r = await api(s, 'im_officer', 'GET', '/api/v1/audit?limit=0');
  assert.equal(r.status, 400);
});

test('demine token create and user add from the command line', async () => {
  const { demine } = await import('../cli/helpers.mjs');
  let r = demine(['token', 'create', '--db', s.db, '--name', 'viewer']);
  assert.equal(r.code, 0, r.stderr);
  const t = r.stdout.trim();
  assert.match(t, /^[0-9a-f]{64}$/);
  const me = await api(s, null, 'GET', '/api/v1/me', { headers: { Authorization: `Bearer ${t}` } });
  assert.equal(me.json.user.login, 'viewer');
  r = demine(['token', 'create', '--db', s.db, '--name', 'nobody']);
  assert.equal(r.code, 1);
  r = demine(['user', 'add', '--db', s.db, '--name', 'viewer', '--role', 'viewer'], { input: 'another-pass\n', env: { DEMINE_ARGON2_FAST: '1' } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /already exists/);
  r = demine(['user', 'add', '--db', s.db, '--name', 'x', '--role', 'emperor'], { input: 'another-pass\n', env: { DEMINE_ARGON2_FAST: '1' } });
  assert.equal(r.code, 1);
  r = demine(['user', 'add', '--db', s.db, '--name', 'x', '--role', 'viewer'], { input: '' });
  assert.equal(r.code, 2, 'no password on stdin');
  const stored = (await import('./helpers.mjs')).sql(s.db, "SELECT pw_hash FROM users WHERE login = 'viewer'");
  assert.match(stored, /^\$argon2id\$/);
  assert.ok(!(await import('./helpers.mjs')).sql(s.db, 'SELECT token_hash FROM sessions').includes(t), 'tokens are stored hashed');
});

test('one access log line per request', async () => {
  await api(s, null, 'GET', '/healthz?probe=1');
  await new Promise((res) => setTimeout(res, 100));
  assert.match(s.stderr(), /^127\.0\.0\.1 GET \/healthz 200 [0-9.]+ms -$/m);
  await rawGet(s, '/a%0aforged%20200');
  await new Promise((res) => setTimeout(res, 100));
  assert.doesNotMatch(s.stderr(), /^forged/m, 'no forged log lines');
});
