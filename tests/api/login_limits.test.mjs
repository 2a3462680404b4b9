// login_limits.test.mjs: failed logins are throttled per user and client address with a
// backoff (429 with Retry-After), not a lock anyone can set off: behind a trusted proxy each
// client counts on its own, parallel guesses cannot pass the limit, and the time of an answer
// does not tell whether an account exists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, password } from './helpers.mjs';

let s;
before(async () => { s = await startServer({ login: false, serveArgs: ['--trusted-proxy', '127.0.0.1'] }); });
after(async () => { await s.stop(); });

// A login from client address `from` (forwarded by the trusted proxy, which is the test itself).
const login = (username, pw, from) => api(s, null, 'POST', '/api/v1/login',
  { body: { username, password: pw }, headers: { 'X-Forwarded-For': from } });

test('five failures for one user from one client make the next attempt wait, even with the right password', async () => {
  for (let i = 0; i < 5; i++) assert.equal((await login('viewer', 'wrong-password-x', '10.0.0.1')).status, 401);
  const t0 = Date.now();
  let r = await login('viewer', password('viewer'), '10.0.0.1');
  assert.ok(Date.now() - t0 < 2000, 'no sleeping in a server thread');
  assert.equal(r.status, 429);
  assert.equal(r.json.error.code, 'too_many_attempts');
  const ra = Number(r.headers.get('retry-after'));
  assert.ok(ra > 0 && ra <= 30, `a backoff of seconds, not a lock: Retry-After ${ra}`);
  r = await api(s, null, 'POST', '/api/v1/tokens',
    { body: { username: 'viewer', password: password('viewer') }, headers: { 'X-Forwarded-For': '10.0.0.1' } });
  assert.equal(r.status, 429, 'tokens share the limit');
});

test('the same user signs in from another client meanwhile: nobody can lock an account out', async () => {
  const r = await login('viewer', password('viewer'), '10.0.0.2');
  assert.equal(r.status, 200, r.text);
});

test('other users behind the same address (an office behind one proxy) still sign in', async () => {
  const r = await login('donor', password('donor'), '10.0.0.1');
  assert.equal(r.status, 200, r.text);
});

test('40 parallel guesses for one user get exactly 5 answers', async () => {
  const rs = await Promise.all(Array.from({ length: 40 }, () => login('im_officer', 'wrong-password-x', '10.0.0.3')));
  const counts = {};
  for (const r of rs) counts[r.status] = (counts[r.status] || 0) + 1;
  assert.deepEqual(counts, { 401: 5, 429: 35 });
});

test('X-Forwarded-For from a peer that is not a trusted proxy is ignored', async () => {
  const other = await startServer({ login: false });
  try {
    const forged = (from) => api(other, null, 'POST', '/api/v1/login',
      { body: { username: 'operator', password: 'wrong-password-x' }, headers: { 'X-Forwarded-For': from } });
    for (let i = 0; i < 5; i++) assert.equal((await forged(`10.1.0.${i}`)).status, 401);
    assert.equal((await forged('10.1.0.99')).status, 429, 'a forged address does not reset the count');
  } finally {
    await other.stop();
  }
});

test('behind a trusted proxy that says HTTPS the session cookie is Secure; elsewhere it is not', async () => {
  let r = await api(s, null, 'POST', '/api/v1/login', { body: { username: 'admin', password: password('admin') },
    headers: { 'X-Forwarded-For': '10.0.0.4', 'X-Forwarded-Proto': 'https' } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('set-cookie'), /; Secure/);
  r = await api(s, null, 'POST', '/api/v1/login', { body: { username: 'admin', password: password('admin') },
    headers: { 'X-Forwarded-For': '10.0.0.4' } });
  assert.equal(r.status, 200);
  assert.doesNotMatch(r.headers.get('set-cookie'), /Secure/);
});

test('an unknown user is answered as slowly as a wrong password (real Argon2id cost)', async () => {
  const real = await startServer({ login: false, env: { DEMINE_ARGON2_FAST: '' } });
  try {
    const time = async (username, from) => {
      const t0 = process.hrtime.bigint();
      const r = await api(real, null, 'POST', '/api/v1/login', { body: { username, password: 'wrong-password-x' } });
      assert.equal(r.status, 401);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const known = [], unknown = [];
    for (let i = 0; i < 3; i++) {
      known.push(await time('viewer'));
      unknown.push(await time(`nobody${i}`));
    }
    const median = (a) => [...a].sort((x, y) => x - y)[1];
    // Argon2id at the interactive cost takes tens of milliseconds; skipping it takes one.
    assert.ok(median(unknown) > 0.5 * median(known), `unknown ${unknown} ms vs known ${known} ms`);
  } finally {
    await real.stop();
  }
});
