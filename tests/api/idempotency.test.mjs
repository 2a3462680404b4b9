// idempotency.test.mjs: Idempotency-Key on record creation, the one key store OpenRosa's
// instanceIDs use too: a resend (a retry after a lost answer, the web app's outbox) gets the
// first answer and writes nothing; the same key with another body is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, newHazard, dataDigest, sql } from './helpers.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s?.stop(); });

test('a create with an Idempotency-Key is made once; a resend gets the same answer', async () => {
  const body = newHazard(s.org, { name: 'Idempotent field' });
  const key = 'create-hazard-0001';
  const a = await api(s, 'operator', 'POST', '/api/v1/hazard', { body, headers: { 'Idempotency-Key': key } });
  assert.equal(a.status, 201, a.text);
  const digest = dataDigest(s.db);
  const b = await api(s, 'operator', 'POST', '/api/v1/hazard', { body, headers: { 'Idempotency-Key': key } });
  assert.equal(b.status, 201);
  assert.equal(b.headers.get('idempotent-replayed'), 'true');
  assert.equal(b.json.id, a.json.id);
  assert.equal(b.json.code, a.json.code);
  assert.equal(b.headers.get('location'), a.headers.get('location'));
  assert.equal(dataDigest(s.db), digest, 'nothing written again');
  assert.equal(sql(s.db, "SELECT COUNT(*) FROM hazard WHERE name = 'Idempotent field'"), '1');
  const c = await api(s, 'operator', 'POST', '/api/v1/hazard', { body: { ...body, name: 'Other' }, headers: { 'Idempotency-Key': key } });
  assert.equal(c.status, 409);
  assert.match(c.json.error.message, /already sent with other content/);
  assert.equal(dataDigest(s.db), digest);
  // keys are per user
  const d = await api(s, 'im_officer', 'POST', '/api/v1/hazard', { body, headers: { 'Idempotency-Key': key } });
  assert.equal(d.status, 201);
  assert.notEqual(d.json.id, a.json.id);
});

test('a refused create keeps no answer: fixed and sent again with the key, it is made', async () => {
  const key = 'create-hazard-0002';
  const bad = await api(s, 'operator', 'POST', '/api/v1/hazard', { body: newHazard(s.org, { category: 'nope' }), headers: { 'Idempotency-Key': key } });
  assert.equal(bad.status, 422);
  const good = await api(s, 'operator', 'POST', '/api/v1/hazard', { body: newHazard(s.org, { name: 'Fixed' }), headers: { 'Idempotency-Key': key } });
  assert.equal(good.status, 201, good.text);
  const bogus = await api(s, 'operator', 'POST', '/api/v1/hazard', { body: newHazard(s.org), headers: { 'Idempotency-Key': 'has space' } });
  assert.equal(bogus.status, 400);
  assert.equal(bogus.json.error.field, 'Idempotency-Key');
});
