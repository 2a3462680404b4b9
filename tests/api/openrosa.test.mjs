// openrosa.test.mjs: demine as an OpenRosa 1.0 server, talked to the way ODK Collect does it
// (OpenRosaFormListParser: the xformslist and its md5 hashes, the manifest; the instance
// uploader: HEAD then POST, the Digest challenge, the multipart body) and what becomes of the
// submissions: records through the write path, once per instanceID, attachments, edits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { startServer, api, password, dataDigest, sql } from './helpers.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s?.stop(); });

const md5 = (x) => createHash('md5').update(x).digest('hex');
const basic = (role) => 'Basic ' + Buffer.from(`${role}:${password(role)}`).toString('base64');

// HTTP Digest (RFC 2617, qop=auth) as Collect's OkHttp authenticator answers a challenge.
function digestHeader(challenge, method, uri, user, pw, nc) {
  const d = challenge.slice(challenge.indexOf('Digest ') + 7);
  const p = Object.fromEntries([...d.matchAll(/(\w+)="?([^",]*)"?/g)].map((m) => [m[1], m[2]]));
  const cnonce = randomUUID().replace(/-/g, '').slice(0, 16);
  const ncs = String(nc).padStart(8, '0');
  const ha1 = md5(`${user}:${p.realm}:${pw}`);
  const ha2 = md5(`${method}:${uri}`);
  const response = md5(`${ha1}:${p.nonce}:${ncs}:${cnonce}:auth:${ha2}`);
  return `Digest username="${user}", realm="${p.realm}", nonce="${p.nonce}", uri="${uri}", qop=auth, nc=${ncs},`
    + ` cnonce="${cnonce}", response="${response}", opaque="${p.opaque}", algorithm=MD5`;
}

// The elements of an OpenRosa XML answer, the way OpenRosaFormListParser reads them.
function elements(xml, name) {
  return [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]);
}

async function or(path, { role = 'operator', auth, method = 'GET', body } = {}) {
  const headers = { 'X-OpenRosa-Version': '1.0' };
  if (auth !== null) headers.Authorization = auth ?? basic(role);
  const r = await fetch(s.url + path, { method, headers, body });
  return { status: r.status, headers: r.headers, text: await r.text() };
}

async function versionOf(form, role = 'operator') {
  const r = await or('/formList', { role });
  const m = r.text.match(new RegExp(`<formID>${form}</formID>.*?<version>([^<]*)</version>`));
  return m[1];
}

// A multipart submission as Collect sends it: xml_submission_file, then one part per file.
function multipart(xml, files = [], incomplete = false) {
  const fd = new FormData();
  fd.append('xml_submission_file', new Blob([xml], { type: 'text/xml' }), 'submission.xml');
  for (const [name, bytes, type] of files) fd.append(name, new Blob([bytes], { type }), name);
  if (incomplete) fd.append('*isIncomplete*', 'yes');
  return fd;
}

const submit = (xml, opts = {}) => or('/submission', { method: 'POST', body: multipart(xml, opts.files, opts.incomplete), ...opts });

// A tiny JPEG (magic bytes and a body), different for each n.
const jpeg = (n) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), Buffer.from(`JFIF photo ${n}`)]);

const square = (lat, lon, d = 0.001) =>
  [[lat, lon], [lat + d, lon], [lat + d, lon + d], [lat, lon + d], [lat, lon]].map(([a, b]) => `${a} ${b} 0 4`).join(';');

function eoXml(version, id, extra = '') {
  return `<data id="demine_eo" version="${version}"><date_of_information>2026-12-01</date_of_information>`
    + `<location>40.1391648 46.8582301 0 5</location><category>at_mine</category><model>TM-62M</model>`
    + `<quantity>2</quantity><disposition>destroyed_in_situ</disposition><depth_cm>15</depth_cm>${extra}`
    + `<meta><instanceID>${id}</instanceID></meta></data>`;
}

