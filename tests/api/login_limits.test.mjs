// login_limits.test.mjs: repeated failed logins get 429 with Retry-After, per user and per address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, password } from './helpers.mjs';

let s;
before(async () => { s = await startServer({ login: false }); });
after(async () => { await s.stop(); });

const login = (username, pw) => api(s, null, 'POST', '/api/v1/login', { body: { username, password: pw } });

test('five failures for one user block that user, even with the right password', async () => {
  for (let i = 0; i < 5; i++) assert.equal((await login('viewer', 'wrong-password')).status, 401);
  const t0 = Date.now();
  let r = await login('viewer', password('viewer'));
  assert.ok(Date.now() - t0 < 2000, 'no sleeping in a server thread');
  assert.equal(r.status, 429);
  assert.equal(r.json.error.code, 'too_many_attempts');
  const ra = Number(r.headers.get('retry-after'));
  assert.ok(ra > 0 && ra <= 900, `Retry-After ${ra}`);
  r = await api(s, null, 'POST', '/api/v1/tokens', { body: { username: 'viewer', password: password('viewer') } });
  assert.equal(r.status, 429, 'tokens share the limit');
  // another user from the same address still gets in (4 failures so far on the address? no: 5)
});

test('five failures from one address block every user from it', async () => {
  // the address already has 5 failures from the test above
  const r = await login('donor', password('donor'));
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) > 0);
});
