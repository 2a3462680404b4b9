// records.test.mjs: the national database through the command line: create, version,
// workflow, history, as-of, deletion, erasure, links, CSV and GeoJSON round trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demine, ok, json, freshDb, writeJson, fc, feature, square, dbDigest, STORE } from './helpers.mjs';

function seedOrg(t, db, dir) {
  const f = writeJson(dir, 'orgs.geojson', fc([
    feature({ name: 'Mine Action Agency', short_name: 'ANAMA', kind: 'national_authority', country: 'AZ', external_id: 'IMSMA-ORG-1' }),
    feature({ name: 'Safe Lands LLC', kind: 'operator_commercial', country: 'AZ' }),
  ]));
  ok(['import', '--db', db, '--type', 'organisation', f, '--approve', '--reason', 'seed']);
}

test('init refuses an existing database unless --force', () => {
  const { db, cleanup } = freshDb();
  try {
    const r = demine(['init', '--db', db]);
    assert.equal(r.code, 1);
    if (STORE === 'postgres') {
      // demine never drops a PostgreSQL database's tables: that is the administrator's call
      assert.match(r.stderr, /already holds a demine schema/);
      assert.match(demine(['init', '--db', db, '--force']).stderr, /not replaced by demine/);
      return;
    }
    assert.match(r.stderr, /already exists/);
    ok(['init', '--db', db, '--force']);
  } finally { cleanup(); }
});

test('usage errors exit 2', () => {
  assert.equal(demine([]).code, 2);
  assert.equal(demine(['frobnicate']).code, 2);
  assert.equal(demine(['list', '--db', 'x.db']).code, 2); // no --type
  assert.equal(demine(['show']).code, 2);
  const r = demine(['update', '--db', 'x.db', 'HAZ-1', '--set', 'a=b']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /expect-version/);
});

test('DEMINE_DB replaces --db', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    seedOrg(null, db, dir);
    const r = json(['list', '--type', 'organisation', '--json'], { env: { DEMINE_DB: db } });
    assert.equal(r.items.length, 2);
  } finally { cleanup(); }
});

test('a record goes draft, submitted, rejected, submitted, approved; history keeps every version', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    seedOrg(null, db, dir);
    const f = writeJson(dir, 'h.geojson', fc([feature({
      category: 'sha', hazard_type: 'minefield', land_status: 'open', contamination: ['ap_mine', 'at_mine'],
      organisation: 'IMSMA-ORG-1', date_of_information: '2021-10-01', external_id: 'IMSMA-HAZ-77',
    }, square(46.90, 39.95, 0.002))]));
    const imp = ok(['import', '--db', db, '--type', 'hazard', f], { user: 'operator1' });
    assert.match(imp.stdout, /1 created/);
    const list = json(['list', '--db', db, '--type', 'hazard', '--json']);
    assert.equal(list.items.length, 1);
    const h = list.items[0];
    assert.equal(h.status, 'draft');
    assert.equal(h.version, 1);
    assert.equal(h.approved_version, null);
    assert.equal(h.created_by, 'operator1');
    assert.match(h.code, /^HAZ-/);
    assert.deepEqual(h.contamination, ['ap_mine', 'at_mine']);
    assert.equal(h.geometry.type, 'Polygon');
    assert.ok(h.area_m2 > 30000 && h.area_m2 < 40000, `area ${h.area_m2}`);

    ok(['submit', '--db', db, h.code]);
    let r = demine(['reject', '--db', db, h.code]);
    assert.equal(r.code, 2); // reason required
    ok(['reject', '--db', db, h.code, '--reason', 'polygon does not follow the fence line']);
    let s = json(['show', '--db', db, h.code, '--json']);
    assert.equal(s.status, 'rejected');
    assert.equal(s.status_reason, 'polygon does not follow the fence line');
    r = demine(['approve', '--db', db, h.code]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not submitted/);
    ok(['submit', '--db', db, h.code]);
    ok(['approve', '--db', db, h.code], { user: 'imofficer' });
    s = json(['show', '--db', db, h.id, '--json']);
    assert.equal(s.status, 'approved');
    assert.equal(s.version, 5);
    assert.equal(s.approved_version, 5);
    const hist = json(['history', '--db', db, h.code, '--json']).items;
    assert.deepEqual(hist.map((v) => v.status), ['draft', 'submitted', 'rejected', 'submitted', 'approved']);
    assert.deepEqual(hist.map((v) => v.version), [1, 2, 3, 4, 5]);
    assert.equal(hist[4].updated_by, 'imofficer');
  } finally { cleanup(); }
});

