// The map: the demo hazards are drawn from our vector tiles, a click opens the record, the
// cursor shows WGS84 and UTM 38N coordinates, filters and layers act on the drawing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, finish, newPage, signIn, shot, mapIdle, renderedIds, exported, bboxOf } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await finish(env); });

test('the map draws every approved demo hazard and a click opens its record', async () => {
  const hazards = exported(env.s, 'hazard', { approved: true }).features.filter((f) => f.geometry);
  assert.ok(hazards.length >= 20, `demo has ${hazards.length} approved hazards`);
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'viewer');
  await page.goto(`/#/map?focus=${bboxOf(hazards).join(',')}`);
  await mapIdle(page);
  const ids = (kind) => hazards.filter((f) => (kind === 'point') === (f.geometry.type === 'Point')).map((f) => f.id).sort();
  assert.ok(ids('point').length > 0 && ids('area').length > 20);
  assert.deepEqual((await renderedIds(page, 'hazard-fill')).sort(), ids('area'), 'hazard outlines drawn = approved hazard outlines');
  assert.deepEqual((await renderedIds(page, 'hazard-point')).sort(), ids('point'), 'hazards known as a point drawn as circles');
  await shot(page, 'map');
  const agdam = hazards.filter((f) => f.properties.code.startsWith('HAZ-AGD'));
  await page.evaluate((b) => window.__demine.map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 40, duration: 0 }), bboxOf(agdam));
  await mapIdle(page);
  await shot(page, 'map-agdam');

  // Zoom to one hazard, click inside it, follow the popup's link.
  const target = hazards.find((f) => f.properties.code === 'HAZ-AGD-00002');
  await page.evaluate((b) => window.__demine.map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 100, duration: 0 }), bboxOf([target]));
  await mapIdle(page);
  const point = await page.evaluate((id) => {
    const m = window.__demine.map;
    const c = m.getCanvas();
    for (let y = 10; y < c.clientHeight; y += 8) for (let x = 10; x < c.clientWidth; x += 8) {
      if (m.queryRenderedFeatures([x, y], { layers: ['hazard-fill'] }).some((f) => f.properties.id === id)) {
        const r = c.getBoundingClientRect();
        return { x: r.left + x, y: r.top + y };
      }
    }
    return null;
  }, target.id);
  assert.ok(point, 'a pixel of the hazard');
  await page.mouse.move(point.x, point.y);
  const coords = await page.locator('.coords').textContent();
  assert.match(coords, /^WGS84 40\.\d{6}° 46\.\d{6}° {2}· {2}UTM 38N \d{6} E \d{7} N$/);
  await page.mouse.click(point.x, point.y);
  const link = page.locator('.maplibregl-popup a.popup-link', { hasText: 'HAZ-AGD-00002' });
  await link.waitFor();
  await shot(page, 'map-popup');
  await link.click();
  await page.locator('#record-code', { hasText: 'HAZ-AGD-00002' }).waitFor();
  assert.equal(await page.locator('#record-fields [data-field="hazard_type"]').textContent(), 'Minefield');
  await mapIdle(page, 'mini');
  await shot(page, 'record');
  assert.deepEqual(page.errors, []);
});

test('filters and the layer switcher change what is drawn', async () => {
  const hazards = exported(env.s, 'hazard', { approved: true }).features.filter((f) => f.geometry);
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'viewer');
  await page.goto(`/#/map?focus=${bboxOf(hazards).join(',')}`);
  await mapIdle(page);
  await page.getByLabel('Hazard status').selectOption('closed');
  await mapIdle(page);
  const closed = hazards.filter((f) => f.properties.land_status === 'closed').map((f) => f.id).sort();
  assert.ok(closed.length > 0);
  assert.deepEqual((await renderedIds(page, 'hazard')).sort(), closed);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByLabel('Hazardous area', { exact: true }).uncheck();
  await mapIdle(page);
  assert.deepEqual(await renderedIds(page, 'hazard'), []);
  await shot(page, 'map-filtered');
  assert.deepEqual(page.errors, []);
});

test('the search box finds places in any spelling and records by code', async () => {
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'viewer');
  await page.goto('/#/map');
  await mapIdle(page);
  const box = page.getByLabel('Search code or place');
  await box.fill('füzuli');
  await page.locator('#search-results button', { hasText: 'Fuzuli District' }).click();
  await page.waitForFunction(() => { const c = window.__demine.map.getCenter(); return !window.__demine.map.isMoving() && c.lng > 47.04 && c.lng < 47.67 && c.lat > 39.36 && c.lat < 39.77; });
  await box.fill('HAZ-AGD-00002');
  await page.locator('#search-results button', { hasText: 'HAZ-AGD-00002' }).click();
  await page.locator('.maplibregl-popup a', { hasText: 'HAZ-AGD-00002' }).click();
  await page.locator('#record-code', { hasText: 'HAZ-AGD-00002' }).waitFor();
  await shot(page, 'search');
  assert.deepEqual(page.errors, []);
});
