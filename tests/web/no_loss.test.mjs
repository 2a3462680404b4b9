// no_loss.test.mjs: nothing a user typed or drew is lost without a word (issue 25 part 1): an
// unfinished outline is not dropped by Create draft, saving without geometry asks first, a cut
// network and an expired session keep the typed text and say so in the user's language, a
// deep link opened in a new tab goes straight to the record, every problem of a record is shown
// beside its field at once, and the review page tells the truth about outlines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, finish, newPage, signIn, shot, mapIdle, ready, exported } from './helpers.mjs';
import { api, newHazard } from './server.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await finish(env); });

const count = (type) => exported(env.s, type).features.length;
// Console lines a cut network or a refused request produce by design (the browser logs them).
const expected = (e) => /ERR_INTERNET_DISCONNECTED|status of (401|422)|Failed to load resource/.test(e);

async function hazardForm(page) {
  await page.goto('/#/new/hazard');
  await ready(page);
  await page.locator('input[name="name"]').fill('Orchard edge, north of the village');
  await page.locator('select[name="category"]').selectOption('sha');
  await page.locator('select[name="hazard_type"]').selectOption('minefield');
  await page.locator('select[name="land_status"]').selectOption('open');
}

test('an outline with two corners is not dropped by Create draft: refused with the reason, then finished', async () => {
  const op = await newPage(env.browser, env.s);
  await signIn(op, 'operator');
  await hazardForm(op);
  await mapIdle(op, 'mini');
  const before = count('hazard');
  await op.locator('#draw').click();
  const box = await op.locator('.minimap canvas').boundingBox();
  for (const [fx, fy] of [[0.4, 0.4], [0.6, 0.4]]) await op.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
  await op.locator('#save').click();
  const err = op.locator('[data-field="geometry"] .field-error');
  await op.locator('[data-field="geometry"].invalid').waitFor();
  assert.match(await err.textContent(), /has only 2 corners; it needs at least three.*Nothing was saved/);
  assert.match(op.url(), /#\/new\/hazard$/, 'still on the form');
  assert.equal(count('hazard'), before, 'nothing saved');
  await shot(op, 'outline-unfinished');
  // a third corner: Create draft finishes the outline and saves it with the record
  await op.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.6);
  await op.locator('#save').click();
  await op.locator('#record-code').waitFor();
  const code = await op.locator('#record-code').textContent();
  const saved = exported(env.s, 'hazard').features.find((f) => f.properties.code === code);
  assert.equal(saved.geometry.type, 'Polygon');
  assert.equal(saved.geometry.coordinates[0].length, 4, 'three corners and the closing one');
  assert.ok(saved.properties.location, 'located in a district');
  assert.deepEqual(op.errors, []);
});

test('Create draft without any geometry asks first', async () => {
  const op = await newPage(env.browser, env.s);
  await signIn(op, 'operator');
  await hazardForm(op);
  const before = count('hazard');
  await op.locator('#save').click();
  await op.locator('#save-no-geometry').waitFor();
  assert.match(await op.locator('#form-errors').textContent(), /no location on the map\. Save it without one\?/);
  assert.equal(count('hazard'), before, 'not saved before the answer');
  await op.locator('#save-no-geometry').click();
  await op.locator('#record-code').waitFor();
  assert.equal(count('hazard'), before + 1);
  assert.deepEqual(op.errors, []);
});