test('formList is the xformslist of the forms the user may fill, each hash the md5 of the form it downloads', async () => {
  const r = await or('/formList');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-openrosa-version'), '1.0');
  assert.match(r.headers.get('content-type'), /^text\/xml/);
  assert.match(r.text, /<xforms xmlns="http:\/\/openrosa.org\/xforms\/xformsList">/);
  const ids = elements(r.text, 'formID');
  assert.deepEqual(ids, ['demine_nts', 'demine_ts', 'demine_release', 'demine_eo', 'demine_accident', 'demine_eore']);
  const urls = elements(r.text, 'downloadUrl');
  const hashes = elements(r.text, 'hash');
  for (let i = 0; i < ids.length; i++) {
    const path = new URL(urls[i]).pathname;
    const f = await fetch(s.url + path, { headers: { Authorization: basic('operator') } });
    const bytes = Buffer.from(await f.arrayBuffer());
    assert.equal(hashes[i], `md5:${md5(bytes)}`, `${ids[i]}: hash is the md5 of the form bytes`);
    assert.match(bytes.toString(), new RegExp(`<data id="${ids[i]}" version="${elements(r.text, 'version')[i]}"`));
  }
  // a donor writes no field records: no forms
  const d = await or('/formList', { role: 'donor' });
  assert.equal(d.status, 200);
  assert.deepEqual(elements(d.text, 'formID'), []);
  // formID narrows the list (Collect's "get one form")
  assert.deepEqual(elements((await or('/formList?formID=demine_eo')).text, 'formID'), ['demine_eo']);
});

test('the manifest lists the organisation\'s open hazards and tasks as CSV media with their md5', async () => {
  const m = await or('/forms/demine_release/manifest');
  assert.equal(m.status, 200);
  assert.match(m.text, /xmlns="http:\/\/openrosa.org\/xforms\/xformsManifest"/);
  assert.deepEqual(elements(m.text, 'filename'), ['hazards.csv', 'tasks.csv']);
  const url = new URL(elements(m.text, 'downloadUrl')[0]);
  const csv = await or(url.pathname);
  assert.equal(csv.status, 200);
  assert.equal(elements(m.text, 'hash')[0], `md5:${md5(csv.text)}`);
  const lines = csv.text.trim().split('\n');
  assert.equal(lines[0], 'name,label');
  assert.ok(lines.length > 1, 'open hazards are listed');
  assert.ok(lines.slice(1).every((l) => /^"HAZ-[A-Z]{3}-\d{5}",/.test(l)));
  // the EO form picks hazards and tasks too; the risk education form picks none
  assert.deepEqual(elements((await or('/forms/demine_eore/manifest')).text, 'filename'), []);
  assert.equal((await or('/forms/demine_eore/media/hazards.csv')).status, 404);
  assert.equal((await or('/forms/nope/manifest')).status, 404);
});

