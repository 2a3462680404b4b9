// The dashboard's figures equal what this test computes itself from `demine export --approved`
// (not from the stats API the dashboard reads); each chart has a table view and a CSV.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { start, finish, newPage, signIn, shot, ready, exported } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await finish(env); });

const props = (s, type) => exported(s, type, { approved: true }).features.map((f) => ({ ...f.properties, id: f.id }));
const add = (map, key, field, v) => { const o = map.get(key) || {}; o[field] = (o[field] || 0) + (Number(v) || 0); map.set(key, o); };

// The figures, from the exported records.
function expected(s) {
  const places = new Map(props(s, 'location').map((p) => [p.id, p]));
  const district = (id) => {
    for (let p = places.get(id); p; p = places.get(p.parent)) if (p.kind === 'adm2') return p.pcode || p.abbr;
    return '';
  };
  const remaining = new Map();
  for (const h of props(s, 'hazard')) {
    if (h.land_status === 'closed') continue;
    add(remaining, district(h.location), 'remaining_m2', h.remaining_m2);
    add(remaining, district(h.location), 'hazards', 1);
  }
  const items = new Map();
  for (const f of props(s, 'eo_find')) {
    if (!/^destroyed/.test(f.disposition || '') || !f.category) continue;
    add(items, f.category, 'quantity', f.quantity);
    add(items, f.category, 'finds', 1);
  }
  const eore = new Map();
  for (const e of props(s, 'eore_session')) {
    if (!e.session_date) continue;
    const m = e.session_date.slice(0, 7);
    add(eore, m, 'sessions', 1);
    for (const k of ['girls', 'boys', 'women', 'men']) add(eore, m, k, e[k]);
  }
  const released = new Map();
  for (const r of props(s, 'land_release')) {
    if (!r.end_date) continue;
    const k = `${r.end_date.slice(0, 7)}|${r.method}|${r.result}`;
    add(released, k, 'area_m2', r.area_m2);
    add(released, k, 'releases', 1);
  }
  const accidents = new Map(props(s, 'accident').map((a) => [a.id, a]));
  const casualties = new Map();
  for (const v of props(s, 'victim')) {
    const a = accidents.get(v.accident);
    if (!a?.accident_date) continue;
    let age = v.age;
    if (age === null || age === undefined) {
      if (v.date_of_birth) {
        const [y, m, d] = v.date_of_birth.split('-').map(Number);
        const [ay, am, ad] = a.accident_date.split('-').map(Number);
        age = ay - y - (am < m || (am === m && ad < d) ? 1 : 0);
      }
    }
    const group = age === null || age === undefined ? 'unknown' : age < 18 ? 'child' : 'adult';
    const k = `${a.accident_date.slice(0, 4)}|${v.sex || 'unknown'}|${group}`;
    add(casualties, k, v.outcome, 1);
    add(casualties, k, 'total', 1);
  }
  return { remaining, items, eore, released, casualties };
}

// The rows of a chart's table, from the raw values the cells carry.
async function tableRows(page, id) {
  return page.locator(`#table-${id} tbody tr`).evaluateAll((trs) => trs.map((tr) =>
    Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.key, td.dataset.value]))));
}

function compare(rows, want, keyOf, fields, what) {
  const got = new Map(rows.map((r) => [keyOf(r), r]));
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${what}: the same rows`);
  for (const [k, w] of want) {
    for (const f of fields) assert.ok(Math.abs(Number(got.get(k)[f]) - (w[f] || 0)) < 0.01, `${what} ${k} ${f}: shown ${got.get(k)[f]}, computed ${w[f] || 0}`);
  }
}

test('the dashboard shows the figures of the approved records', async () => {
  const want = expected(env.s);
  assert.ok(want.remaining.size >= 3 && want.items.size >= 2 && want.eore.size >= 2, 'the demo has data for each chart');
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'im_officer');
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await ready(page);
  await page.locator('#chart-released canvas').waitFor();
  await page.waitForTimeout(300);
  await shot(page, 'dashboard', { fullPage: true });

  compare(await tableRows(page, 'remaining'), want.remaining, (r) => r.adm2, ['remaining_m2', 'hazards'], 'remaining');
  compare(await tableRows(page, 'items'), want.items, (r) => r.category, ['quantity', 'finds'], 'items');
  compare(await tableRows(page, 'eore'), want.eore, (r) => r.month, ['sessions', 'girls', 'boys', 'women', 'men'], 'eore');
  compare(await tableRows(page, 'released'), want.released, (r) => `${r.month}|${r.method}|${r.result}`, ['area_m2', 'releases'], 'released');
  compare(await tableRows(page, 'casualties'), want.casualties, (r) => `${r.year}|${r.sex}|${r.age_group}`, ['killed', 'injured', 'total'], 'casualties');

  // The table view, and its CSV, hold the same figures.
  const card = page.locator('#chart-items');
  await card.getByRole('button', { name: 'Table' }).click();
  assert.ok(await card.locator('table').isVisible());
  const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'CSV' }).click()]);
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\r\n').map((l) => l.split(','));
  assert.deepEqual(csv[0], ['category', 'quantity', 'finds']);
  for (const [cat, q] of csv.slice(1).map((r) => [r[0], Number(r[1])])) assert.equal(q, want.items.get(cat).quantity);
  await shot(page, 'dashboard-table');

  // Funding in another currency: the header and the amounts follow the chooser.
  await page.locator('#currency').selectOption('USD');
  await page.locator('#chart-funding h2', { hasText: 'USD' }).waitFor();
  const grants = props(env.s, 'grant');
  const funding = await tableRows(page, 'funding');
  const unconverted = await page.locator('#chart-funding .unconverted li').count();
  assert.equal(funding.reduce((a, r) => a + Number(r.grants), 0) + unconverted, grants.length, 'every grant counted or named');
  assert.ok(funding.length > 0);
  assert.deepEqual(page.errors, []);
});

test('the dashboard filters by date range and district', async () => {
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'viewer');
  await page.goto('/#/dashboard');
  await ready(page);
  const releases = props(env.s, 'land_release').filter((r) => r.end_date && r.end_date >= '2023-01-01' && r.end_date <= '2023-12-31');
  await page.getByLabel('From', { exact: true }).fill('2023-01-01');
  await page.getByLabel('To', { exact: true }).fill('2023-12-31');
  await page.getByRole('button', { name: 'Apply' }).click();
  await ready(page);
  const rows = await tableRows(page, 'released');
  assert.ok(rows.length > 0 && rows.every((r) => r.month.startsWith('2023-')));
  assert.equal(rows.reduce((a, r) => a + Number(r.releases), 0), releases.length);
  const remaining = await tableRows(page, 'remaining');
  const one = remaining[0].adm2;
  await page.getByLabel('District', { exact: true }).selectOption(one);
  await page.getByRole('button', { name: 'Apply' }).click();
  await ready(page);
  assert.deepEqual((await tableRows(page, 'remaining')).map((r) => r.adm2), [one]);
  await shot(page, 'dashboard-filtered');
  assert.deepEqual(page.errors, []);
});