test('with the network cut, Create draft and Records say so in the user\'s language', async () => {
  for (const [lang, want] of [['en', /no connection to the server/i], ['ru', /нет связи с сервером/i]]) {
    const op = await newPage(env.browser, env.s, { lang });
    await signIn(op, 'operator');
    await hazardForm(op);
    await op.locator('input[name="geometry"]').setInputFiles({ name: 'h.geojson', mimeType: 'application/geo+json',
      buffer: Buffer.from(JSON.stringify({ type: 'Polygon', coordinates: [[[46.95, 39.62], [46.954, 39.62], [46.954, 39.624], [46.95, 39.624], [46.95, 39.62]]] })) });
    await op.context().setOffline(true);
    await op.locator('#save').click();
    await op.locator('#form-offline').waitFor();
    assert.match(await op.locator('#form-offline').textContent(), want);
    assert.equal(await op.locator('input[name="name"]').inputValue(), 'Orchard edge, north of the village', 'the typed text stays');
    await shot(op, `offline-form-${lang}`);
    await op.goto('/#/records/hazard').catch(() => {}); // a hash change: the app stays loaded
    await op.locator('#load-error').waitFor();
    const text = await op.locator('#load-error').textContent();
    assert.match(text, want);
    assert.doesNotMatch(text, /Failed to fetch|dynamically imported/);
    await op.context().setOffline(false);
    assert.deepEqual(op.errors.filter((e) => !expected(e)), [], 'no exception');
    await op.context().close();
  }
});

test('a session expiring under a half-filled form keeps the text (no personal fields) and comes back to it', async () => {
  const va = await newPage(env.browser, env.s);
  await signIn(va, 'va_officer');
  await va.goto('/#/new/victim');
  await ready(va);
  await va.locator('input[name="name"]').fill('Elvin Mammadov');
  await va.locator('input[name="age"]').fill('34');
  await va.locator('select[name="sex"]').selectOption('male');
  await va.waitForTimeout(500); // the draft is kept a moment after typing
  const stored = await va.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith('demine.draft:')));
  assert.equal(stored.length, 1);
  assert.match(stored[0][1], /"age":34/);
  assert.doesNotMatch(stored[0][1], /Elvin|Mammadov/, 'a victim\'s name is never kept on the device');
  await va.context().clearCookies(); // the session is gone on the server's side as far as this tab knows
  await va.locator('#save').click();
  await va.locator('#login-expired').waitFor();
  assert.match(await va.locator('#login-expired').textContent(), /session has expired.*kept on this device/);
  await va.getByLabel(/user name/i).fill('va_officer');
  await va.getByLabel(/^password$/i).fill((await import('./helpers.mjs')).password('va_officer'));
  await va.locator('form.login button[type=submit]').click();
  await va.locator('#draft-restored').waitFor();
  assert.match(va.url(), /#\/new\/victim$/, 'back to the page asked for');
  assert.equal(await va.locator('input[name="age"]').inputValue(), '34');
  assert.equal(await va.locator('select[name="sex"]').inputValue(), 'male');
  assert.equal(await va.locator('input[name="name"]').inputValue(), '', 'personal fields are typed again');
  assert.match(await va.locator('#draft-restored').textContent(), /Personal data .* is never kept on the device/);
  await shot(va, 'draft-restored');
  assert.deepEqual(va.errors.filter((e) => !expected(e)), []);
});

