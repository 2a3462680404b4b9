// records.test.mjs: the record routes: round trip, If-Match, lists, GeoJSON, roles, personal data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, newHazard, ROLES } from './helpers.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); });

const im = (m, p, o) => api(s, 'im_officer', m, p, o);
const ifm = (v) => ({ 'If-Match': `"${v}"` });

test('create, get, update, submit, reject, resubmit, approve, history, delete', async () => {
  let r = await im('POST', '/api/v1/hazard', { body: newHazard(s.org) });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  assert.equal(r.headers.get('location'), `/api/v1/hazard/${id}`);
  assert.equal(r.headers.get('etag'), '"1"');
  assert.equal(r.json.status, 'draft');
  r = await im('GET', `/api/v1/hazard/${r.json.code}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.id, id);
  const doc = r.json;
  r = await im('PUT', `/api/v1/hazard/${id}`, { body: { ...doc, land_status: 'worked_on', change_reason: 'survey' }, headers: ifm(1) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.version, 2);
  assert.equal(r.json.land_status, 'worked_on');
  assert.equal(r.json.change_reason, 'survey');
  assert.equal(r.headers.get('etag'), '"2"');
  r = await im('POST', `/api/v1/hazard/${id}/submit`, { headers: ifm(2) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'submitted');
  r = await im('POST', `/api/v1/hazard/${id}/reject`, { headers: ifm(r.json.version), body: { reason: 'no map' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'rejected');
  r = await im('POST', `/api/v1/hazard/${id}/approve`, { headers: ifm(r.json.version) });
  assert.equal(r.status, 409, 'a rejected record cannot be approved');
  r = await im('GET', `/api/v1/hazard/${id}`);
  r = await im('POST', `/api/v1/hazard/${id}/submit`, { headers: ifm(r.json.version) });
  assert.equal(r.status, 200);
  r = await im('POST', `/api/v1/hazard/${id}/approve`, { headers: ifm(r.json.version) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'approved');
  const approved = r.json.version;
  r = await im('GET', `/api/v1/hazard/${id}?version=approved`);
  assert.equal(r.json.version, approved);
  r = await im('GET', `/api/v1/hazard/${id}/history`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.items.map((v) => v.version), [...Array(approved).keys()].map((i) => i + 1));
  r = await im('DELETE', `/api/v1/hazard/${id}`, { headers: ifm(approved), body: { reason: 'duplicate' } });
  assert.equal(r.status, 200, r.text);
  r = await im('GET', `/api/v1/hazard?code=${doc.code}`);
  assert.equal(r.json.items.length, 0, 'deleted records leave lists');
  r = await im('GET', `/api/v1/hazard/${id}/history`);
  assert.equal(r.json.items.length, approved + 1);
});

test('If-Match: 428 without, 412 when stale, 400 when garbled', async () => {
  let r = await im('POST', '/api/v1/hazard', { body: newHazard(s.org) });
  const id = r.json.id;
  r = await im('PUT', `/api/v1/hazard/${id}`, { body: { land_status: 'closed', change_reason: 'closing' } });
  assert.equal(r.status, 428);
  assert.equal(r.json.error.code, 'precondition_required');
  r = await im('PUT', `/api/v1/hazard/${id}`, { body: { land_status: 'closed', change_reason: 'closing' }, headers: ifm(7) });
  assert.equal(r.status, 412);
  r = await im('PUT', `/api/v1/hazard/${id}`, { body: { land_status: 'closed', change_reason: 'closing' }, headers: { 'If-Match': 'yes' } });
  assert.equal(r.status, 400);
  r = await im('POST', `/api/v1/hazard/${id}/submit`);
  assert.equal(r.status, 428);
  r = await im('DELETE', `/api/v1/hazard/${id}`, { body: { reason: 'x' } });
  assert.equal(r.status, 428);
  r = await im('PUT', `/api/v1/hazard/${id}`, { body: { land_status: 'closed', change_reason: 'closing' }, headers: { 'If-Match': 'W/"1"' } });
  assert.equal(r.status, 200);
});

test('lists: filters, limit, paging with next and Link', async () => {
  let r = await api(s, 'viewer', 'GET', '/api/v1/hazard');
  assert.equal(r.status, 200);
  const all = r.json.items;
  assert.ok(all.length >= 3);
  assert.equal(r.json.next, null);
  r = await api(s, 'viewer', 'GET', '/api/v1/hazard?limit=2');
  assert.equal(r.json.items.length, 2);
  assert.match(r.json.next, /^\/api\/v1\/hazard\?limit=2&after=2$/);
  assert.equal(r.headers.get('link'), `<${r.json.next}>; rel="next"`);
  const seen = [...r.json.items];
  while (r.json.next) {
    r = await api(s, 'viewer', 'GET', r.json.next);
    seen.push(...r.json.items);
  }
  assert.deepEqual(seen.map((x) => x.id), all.map((x) => x.id));
  const one = all[0];
  r = await api(s, 'viewer', 'GET', `/api/v1/hazard?hazard_type=${one.hazard_type}`);
  assert.ok(r.json.items.every((x) => x.hazard_type === one.hazard_type));
  r = await api(s, 'viewer', 'GET', `/api/v1/hazard?organisation=${one.organisation}&status=approved`);
  assert.ok(r.json.items.length >= 1);
  assert.ok(r.json.items.every((x) => x.organisation === one.organisation));
  r = await api(s, 'viewer', 'GET', '/api/v1/hazard?sort=-code&limit=1000');
  assert.deepEqual(r.json.items.map((x) => x.code), all.map((x) => x.code).sort().reverse());
  r = await api(s, 'viewer', 'GET', '/api/v1/hazard?bbox=0,0,1,1');
  assert.equal(r.json.items.length, 0);
  r = await api(s, 'viewer', 'GET', '/api/v1/hazard?bbox=44,38,51,42');
  assert.ok(r.json.items.length >= 1);
  r = await api(s, 'viewer', 'GET', '/api/v1/hazard?from=2100-01-01');
  assert.equal(r.json.items.length, 0);
});

test('Accept: application/geo+json gives a Feature', async () => {
  const r = await api(s, 'viewer', 'GET', '/api/v1/hazard/HAZ-AGD-00001', { headers: { Accept: 'application/geo+json' } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/geo\+json/);
  assert.equal(r.json.type, 'Feature');
  assert.ok(['Polygon', 'MultiPolygon'].includes(r.json.geometry.type));
  assert.equal(r.json.properties.code, 'HAZ-AGD-00001');
  assert.equal(r.json.properties.geometry, undefined);
});

const PERSONAL = ['name', 'address', 'contact', 'date_of_birth'];

async function everyOutput(role, victimCode) {
  return [
    await api(s, role, 'GET', `/api/v1/victim/${victimCode}`),
    await api(s, role, 'GET', `/api/v1/victim/${victimCode}`, { headers: { Accept: 'application/geo+json' } }),
    await api(s, role, 'GET', `/api/v1/victim/${victimCode}?version=approved`),
    await api(s, role, 'GET', `/api/v1/victim/${victimCode}?as_of=2100-01-01`),
    await api(s, role, 'GET', `/api/v1/victim/${victimCode}/history`),
    await api(s, role, 'GET', '/api/v1/victim?limit=1000'),
    await api(s, role, 'GET', `/api/v1/victim?q=${encodeURIComponent('Rauf')}`),
  ];
}

test('victims\' personal data reach va_officer only', async () => {
  const code = 'VIC-FZL-00001';
  const full = (await api(s, 'va_officer', 'GET', `/api/v1/victim/${code}`)).json;
  for (const f of ['name', 'date_of_birth', 'address']) assert.ok(full[f], `va_officer sees ${f}`);
  for (const role of ['viewer', 'donor', 'operator', 'im_officer', 'admin']) {
    for (const r of await everyOutput(role, code)) {
      assert.equal(r.status, 200, `${role}: ${r.text}`);
      for (const f of PERSONAL) {
        assert.doesNotMatch(r.text, new RegExp(`"${f}":"`), `${role} sees ${f}`);
        if (full[f]) assert.ok(!r.text.includes(JSON.stringify(full[f]).slice(1, -1)), `${role} sees the value of ${f}`);
      }
    }
  }
  const audit = await api(s, 'im_officer', 'GET', '/api/v1/audit?limit=1000');
  assert.ok(!audit.text.includes(full.name), 'the audit log holds no personal data');
  assert.ok(audit.json.items.some((a) => a.action === 'read_personal' && a.user === 'va_officer'), 'reads of personal data are audited');
  // an im_officer's PUT of the document it got (personal data hidden) keeps the personal data
  const doc = (await api(s, 'im_officer', 'GET', `/api/v1/victim/${code}`)).json;
  const r = await api(s, 'im_officer', 'PUT', `/api/v1/victim/${code}`, { headers: ifm(doc.version), body: { ...doc, injuries: 'updated', change_reason: 'review' } });
  assert.equal(r.status, 200, r.text);
  const after = (await api(s, 'va_officer', 'GET', `/api/v1/victim/${code}`)).json;
  for (const f of PERSONAL) assert.deepEqual(after[f], full[f], `${f} kept`);
});

