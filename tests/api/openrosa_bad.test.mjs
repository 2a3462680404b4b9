// openrosa_bad.test.mjs: hostile and broken submissions (malformed XML, DTDs and entities, forms
// and versions that do not exist, bad answers and geometry, other organisations, forbidden and
// oversized files, encrypted envelopes, the central-backend fixtures): each gets the OpenRosa
// error document with a clear message, and no record, version, audit row or file is written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, password, dataDigest, sql, api } from './helpers.mjs';
import { FIXTURES } from '../cli/helpers.mjs';

let s, v, other;
const basic = (role) => 'Basic ' + Buffer.from(`${role}:${password(role)}`).toString('base64');
// the submission log (accepted and rejected, with reasons) and Digest's HA1 are not data
const SKIP = { skip: ['field_submission', 'idempotency', 'openrosa_digest'] };

before(async () => {
  s = await startServer();
  const r = await fetch(`${s.url}/formList`, { headers: { Authorization: basic('operator') } });
  const list = await r.text();
  v = Object.fromEntries([...list.matchAll(/<formID>(\w+)<\/formID>.*?<version>(\w+)<\/version>/g)].map((m) => [m[1], m[2]]));
  const orgs = (await api(s, 'admin', 'GET', '/api/v1/organisation?limit=50')).json;
  other = (orgs.items || orgs.records || orgs).find((o) => o.id !== s.org).id;
});
after(async () => { await s?.stop(); });

function multipart(xml, files = []) {
  const fd = new FormData();
  if (xml !== null) fd.append('xml_submission_file', new Blob([xml], { type: 'text/xml' }), 'submission.xml');
  for (const [name, bytes, type] of files) fd.append(name, new Blob([bytes], { type }), name);
  return fd;
}

async function post(body, { role = 'operator', headers = {}, auth } = {}) {
  const h = { 'X-OpenRosa-Version': '1.0', ...headers };
  if (auth !== null) h.Authorization = auth ?? basic(role);
  const r = await fetch(`${s.url}/submission`, { method: 'POST', headers: h, body });
  return { status: r.status, text: await r.text(), headers: r.headers };
}

let n = 0;
const id = () => `uuid:bad-${++n}`;
const eo = (inner, iid = id(), ver = v.demine_eo) =>
  `<data id="demine_eo" version="${ver}"><date_of_information>2026-12-01</date_of_information>${inner}`
  + `<meta><instanceID>${iid}</instanceID></meta></data>`;
const eoOk = (extra = '') => eo(`<location>40.1391648 46.8582301 0 5</location><category>at_mine</category><quantity>1</quantity>${extra}`);
const nts = (inner) => `<data id="demine_nts" version="${v.demine_nts}"><hazard_type>minefield</hazard_type>${inner}`
  + `<meta><instanceID>${id()}</instanceID></meta></data>`;
const pts = (list) => list.map(([a, b]) => `${a} ${b} 0 4`).join(';');
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);
const fixture = (p) => readFileSync(join(FIXTURES, 'odk', p), 'utf8');