test('a deep link opened in a new tab goes straight to the record; signed out, sign-in returns to it', async () => {
  const im = await newPage(env.browser, env.s);
  await signIn(im, 'im_officer');
  const tab = await im.context().newPage();
  await tab.goto('/#/record/hazard/HAZ-AGD-00001');
  await tab.locator('#record-code').waitFor();
  assert.equal(await tab.locator('#record-code').textContent(), 'HAZ-AGD-00001');
  assert.equal(await tab.locator('form.login').count(), 0);
  // the new tab can write too (its CSRF token came with /api/v1/me)
  const status = await tab.evaluate(async () => (await fetch('/api/v1/hazard/HAZ-AGD-00001', {
    method: 'PATCH', headers: { 'Content-Type': 'application/json', 'If-Match': '"1"', 'X-CSRF-Token': sessionStorage.getItem('demine.csrf') },
    body: JSON.stringify({ priority: 'high', change_reason: 'x' }) })).status);
  assert.equal(status, 412, 'past the CSRF check, refused only for its stale version');
  // a browser that is not signed in: the link, sign-in, then the record
  const fresh = await newPage(env.browser, env.s);
  await fresh.goto('/#/record/hazard/HAZ-AGD-00001');
  await fresh.locator('form.login').waitFor();
  await fresh.getByLabel(/user name/i).fill('viewer');
  await fresh.getByLabel(/^password$/i).fill((await import('./helpers.mjs')).password('viewer'));
  await fresh.locator('form.login button[type=submit]').click();
  await fresh.locator('#record-code').waitFor();
  assert.match(fresh.url(), /#\/record\/hazard\/HAZ-AGD-00001$/);
  for (const p of [im, fresh]) assert.deepEqual(p.errors, []);
  assert.deepEqual(tab.errors ?? [], []);
});

test('a release with depth -3, an end before its start and no hazard shows all three beside their fields', async () => {
  const op = await newPage(env.browser, env.s);
  await signIn(op, 'operator');
  await op.goto('/#/new/land_release');
  await ready(op);
  await op.locator('select[name="method"]').selectOption('clearance');
  await op.locator('select[name="result"]').selectOption('cleared');
  await op.locator('input[name="clearance_depth_cm"]').fill('-3');
  await op.locator('input[name="start_date"]').fill('2025-05-10');
  await op.locator('input[name="end_date"]').fill('2025-05-01');
  await op.locator('input[name="geometry"]').setInputFiles({ name: 'r.geojson', mimeType: 'application/geo+json',
    buffer: Buffer.from(JSON.stringify({ type: 'Polygon', coordinates: [[[46.95, 39.62], [46.951, 39.62], [46.951, 39.621], [46.95, 39.621], [46.95, 39.62]]] })) });
  await op.locator('#save').click();
  await op.locator('[data-field="end_date"].invalid').waitFor();
  const errOf = (f) => op.locator(`[data-field="${f}"] .field-error`).textContent();
  assert.match(await errOf('clearance_depth_cm'), /-3 is negative/);
  assert.match(await errOf('end_date'), /'2025-05-01' is before start_date '2025-05-10'/);
  assert.equal(await errOf('hazard'), 'required but missing');
  await shot(op, 'release-all-errors');
  assert.deepEqual(op.errors.filter((e) => !expected(e)), []);
});

test('the review page: no false "new outline", and a release against a hazard without one says it counts outside', async () => {
  const s = env.s;
  const im = (m, p, o) => api(s, 'im_officer', m, p, o);
  let r = await im('POST', '/api/v1/hazard', { body: newHazard(s.org, { geometry: null, evidence: 'reported by a shepherd' }) });
  const hz = r.json;
  r = await im('POST', `/api/v1/hazard/${hz.id}/submit`, { headers: { 'If-Match': '"1"' } });
  const page = await newPage(env.browser, s);
  await signIn(page, 'im_officer');
  await page.goto(`/#/review/hazard/${hz.id}`);
  await page.locator('#diff').waitFor();
  const row = await page.locator('#diff tr[data-field="geometry"]').textContent();
  assert.match(row, /none \(known by its description\)/);
  assert.doesNotMatch(row, /new outline/);
  r = await im('POST', `/api/v1/hazard/${hz.id}/approve`, { headers: { 'If-Match': '"2"' } });
  assert.equal(r.status, 200, r.text);
  r = await im('POST', '/api/v1/land_release', { body: { organisation: s.org, hazard: hz.id, method: 'clearance', result: 'cleared',
    geometry: { type: 'Polygon', coordinates: [[[46.95, 39.75], [46.95169, 39.75], [46.95169, 39.751], [46.95, 39.751], [46.95, 39.75]]] } } });
  const rel = r.json;
  await im('POST', `/api/v1/land_release/${rel.id}/submit`, { headers: { 'If-Match': '"1"' } });
  await page.goto(`/#/review/land_release/${rel.id}`);
  await page.locator('#outside-note').waitFor();
  assert.match(await page.locator('#outside-note').textContent(), new RegExp(`${hz.code} has no outline: this release \\(.* m²\\) counts as released outside it and does not close it`));
  await shot(page, 'review-outside');
  assert.deepEqual(page.errors, []);
});
