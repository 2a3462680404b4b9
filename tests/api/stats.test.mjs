// stats.test.mjs: the dashboard figures (GET /api/v1/stats/...) and search (GET /api/v1/search)
// on the demo data: shapes, France's grant converted at the demo's rates, role rules, bad
// parameters, and place names found in every spelling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, api, BIN, ROLES } from './helpers.mjs';

const FIGURES = ['released', 'remaining', 'items', 'casualties', 'eore', 'funding'];
let s;
before(async () => { s = await startServer({ pub: true }); });
after(async () => { await s.stop(); });

const get = (role, path) => api(s, role, 'GET', path);

test('every figure answers {items, from, to} with its own item members', async () => {
  const members = {
    released: ['month', 'method', 'result', 'area_m2', 'releases'],
    remaining: ['adm2', 'name_en', 'name_az', 'name_ru', 'remaining_m2', 'hazards'],
    items: ['category', 'quantity', 'finds'],
    casualties: ['year', 'sex', 'age_group', 'killed', 'injured', 'total'],
    eore: ['month', 'sessions', 'girls', 'boys', 'women', 'men'],
    funding: ['donor', 'donor_name', 'grants', 'amount', 'amount_minor'],
  };
  for (const f of FIGURES) {
    const r = await get('viewer', `/api/v1/stats/${f}`);
    assert.equal(r.status, 200, `${f}: ${r.text}`);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.ok(Array.isArray(r.json.items) && r.json.items.length > 0, `${f} has items`);
    assert.equal(r.json.from, null);
    assert.equal(r.json.to, null);
    for (const it of r.json.items) for (const m of members[f]) assert.ok(m in it, `${f} item has ${m}: ${JSON.stringify(it)}`);
  }
  const rel = (await get('viewer', '/api/v1/stats/released?from=2023-01-01&to=2023-12-31')).json;
  assert.equal(rel.from, '2023-01-01');
  assert.equal(rel.to, '2023-12-31');
  assert.ok(rel.items.length > 0 && rel.items.every((i) => i.month >= '2023-01' && i.month <= '2023-12'));
  assert.ok(rel.items.every((i) => ['nts', 'ts', 'clearance'].includes(i.method) && typeof i.area_m2 === 'number'));
  const cas = (await get('viewer', '/api/v1/stats/casualties')).json.items;
  assert.ok(cas.every((c) => ['child', 'adult', 'unknown'].includes(c.age_group) && c.total === c.killed + c.injured));
  const eore = (await get('viewer', '/api/v1/stats/eore')).json.items;
  assert.ok(eore.every((e) => /^\d{4}-\d{2}$/.test(e.month) && e.sessions >= 1));
});

test('remaining area equals the approved hazards the record API lists', async () => {
  const list = await get('viewer', '/api/v1/hazard?version=approved&limit=1000');
  assert.equal(list.status, 200);
  const open = list.json.items.filter((h) => h.land_status !== 'closed' && !h.deleted);
  const want = open.reduce((a, h) => a + h.remaining_m2, 0);
  const fig = (await get('viewer', '/api/v1/stats/remaining')).json.items;
  const got = fig.reduce((a, d) => a + d.remaining_m2, 0);
  assert.ok(Math.abs(got - want) < 0.01 * fig.length + 0.01, `remaining ${got} vs ${want}`);
  assert.equal(fig.reduce((a, d) => a + d.hazards, 0), open.length);
  const fuzuli = fig.find((d) => d.name_en === 'Fuzuli District');
  assert.ok(fuzuli && fuzuli.name_az === 'Füzuli rayonu' && fuzuli.name_ru === 'Физулинский район');
  const only = await get('viewer', `/api/v1/stats/remaining?adm2=${encodeURIComponent(fuzuli.adm2)}`);
  assert.equal(only.status, 200, only.text);
  assert.deepEqual(only.json.items, [fuzuli]);
});

