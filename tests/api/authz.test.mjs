// authz.test.mjs: who may call a write route is decided before its body is read: every write
// route of the OpenAPI document, called by every role without the right to it, answers 403
// whether the body is valid, invalid or empty, and nothing is written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, dataDigest, ROLES } from './helpers.mjs';

let s, routes, records, operatorOrg;
before(async () => {
  s = await startServer();
  operatorOrg = s.org;
  const doc = (await api(s, null, 'GET', '/openapi.json')).json;
  routes = [];
  for (const [path, ops] of Object.entries(doc.paths))
    for (const m of Object.keys(ops))
      if (['post', 'put', 'patch', 'delete'].includes(m)) routes.push([m.toUpperCase(), path]);
  // per type, a record of an organisation other than the operator's and VA officer's (else any)
  records = {};
  // the record types are those of the data model; other write routes (sessions, users,
  // tokens, field forms) have no records to pick
  const types = new Set((await api(s, 'viewer', 'GET', '/api/v1/schema')).json.types.map((t) => t.name));
  for (const path of routes.map(([, p]) => p).filter((p) => /^\/api\/v1\/\w+$/.test(p))) {
    const type = path.split('/')[3];
    if (!types.has(type)) continue;
    const items = (await api(s, 'im_officer', 'GET', `/api/v1/${type}?limit=1000`)).json.items;
    if (!items) continue; // a write route that is not a record type's (POST /api/v1/submissions)
    records[type] = items.find((r) => r.organisation && r.organisation !== operatorOrg) || items[0];
  }
});
after(async () => { await s.stop(); });

const VA_TYPES = ['victim', 'va_service', 'accident'];
const WRITERS = ['im_officer', 'operator', 'va_officer'];

// May role call method path (on rec, the record of the path) at all? The role table of
// docs/api.md: IM officers write anything and approve; operators and VA officers write their
// own organisation's records (VA officers only victims, services and accidents); the admin
// manages users; donors and viewers write nothing.
function allowed(role, method, path, rec) {
  if (path === '/api/v1/logout' || path === '/api/v1/tokens' || path === '/api/v1/login' || path === '/api/v1/tokens/current' ||
      path === '/api/v1/tokens/{tokenId}' || path === '/api/v1/me')
    return true; // one's own session and settings (PATCH /api/v1/me: the language): every role
  if (path.startsWith('/api/v1/users')) return role === 'admin';
  // a key for one's own tablet, a field form filled in the browser: the roles that write records
  if (['/api/v1/forms/devices', '/api/v1/submissions', '/submission', '/key/{key}/submission'].includes(path)) return WRITERS.includes(role);
  const type = path.split('/')[3];
  if (/\/(approve|reject)$/.test(path)) return role === 'im_officer';
  if (!WRITERS.includes(role)) return false;
  if (role === 'va_officer' && !VA_TYPES.includes(type)) return false;
  if (role === 'im_officer') return true;
  return !path.includes('{id}') || rec.organisation === operatorOrg;
}

test('every write route refuses every role without the right with 403, whatever the body', async () => {
  const digest = dataDigest(s.db);
  let calls = 0;
  for (const [method, pattern] of routes) {
    const type = pattern.split('/')[3];
    const rec = records[type];
    if (pattern.includes('{id}') && !rec) continue;
    const path = pattern.replace('{id}', rec?.id).replace('{login}', 'viewer');
    const valid = rec ? { ...rec, change_reason: 'test', reason: 'test' } : { login: 'x', role: 'viewer', password: 'a long passphrase here' };
    for (const role of ROLES) {
      if (allowed(role, method, pattern, rec)) continue;
      if (pattern === '/api/v1/users/{login}/password' && role === 'viewer') continue; // one's own password
      for (const [what, opts] of [['valid', { body: valid }], ['invalid', { body: { colour: 'red' } }], ['empty', {}]]) {
        const headers = rec ? { 'If-Match': `"${rec.version}"` } : {};
        // a device key in the path is the credential of the OpenRosa routes under /key/
        const r = await api(s, role, method, path.replace('{key}', s.tokens[role]), { ...opts, headers });
        assert.equal(r.status, 403, `${role} ${method} ${path} (${what} body): ${r.status} ${r.text.slice(0, 200)}`);
        if (pattern.includes('submission') && !pattern.startsWith('/api/')) // OpenRosa: its own error document
          assert.match(r.text, /<message nature="error">[^<]*may not send forms/);
        else
          assert.equal(r.json.error.code, 'forbidden');
        calls++;
      }
    }
  }
  assert.ok(calls > 500, `${calls} refused calls`);
  assert.equal(dataDigest(s.db), digest, 'nothing was written');
});

test('reads that need a right are refused before anything else too', async () => {
  for (const role of ['operator', 'va_officer', 'donor', 'viewer']) {
    assert.equal((await api(s, role, 'GET', '/api/v1/audit?limit=abc')).status, 403, `${role} audit`);
    assert.equal((await api(s, role, 'GET', '/api/v1/users')).status, 403, `${role} users`);
  }
});
