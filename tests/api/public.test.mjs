// public.test.mjs: with --public, anonymous readers get the public role; writes still need login.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, newHazard } from './helpers.mjs';

let s;
before(async () => { s = await startServer({ pub: true, login: false }); });
after(async () => { await s.stop(); });

test('anonymous reads act as the public role', async () => {
  let r = await api(s, null, 'GET', '/api/v1/hazard');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.items.length > 0);
  assert.ok(r.json.items.every((h) => h.status === 'approved' || h.approved_version), 'approved data only');
  r = await api(s, null, 'GET', '/api/v1/schema');
  assert.equal(r.status, 200);
  r = await api(s, null, 'GET', '/api/v1/victim');
  assert.ok(r.status === 403 || (r.status === 200 && r.json.items.length === 0), `victims: ${r.status} ${r.text.slice(0, 200)}`);
  assert.doesNotMatch(r.text, /"name":"/);
  for (const [m, p] of [['POST', '/api/v1/hazard'], ['GET', '/api/v1/me'], ['GET', '/api/v1/audit'], ['GET', '/api/v1/users']]) {
    r = await api(s, null, m, p, m === 'POST' ? { body: newHazard(s.org) } : {});
    assert.equal(r.status, 401, `${m} ${p}`);
  }
});
