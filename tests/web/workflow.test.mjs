// The approval workflow in the browser: an operator creates a hazard from a GeoJSON file and
// submits it, an IM officer reviews and approves it (it appears on the map) or rejects it with
// a reason (the operator sees the reason); the API's validation messages sit by their fields.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, finish, newPage, signIn, shot, mapIdle, renderedIds } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await finish(env); });

const square = (x, y, d = 0.004) => ({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {},
  geometry: { type: 'Polygon', coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] } }] });

// As the operator: a new hazard from a GeoJSON file, submitted; returns {id, code}.
async function createAndSubmit(page, name, geojson) {
  await page.goto('/#/records/hazard');
  await page.locator('#new-record').click();
  await page.locator('input[name="name"]').fill(name);
  await page.locator('select[name="category"]').selectOption('sha');
  await page.locator('select[name="hazard_type"]').selectOption('minefield');
  await page.locator('select[name="land_status"]').selectOption('open');
  await page.locator('input[name="date_of_information"]').fill('2026-10-01');
  await page.locator('input[name="geometry"]').setInputFiles({ name: 'hazard.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(geojson)) });
  await page.locator('.minimap canvas').waitFor();
  await page.locator('#save').click();
  await page.locator('#record-code').waitFor();
  await page.locator('h1 .badge.draft').waitFor();
  const code = await page.locator('#record-code').textContent();
  const id = page.url().split('/').pop();
  await page.locator('#submit').click();
  await page.locator('h1 .badge.submitted').waitFor();
  return { id, code };
}

async function openReview(page, code) {
  await page.goto('/#/inbox');
  await page.locator('#inbox a', { hasText: code }).click();
  await page.locator('#diff').waitFor();
}

test('operator creates and submits, IM officer approves, the hazard is on the map', async () => {
  const op = await newPage(env.browser, env.s);
  await signIn(op, 'operator');
  const { id, code } = await createAndSubmit(op, 'Test hazard, village edge', square(46.95, 39.62));
  assert.match(code, /^HAZ-[A-Z]{3}-\d{5}$/);
  await op.goto('/#/inbox');
  await op.locator(`#inbox tr[data-code="${code}"] .badge.submitted`).waitFor();

  const im = await newPage(env.browser, env.s);
  await signIn(im, 'im_officer');
  await openReview(im, code);
  assert.equal(await im.locator('#diff tr[data-field="hazard_type"] td.new').textContent(), 'Minefield');
  assert.match(await im.locator('#diff thead').textContent(), /No approved version yet/);
  await mapIdle(im, 'mini');
  await shot(im, 'review');
  await im.locator('#approve').click();
  await im.locator('#inbox').waitFor();
  assert.equal(await im.locator(`#inbox tr[data-code="${code}"]`).count(), 0, 'no longer waiting');

  const viewer = await newPage(env.browser, env.s);
  await signIn(viewer, 'viewer');
  await viewer.goto('/#/map?focus=46.94,39.61,46.96,39.63');
  await mapIdle(viewer);
  assert.ok((await renderedIds(viewer, 'hazard')).includes(id), 'the approved hazard is drawn');
  await shot(viewer, 'map-approved');
  for (const p of [op, im, viewer]) assert.deepEqual(p.errors, []);
});

test('IM officer rejects with a reason and the operator sees it', async () => {
  const op = await newPage(env.browser, env.s);
  await signIn(op, 'operator');
  const { code } = await createAndSubmit(op, 'Test hazard to reject', square(46.97, 39.64));
  const im = await newPage(env.browser, env.s);
  await signIn(im, 'im_officer');
  await openReview(im, code);
  await im.locator('#reject').click();
  await im.getByText('Give the reason for the rejection.').waitFor();
  await im.locator('#reject-reason-input').fill('Polygon overlaps HAZ-FZL-00001; survey again');
  await im.locator('#reject').click();
  await im.locator('#inbox').waitFor();

  await op.goto('/#/inbox');
  const row = op.locator(`#inbox tr[data-code="${code}"]`);
  await row.locator('.badge.rejected').waitFor();
  assert.equal(await row.locator('td.reason').textContent(), 'Polygon overlaps HAZ-FZL-00001; survey again');
  await row.locator('a').click();
  assert.equal(await op.locator('#reject-reason').textContent(), 'Rejected: Polygon overlaps HAZ-FZL-00001; survey again');
  await mapIdle(op, 'mini');
  await shot(op, 'rejected');
  for (const p of [op, im]) assert.deepEqual(p.errors, []);
});

test('the API validation messages are shown next to their fields', async () => {
  const op = await newPage(env.browser, env.s);
  await signIn(op, 'operator');
  await op.goto('/#/new/hazard');
  await op.locator('select[name="hazard_type"]').selectOption('minefield');
  const bowtie = { type: 'Polygon', coordinates: [[[46.9, 39.7], [46.91, 39.71], [46.91, 39.7], [46.9, 39.71], [46.9, 39.7]]] };
  await op.locator('input[name="geometry"]').setInputFiles({ name: 'bad.geojson', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bowtie)) });
  await op.locator('#save').click();
  const geomErr = op.locator('[data-field="geometry"] .field-error');
  await geomErr.waitFor();
  assert.match(await geomErr.textContent(), /self-intersects at \(46\.905000 39\.705000\)/);
  // every problem at once (issue 25): the missing category beside the geometry's error
  assert.equal(await op.locator('[data-field="category"] .field-error').textContent(), 'required but missing');
  // a valid outline, but the category and land status are missing
  await op.locator('input[name="geometry"]').setInputFiles({ name: 'ok.geojson', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(square(46.9, 39.7))) });
  await op.locator('#save').click();
  await op.locator('[data-field="category"].invalid').waitFor();
  assert.equal(await op.locator('[data-field="category"] .field-error').textContent(), 'required but missing');
  assert.equal(await op.locator('[data-field="land_status"] .field-error').textContent(), 'required but missing');
  assert.equal(await geomErr.textContent(), '', 'the geometry error is gone');
  await shot(op, 'validation');
  // the refused request is the only console message
  assert.deepEqual(op.errors.filter((e) => !/status of 422/.test(e)), []);
});