test('Digest: a challenge, then HEAD /submission 204 with the OpenRosa headers, then the POST 201', async () => {
  // Digest needs the user's HA1, which the server keeps from a password login (Basic) once
  assert.equal((await or('/formList', { role: 'im_officer' })).status, 200);
  const c = await or('/submission', { method: 'HEAD', auth: null });
  assert.equal(c.status, 401);
  const challenge = c.headers.get('www-authenticate');
  assert.match(challenge, /Digest realm="demine"/);
  assert.match(challenge, /Basic realm="demine"/);
  const head = await or('/submission', { method: 'HEAD', auth: digestHeader(challenge, 'HEAD', '/submission', 'im_officer', password('im_officer'), 1) });
  assert.equal(head.status, 204);
  assert.equal(head.headers.get('x-openrosa-version'), '1.0');
  assert.equal(head.headers.get('x-openrosa-accept-content-length'), '10000000');
  const v = await versionOf('demine_eo', 'im_officer');
  // the HEAD's nonce is stale for a POST: the server says so and the client answers the new one
  const xml = eoXml(v, 'uuid:digest-1');
  const first = await or('/submission', {
    method: 'POST', body: multipart(xml),
    auth: digestHeader(challenge, 'POST', '/submission', 'im_officer', password('im_officer'), 2),
  });
  assert.equal(first.status, 401);
  const fresh = first.headers.get('www-authenticate');
  assert.match(fresh, /stale="?true"?/i);
  const post = await or('/submission', {
    method: 'POST', body: multipart(xml),
    auth: digestHeader(fresh, 'POST', '/submission', 'im_officer', password('im_officer'), 1),
  });
  assert.equal(post.status, 201, post.text);
  assert.match(post.text, /<OpenRosaResponse xmlns="http:\/\/openrosa.org\/http\/response"><message nature="submit_success">received: EO-/);
  // a wrong password gets the challenge again
  const bad = await or('/submission', { method: 'HEAD', auth: digestHeader(challenge, 'HEAD', '/submission', 'im_officer', 'wrong', 3) });
  assert.equal(bad.status, 401);
  // the session cookie is no credential on the OpenRosa paths
  const login = await fetch(`${s.url}/api/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'operator', password: password('operator') }) });
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const r = await fetch(`${s.url}/formList`, { headers: { Cookie: cookie } });
  assert.equal(r.status, 401);
});

test('Digest ends with the password it came from: a new password or a disabled account closes it', async () => {
  const login = 'tablet-user';
  const pw1 = 'first-long-passphrase-41', pw2 = 'second-long-passphrase-42';
  const add = await api(s, 'admin', 'POST', '/api/v1/users', { body: { login, password: pw1, role: 'im_officer' } });
  assert.equal(add.status, 201, add.text);
  const b1 = 'Basic ' + Buffer.from(`${login}:${pw1}`).toString('base64');
  assert.equal((await or('/formList', { auth: b1 })).status, 200);
  const digestWith = async (pw) => {
    const c = await or('/formList', { auth: null });
    return (await or('/formList', { auth: digestHeader(c.headers.get('www-authenticate'), 'GET', '/formList', login, pw, 1) })).status;
  };
  assert.equal(await digestWith(pw1), 200);
  const set = await api(s, 'admin', 'POST', `/api/v1/users/${login}/password`, { body: { password: pw2 } });
  assert.ok(set.status < 300, set.text);
  assert.equal(await digestWith(pw1), 401, 'the old password no longer opens Digest');
  assert.equal(await digestWith(pw2), 401, 'nor the new one before a password login');
  // a sign-in to the web app with the new password opens Digest with it
  const li = await fetch(`${s.url}/api/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: login, password: pw2 }) });
  assert.equal(li.status, 200);
  assert.equal(await digestWith(pw2), 200);
  assert.ok((await api(s, 'admin', 'POST', `/api/v1/users/${login}/disable`)).status < 300);
  assert.equal(await digestWith(pw2), 401, 'a disabled account');
});

test('a submission becomes a submitted record of the sender\'s organisation with the same values and its photo', async () => {
  const v = await versionOf('demine_eo');
  const xml = eoXml(v, 'uuid:eo-values', `<hazard>${s.hazard.code}</hazard><photo><image>p1.jpg</image></photo>`);
  const r = await submit(xml, { files: [['p1.jpg', jpeg(1), 'image/jpeg']] });
  assert.equal(r.status, 201, r.text);
  const code = r.text.match(/received: (EO-[A-Z]{3}-\d{5})/)[1];
  const rec = (await api(s, 'operator', 'GET', `/api/v1/eo_find/${code}`)).json;
  assert.equal(rec.status, 'submitted');
  assert.equal(rec.organisation, s.org);
  assert.equal(rec.category, 'at_mine');
  assert.equal(rec.model, 'TM-62M');
  assert.equal(rec.quantity, 2);
  assert.equal(rec.depth_cm, 15);
  assert.equal(rec.hazard, s.hazard.id, 'the hazard picked by its code is linked');
  assert.equal(rec.external_id, 'uuid:eo-values');
  assert.deepEqual(rec.geometry, { type: 'Point', coordinates: [46.8582301, 40.1391648] });
  assert.equal(rec.date_of_information, '2026-12-01');
  const att = await api(s, 'operator', 'GET', `/api/v1/eo_find/${code}/attachments`);
  assert.equal(att.status, 200);
  assert.equal(att.json.attachments.length, 1);
  assert.equal(att.json.attachments[0].name, 'p1.jpg');
  assert.equal(att.json.attachments[0].media_type, 'image/jpeg');
  assert.equal(att.json.attachments[0].sha256, createHash('sha256').update(jpeg(1)).digest('hex'));
  const file = await fetch(`${s.url}/api/v1/eo_find/${code}/attachments/p1.jpg`, { headers: { Authorization: `Bearer ${s.tokens.operator}` } });
  assert.equal(file.status, 200);
  assert.equal(file.headers.get('content-type'), 'image/jpeg');
  assert.deepEqual(Buffer.from(await file.arrayBuffer()), jpeg(1));
  // the IM officer sees it among the field submissions
  const list = await api(s, 'im_officer', 'GET', '/api/v1/field/submissions?state=accepted');
  assert.ok(list.json.submissions.some((x) => x.instance_id === 'uuid:eo-values' && x.record_id === rec.id));
});