test('an approved record keeps its approved version while a proposal waits', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    seedOrg(null, db, dir);
    const f = writeJson(dir, 'h.geojson', fc([feature({ category: 'sha', hazard_type: 'minefield', land_status: 'open' }, square(46.9, 39.9, 0.001))]));
    ok(['import', '--db', db, '--type', 'hazard', f, '--approve', '--reason', 'legacy import']);
    const h = json(['list', '--db', db, '--type', 'hazard', '--json']).items[0];
    assert.equal(h.status, 'approved');
    assert.equal(h.change_reason, 'legacy import');
    const u = ok(['update', '--db', db, h.code, '--set', 'priority=high', '--set', 'category=cha', '--expect-version', '1', '--reason', 'direct evidence found']);
    assert.match(u.stdout, /version 2 \(draft\)/);
    const newest = json(['show', '--db', db, h.code, '--json']);
    assert.equal(newest.version, 2);
    assert.equal(newest.category, 'cha');
    assert.equal(newest.approved_version, 1);
    const approved = json(['show', '--db', db, h.code, '--approved', '--json']);
    assert.equal(approved.version, 1);
    assert.equal(approved.category, 'sha');
    const text = ok(['show', '--db', db, h.code]).stdout;
    assert.match(text, /approved version is 1/);
  } finally { cleanup(); }
});

test('a stale version is refused and nothing is overwritten', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    seedOrg(null, db, dir);
    const org = json(['list', '--db', db, '--type', 'organisation', '--json']).items[0];
    ok(['update', '--db', db, org.code, '--set', 'short_name=AGENCY', '--expect-version', '1', '--reason', 'r1']);
    const before = dbDigest(db);
    const r = demine(['update', '--db', db, org.code, '--set', 'short_name=STALE', '--expect-version', '1', '--reason', 'r2']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /version 2, not 1/);
    assert.equal(dbDigest(db), before);
  } finally { cleanup(); }
});

test('as-of shows a record as it stood at a past time', async () => {
  const { db, dir, cleanup } = freshDb();
  try {
    seedOrg(null, db, dir);
    const org = json(['list', '--db', db, '--type', 'organisation', '--json']).items[0];
    const t1 = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    ok(['update', '--db', db, org.code, '--set', 'short_name=NEW', '--expect-version', '1', '--reason', 'rename']);
    const then = json(['show', '--db', db, org.code, '--as-of', t1, '--json']);
    assert.equal(then.short_name, 'ANAMA');
    assert.equal(then.version, 1);
    const now = json(['show', '--db', db, org.code, '--json']);
    assert.equal(now.short_name, 'NEW');
    const r = demine(['show', '--db', db, org.code, '--as-of', '2001-01-01']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /did not exist yet/);
    const bad = demine(['show', '--db', db, org.code, '--as-of', 'yesterday']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /ISO 8601/);
    const exp = JSON.parse(ok(['export', '--db', db, '--type', 'organisation', '--as-of', t1]).stdout);
    assert.equal(exp.features.find((f) => f.id === org.id).properties.short_name, 'ANAMA');
  } finally { cleanup(); }
});