test("France's EUR 400,000 is AZN 803,272.00 and USD 472,752.00 at the demo's rates", async () => {
  const want = { EUR: ['400000.00', 40000000], AZN: ['803272.00', 80327200], USD: ['472752.00', 47275200] };
  for (const [cur, [amount, minor]] of Object.entries(want)) {
    const r = await get('im_officer', `/api/v1/stats/funding?currency=${cur}&from=2021-09-08&to=2021-09-08`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.currency, cur);
    assert.equal(r.json.items.length, 1, JSON.stringify(r.json));
    const [it] = r.json.items;
    assert.equal(it.donor_name, 'Ministry for Europe and Foreign Affairs');
    assert.equal(it.amount, amount);
    assert.equal(it.amount_minor, minor);
    assert.equal(it.grants, 1);
    assert.deepEqual(r.json.unconverted, []);
  }
  // grants of days without a rate are listed with the reason, never converted at a guess
  const all = (await get('im_officer', '/api/v1/stats/funding?currency=AZN')).json;
  assert.ok(all.unconverted.length >= 1);
  for (const u of all.unconverted) {
    assert.match(u.code, /^GRT-/);
    assert.match(u.reason, /rate/);
    assert.notEqual(u.currency, 'AZN');
  }
});

test('a donor sees the funding of its own grants only; figures are the approved ones for every role', async () => {
  const fr = (await get('im_officer', '/api/v1/stats/funding?currency=EUR&from=2021-09-08&to=2021-09-08')).json.items[0].donor;
  const add = spawnSync(BIN, ['user', 'add', '--db', s.db, '--name', 'donor_fr', '--role', 'donor', '--org', fr],
    { input: 'paris-grant-key-3\n', env: { ...process.env, DEMINE_ARGON2_FAST: '1' }, encoding: 'utf8' });
  assert.equal(add.status, 0, add.stderr);
  const t = await fetch(`${s.url}/api/v1/tokens`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'donor_fr', password: 'paris-grant-key-3' }),
  });
  assert.equal(t.status, 201);
  s.tokens.donor_fr = (await t.json()).token;
  const mine = (await get('donor_fr', '/api/v1/stats/funding?currency=EUR')).json;
  assert.deepEqual(mine.items.map((i) => i.donor), [fr]);
  assert.equal(mine.items[0].amount, '400000.00');
  const everyone = (await get('im_officer', '/api/v1/stats/funding?currency=EUR')).json;
  assert.ok(everyone.items.length > 1);
  const noOrg = (await get('donor', '/api/v1/stats/funding')).json;
  assert.deepEqual(noOrg.items, []);
  // drafts and submissions never count: every role gets the same official figures
  for (const f of ['released', 'remaining', 'items', 'eore', 'casualties']) {
    const ref = (await get('im_officer', `/api/v1/stats/${f}`)).json;
    for (const role of ROLES) {
      const r = await get(role, `/api/v1/stats/${f}`);
      assert.equal(r.status, 200, `${role} ${f}`);
      assert.deepEqual(r.json, ref, `${role} ${f}`);
    }
  }
});