test('a hazard outline drawn on the map', async () => {
  const op = await newPage(env.browser, env.s);
  await signIn(op, 'operator');
  await op.goto('/#/new/hazard');
  await op.locator('select[name="category"]').selectOption('cha');
  await op.locator('select[name="hazard_type"]').selectOption('battle_area');
  await op.locator('select[name="land_status"]').selectOption('open');
  await mapIdle(op, 'mini');
  await op.locator('#draw').click();
  const box = await op.locator('.minimap canvas').boundingBox();
  await op.locator('#draw-finish').click();
  await op.getByText('An outline needs at least three corners.').waitFor();
  for (const [fx, fy] of [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6]]) await op.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
  await op.locator('#draw-finish').click();
  await op.locator('#save').click();
  await op.locator('#record-code').waitFor();
  const area = Number((await op.locator('#record-fields [data-field="area_m2"]').textContent()).replace(/[^\d]/g, ''));
  assert.ok(area > 1e6, `a drawn square of ${area} m²`);
  await shot(op, 'drawn');
  assert.deepEqual(op.errors, []);
});

test('a change to an approved hazard is reviewed field by field and outline against outline', async () => {
  const op = await newPage(env.browser, env.s);
  await signIn(op, 'operator');
  await op.goto('/#/record/hazard/HAZ-AGD-00004');
  await op.locator('#edit').click();
  await op.locator('select[name="priority"]').selectOption('high');
  await op.locator('input[name="geometry"]').setInputFiles({ name: 'new.geojson', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(square(46.80, 40.10, 0.006))) });
  await op.locator('textarea[name="change_reason"]').fill('resurveyed: the outline is larger');
  await op.locator('#save').click();
  await op.locator('h1 .badge.draft').waitFor();
  await op.locator('#submit').click();
  await op.locator('h1 .badge.submitted').waitFor();

  const im = await newPage(env.browser, env.s);
  await signIn(im, 'im_officer');
  await openReview(im, 'HAZ-AGD-00004');
  const priority = im.locator('#diff tr[data-field="priority"]');
  assert.equal(await priority.getAttribute('class'), 'changed');
  assert.equal(await priority.locator('td.new').textContent(), 'High');
  for (const f of ['hazard_type', 'blockages', 'contamination']) assert.equal(await im.locator(`#diff tr[data-field="${f}"]`).getAttribute('class'), null, `${f} unchanged`);
  await mapIdle(im, 'mini');
  const shapes = await im.evaluate(() => ['old', 'new'].map((s) => window.__demine.mini.querySourceFeatures(s).length));
  assert.ok(shapes[0] > 0 && shapes[1] > 0, 'both outlines on the small map');
  await shot(im, 'review-change');
  assert.deepEqual([...op.errors, ...im.errors], []);
});
