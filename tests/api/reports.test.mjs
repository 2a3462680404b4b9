// reports.test.mjs: GET /api/v1/reports and /api/v1/reports/{name} on the demo data: the
// listing, each format with its media type and file name, figures equal to the dashboard's
// for the same filter, role rules (a donor sees only its own grants' donor report), bad
// parameters answered 400/422 naming the parameter, and no personal data in any report.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, api, token, BIN } from './helpers.mjs';

let s, france;
const P = 'from=2021-01-01&to=2026-12-31';
before(async () => {
  s = await startServer({
    setup(db) {
      // a donor user of France's ministry (the donor of GRT-00001)
      const orgs = JSON.parse(spawnSync(BIN, ['list', '--db', db, '--type', 'organisation', '--json'], { encoding: 'utf8' }).stdout).items;
      france = orgs.find((o) => o.name === 'Ministry for Europe and Foreign Affairs');
      const r = spawnSync(BIN, ['user', 'add', '--db', db, '--name', 'fr_donor', '--role', 'donor', '--org', france.id],
        { input: 'pw-france-donor\n', env: { ...process.env, DEMINE_ARGON2_FAST: '1' }, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
    },
  });
  const r = await fetch(`${s.url}/api/v1/tokens`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'fr_donor', password: 'pw-france-donor' }),
  });
  s.tokens.fr_donor = (await r.json()).token;
});
after(async () => { await s.stop(); });

const get = (role, path) => api(s, role, 'GET', path);

test('the listing names the reports in the language asked', async () => {
  const r = await get('viewer', '/api/v1/reports?lang=ru');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map((i) => i.name), ['national', 'article7', 'casualties', 'donor', 'return']);
  assert.match(r.json.items[0].title, /Национальный/);
  assert.deepEqual(r.json.formats, ['pdf', 'xlsx', 'csv', 'html', 'json']);
  assert.equal((await get(null, '/api/v1/reports')).status, 401);
});

test('each format with its media type and a file name; the figures are the dashboard\'s', async () => {
  for (const [format, type] of [['pdf', /^application\/pdf/], ['xlsx', /spreadsheetml/], ['html', /^text\/html/],
    ['json', /^application\/json/], ['csv', /^text\/csv/]]) {
    const table = format === 'csv' ? '&table=items' : '';
    const r = await fetch(`${s.url}/api/v1/reports/national?${P}&format=${format}${table}`,
      { headers: { Authorization: `Bearer ${s.tokens.im_officer}` } });
    const body = Buffer.from(await r.arrayBuffer());
    assert.equal(r.status, 200, `${format}: ${body.toString()}`);
    assert.match(r.headers.get('content-type'), type);
    assert.match(r.headers.get('content-disposition'), new RegExp(`filename="national-2021-01-01-2026-12-31${format === 'csv' ? '-items' : ''}\\.${format}"`));
    if (format === 'pdf') assert.equal(body.subarray(0, 5).toString(), '%PDF-');
    if (format === 'xlsx') assert.equal(body.subarray(0, 2).toString(), 'PK');
  }
  const model = (await get('im_officer', `/api/v1/reports/national?${P}&area=AZE-ADM2-54616110B70488291`)).json;
  const released = (await get('im_officer', `/api/v1/stats/released?${P}&adm2=AZE-ADM2-54616110B70488291`)).json.items;
  const sum = (a, k) => a.reduce((x, i) => x + i[k], 0);
  const inReport = model.sections.find((x) => x.key === 'summary_area').rows.find((r) => r.key === 'released').current;
  assert.ok(Math.abs(inReport - sum(released, 'area_m2')) < 0.01, `${inReport} vs ${sum(released, 'area_m2')}`);
  const items = (await get('im_officer', `/api/v1/stats/items?${P}`)).json.items;
  const whole = (await get('im_officer', `/api/v1/reports/national?${P}`)).json;
  for (const it of items) {
    const row = whole.sections.find((x) => x.key === 'items').rows.find((r) => r.category_code === it.category);
    assert.equal(row.quantity, it.quantity, it.category);
  }
});

test('a donor sees only the donor report of its own grants', async () => {
  assert.equal((await get('fr_donor', `/api/v1/reports/national?${P}`)).status, 403);
  const own = await get('fr_donor', `/api/v1/reports/donor?${P}&grant=GRT-00001`);
  assert.equal(own.status, 200, own.text);
  assert.deepEqual(own.json.sections[0].rows.map((r) => [r.currency, r.amount]), [['EUR', '400000.00'], ['AZN', '803272.00']]);
  const other = await get('fr_donor', `/api/v1/reports/donor?${P}&grant=GRT-00002`);
  assert.ok([403, 404].includes(other.status), other.text);
  assert.equal(other.json.error.field, 'grant');
  // a donor without an organisation sees none
  assert.equal((await get('donor', `/api/v1/reports/donor?${P}&grant=GRT-00001`)).status, 403);
});

test('no personal data in any report', async () => {
  const victims = JSON.parse(spawnSync(BIN, ['list', '--db', s.db, '--type', 'victim', '--json'], { encoding: 'utf8' }).stdout).items;
  const names = victims.map((v) => v.name).filter(Boolean);
  assert.ok(names.length > 0, 'the demo has named victims');
  for (const name of ['national', 'article7', 'casualties']) {
    for (const format of ['json', 'html']) {
      const r = await get('admin', `/api/v1/reports/${name}?${P}&format=${format}`);
      assert.equal(r.status, 200, r.text);
      for (const n of names) assert.ok(!r.text.includes(n), `${name} ${format} shows ${n}`);
    }
  }
});

test('bad parameters are refused naming the parameter', async () => {
  for (const [path, status, field] of [
    [`/api/v1/reports/nope?${P}`, 404, 'report'],
    ['/api/v1/reports/national?from=2024-02-01&to=2024-01-01', 422, 'to'],
    ['/api/v1/reports/national?from=2000-01-01&to=2024-01-01', 422, 'to'],
    ['/api/v1/reports/national?to=2024-01-01', 422, 'from'],
    [`/api/v1/reports/national?${P}&area=AZ-NOWHERE`, 422, 'area'],
    [`/api/v1/reports/donor?${P}&grant=GRT-99999`, 422, 'grant'],
    [`/api/v1/reports/national?${P}&lang=de`, 422, 'lang'],
    [`/api/v1/reports/national?${P}&format=docx`, 400, 'format'],
    [`/api/v1/reports/national?${P}&format=csv`, 422, 'table'],
    [`/api/v1/reports/national?${P}&colour=red`, 400, 'colour'],
  ]) {
    const r = await get('im_officer', path);
    assert.equal(r.status, status, `${path}: ${r.text}`);
    assert.equal(r.json.error.field, field, path);
  }
});