test('idempotent by instanceID: an identical resend is 201 and writes nothing, other content 409', async () => {
  const v = await versionOf('demine_eo');
  const xml = eoXml(v, 'uuid:eo-twice');
  const first = await submit(xml);
  assert.equal(first.status, 201);
  const digest = dataDigest(s.db);
  const again = await submit(xml);
  assert.equal(again.status, 201);
  assert.equal(again.text, first.text, 'the stored answer');
  assert.equal(dataDigest(s.db), digest, 'nothing written by the resend');
  const other = await submit(xml.replace('TM-62M', 'PMN-2'));
  assert.equal(other.status, 409);
  assert.match(other.text, /nature="error">'uuid:eo-twice' was already sent with other content/);
  assert.equal(dataDigest(s.db), digest);
  // another user's instanceID is theirs: keys are per user
  const ims = await submit(xml, { role: 'im_officer' });
  assert.equal(ims.status, 201);
  assert.notEqual(ims.text, first.text);
});

test('deprecatedID writes a new version of the record the edited submission made', async () => {
  const v = await versionOf('demine_eo');
  const first = await submit(eoXml(v, 'uuid:eo-edit-1'));
  const code = first.text.match(/received: (EO-[A-Z]{3}-\d{5})/)[1];
  const edited = eoXml(v, 'uuid:eo-edit-2').replace('<quantity>2</quantity>', '<quantity>5</quantity>')
    .replace('</instanceID>', '</instanceID><deprecatedID>uuid:eo-edit-1</deprecatedID>');
  const r = await submit(edited);
  assert.equal(r.status, 201, r.text);
  assert.match(r.text, new RegExp(`received: ${code}`));
  const rec = (await api(s, 'operator', 'GET', `/api/v1/eo_find/${code}`)).json;
  assert.equal(rec.quantity, 5);
  assert.ok(rec.version >= 3, 'create, submit, then the edit');
  const unknown = await submit(eoXml(v, 'uuid:eo-edit-3').replace('</instanceID>', '</instanceID><deprecatedID>uuid:never</deprecatedID>'));
  assert.equal(unknown.status, 404);
  assert.match(unknown.text, /deprecatedID 'uuid:never' names no submission of yours/);
});

test('a split submission (*isIncomplete*=yes) is assembled: the later parts add their files to the record', async () => {
  const v = await versionOf('demine_eo');
  const xml = eoXml(v, 'uuid:eo-split', '<photo><image>a.jpg</image></photo><photo><image>b.jpg</image></photo>');
  const one = await submit(xml, { files: [['a.jpg', jpeg('a'), 'image/jpeg']], incomplete: true });
  assert.equal(one.status, 201, one.text);
  const two = await submit(xml, { files: [['b.jpg', jpeg('b'), 'image/jpeg']] });
  assert.equal(two.status, 201, two.text);
  const code = one.text.match(/received: (EO-[A-Z]{3}-\d{5})/)[1];
  const att = await api(s, 'operator', 'GET', `/api/v1/eo_find/${code}/attachments`);
  assert.deepEqual(att.json.attachments.map((a) => a.name), ['a.jpg', 'b.jpg']);
  assert.equal(sql(s.db, "SELECT COUNT(*) FROM eo_find WHERE external_id = 'uuid:eo-split'"), '1');
});

