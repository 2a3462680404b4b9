// security.test.mjs: what a hostile client tried (issue 22), each answered and refused: bytes
// that are not UTF-8 anywhere in a request, personal data across organisations, operator
// details for the public, SQL in errors, sessions that outlive a password, tokens that mint
// tokens, and values that are no values.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { startServer, api, newHazard, dataDigest, sql, password } from './helpers.mjs';

let s, adn, otherVa;
before(async () => {
  s = await startServer({ pub: true });
  const orgs = (await api(s, 'viewer', 'GET', '/api/v1/organisation?limit=1000')).json.items;
  adn = orgs.find((o) => o.short_name === 'ADN').id;
  // a VA officer of another organisation than the one that recorded the demo victims
  const r = await api(s, 'admin', 'POST', '/api/v1/users', { body: { login: 'va_adn', password: 'another va officer key', role: 'va_officer', org_id: adn } });
  assert.equal(r.status, 201, r.text);
  otherVa = (await api(s, null, 'POST', '/api/v1/tokens', { body: { username: 'va_adn', password: 'another va officer key' } })).json.token;
});
after(async () => { await s.stop(); });

const withToken = (t, method, path, opts = {}) => api(s, null, method, path, { ...opts, headers: { ...(opts.headers || {}), Authorization: `Bearer ${t}` } });

