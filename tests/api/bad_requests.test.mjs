// bad_requests.test.mjs: refused requests get the right status and error and change no data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServer, api, rawGet, newHazard, dataDigest, sql, token, password } from './helpers.mjs';

let s, victim, draft, submitted, otherOrg, expired, revoked, cookie, csrf;
before(async () => {
  s = await startServer();
  victim = (await api(s, 'va_officer', 'GET', '/api/v1/victim/VIC-FZL-00001')).json;
  draft = (await api(s, 'im_officer', 'POST', '/api/v1/hazard', { body: newHazard(s.org) })).json;
  const sub = (await api(s, 'im_officer', 'POST', '/api/v1/hazard', { body: newHazard(s.org) })).json;
  submitted = (await api(s, 'im_officer', 'POST', `/api/v1/hazard/${sub.id}/submit`, { headers: { 'If-Match': '"1"' } })).json;
  const orgs = (await api(s, 'viewer', 'GET', '/api/v1/organisation?limit=1000')).json.items;
  otherOrg = orgs.find((o) => o.id !== s.org).id;
  expired = (await token(s, 'im_officer')).token;
  const h = createHash('sha256').update(expired).digest('hex');
  sql(s.db, `UPDATE sessions SET expires_at = 0 WHERE token_hash = '${h}'`);
  revoked = (await token(s, 'im_officer')).token;
  await api(s, null, 'DELETE', '/api/v1/tokens/current', { headers: { Authorization: `Bearer ${revoked}` } });
  const r = await api(s, null, 'POST', '/api/v1/login', { body: { username: 'im_officer', password: password('im_officer') } });
  cookie = r.headers.get('set-cookie').split(';')[0];
  csrf = r.json.csrf_token;
});
after(async () => { await s.stop(); });