// The role table (auth.h), route by route: which roles may do what.
const CAN = {
  read: ROLES,
  create_hazard: ['im_officer', 'operator'],
  create_victim: ['im_officer', 'operator', 'va_officer'],
  edit_hazard: ['im_officer', 'operator'],
  approve: ['im_officer'],
  users: ['admin'],
  audit: ['admin', 'im_officer'],
};

test('every route against every role', async () => {
  const victim = (await api(s, 'va_officer', 'GET', '/api/v1/victim/VIC-FZL-00001')).json;
  for (const role of ROLES) {
    const expect = (what, r, okStatus) => {
      const allowed = CAN[what].includes(role);
      assert.equal(r.status, allowed ? okStatus : 403, `${role} ${what}: ${r.status} ${r.text}`);
    };
    expect('read', await api(s, role, 'GET', '/api/v1/hazard'), 200);
    expect('read', await api(s, role, 'GET', '/api/v1/hazard/HAZ-AGD-00001'), 200);
    expect('read', await api(s, role, 'GET', '/api/v1/hazard/HAZ-AGD-00001/history'), 200);
    expect('read', await api(s, role, 'GET', '/api/v1/schema'), 200);
    expect('read', await api(s, role, 'GET', '/api/v1/me'), 200);
    expect('users', await api(s, role, 'GET', '/api/v1/users'), 200);
    expect('audit', await api(s, role, 'GET', '/api/v1/audit'), 200);
    expect('create_hazard', await api(s, role, 'POST', '/api/v1/hazard', { body: newHazard(s.org) }), 201);
    expect('create_victim', await api(s, role, 'POST', '/api/v1/victim', {
      body: { organisation: s.org, accident: victim.accident, outcome: 'injured' } }), 201);
    // a draft of the role's organisation, written by the IM officer
    const d = (await im('POST', '/api/v1/hazard', { body: newHazard(s.org) })).json;
    expect('edit_hazard', await api(s, role, 'PUT', `/api/v1/hazard/${d.id}`, { headers: ifm(1), body: { land_status: 'closed', change_reason: 'closing' } }), 200);
    const cur = (await im('GET', `/api/v1/hazard/${d.id}`)).json;
    expect('edit_hazard', await api(s, role, 'POST', `/api/v1/hazard/${d.id}/submit`, { headers: ifm(cur.version) }), 200);
    const sub = (await im('GET', `/api/v1/hazard/${d.id}`)).json;
    if (sub.status === 'submitted') {
      expect('approve', await api(s, role, 'POST', `/api/v1/hazard/${d.id}/approve`, { headers: ifm(sub.version) }), 200);
    }
    const d2 = (await im('POST', '/api/v1/hazard', { body: newHazard(s.org) })).json;
    expect('edit_hazard', await api(s, role, 'DELETE', `/api/v1/hazard/${d2.id}`, { headers: ifm(1), body: { reason: 'test' } }), 200);
    // nobody but the IM officer writes records of another organisation
    const other = (await im('POST', '/api/v1/organisation', { body: { name: `Other ${role}`, kind: 'operator_ngo' } })).json;
    const r = await api(s, role, 'POST', '/api/v1/hazard', { body: newHazard(other.id) });
    assert.equal(r.status, role === 'im_officer' ? 201 : 403, `${role} writes for another organisation`);
  }
  for (const p of ['/api/v1/hazard', '/api/v1/hazard/HAZ-AGD-00001', '/api/v1/me', '/api/v1/audit', '/api/v1/schema']) {
    assert.equal((await api(s, null, 'GET', p)).status, 401, `anonymous ${p}`);
  }
  assert.equal((await api(s, null, 'POST', '/api/v1/hazard', { body: newHazard(s.org) })).status, 401);
});