test('a byte that is not UTF-8 in any query parameter or path is a 400 with a JSON error, for every role', async () => {
  const paths = [
    ['GET', '/api/v1/hazard?q=%ff'], ['GET', '/api/v1/land_release?q=%ff'], ['GET', '/api/v1/location?q=%c3%28'],
    ['GET', '/api/v1/hazard?hazard_type=%ff'], ['GET', '/api/v1/hazard?code=%ff'], ['GET', '/api/v1/hazard?organisation=%ff'],
    ['GET', '/api/v1/hazard?as_of=%ff'], ['GET', '/api/v1/hazard?sort=%ff'], ['GET', '/api/v1/hazard?%ff=1'],
    ['GET', '/ogc/collections/hazard/items?datetime=%ff'], ['GET', '/ogc/collections/hazard/items?code=%ed%a0%80'],
    ['GET', '/api/v1/stats/remaining?adm2=%ff'], ['GET', '/api/v1/search?q=%f8%88%80%80%80'],
    ['GET', '/api/v1/hazard/%ff'], ['GET', '/api/v1/hazard/%ff/history'], ['GET', '/ogc/collections/%ff'],
    ['GET', '/tiles/%ff.json'], ['PATCH', '/api/v1/hazard/%ff'], ['DELETE', '/ogc/%ff'], ['GET', '/%ff.html'],
  ];
  for (const role of [null, 'viewer', 'im_officer', 'va_officer']) {
    for (const [method, path] of paths) {
      const r = await api(s, role, method, path);
      assert.equal(r.status, 400, `${role} ${method} ${path}: ${r.status} ${r.text.slice(0, 200)}`);
      assert.ok(r.json?.error, `${role} ${method} ${path}: a JSON error, not a closed connection`);
      assert.match(r.json.error.message, /not valid UTF-8/);
      assert.doesNotMatch(r.text, /SELECT|FROM "|WHERE/);
    }
  }
  assert.equal((await api(s, null, 'GET', '/healthz')).status, 200, 'the server is still up');
});

test('valid text that SQL would misread is matched literally: % and _ in q, an empty filter value', async () => {
  let r = await api(s, 'viewer', 'GET', '/api/v1/hazard?q=%25');
  assert.equal(r.status, 200);
  assert.equal(r.json.items.length, 0, 'q=% is a percent sign, not "anything"');
  r = await api(s, 'viewer', 'GET', '/api/v1/hazard?q=HAZ_AGD');
  assert.equal(r.json.items.length, 0, 'q=HAZ_AGD does not match HAZ-AGD');
  r = await api(s, 'viewer', 'GET', '/api/v1/hazard?q=HAZ-AGD');
  assert.ok(r.json.items.length > 0);
  r = await api(s, 'viewer', 'GET', '/api/v1/hazard?hazard_type=');
  assert.equal(r.status, 200);
  assert.equal(r.json.items.length, 0);
});

test('a server-side failure answers 500 without the SQL; the log has the details under the same reference', async () => {
  const t = await startServer();
  try {
    sql(t.db, 'DROP TABLE eore_session_history');
    const r = await api(t, 'viewer', 'GET', '/api/v1/eore_session');
    assert.equal(r.status, 500);
    assert.equal(r.json.error.code, 'internal');
    assert.doesNotMatch(r.text, /SELECT|eore_session_history|no such table|relation/i);
    const ref = r.json.error.message.match(/\[([0-9a-f]{8})\]/)[1];
    await new Promise((res) => setTimeout(res, 100));
    assert.match(t.stderr(), new RegExp(`\\[${ref}\\].*eore_session_history`));
  } finally {
    await t.stop();
  }
});

test("a VA officer sees personal data of its own organisation's victims only, in every read", async () => {
  const personal = ['name', 'address', 'contact', 'date_of_birth'];
  const own = (await api(s, 'va_officer', 'GET', '/api/v1/victim/VIC-FZL-00001')).json;
  assert.ok(own.name, 'the own organisation sees the name');
  const reads = ['/api/v1/victim/VIC-FZL-00001', '/api/v1/victim/VIC-FZL-00001?as_of=2100-01-01',
    '/api/v1/victim/VIC-FZL-00001?version=approved', '/api/v1/victim/VIC-FZL-00001/history', '/api/v1/victim',
    '/api/v1/victim?as_of=2100-01-01', `/api/v1/victim?q=${encodeURIComponent('VIC-FZL')}`];
  const before = (await api(s, 'admin', 'GET', '/api/v1/audit?limit=1000')).json.items.filter((a) => a.action === 'read_personal' && a.user === 'va_adn').length;
  for (const path of reads) {
    const r = await withToken(otherVa, 'GET', path);
    assert.equal(r.status, 200, `${path}: ${r.text.slice(0, 200)}`);
    const docs = r.json.items || [r.json];
    assert.ok(docs.length > 0, path);
    for (const d of docs) for (const f of personal) assert.equal(d[f], undefined, `${path}: ${f} of ${d.code}`);
  }
  const geo = await withToken(otherVa, 'GET', '/api/v1/victim/VIC-FZL-00001', { headers: { Accept: 'application/geo+json' } });
  for (const f of personal) assert.equal(geo.json.properties[f], undefined, `GeoJSON: ${f}`);
  const after = (await api(s, 'admin', 'GET', '/api/v1/audit?limit=1000')).json.items.filter((a) => a.action === 'read_personal' && a.user === 'va_adn').length;
  assert.equal(after, before, 'nothing personal was read, so nothing was logged');
  // and searching or sorting cannot reveal what is hidden
  let r = await withToken(otherVa, 'GET', '/api/v1/victim?name=x');
  assert.equal(r.status, 400);
  r = await withToken(otherVa, 'GET', '/api/v1/victim?sort=name');
  assert.equal(r.status, 400);
});

test('the public role sees no operator or personal details in any face', async () => {
  const hidden = ['organisation', 'created_by', 'updated_by', 'change_reason', 'status_reason', 'evidence', 'source',
    'source_reliability', 'operator', 'team', 'task'];
  const check = (doc, where) => { for (const f of hidden) assert.equal(doc[f], undefined, `${where}: ${f}`); };
  for (const path of ['/api/v1/hazard', '/api/v1/land_release', '/api/v1/hazard?as_of=2100-01-01']) {
    const r = await api(s, null, 'GET', path);
    assert.equal(r.status, 200, path);
    assert.ok(r.json.items.length > 0, path);
    for (const d of r.json.items) check(d, `${path} ${d.code}`);
  }
  const h = await api(s, null, 'GET', '/api/v1/hazard/HAZ-AGD-00001');
  check(h.json, 'get');
  for (const d of (await api(s, null, 'GET', '/api/v1/hazard/HAZ-AGD-00001/history')).json.items) check(d, 'history');
  const f = await api(s, null, 'GET', '/api/v1/hazard/HAZ-AGD-00001', { headers: { Accept: 'application/geo+json' } });
  check(f.json.properties, 'GeoJSON');
  for (const c of ['hazard', 'land_release']) {
    const r = await api(s, null, 'GET', `/ogc/collections/${c}/items?limit=1000`);
    assert.equal(r.status, 200);
    for (const feat of r.json.features) check(feat.properties, `OGC ${c}`);
    const one = await api(s, null, 'GET', `/ogc/collections/${c}/items/${r.json.features[0].id}`);
    check(one.json.properties, `OGC ${c} item`);
  }
  // vector tiles of every layer the public reads, over the demo's districts at z8
  for (const layer of ['hazard', 'land_release', 'location']) {
    let features = 0;
    for (const [x, y] of [[160, 96], [161, 96], [160, 97], [161, 97]]) {
      const r = await fetch(`${s.url}/tiles/${layer}/8/${x}/${y}.mvt`);
      if (r.status === 204) continue;
      assert.equal(r.status, 200, `${layer} tile`);
      const l = new VectorTile(new PbfReader(new Uint8Array(await r.arrayBuffer()))).layers[layer];
      for (let i = 0; l && i < l.length; i++, features++) check(l.feature(i).properties, `tile ${layer}`);
    }
    assert.ok(features > 0, `public ${layer} tiles hold features`);
  }
  // an IM officer sees them, so the test does look at fields that exist
  const im = (await api(s, 'im_officer', 'GET', '/api/v1/hazard/HAZ-AGD-00001')).json;
  assert.ok(im.organisation && im.created_by && im.evidence !== undefined);
  // filters, sorts and text search must not reveal them either
  const evidenceWord = (im.evidence || '').split(/\s+/).find((w) => w.length > 5);
  assert.ok(evidenceWord, 'the demo hazard has evidence text');
  assert.equal((await api(s, null, 'GET', `/api/v1/hazard?organisation=${im.organisation}`)).status, 400);
  assert.equal((await api(s, null, 'GET', '/api/v1/hazard?sort=created_by')).status, 400);
  assert.equal((await api(s, null, 'GET', `/ogc/collections/hazard/items?organisation=${im.organisation}`)).status, 400);
  const q = await api(s, null, 'GET', `/api/v1/hazard?q=${encodeURIComponent(evidenceWord)}`);
  assert.ok(!q.json.items.some((d) => d.code === 'HAZ-AGD-00001'), 'q does not search evidence for the public');
  const qim = await api(s, 'im_officer', 'GET', `/api/v1/hazard?q=${encodeURIComponent(evidenceWord)}`);
  assert.ok(qim.json.items.some((d) => d.code === 'HAZ-AGD-00001'), 'it does for an IM officer');
});

test('changing a password revokes the other sessions and tokens; an admin reset revokes all', async () => {
  const login = async (pw) => (await api(s, null, 'POST', '/api/v1/tokens', { body: { username: 'donor', password: pw } })).json.token;
  const a = await login(password('donor'));
  const b = await login(password('donor'));
  let r = await withToken(a, 'POST', '/api/v1/users/donor/password', { body: { old_password: password('donor'), password: 'a second donor secret' } });
  assert.equal(r.status, 422, 'the new password may not hold the login');
  r = await withToken(a, 'POST', '/api/v1/users/donor/password', { body: { old_password: password('donor'), password: 'a second grant secret' } });
  assert.equal(r.status, 200, r.text);
  assert.equal((await withToken(a, 'GET', '/api/v1/me')).status, 200, 'the session that changed it stays');
  assert.equal((await withToken(b, 'GET', '/api/v1/me')).status, 401, 'the other one is revoked');
  assert.equal((await withToken(s.tokens.donor, 'GET', '/api/v1/me')).status, 401);
  r = await api(s, 'admin', 'POST', '/api/v1/users/donor/password', { body: { password: password('donor') } });
  assert.equal(r.status, 200, r.text);
  assert.equal((await withToken(a, 'GET', '/api/v1/me')).status, 401, 'an admin reset revokes every session');
  s.tokens.donor = await login(password('donor'));
});

test('a bearer token cannot mint a token; a password or a session can', async () => {
  let r = await api(s, 'viewer', 'POST', '/api/v1/tokens');
  assert.equal(r.status, 403);
  r = await api(s, 'viewer', 'POST', '/api/v1/tokens', { body: {} });
  assert.equal(r.status, 403);
  r = await api(s, 'viewer', 'POST', '/api/v1/tokens', { body: { username: 'viewer', password: password('viewer') } });
  assert.equal(r.status, 201);
  const l = await api(s, null, 'POST', '/api/v1/login', { body: { username: 'viewer', password: password('viewer') } });
  const cookie = l.headers.get('set-cookie').split(';')[0];
  r = await api(s, null, 'POST', '/api/v1/tokens', { headers: { Cookie: cookie, 'X-CSRF-Token': l.json.csrf_token } });
  assert.equal(r.status, 201);
});

test('passwords: at least 12 characters, not common, not the login; demo accounts are marked', async () => {
  for (const [pw, why] of [['password', /too short/], ['Password1234!', /common password/], ['qwertyuiop12', /run of keys/],
    ['aaaaaaaaaaaaaaa', /repeats/], ['newcomer-2026-pass', /user name/], ['123456789012', /run of keys/]]) {
    const r = await api(s, 'admin', 'POST', '/api/v1/users', { body: { login: 'newcomer', password: pw, role: 'viewer' } });
    assert.equal(r.status, 422, pw);
    assert.equal(r.json.error.field, 'password');
    assert.match(r.json.error.message, why, pw);
  }
  const r = await api(s, 'admin', 'POST', '/api/v1/users', { body: { login: 'newcomer', password: 'four words make a passphrase', role: 'viewer' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.user.demo, false);
});

test('the history of a record the caller may not see is a 404, as the record is', async () => {
  const d = (await api(s, 'operator', 'POST', '/api/v1/hazard', { body: newHazard(s.org) })).json;
  for (const role of ['viewer', 'donor', null]) {
    assert.equal((await api(s, role, 'GET', `/api/v1/hazard/${d.id}`)).status, 404, `${role} get`);
    assert.equal((await api(s, role, 'GET', `/api/v1/hazard/${d.id}/history`)).status, 404, `${role} history`);
  }
  assert.equal((await api(s, 'im_officer', 'GET', `/api/v1/hazard/${d.id}/history`)).status, 200);
});

test('a Point is never an area: a point hazard needs its estimated area; a hazard far outside the country is refused', async () => {
  const before = dataDigest(s.db);
  const pt = { type: 'Point', coordinates: [46.9, 39.7] };
  let r = await api(s, 'im_officer', 'POST', '/api/v1/hazard', { body: newHazard(s.org, { geometry: pt }) });
  assert.equal(r.status, 422);
  assert.ok(r.json.error.details.some((d) => d.field === 'estimated_area_m2'), r.text);
  r = await api(s, 'im_officer', 'POST', '/api/v1/land_release', { body: { hazard: 'HAZ-AGD-00001', method: 'clearance', result: 'cleared', geometry: pt } });
  assert.equal(r.status, 422);
  const france = { type: 'Polygon', coordinates: [[[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.86], [2.35, 48.85]]] };
  r = await api(s, 'im_officer', 'POST', '/api/v1/hazard', { body: newHazard(s.org, { geometry: france }) });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'geometry');
  assert.match(r.json.error.details[0].message, /outside the country/);
  assert.equal(dataDigest(s.db), before);
  r = await api(s, 'im_officer', 'POST', '/api/v1/hazard', { body: newHazard(s.org, { geometry: pt, estimated_area_m2: 5000 }) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.area_m2, null, 'no area from a point');
});

test('numbers and dates that are no numbers or dates are a 400 naming the parameter', async () => {
  for (const [q, field] of [['bbox=-inf,39,47,40', 'bbox'], ['bbox=-1e999,39,47,40', 'bbox'], ['bbox=46,39,47,1e400', 'bbox'],
    ['bbox=nan,39,47,40', 'bbox'], ['bbox=200,39,201,40', 'bbox'], ['from=yesterday', 'from'], ['to=2024-02-30', 'to'],
    ['as_of=yesterday', 'as_of']]) {
    const r = await api(s, 'viewer', 'GET', `/api/v1/hazard?${q}`);
    assert.equal(r.status, 400, `${q}: ${r.text.slice(0, 200)}`);
    assert.equal(r.json.error.field, field, q);
  }
  const r = await api(s, 'viewer', 'GET', '/api/v1/hazard/HAZ-AGD-00001?as_of=yesterday');
  assert.equal(r.status, 400);
});

test("a disabled user's tokens stop working at once", async () => {
  assert.equal((await withToken(otherVa, 'GET', '/api/v1/me')).status, 200);
  const r = await api(s, 'admin', 'POST', '/api/v1/users/va_adn/disable');
  assert.equal(r.status, 200);
  assert.equal((await withToken(otherVa, 'GET', '/api/v1/me')).status, 401);
});