const J = { 'Content-Type': 'application/json' };
const IM = 'im_officer';
const cases = () => [
  // [name, role, method, path, options, status, error code or null]
  ['truncated JSON', IM, 'POST', '/api/v1/hazard', { raw: '{"category":', headers: J }, 400, 'malformed_json'],
  ['trailing comma', IM, 'POST', '/api/v1/hazard', { raw: '{"category":"sha",}', headers: J }, 400, 'malformed_json'],
  ['array body', IM, 'POST', '/api/v1/hazard', { raw: '[]', headers: J }, 400, 'malformed_json'],
  ['string body', IM, 'POST', '/api/v1/hazard', { raw: '"hazard"', headers: J }, 400, 'malformed_json'],
  ['empty body', IM, 'POST', '/api/v1/hazard', { raw: '', headers: J }, 400, 'malformed_json'],
  ['duplicate member', IM, 'POST', '/api/v1/hazard', { raw: '{"category":"sha","category":"cha"}', headers: J }, 400, 'malformed_json'],
  ['invalid UTF-8', IM, 'POST', '/api/v1/hazard', { raw: Buffer.from([0x7b, 0x22, 0x61, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), headers: J }, 400, 'malformed_json'],
  ['NUL byte in body', IM, 'POST', '/api/v1/hazard', { raw: '{"category":"s\u0000ha"}', headers: J }, 400, 'malformed_json'],
  ['text/plain body', IM, 'POST', '/api/v1/hazard', { raw: '{}', headers: { 'Content-Type': 'text/plain' } }, 415, 'unsupported_media_type'],
  ['form body', IM, 'POST', '/api/v1/hazard', { raw: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported_media_type'],
  ['17 MiB body', IM, 'POST', '/api/v1/hazard', { raw: '{"x":"' + 'a'.repeat(17 << 20) + '"}', headers: J }, 413, 'too_large'],
  ['number for an enum', IM, 'POST', '/api/v1/hazard', { body: newHazard(s.org, { category: 5 }) }, 422, 'invalid'],
  ['unknown enum value', IM, 'POST', '/api/v1/hazard', { body: newHazard(s.org, { hazard_type: 'volcano' }) }, 422, 'invalid'],
  ['unknown field', IM, 'POST', '/api/v1/hazard', { body: newHazard(s.org, { colour: 'red' }) }, 422, 'invalid'],
  ['missing required fields', IM, 'POST', '/api/v1/hazard', { body: { organisation: s.org } }, 422, 'invalid'],
  ['garbled geometry', IM, 'POST', '/api/v1/hazard', { body: newHazard(s.org, { geometry: { type: 'Polygon', coordinates: 'x' } }) }, 422, 'invalid'],
  ['string for a number', IM, 'POST', '/api/v1/victim', { body: { organisation: s.org, accident: victim.accident, outcome: 'injured', age: 'old' } }, 422, 'invalid'],
  ['bad date', IM, 'POST', '/api/v1/hazard', { body: newHazard(s.org, { date_of_information: '2024-02-30' }) }, 422, 'invalid'],
  ['PUT without If-Match', IM, 'PUT', `/api/v1/hazard/${draft.id}`, { body: { land_status: 'closed', change_reason: 'x' } }, 428, 'precondition_required'],
  ['PUT with a stale version', IM, 'PUT', `/api/v1/hazard/${draft.id}`, { body: { land_status: 'closed', change_reason: 'x' }, headers: { 'If-Match': '"9"' } }, 412, 'stale_version'],
  ['PUT with a garbled If-Match', IM, 'PUT', `/api/v1/hazard/${draft.id}`, { body: { land_status: 'closed', change_reason: 'x' }, headers: { 'If-Match': '*' } }, 400, 'bad_request'],
  ['PUT of a wrong type', IM, 'PUT', `/api/v1/hazard/${draft.id}`, { body: { land_status: true, change_reason: 'x' }, headers: { 'If-Match': '"1"' } }, 422, 'invalid'],
  ['PUT with a number as reason', IM, 'PUT', `/api/v1/hazard/${draft.id}`, { body: { land_status: 'closed', change_reason: 3 }, headers: { 'If-Match': '"1"' } }, 422, 'invalid'],
  ['PUT of malformed JSON', IM, 'PUT', `/api/v1/hazard/${draft.id}`, { raw: '{', headers: { ...J, 'If-Match': '"1"' } }, 400, 'malformed_json'],
  ['DELETE without a reason', IM, 'DELETE', `/api/v1/hazard/${draft.id}`, { body: {}, headers: { 'If-Match': '"1"' } }, 422, 'invalid'],
  ['DELETE without If-Match', IM, 'DELETE', `/api/v1/hazard/${draft.id}`, { body: { reason: 'x' } }, 428, 'precondition_required'],
  ['reject without a reason', IM, 'POST', `/api/v1/hazard/${submitted.id}/reject`, { headers: { 'If-Match': `"${submitted.version}"` } }, 422, 'invalid'],
  ['approve a draft', IM, 'POST', `/api/v1/hazard/${draft.id}/approve`, { headers: { 'If-Match': '"1"' } }, 409, 'illegal_transition'],
  ['cookie write without CSRF token', null, 'POST', '/api/v1/hazard', { body: newHazard(s.org), headers: { Cookie: cookie } }, 403, 'csrf'],
  ['cookie write with a wrong CSRF token', null, 'POST', '/api/v1/hazard', { body: newHazard(s.org), headers: { Cookie: cookie, 'X-CSRF-Token': csrf.replace(/^./, csrf[0] === 'a' ? 'b' : 'a') } }, 403, 'csrf'],
  ['expired token', null, 'POST', '/api/v1/hazard', { body: newHazard(s.org), headers: { Authorization: `Bearer ${expired}` } }, 401, 'invalid_token'],
  ['revoked token', null, 'POST', '/api/v1/hazard', { body: newHazard(s.org), headers: { Authorization: `Bearer ${revoked}` } }, 401, 'invalid_token'],
  ['made-up token', null, 'GET', '/api/v1/hazard', { headers: { Authorization: 'Bearer 1234' } }, 401, 'invalid_token'],
  ['Basic credentials', null, 'GET', '/api/v1/hazard', { headers: { Authorization: 'Basic YWRtaW46YWRtaW4=' } }, 401, 'unauthorized'],
  ['anonymous write', null, 'POST', '/api/v1/hazard', { body: newHazard(s.org) }, 401, 'unauthorized'],
  ['viewer write', 'viewer', 'POST', '/api/v1/hazard', { body: newHazard(s.org) }, 403, 'forbidden'],
  ['operator writes for another organisation', 'operator', 'POST', '/api/v1/hazard', { body: newHazard(otherOrg) }, 403, 'forbidden'],
  ['va_officer writes a hazard', 'va_officer', 'POST', '/api/v1/hazard', { body: newHazard(s.org) }, 403, 'forbidden'],
  ['operator approves', 'operator', 'POST', `/api/v1/hazard/${submitted.id}/approve`, { headers: { 'If-Match': `"${submitted.version}"` } }, 403, 'forbidden'],
  ['unknown type (list)', IM, 'GET', '/api/v1/widget', {}, 404, 'not_found'],
  ['unknown type (create)', IM, 'POST', '/api/v1/widget', { body: {} }, 404, 'not_found'],
  ['unknown record', IM, 'GET', '/api/v1/hazard/HAZ-NOPE-1', {}, 404, 'not_found'],
  ['record of another type', IM, 'GET', '/api/v1/victim/HAZ-AGD-00001', {}, 404, 'not_found'],
  ['update of an unknown record', IM, 'PUT', '/api/v1/hazard/HAZ-NOPE-1', { body: { change_reason: 'x' }, headers: { 'If-Match': '"1"' } }, 404, 'not_found'],
  ['limit=0', IM, 'GET', '/api/v1/hazard?limit=0', {}, 400, 'bad_request'],
  ['limit=1001', IM, 'GET', '/api/v1/hazard?limit=1001', {}, 400, 'bad_request'],
  ['limit=abc', IM, 'GET', '/api/v1/hazard?limit=abc', {}, 400, 'bad_request'],
  ['negative cursor', IM, 'GET', '/api/v1/hazard?after=-1', {}, 400, 'bad_request'],
  ['bbox of three numbers', IM, 'GET', '/api/v1/hazard?bbox=1,2,3', {}, 400, 'bad_request'],
  ['unknown filter', IM, 'GET', '/api/v1/hazard?colour=red', {}, 400, 'bad_request'],
  ['version=abc', IM, 'GET', '/api/v1/hazard/HAZ-AGD-00001?version=abc', {}, 400, 'bad_request'],
  ['PATCH without If-Match', IM, 'PATCH', '/api/v1/hazard/HAZ-AGD-00001', { body: {} }, 428, 'precondition_required'],
  ['PATCH of a computed field', IM, 'PATCH', '/api/v1/hazard/HAZ-AGD-00001', { body: { remaining_m2: 0, change_reason: 'x' }, headers: { 'If-Match': '"2"' } }, 422, 'invalid'],
  ['PATCH on a collection', IM, 'PATCH', '/api/v1/hazard', { body: {} }, 405, 'method_not_allowed'],
  ['unknown API path', IM, 'GET', '/api/v2/hazard', {}, 404, 'not_found'],
  ['login with a number as user name', null, 'POST', '/api/v1/login', { body: { username: 1, password: 'x' } }, 422, 'invalid'],
  ['login as text/plain', null, 'POST', '/api/v1/login', { raw: '{}', headers: { 'Content-Type': 'text/plain' } }, 415, 'unsupported_media_type'],
  ['user with a number as role', 'admin', 'POST', '/api/v1/users', { body: { login: 'x', password: 'long-enough', role: 7 } }, 422, 'invalid'],
  ['user with a short password', 'admin', 'POST', '/api/v1/users', { body: { login: 'shorty', password: 'x', role: 'viewer' } }, 422, 'invalid'],
];

test('at least 40 bad requests, each refused with its status and error, data unchanged', async () => {
  const list = cases();
  assert.ok(list.length >= 40);
  let digest = dataDigest(s.db);
  for (const [name, role, method, path, opts, status, code] of list) {
    const r = await api(s, role, method, path, opts);
    assert.equal(r.status, status, `${name}: ${r.status} ${r.text.slice(0, 300)}`);
    assert.equal(r.json?.error?.code, code, `${name}: ${r.text.slice(0, 300)}`);
    assert.equal(typeof r.json.error.message, 'string');
    assert.ok(Array.isArray(r.json.error.details));
    const d = dataDigest(s.db);
    assert.equal(d, digest, `${name} changed the data`);
    digest = d;
  }
});

test('validation errors list every failing field in details', async () => {
  const r = await api(s, IM, 'POST', '/api/v1/hazard', { body: { organisation: s.org, category: 5, hazard_type: 'volcano' } });
  assert.equal(r.status, 422);
  const fields = r.json.error.details.map((d) => d.field);
  for (const f of ['category', 'hazard_type']) assert.ok(fields.includes(f), `${f} in ${JSON.stringify(fields)}`);
});

test('static paths outside the web folder and huge headers', async () => {
  const before = dataDigest(s.db);
  for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/js/%2E%2E/%2e%2e/secret.txt', '/%00secret.txt']) {
    const r = await rawGet(s, p);
    assert.equal(r.status, 400, p);
  }
  const r = await api(s, 'viewer', 'GET', '/api/v1/hazard', { headers: { 'X-Big': 'a'.repeat(100000) } }).catch((e) => ({ status: 'closed', e }));
  assert.ok([413, 431, 'closed'].includes(r.status), `huge header: ${r.status}`);
  assert.equal(dataDigest(s.db), before);
});