test('an accident with two victims: one accident, two victim records linked to it, personal data kept', async () => {
  const v = await versionOf('demine_accident', 'va_officer');
  const xml = `<data id="demine_accident" version="${v}"><date_of_information>2026-11-30</date_of_information>`
    + `<location>40.1391648 46.8582301 0 5</location><accident_date>2026-11-29</accident_date>`
    + `<accident_kind>civilian</accident_kind><device_category>ap_mine</device_category><activity>herding</activity>`
    + `<victim><sex>male</sex><age>34</age><outcome>injured</outcome><role>civilian</role><name>Elvin Mammadov</name></victim>`
    + `<victim><sex>female</sex><age>12</age><outcome>killed</outcome><role>civilian</role></victim>`
    + `<meta><instanceID>uuid:acc-1</instanceID></meta></data>`;
  const r = await submit(xml, { role: 'va_officer' });
  assert.equal(r.status, 201, r.text);
  assert.match(r.text, /with 2 victim record\(s\)/);
  const code = r.text.match(/received: (ACC-[A-Z]{3}-\d{5})/)[1];
  const acc = (await api(s, 'va_officer', 'GET', `/api/v1/accident/${code}`)).json;
  const vics = (await api(s, 'va_officer', 'GET', `/api/v1/victim?limit=500`)).json;
  const mine = (vics.items || vics.records || vics).filter((x) => x.accident === acc.id);
  assert.equal(mine.length, 2);
  assert.deepEqual(mine.map((x) => x.age).sort((a, b) => a - b), [12, 34]);
  assert.ok(mine.some((x) => x.name === 'Elvin Mammadov'), 'the va officer reads the personal data');
  assert.ok(mine.every((x) => x.status === 'submitted'));
});

test('a new SHA by polygon, by turning points, and a release of a hazard picked from the list', async () => {
  const v = await versionOf('demine_nts');
  const poly = `<data id="demine_nts" version="${v}"><date_of_information>2026-12-02</date_of_information>`
    + `<geo_method>polygon</geo_method><shape>${square(40.15, 46.87)}</shape><name>Orchard by the road</name>`
    + `<hazard_type>minefield</hazard_type><contamination>ap_mine at_mine</contamination>`
    + `<meta><instanceID>uuid:nts-poly</instanceID></meta></data>`;
  const r1 = await submit(poly);
  assert.equal(r1.status, 201, r1.text);
  const h1 = (await api(s, 'operator', 'GET', `/api/v1/hazard/${r1.text.match(/received: (HAZ-[A-Z]{3}-\d{5})/)[1]}`)).json;
  assert.equal(h1.category, 'sha');
  assert.equal(h1.land_status, 'open');
  assert.deepEqual(h1.contamination, ['ap_mine', 'at_mine']);
  assert.equal(h1.geometry.type, 'Polygon');
  assert.ok(h1.area_m2 > 5000 && h1.area_m2 < 15000, `area ${h1.area_m2}`);
  const tp = `<data id="demine_nts" version="${v}"><date_of_information>2026-12-02</date_of_information>`
    + `<geo_method>turning_points</geo_method><tp><bm>40.16 46.88 0 3</bm><bearing_type>true</bearing_type>`
    + ['0', '90', '180', '270'].map((b) => `<leg><bearing>${b}</bearing><distance>100</distance></leg>`).join('')
    + `</tp><hazard_type>minefield</hazard_type><meta><instanceID>uuid:nts-tp</instanceID></meta></data>`;
  const r2 = await submit(tp);
  assert.equal(r2.status, 201, r2.text);
  const h2 = (await api(s, 'operator', 'GET', `/api/v1/hazard/${r2.text.match(/received: (HAZ-[A-Z]{3}-\d{5})/)[1]}`)).json;
  assert.ok(Math.abs(h2.area_m2 - 10000) < 50, `a 100 m square: ${h2.area_m2}`);
  const vr = await versionOf('demine_release');
  const rel = `<data id="demine_release" version="${vr}"><date_of_information>2026-12-03</date_of_information>`
    + `<shape>${square(40.15, 46.87, 0.0005)}</shape><hazard>${h1.code}</hazard><method>clearance</method>`
    + `<result>cleared</result><technique>manual mdd</technique><clearance_depth_cm>13</clearance_depth_cm>`
    + `<meta><instanceID>uuid:rel-1</instanceID></meta></data>`;
  const r3 = await submit(rel);
  assert.equal(r3.status, 201, r3.text);
  const lr = (await api(s, 'operator', 'GET', `/api/v1/land_release/${r3.text.match(/received: (LR-[A-Z]{3}-\d{5})/)[1]}`)).json;
  assert.equal(lr.hazard, h1.id);
  assert.deepEqual(lr.technique, ['manual', 'mdd']);
  assert.equal(lr.clearance_depth_cm, 13);
});