test('deletion is a flagged version with a reason; nothing is destroyed', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    seedOrg(null, db, dir);
    const org = json(['list', '--db', db, '--type', 'organisation', '--json']).items[1];
    assert.equal(demine(['delete', '--db', db, org.code, '--expect-version', '1']).code, 2);
    ok(['delete', '--db', db, org.code, '--expect-version', '1', '--reason', 'duplicate of ORG-00001']);
    const list = json(['list', '--db', db, '--type', 'organisation', '--json']).items;
    assert.equal(list.length, 1);
    const gone = json(['show', '--db', db, org.code, '--json']);
    assert.equal(gone.deleted, true);
    assert.equal(gone.change_reason, 'duplicate of ORG-00001');
    assert.equal(json(['history', '--db', db, org.code, '--json']).items.length, 2);
  } finally { cleanup(); }
});

test('links name their target by id, code or external id, and a missing target is refused', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    seedOrg(null, db, dir);
    const hz = writeJson(dir, 'hz.geojson', fc([feature({ category: 'cha', hazard_type: 'minefield', land_status: 'open', external_id: 'OLD-H1' }, square(46.9, 39.9, 0.002))]));
    ok(['import', '--db', db, '--type', 'hazard', hz, '--approve', '--reason', 'legacy']);
    const rel = writeJson(dir, 'rel.geojson', fc([feature({ hazard: 'OLD-H1', method: 'clearance', result: 'cleared', operator: 'IMSMA-ORG-1' }, square(46.9, 39.9, 0.001))]));
    ok(['import', '--db', db, '--type', 'land_release', rel]);
    const h = json(['list', '--db', db, '--type', 'hazard', '--json']).items[0];
    const r = json(['list', '--db', db, '--type', 'land_release', '--json']).items[0];
    assert.equal(r.hazard, h.id);
    const bad = writeJson(dir, 'bad.geojson', fc([feature({ hazard: 'HAZ-NOPE-99999', method: 'nts', result: 'cancelled' }, square(46.9, 39.9, 0.001))]));
    const res = demine(['import', '--db', db, '--type', 'land_release', bad]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /feature 1.*hazard.*no hazard record 'HAZ-NOPE-99999'/);
  } finally { cleanup(); }
});

test('CSV export with HXL and import back', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    seedOrg(null, db, dir);
    const out = join(dir, 'orgs.csv');
    ok(['export', '--db', db, '--type', 'organisation', '--format', 'csv', '--hxl', '-o', out]);
    const text = readFileSync(out, 'utf8');
    const lines = text.split('\r\n');
    assert.match(lines[0], /^id,type,code,/);
    assert.match(lines[1], /#meta\+id/);
    assert.match(text, /Mine Action Agency/);
    // a new database takes the CSV (without id/version, as new drafts)
    const other = freshDb();
    try {
      const csv = join(dir, 'new.csv');
      const rows = ['name,kind,country,accredited_activities', '"Demining, NGO ""Hope""",operator_ngo,AZ,nts;ts;clearance'];
      writeJson(dir, 'new.csv', rows.join('\r\n') + '\r\n');
      ok(['import', '--db', other.db, '--type', 'organisation', csv]);
      const o = json(['list', '--db', other.db, '--type', 'organisation', '--json']).items[0];
      assert.equal(o.name, 'Demining, NGO "Hope"');
      assert.deepEqual(o.accredited_activities, ['nts', 'ts', 'clearance']);
    } finally { other.cleanup(); }
  } finally { cleanup(); }
});

test('GeoJSON export round-trips through import as updates under the version check', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    seedOrg(null, db, dir);
    const exp = JSON.parse(ok(['export', '--db', db, '--type', 'organisation']).stdout);
    assert.equal(exp.type, 'FeatureCollection');
    assert.equal(exp.features.length, 2);
    exp.features[0].properties.short_name = 'CHANGED';
    const f = writeJson(dir, 'back.geojson', exp);
    const r = ok(['import', '--db', db, '--type', 'organisation', f, '--reason', 'bulk edit']);
    // the record edited gets a version; the one brought back as it was writes none (issue 25)
    assert.match(r.stdout, /1 updated, 1 unchanged/);
    const again = demine(['import', '--db', db, '--type', 'organisation', f, '--reason', 'bulk edit']);
    assert.equal(again.code, 1); // versions are stale now
    assert.match(again.stderr, /not 1/);
  } finally { cleanup(); }
});

