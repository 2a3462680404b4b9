// i18n_errors.test.mjs: error messages in the request's language (issue 25 part 3): the user's
// language setting (PATCH /api/v1/me), else Accept-Language, else English; the shape
// {"error":{"code","message","field","details":[{"field","message","code","params"}]}} stays.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api } from './helpers.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); });

const square = [[[46.9, 39.7], [46.901, 39.7], [46.901, 39.701], [46.9, 39.701], [46.9, 39.7]]];
const badRelease = () => ({ organisation: s.org, method: 'clearance', result: 'cleared', clearance_depth_cm: -3,
  start_date: '2025-05-10', end_date: '2025-05-01', geometry: { type: 'Polygon', coordinates: square } });
const byField = (details) => Object.fromEntries(details.map((d) => [d.field, d]));

test('Accept-Language ru: every detail and the summary in Russian, with the plural of the count', async () => {
  const r = await api(s, 'operator', 'POST', '/api/v1/land_release', { body: badRelease(), headers: { 'Accept-Language': 'ru-RU,ru;q=0.9,en;q=0.5' } });
  assert.equal(r.status, 422, r.text);
  const e = r.json.error;
  assert.equal(e.code, 'invalid');
  assert.equal(e.message, 'в записи 3 ошибки', 'three: the "few" form');
  const d = byField(e.details);
  assert.equal(d.clearance_depth_cm.message, '-3 — отрицательное число; должно быть 0 или больше');
  assert.equal(d.clearance_depth_cm.code, 'negative');
  assert.deepEqual(d.clearance_depth_cm.params, { value: -3 });
  assert.equal(d.hazard.message, 'обязательное поле не заполнено');
  assert.match(d.end_date.message, /^2025-05-01 раньше начала \(2025-05-10\)$/);
  for (const x of e.details) assert.doesNotMatch(x.message, /[a-z]{4,}/, `no English left: ${x.message}`);
});

test('Accept-Language az, and English when the header asks for a language without a catalogue', async () => {
  const az = await api(s, 'operator', 'POST', '/api/v1/land_release', { body: badRelease(), headers: { 'Accept-Language': 'az' } });
  assert.equal(byField(az.json.error.details).hazard.message, 'tələb olunur, lakin doldurulmayıb');
  assert.equal(az.json.error.message, 'bu qeyddə 3 problem var');
  const fr = await api(s, 'operator', 'POST', '/api/v1/land_release', { body: badRelease(), headers: { 'Accept-Language': 'fr-FR,fr;q=0.9' } });
  assert.equal(byField(fr.json.error.details).hazard.message, 'required but missing');
  assert.match(fr.json.error.message, /land_release record refused/);
});

test("the user's language setting wins over Accept-Language, and null gives the choice back to the browser", async () => {
  const set = await api(s, 'im_officer', 'PATCH', '/api/v1/me', { body: { language: 'ru' } });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.json.user.language, 'ru');
  assert.equal((await api(s, 'im_officer', 'GET', '/api/v1/me')).json.user.language, 'ru', 'stored with the user');
  const r = await api(s, 'im_officer', 'POST', '/api/v1/land_release', { body: badRelease(), headers: { 'Accept-Language': 'az' } });
  assert.equal(byField(r.json.error.details).hazard.message, 'обязательное поле не заполнено');
  const bad = await api(s, 'im_officer', 'PATCH', '/api/v1/me', { body: { language: 'fr' } });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'language');
  assert.match(bad.json.error.message, /'fr' is not one of az, en, ru/);
  const back = await api(s, 'im_officer', 'PATCH', '/api/v1/me', { body: { language: null } });
  assert.equal(back.json.user.language ?? null, null, 'no setting of its own');
  const r2 = await api(s, 'im_officer', 'POST', '/api/v1/land_release', { body: badRelease(), headers: { 'Accept-Language': 'az' } });
  assert.equal(byField(r2.json.error.details).hazard.message, 'tələb olunur, lakin doldurulmayıb');
});
