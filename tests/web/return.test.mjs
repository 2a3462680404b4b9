// The Return page (issue 17): the demo settlements on a map coloured by readiness (drawn from the
// settlement tiles), a table sortable by priority and remaining hazardous area whose figures are
// the exported records', and a settlement's page with its hazards, routes and status history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, finish, newPage, signIn, shot, mapIdle, renderedIds, exported, ready } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await finish(env); });

test('Return page: the map and table of settlements, sorted by priority then by hazardous area', async () => {
  const settlements = exported(env.s, 'settlement', { approved: true }).features;
  assert.equal(settlements.length, 16);
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'viewer');
  await page.goto('/#/return');
  await ready(page);
  await mapIdle(page);
  assert.deepEqual((await renderedIds(page, ['settlement-point', 'settlement-fill'])).sort(),
    settlements.map((f) => f.id).sort(), 'every settlement drawn');
  const colours = await page.evaluate(() => window.__demine.map.queryRenderedFeatures({ layers: ['settlement-point'] })
    .map((f) => [f.properties.readiness_status, f.layer.paint['circle-color'].toString()]));
  assert.ok(colours.some(([s]) => s === 'blocked') && colours.some(([s]) => s === 'cleared_for_return'));
  const byStatus = new Map(colours);
  assert.notEqual(byStatus.get('blocked'), byStatus.get('cleared_for_return'), 'statuses differ in colour');
  const n = (st) => settlements.filter((f) => f.properties.readiness_status === st).length;
  assert.equal(await page.locator('#return-counts').textContent(),
    `16 settlements: ${n('blocked')} blocked, ${n('in_progress')} in progress, ${n('cleared_for_return')} cleared for return`);
  const codes = async () => page.locator('#return-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.code));
  const byPriority = [...settlements].sort((a, b) => a.properties.return_priority - b.properties.return_priority).map((f) => f.properties.code);
  assert.deepEqual(await codes(), byPriority, 'in return-plan order');
  await shot(page, 'return');
  await page.locator('#return-table th button[data-sort="hazard_within_m2"]').click();
  await page.locator('#return-table th button[data-sort="hazard_within_m2"]').click(); // largest first
  const first = await page.locator('#return-table tbody tr').first().getAttribute('data-code');
  const largest = [...settlements].sort((a, b) => b.properties.hazard_within_m2 - a.properties.hazard_within_m2)[0];
  assert.equal(first, largest.properties.code);
  assert.equal(await page.locator('#return-table th[aria-sort="descending"]').count(), 1);
  await page.locator('#return-table tbody a').first().click();
  await ready(page);
  assert.match(await page.locator('h1').textContent(), new RegExp(`\\(${largest.properties.code}\\)$`));
  assert.deepEqual(page.errors, []);
});

test('a settlement page lists the hazards near it, its routes and the history of its status', async () => {
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'viewer');
  const gerger = exported(env.s, 'settlement', { approved: true }).features.find((f) => f.properties.name_en === 'Gerger');
  await page.goto(`/#/return/${gerger.id}`);
  await ready(page);
  assert.match(await page.locator('h1').textContent(), /^Gerger \(SET-AGD-\d{5}\)$/);
  assert.match(await page.locator('#readiness-reasons li').first().textContent(), /^1 open SHA within 500 m: HAZ-AGD-00004/);
  assert.deepEqual(await page.locator('#readiness-hazards tbody a').allTextContents(), ['HAZ-AGD-00004']);
  assert.equal(await page.locator('#readiness-history li').count(), 1);
  assert.match(await page.locator('#readiness-projection').textContent(), /^No area released by these tasks since /);
  await shot(page, 'return-settlement');
  const aghdam = exported(env.s, 'settlement', { approved: true }).features.find((f) => f.properties.name_en === 'Aghdam');
  await page.goto(`/#/return/${aghdam.id}`);
  await ready(page);
  assert.match(await page.locator('#readiness-routes li').first().textContent(), /R-01 Aghdam access road.*crosses HAZ-AGD-00004/);
  await page.locator('#readiness-routes').waitFor();
  // the page in Azerbaijani
  await page.selectOption('#lang', 'az');
  await page.waitForFunction(() => [...document.querySelectorAll('h2')].some((e) => e.textContent === 'Giriş yolları və infrastruktur'));
  assert.equal(await page.locator('#readiness-reasons li').count(), 1);
  assert.deepEqual(page.errors, []);
});