test('the public role gets released and remaining land only; without --public nothing', async () => {
  for (const f of ['released', 'remaining']) {
    const r = await get(null, `/api/v1/stats/${f}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length > 0);
  }
  for (const f of ['items', 'casualties', 'eore', 'funding']) {
    const r = await get(null, `/api/v1/stats/${f}`);
    assert.equal(r.status, 403, `${f}: ${r.text}`);
    assert.equal(r.json.error.code, 'forbidden');
  }
  const r = await get(null, '/api/v1/search?q=VIC-');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.items, []);
  const places = await get(null, '/api/v1/search?q=fuzuli');
  assert.ok(places.json.items.length > 0);
  const closed = await startServer({ login: false });
  try {
    for (const p of ['/api/v1/stats/released', '/api/v1/search?q=fuzuli']) assert.equal((await api(closed, null, 'GET', p)).status, 401, p);
  } finally {
    await closed.stop();
  }
});

test('bad parameters are refused naming the parameter', async () => {
  const cases = [
    ['/api/v1/stats/released?from=2024-13-01', 422, 'from'],
    ['/api/v1/stats/released?from=', 422, 'from'],
    ['/api/v1/stats/items?to=yesterday', 422, 'to'],
    ['/api/v1/stats/eore?from=2024-05-01&to=2024-04-30', 422, 'to'],
    ['/api/v1/stats/casualties?organisation=ANAMA', 422, 'organisation'],
    ['/api/v1/stats/remaining?adm2=AZ-NOWHERE', 422, 'adm2'],
    ['/api/v1/stats/funding?currency=XYZ', 422, 'currency'],
    ['/api/v1/stats/funding?currency=eur', 422, 'currency'],
    ['/api/v1/stats/released?currency=EUR', 400, 'currency'],
    ['/api/v1/stats/released?year=2024', 400, 'year'],
    ['/api/v1/stats/released?from=2024-01-01&from=2024-02-01', 400, 'from'],
    ['/api/v1/search', 422, 'q'],
    ['/api/v1/search?q=', 422, 'q'],
    ['/api/v1/search?q=%20%20', 422, 'q'],
    ['/api/v1/search?q=%FF', 400, 'q'], // every query parameter is checked as UTF-8 first
    [`/api/v1/search?q=${'a'.repeat(201)}`, 422, 'q'],
    ['/api/v1/search?q=fuzuli&limit=0', 422, 'limit'],
    ['/api/v1/search?q=fuzuli&limit=101', 422, 'limit'],
    ['/api/v1/search?q=fuzuli&limit=ten', 422, 'limit'],
    ['/api/v1/search?q=fuzuli&type=hazard', 400, 'type'],
  ];
  for (const [p, status, field] of cases) {
    const r = await get('viewer', p);
    assert.equal(r.status, status, `${p}: ${r.text}`);
    assert.equal(r.json.error.field, field, p);
    assert.ok(r.json.error.message.length > 5, p);
  }
  assert.equal((await api(s, 'im_officer', 'POST', '/api/v1/stats/released', { body: {} })).status, 405);
});

test("search finds Füzuli in every spelling and hazards by code prefix", async () => {
  const town = [];
  for (const q of ['Füzuli', 'fuzuli', 'FUZULI', 'Физули', 'физули']) {
    const r = await get('viewer', `/api/v1/search?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, r.text);
    const hit = r.json.items.find((i) => i.kind === 'place' && i.code === 'LOC-FZL-00001');
    assert.ok(hit, `${q}: ${r.text.slice(0, 300)}`);
    assert.equal(hit.type, 'location');
    assert.deepEqual(Object.keys(hit.names).sort(), ['az', 'en', 'ru']);
    assert.equal(hit.bbox.length, 4);
    town.push(hit.id);
  }
  assert.equal(new Set(town).size, 1);
  const codes = await get('viewer', '/api/v1/search?q=haz-fzl&limit=100');
  assert.equal(codes.status, 200);
  const hz = codes.json.items;
  assert.ok(hz.length >= 4);
  for (const i of hz) {
    assert.equal(i.kind, 'record');
    assert.equal(i.type, 'hazard');
    assert.match(i.code, /^HAZ-FZL-/);
    assert.ok(i.names === null && Array.isArray(i.bbox) && i.bbox[0] <= i.bbox[2] && i.bbox[1] <= i.bbox[3]);
  }
  assert.ok(!hz.some((i) => i.code === 'HAZ-FZL-00007'), 'a submission is not shown to a viewer');
  const im = (await get('im_officer', '/api/v1/search?q=HAZ-FZL&limit=100')).json.items;
  assert.ok(im.some((i) => i.code === 'HAZ-FZL-00007'), 'an IM officer sees it');
  const one = (await get('viewer', '/api/v1/search?q=HAZ-FZL-00001')).json;
  assert.deepEqual(one.items.map((i) => i.code), ['HAZ-FZL-00001']);
  assert.equal((await get('viewer', '/api/v1/search?q=h&limit=3')).json.items.length, 3);
});