test('a self-crossing polygon is kept as a rejected submission with its reason, no record written', async () => {
  const v = await versionOf('demine_nts');
  const bow = ['40.15 46.87', '40.151 46.871', '40.151 46.87', '40.15 46.871', '40.15 46.87'].map((p) => `${p} 0 4`).join(';');
  const xml = `<data id="demine_nts" version="${v}"><geo_method>polygon</geo_method><shape>${bow}</shape>`
    + `<hazard_type>minefield</hazard_type><meta><instanceID>uuid:bowtie</instanceID></meta></data>`;
  const before = sql(s.db, 'SELECT COUNT(*) FROM hazard');
  const r = await submit(xml);
  assert.equal(r.status, 422);
  assert.match(r.text, /nature="error">.*self-intersect/);
  assert.equal(sql(s.db, 'SELECT COUNT(*) FROM hazard'), before);
  const list = await api(s, 'im_officer', 'GET', '/api/v1/field/submissions?state=rejected');
  const kept = list.json.submissions.find((x) => x.instance_id === 'uuid:bowtie');
  assert.ok(kept, 'kept');
  assert.match(kept.reason, /self-intersect/);
  assert.equal(kept.record_id, null);
  // the same resend gets the same answer
  const again = await submit(xml);
  assert.equal(again.status, 422);
  assert.equal(again.text, r.text);
});

test('a device key: the QR settings are Collect\'s JSON, zlib and base64, and the key works in the path', async () => {
  const d = await api(s, 'operator', 'POST', '/api/v1/forms/devices', { body: { device: 'Tablet 7' } });
  assert.equal(d.status, 201, d.text);
  const settings = JSON.parse(inflateSync(Buffer.from(d.json.qr_text, 'base64')).toString());
  assert.equal(settings.general.server_url, d.json.server_url);
  assert.equal(settings.admin && typeof settings.admin, 'object');
  assert.equal(settings.project.name, 'Tablet 7');
  const path = new URL(d.json.server_url).pathname;
  assert.match(path, /^\/key\/[0-9a-f]{64}$/);
  const list = await or(`${path}/formList`, { auth: null });
  assert.equal(list.status, 200);
  const url = new URL(elements(list.text, 'downloadUrl')[0]);
  assert.ok(url.pathname.startsWith(`${path}/forms/`), 'the links keep the key');
  assert.equal((await or(url.pathname, { auth: null })).status, 200);
  const v = elements(list.text, 'version')[3];
  const r = await or(`${path}/submission`, { auth: null, method: 'POST', body: multipart(eoXml(v, 'uuid:by-key')) });
  assert.equal(r.status, 201, r.text);
  assert.equal((await or('/key/' + '0'.repeat(64) + '/formList', { auth: null })).status, 401);
  // the device key is one of the user's tokens, named after the tablet, and revoked like one
  const key = path.split('/').pop();
  const mine = (await api(s, 'operator', 'GET', '/api/v1/tokens')).json;
  const tok = (mine.tokens || mine.items || mine).find((x) => x.name === 'Tablet 7 (ODK Collect)');
  assert.ok(tok, 'listed');
  assert.equal((await api(s, 'operator', 'DELETE', `/api/v1/tokens/${tok.id}`)).status < 300, true);
  assert.equal((await or(`/key/${key}/formList`, { auth: null })).status, 401, 'revoked');
});

test('a read-only token reads the forms but cannot send a submission', async () => {
  const t = await fetch(`${s.url}/api/v1/tokens`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'operator', password: password('operator'), scope: 'read', name: 'qgis' }) });
  const { token } = await t.json();
  assert.equal((await or('/formList', { auth: `Bearer ${token}` })).status, 200);
  const r = await or('/submission', { auth: `Bearer ${token}`, method: 'POST', body: multipart(eoXml(await versionOf('demine_eo'), 'uuid:read-only')) });
  assert.equal(r.status, 403);
  assert.match(r.text, /read-only token cannot send submissions/);
});

test('the forms page lists the forms with their versions', async () => {
  const r = await api(s, 'operator', 'GET', '/api/v1/forms');
  assert.equal(r.status, 200);
  assert.equal(r.json.forms.length, 6);
  assert.equal(r.json.forms[0].version, await versionOf('demine_nts'));
  assert.equal((await api(s, 'donor', 'GET', '/api/v1/forms')).json.forms.length, 0);
});
