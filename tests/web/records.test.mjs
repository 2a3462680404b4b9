// Record lists (filter, sort, page, CSV and GeoJSON downloads) and the record page (links,
// history timeline), checked against the command line's view of the same database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { start, finish, newPage, signIn, shot, ready, exported } from './helpers.mjs';
import { ok } from './server.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await finish(env); });

const cli = (args) => JSON.parse(ok([...args, '--db', env.s.db, '--json']).stdout).items;
const codes = (page) => page.locator('#records-table tbody tr td:first-child a').allTextContents();

test('a list filters, sorts, pages and downloads what it shows', async () => {
  const all = cli(['list', '--type', 'hazard']).filter((r) => !r.deleted);
  const approved = all.filter((r) => r.status === 'approved').map((r) => r.code).sort();
  assert.ok(approved.length > 25, 'more than one page of approved hazards');
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'im_officer');
  await page.goto('/#/records/hazard');
  await ready(page);
  await page.getByLabel('Status').selectOption('approved');
  await page.getByRole('button', { name: 'Apply' }).click();
  await ready(page);
  await page.locator('#records-table th button', { hasText: 'Code' }).click();
  await ready(page);
  const first = await codes(page);
  assert.deepEqual(first, approved.slice(0, 25), 'first page, by code');
  await page.getByRole('button', { name: 'Next' }).click();
  await ready(page);
  assert.deepEqual(await codes(page), approved.slice(25, 50), 'second page');
  assert.ok(await page.getByRole('button', { name: 'Next' }).isDisabled());
  await shot(page, 'records');
  await page.locator('#records-table th button', { hasText: 'Code' }).click();
  await ready(page);
  assert.equal((await codes(page))[0], approved.at(-1), 'descending');

  const [csvDl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  const lines = readFileSync(await csvDl.path(), 'utf8').trim().split('\r\n');
  assert.equal(lines.length, approved.length + 1, 'a header and every approved hazard');
  assert.match(lines[0], /^id,code,status,version,organisation,location,date_of_information,name,category,hazard_type/);
  const [geoDl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download GeoJSON' }).click()]);
  const fc = JSON.parse(readFileSync(await geoDl.path(), 'utf8'));
  assert.deepEqual(fc.features.map((f) => f.properties.code).sort(), approved);
  const geometries = new Map(exported(env.s, 'hazard', { approved: true }).features.map((f) => [f.properties.code, f.geometry]));
  for (const f of fc.features) assert.deepEqual(f.geometry, geometries.get(f.properties.code), `${f.properties.code} geometry`);
  assert.deepEqual(page.errors, []);
});

test('a record page shows its links and its history', async () => {
  const history = cli(['history', 'HAZ-AGD-00002']);
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'im_officer');
  await page.goto('/#/record/hazard/HAZ-AGD-00002');
  await ready(page);
  assert.equal(await page.locator('#history > li').count(), history.length);
  assert.match(await page.locator('#history > li').first().textContent(), new RegExp(`Version ${history.at(-1).version}`));
  const releases = cli(['list', '--type', 'land_release']).filter((r) => r.hazard === history[0].id).map((r) => r.code).sort();
  assert.ok(releases.length > 0);
  for (const code of releases) await page.locator('#linked a', { hasText: code }).waitFor();
  await page.locator('#linked a', { hasText: releases[0] }).click();
  await ready(page);
  assert.equal(await page.locator('#record-code').textContent(), releases[0]);
  await shot(page, 'release');
  await page.locator('#record-fields [data-field="hazard"] a', { hasText: 'HAZ-AGD-00002' }).click();
  await ready(page);
  assert.equal(await page.locator('#record-code').textContent(), 'HAZ-AGD-00002');
  assert.deepEqual(page.errors, []);
});

test('"as it stood on" shows an older version, or says the record did not exist yet', async () => {
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'im_officer');
  await page.goto('/#/record/hazard/HAZ-AGD-00002');
  await ready(page);
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel('As it stood on').fill(today);
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await ready(page);
  assert.match(await page.locator('.notice').first().textContent(), /^As it stood on .* \(version \d+\)\.$/);
  assert.equal(await page.locator('#edit').count(), 0, 'a past version is not edited');
  await page.goto('/#/record/hazard/HAZ-AGD-00002?as_of=2000-01-01');
  await ready(page);
  await page.getByText('The record did not exist yet on 1 Jan 2000.').waitFor();
  await shot(page, 'as-of');
  assert.deepEqual(page.errors.filter((e) => !/status of 404/.test(e)), []);
});