test('personal data can be erased in every version, and the erasure is audited', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    const acc = writeJson(dir, 'acc.geojson', fc([feature({ accident_date: '2022-05-01', accident_kind: 'civilian', device_category: 'at_mine', activity: 'agriculture' }, { type: 'Point', coordinates: [47.1, 39.6] })]));
    ok(['import', '--db', db, '--type', 'accident', acc]);
    const a = json(['list', '--db', db, '--type', 'accident', '--json']).items[0];
    const v = writeJson(dir, 'v.geojson', fc([feature({ accident: a.code, sex: 'male', age: 34, outcome: 'injured', name: 'Elvin Mammadov', address: 'Horadiz' })]));
    ok(['import', '--db', db, '--type', 'victim', v]);
    const vic = json(['list', '--db', db, '--type', 'victim', '--json']).items[0];
    ok(['update', '--db', db, vic.code, '--set', 'contact=+994 50 000 00 00', '--expect-version', '1', '--reason', 'phone added']);
    assert.equal(demine(['erase', '--db', db, vic.code]).code, 2);
    ok(['erase', '--db', db, vic.code, '--reason', 'request of the person, letter 2026/14']);
    for (const ver of json(['history', '--db', db, vic.code, '--json']).items) {
      assert.equal(ver.name, null);
      assert.equal(ver.address, null);
      assert.equal(ver.contact, null);
      assert.equal(ver.age, 34);
    }
    const dump = JSON.stringify(json(['export', '--db', db, '--type', 'victim']));
    assert.doesNotMatch(dump, /Mammadov/);
  } finally { cleanup(); }
});

test('extra fields declared by a deployment are validated like builtin ones', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    ok(['field', 'add', '--db', db, '--type', 'hazard', '--name', 'anama_sector', '--kind', 'enum', '--values', 'north;south;east;west', '--label', 'ANAMA sector']);
    const good = writeJson(dir, 'g.geojson', fc([feature({ category: 'sha', hazard_type: 'minefield', land_status: 'open', anama_sector: 'north' }, square(46.9, 39.9, 0.001))]));
    ok(['import', '--db', db, '--type', 'hazard', good]);
    const h = json(['list', '--db', db, '--type', 'hazard', '--json']).items[0];
    assert.equal(h.anama_sector, 'north');
    const bad = writeJson(dir, 'b.geojson', fc([feature({ category: 'sha', hazard_type: 'minefield', land_status: 'open', anama_sector: 'up' }, square(46.9, 39.9, 0.001))]));
    const r = demine(['import', '--db', db, '--type', 'hazard', bad]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /anama_sector/);
    const dup = demine(['field', 'add', '--db', db, '--type', 'hazard', '--name', 'category', '--kind', 'text']);
    assert.equal(dup.code, 1);
    const schema = json(['schema', '--db', db, '--json']);
    assert.ok(JSON.stringify(schema).includes('anama_sector'));
  } finally { cleanup(); }
});

test('schema documents every record type in Markdown', () => {
  const md = ok(['schema', '--markdown']).stdout;
  for (const t of ['organisation', 'location', 'hazard', 'task', 'land_release', 'eo_find', 'accident', 'victim',
    'va_service', 'eore_session', 'qm_inspection', 'agreement', 'grant', 'disbursement', 'exchange_rate']) {
    assert.match(md, new RegExp(`\\b${t}\\b`));
  }
  assert.match(md, /remaining_m2/);
  assert.match(md, /Təhlükəli|Опасн/);
});