// [name, body or () => body, expected status, message pattern, options]
const cases = [
  ['a JSON body', () => JSON.stringify({ a: 1 }), 400, /multipart\/form-data body with an xml_submission_file part/, { headers: { 'Content-Type': 'application/json' } }],
  ['multipart without the XML part', () => multipart(null, [['a.jpg', jpeg, 'image/jpeg']]), 400, /no xml_submission_file part/],
  ['an empty XML part', () => multipart(''), 400, /the submission is empty/],
  ['unclosed XML', () => multipart('<data id="demine_eo"><a>'), 400, /not well-formed XML: line 1/],
  ['binary garbage as XML', () => multipart(Buffer.from([0, 1, 2, 0xff, 0xfe, 3])), 400, /not well-formed XML/],
  ['invalid UTF-8 in the XML', () => multipart(Buffer.concat([Buffer.from('<data id="demine_eo">'), Buffer.from([0xc3, 0x28]), Buffer.from('</data>')])), 400, /not well-formed XML/],
  ['XXE: an external entity to /etc/passwd', () => multipart(`<?xml version="1.0"?><!DOCTYPE data [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${eoOk('<model>&xxe;</model>')}`), 400, /DTD or an entity declaration/],
  ['billion laughs', () => multipart(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>${eoOk('<model>&lol3;</model>')}`), 400, /DTD or an entity declaration/],
  ['an external DTD', () => multipart(`<?xml version="1.0"?><!DOCTYPE data SYSTEM "http://127.0.0.1:1/evil.dtd">${eoOk()}`), 400, /DTD/],
  ['a parameter entity', () => multipart(`<!DOCTYPE data [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x"> %p;]>${eoOk()}`), 400, /DTD/],
  ['an undeclared entity reference', () => multipart(eoOk('<model>&nope;</model>')), 400, /not well-formed XML|entity/i],
  ['a form that does not exist', () => multipart(eoOk().replace('demine_eo', 'demine_nope')), 404, /form 'demine_nope' does not exist on this server/],
  ['no form id', () => multipart('<data><meta><instanceID>x</instanceID></meta></data>'), 404, /form '\(no id attribute\)' does not exist/],
  ['an old form version', () => multipart(eo('<category>uxo</category>', id(), '0000000000000000')), 404, /version '0000000000000000' does not exist \(the current version is [0-9a-f]{16}\): download the form again/],
  ['no form version', () => multipart(`<data id="demine_eo"><meta><instanceID>${id()}</instanceID></meta></data>`), 404, /version '\(none\)' does not exist/],
  ['an encrypted envelope (fixture)', () => multipart(fixture('submissions/encrypted/one.xml')), 400, /encrypted submissions are refused/],
  ['central-backend simple (fixture)', () => multipart(fixture('submissions/simple/one.xml')), 404, /form 'simple' does not exist/],
  ['central-backend withrepeat (fixture)', () => multipart(fixture('submissions/withrepeat/one.xml')), 404, /form 'withrepeat' does not exist/],
  ['central-backend binaryType with its attachment (fixture)', () => multipart(fixture('submissions/binaryType/both.xml'), [['my_file1.mp4', Buffer.from('\0\0\0\x18ftypmp42'), 'video/mp4']]), 404, /form 'binaryType' does not exist/],
  ['no instanceID', () => multipart(`<data id="demine_eo" version="${v.demine_eo}"><category>uxo</category><quantity>1</quantity><location>40.13 46.85</location></data>`), 400, /no meta\/instanceID/],
  ['an instanceID of 300 bytes', () => multipart(eoOk().replace(/uuid:bad-\d+/, 'x'.repeat(300))), 400, /instanceID is longer than 127 bytes/],
  ['a question the form does not have', () => multipart(eoOk('<colour>red</colour>')), 422, /form demine_eo has no question 'colour'/],
  ['elements inside a value', () => multipart(eoOk('<model><b>TM</b></model>')), 422, /question model holds elements/],
  ['a required answer missing (category)', () => multipart(eo('<location>40.1391648 46.8582301 0 5</location><quantity>1</quantity>')), 422, /category/],
  ['quantity 0', () => multipart(eo('<location>40.1391648 46.8582301 0 5</location><category>uxo</category><quantity>0</quantity>')), 422, /quantity.*at least 1/],
  ['quantity as words', () => multipart(eo('<location>40.1391648 46.8582301 0 5</location><category>uxo</category><quantity>many</quantity>')), 422, /quantity|many/],
  ['a negative depth', () => multipart(eoOk('<depth_cm>-5</depth_cm>')), 422, /depth_cm/],
  ['a value not in the list', () => multipart(eo('<location>40.1391648 46.8582301 0 5</location><category>nuke</category><quantity>1</quantity>')), 422, /'nuke'/],
  ['a date that is not a date', () => multipart(eoOk('<find_date>2026-02-30</find_date>')), 422, /find_date|2026-02-30/],
  ['a hazard code that does not exist', () => multipart(eoOk('<hazard>HAZ-XXX-99999</hazard>')), 422, /HAZ-XXX-99999/],
  ['a geopoint latitude of 95', () => multipart(eo('<location>95 46.85 0 4</location><category>uxo</category><quantity>1</quantity>')), 422, /outside latitude -90..90/],
  ['a geopoint that is words', () => multipart(eo('<location>here</location><category>uxo</category><quantity>1</quantity>')), 422, /is not an ODK point/],
  ['no geopoint', () => multipart(eo('<category>uxo</category><quantity>1</quantity>')), 422, /location is required/],
  ['coordinates outside the country (Paris)', () => multipart(eo('<location>48.8566 2.3522 0 4</location><category>uxo</category><quantity>1</quantity>')), 422, /outside/],
  ['a geoshape of 3 points', () => multipart(nts(`<geo_method>polygon</geo_method><shape>${pts([[40.15, 46.87], [40.151, 46.87], [40.15, 46.87]])}</shape>`)), 422, /at least 4 points/],
  ['a geoshape that is not closed', () => multipart(nts(`<geo_method>polygon</geo_method><shape>${pts([[40.15, 46.87], [40.151, 46.87], [40.151, 46.871], [40.15, 46.871]])}</shape>`)), 422, /not closed/],
  ['a self-crossing geoshape', () => multipart(nts(`<geo_method>polygon</geo_method><shape>${pts([[40.15, 46.87], [40.151, 46.871], [40.151, 46.87], [40.15, 46.871], [40.15, 46.87]])}</shape>`)), 422, /self-intersect/],
  ['a geo_method that does not exist', () => multipart(nts('<geo_method>guess</geo_method>')), 422, /'guess' is not polygon, turning_points or point/],
  ['turning points with 2 legs', () => multipart(nts('<geo_method>turning_points</geo_method><tp><bm>40.16 46.88 0 3</bm><leg><bearing>0</bearing><distance>100</distance></leg><leg><bearing>90</bearing><distance>100</distance></leg></tp>')), 422, /at least 3 legs/],
  ['a turning point bearing of 400', () => multipart(nts(`<geo_method>turning_points</geo_method><tp><bm>40.16 46.88 0 3</bm>${['0', '90', '400'].map((b) => `<leg><bearing>${b}</bearing><distance>100</distance></leg>`).join('')}</tp>`)), 422, /400/],
  ['an operator posting for another organisation', () => multipart(eoOk(`<organisation>${other}</organisation>`)), 403, /organisation|may not/],
  ['a donor, who writes no field records', () => multipart(eoOk()), 403, /donor|may not/, { role: 'donor' }],
  ['an executable as a photo', () => multipart(eoOk('<photo><image>x.jpg</image></photo>'), [['x.jpg', Buffer.from('MZ\x90\0\x03\0\0\0'), 'image/jpeg']]), 415, /attachment x.jpg is not a photo or a sound demine accepts/],
  ['HTML as a photo', () => multipart(eoOk('<photo><image>y.png</image></photo>'), [['y.png', Buffer.from('<html><script>alert(1)</script>'), 'image/png']]), 415, /attachment y.png is not a photo/],
  ['a photo over 10 MB', () => multipart(eoOk('<photo><image>big.jpg</image></photo>'), [['big.jpg', Buffer.concat([jpeg, Buffer.alloc(11 << 20)]), 'image/jpeg']]), 413, /attachment big.jpg is \d+ bytes, more than the 10485760 allowed/],
  ['a photo with a path as its name', () => multipart(eoOk('<photo><image>../../etc/passwd</image></photo>')), 422, /not a plain file name/],
  ['more than 50 files', () => multipart(eoOk(), Array.from({ length: 53 }, (_, i) => [`f${i}.jpg`, jpeg, 'image/jpeg'])), 400, /more than 50 files/],
  ['a body over 16 MB', () => multipart(eoOk(), [['huge.jpg', Buffer.concat([jpeg, Buffer.alloc(17 << 20)]), 'image/jpeg']]), 413, /larger than/],
];

test(`${cases.length} hostile submissions: each answered clearly, nothing written`, async () => {
  assert.ok(cases.length >= 40);
  const log = () => Number(sql(s.db, 'SELECT COUNT(*) FROM field_submission'));
  let digest = dataDigest(s.db, SKIP);
  for (const [name, make, status, pattern, opts = {}] of cases) {
    const before = log();
    const r = await post(make(), opts);
    assert.equal(r.status, status, `${name}: ${r.status} ${r.text}`);
    if (status !== 413 || r.text.includes('OpenRosaResponse')) {
      assert.match(r.text, /<OpenRosaResponse xmlns="http:\/\/openrosa.org\/http\/response"><message nature="error">/, name);
      assert.equal(r.headers.get('x-openrosa-version'), '1.0', name);
    }
    assert.match(r.text, pattern, `${name}: ${r.text}`);
    assert.doesNotMatch(r.text, /root:x:0/, `${name}: no file content leaks`);
    const d = dataDigest(s.db, SKIP);
    assert.equal(d, digest, `${name} changed the data`);
    digest = d;
    // a submission refused by validation is kept, with its reason, for the IM officer
    if (status === 422) assert.equal(log(), before + 1, `${name}: kept as rejected`);
    else assert.equal(log(), before, `${name}: nothing kept`);
  }
  const rejected = (await api(s, 'im_officer', 'GET', '/api/v1/field/submissions?state=rejected')).json.submissions;
  assert.ok(rejected.length >= 15);
  assert.ok(rejected.every((x) => x.reason && x.state === 'rejected' && x.record_id === null));
  assert.equal((await api(s, 'operator', 'GET', '/api/v1/field/submissions')).status, 403, 'the IM officer\'s list');
});

test('credentials: none gets the challenge, a wrong password 401, nothing written', async () => {
  const digest = dataDigest(s.db, SKIP);
  const none = await post(multipart(eoOk()), { auth: null });
  assert.equal(none.status, 401);
  assert.match(none.headers.get('www-authenticate'), /Digest realm="demine"/);
  const wrong = await post(multipart(eoOk()), { auth: 'Basic ' + Buffer.from('operator:wrong-password').toString('base64') });
  assert.equal(wrong.status, 401);
  assert.match(wrong.text, /wrong user name or password/);
  const junk = await post(multipart(eoOk()), { auth: 'Digest username="operator", nonce="x", response="y"' });
  assert.equal(junk.status, 401);
  assert.equal(dataDigest(s.db, SKIP), digest);
});

test('fixtures: duplicates of a central-backend submission are refused alike, twice', async () => {
  const xml = fixture('submissions/simple/two.xml');
  const a = await post(multipart(xml));
  const b = await post(multipart(xml));
  assert.equal(a.status, 404);
  assert.equal(b.text, a.text);
});
