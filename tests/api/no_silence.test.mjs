// no_silence.test.mjs: writes that used to lose or change data without a word (issue 25 part 1):
// every problem of a record at once with a stable code and parameters, dates in the future
// refused, computed members refused in a PATCH and ignored in a PUT, a write changing nothing
// writing no version.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, newHazard } from './helpers.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); });

const im = (m, p, o) => api(s, 'im_officer', m, p, o);
const ifm = (v) => ({ 'If-Match': `"${v}"` });
const square = [[[46.9, 39.7], [46.901, 39.7], [46.901, 39.701], [46.9, 39.701], [46.9, 39.7]]];
// A date a year after today on the server's clock (the tests run on the same machine).
const nextYear = () => { const d = new Date(); d.setFullYear(d.getFullYear() + 1); return d.toISOString().slice(0, 10); };
const today = () => { const d = new Date(); return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`; };
const byField = (details) => Object.fromEntries(details.map((d) => [d.field, d]));

test('a release with depth -3, an end before its start and no hazard reports all three at once', async () => {
  const r = await im('POST', '/api/v1/land_release', {
    body: { organisation: s.org, method: 'clearance', result: 'cleared', clearance_depth_cm: -3,
      start_date: '2025-05-10', end_date: '2025-05-01', geometry: { type: 'Polygon', coordinates: square } },
  });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'invalid');
  const d = byField(r.json.error.details);
  assert.deepEqual(Object.keys(d).sort(), ['clearance_depth_cm', 'end_date', 'hazard'], r.text);
  assert.equal(d.clearance_depth_cm.code, 'negative');
  assert.deepEqual(d.clearance_depth_cm.params, { value: -3 });
  assert.match(d.clearance_depth_cm.message, /-3 is negative/);
  assert.equal(d.end_date.code, 'before_start');
  assert.deepEqual(d.end_date.params, { value: '2025-05-01', start_field: 'start_date', start: '2025-05-10' });
  assert.equal(d.hazard.code, 'required');
  assert.deepEqual(d.hazard.params, {});
  assert.match(r.json.error.message, /land_release record refused: .*\(and 2 more problems\)/);
});

test('a value error does not hide the cross-field rules of the fields that passed', async () => {
  // result does not follow from method, and a bad technique value: both reported
  const r = await im('POST', '/api/v1/land_release', {
    body: { organisation: s.org, hazard: s.hazard.id, method: 'nts', result: 'cleared', technique: ['by_hand'],
      geometry: { type: 'Polygon', coordinates: square } },
  });
  assert.equal(r.status, 422, r.text);
  const d = byField(r.json.error.details);
  assert.equal(d.result.code, 'not_from_method');
  assert.deepEqual(d.result.params, { value: 'cleared', method: 'nts', expected: 'cancelled' });
  assert.equal(d.technique.code, 'not_allowed');
  assert.equal(d.technique.params.value, 'by_hand');
  assert.ok(d.technique.params.allowed.includes('manual'));
  // a failed start date is not compared with the end date (it would be blamed twice)
  const r2 = await im('POST', '/api/v1/land_release', {
    body: { organisation: s.org, hazard: s.hazard.id, method: 'nts', result: 'cancelled', start_date: '2025-13-40',
      end_date: '2025-01-01', geometry: { type: 'Polygon', coordinates: square } },
  });
  assert.equal(r2.status, 422);
  assert.deepEqual(r2.json.error.details.map((x) => [x.field, x.code]), [['start_date', 'not_a_date']]);
});

test('every detail has a code and params, also for links, unknown fields and geometry', async () => {
  const r = await im('POST', '/api/v1/hazard', {
    body: { ...newHazard(s.org), hazard: 'x', land_status: 'gone', category: 3,
      geometry: { type: 'Polygon', coordinates: [[[46.9, 39.7], [46.91, 39.71], [46.91, 39.7], [46.9, 39.71], [46.9, 39.7]]] } },
  });
  assert.equal(r.status, 422, r.text);
  const d = byField(r.json.error.details);
  assert.equal(d.hazard.code, 'unknown_field');
  assert.equal(d.land_status.code, 'not_allowed');
  assert.equal(d.category.code, 'wrong_type');
  assert.equal(d.geometry.code, 'self_intersection');
  for (const x of r.json.error.details) {
    assert.equal(typeof x.code, 'string');
    assert.equal(typeof x.params, 'object');
  }
});

test('dates of events after today are refused; today and planned dates are not', async () => {
  const future = nextYear();
  let r = await im('POST', '/api/v1/hazard', { body: newHazard(s.org, { date_of_information: future }) });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.details[0].field, 'date_of_information');
  assert.equal(r.json.error.details[0].code, 'future_date');
  assert.deepEqual(r.json.error.details[0].params, { value: future, today: today() });
  r = await im('POST', '/api/v1/land_release', {
    body: { organisation: s.org, hazard: s.hazard.id, method: 'nts', result: 'cancelled', start_date: future,
      end_date: future, geometry: { type: 'Polygon', coordinates: square } },
  });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.error.details.map((x) => [x.field, x.code]), [['start_date', 'future_date'], ['end_date', 'future_date']]);
  r = await im('POST', '/api/v1/accident', {
    body: { accident_date: future, accident_kind: 'civilian', device_category: 'at_mine', activity: 'agriculture',
      geometry: { type: 'Point', coordinates: [46.9, 39.7] } },
  });
  assert.equal(r.status, 422, r.text);
  assert.ok(r.json.error.details.some((x) => x.field === 'accident_date' && x.code === 'future_date'), r.text);
  r = await im('POST', '/api/v1/eo_find', {
    body: { category: 'uxo', find_date: future, geometry: { type: 'Point', coordinates: [46.9, 39.7] } },
  });
  assert.ok(r.json.error.details.some((x) => x.field === 'find_date' && x.code === 'future_date'), r.text);
  // today is fine, and a task's planned dates may lie ahead
  r = await im('POST', '/api/v1/hazard', { body: newHazard(s.org, { date_of_information: today() }) });
  assert.equal(r.status, 201, r.text);
  r = await im('POST', '/api/v1/task', { body: { organisation: s.org, hazards: [s.hazard.id], task_status: 'planned',
    planned_start: future, planned_end: future } });
  assert.equal(r.status, 201, r.text);
});

test('PATCH naming a computed or read-only member is refused, saying what computes it', async () => {
  let r = await im('GET', `/api/v1/hazard/${s.hazard.code}`);
  const v = r.json.version;
  r = await im('PATCH', `/api/v1/hazard/${s.hazard.code}`, {
    headers: ifm(v), body: { remaining_m2: 5, closure_reason: 'done', status: 'approved', change_reason: 'try' },
  });
  assert.equal(r.status, 422, r.text);
  const d = byField(r.json.error.details);
  assert.equal(d.remaining_m2.code, 'computed');
  assert.match(d.remaining_m2.message, /remaining_m2 is computed and cannot be set: polygon minus the union of its released polygons/);
  assert.equal(d.remaining_m2.params.from, 'polygon minus the union of its released polygons');
  assert.equal(d.closure_reason.code, 'computed');
  assert.equal(d.status.code, 'read_only');
  assert.match(d.status.message, /submit, approve and reject/);
  r = await im('GET', `/api/v1/hazard/${s.hazard.code}`);
  assert.equal(r.json.version, v, 'nothing written');
});

test('PUT of the document read ignores computed members; a write changing nothing writes no version', async () => {
  let r = await im('POST', '/api/v1/hazard', { body: newHazard(s.org) });
  assert.equal(r.status, 201, r.text);
  const doc = r.json;
  // the very document read, computed figures changed: ignored, and nothing else changed
  r = await im('PUT', `/api/v1/hazard/${doc.id}`, {
    headers: ifm(1), body: { ...doc, remaining_m2: 5, area_m2: 1, change_reason: 'no change' },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.version, 1);
  assert.equal(r.headers.get('etag'), '"1"');
  assert.equal(r.json.area_m2, doc.area_m2);
  r = await im('PATCH', `/api/v1/hazard/${doc.id}`, { headers: ifm(1), body: { land_status: 'open', change_reason: 'same' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.version, 1);
  r = await im('GET', `/api/v1/hazard/${doc.id}/history`);
  assert.equal(r.json.items.length, 1, 'no version written');
  // a real change through PATCH is written
  r = await im('PATCH', `/api/v1/hazard/${doc.id}`, { headers: ifm(1), body: { priority: 'high', change_reason: 'raised' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.version, 2);
  assert.equal(r.json.priority, 'high');
  assert.equal(r.json.land_status, 'open', 'a PATCH keeps the members it does not name');
});
