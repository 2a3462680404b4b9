// readiness.test.mjs: settlement readiness for return (issue 17) through the API and the CLI:
// the readiness route, its flip in the approving transaction of the release that clears the last
// hazard near a settlement, the public map's view, and clear errors for bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, api, BIN } from './helpers.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); });

const im = (m, p, o) => api(s, 'im_officer', m, p, o);
const ifm = (v) => ({ 'If-Match': `"${v}"` });

test('a demo village beside an open hazard is blocked, with the hazard and the reason listed', async () => {
  const r = await im('GET', '/api/v1/settlement/SET-AGD-00005/readiness');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name_en, 'Gerger');
  assert.equal(r.json.readiness_status, 'blocked');
  assert.equal(r.json.buffer_m, 500);
  assert.deepEqual(r.json.hazards.map((h) => h.code), ['HAZ-AGD-00004']);
  const h = r.json.hazards[0];
  assert.ok(h.distance_m > 250 && h.distance_m < 500, `distance ${h.distance_m}`);
  assert.ok(h.within_m2 > 0 && h.within_m2 <= h.remaining_m2 + 0.01);
  assert.match(r.json.readiness_reasons[0], /^1 open SHA within 500 m: HAZ-AGD-00004 \(\d+\.\d ha\)$/);
  assert.equal(r.json.hazard_within_m2, h.within_m2);
  assert.deepEqual(r.json.history.map((v) => v.readiness_status), ['blocked']);
});

test('approving the release that clears the last hazard near a settlement flips it to cleared_for_return, in that transaction, naming the release', async () => {
  let r = await im('GET', '/api/v1/hazard/HAZ-AGD-00004');
  assert.equal(r.status, 200);
  const hz = r.json;
  r = await im('POST', '/api/v1/land_release', { body: {
    organisation: hz.organisation, hazard: hz.id, method: 'clearance', result: 'cleared', end_date: '2026-06-01',
    change_reason: 'completion report', geometry: hz.geometry } });
  assert.equal(r.status, 201, r.text);
  const lr = r.json;
  r = await im('POST', `/api/v1/land_release/${lr.id}/submit`, { headers: ifm(1) });
  assert.equal(r.status, 200, r.text);
  // before the approval nothing moved
  r = await im('GET', '/api/v1/settlement/SET-AGD-00005');
  assert.equal(r.json.readiness_status, 'blocked');
  r = await im('POST', `/api/v1/land_release/${lr.id}/approve`, { headers: ifm(2) });
  assert.equal(r.status, 200, r.text);
  r = await im('GET', '/api/v1/settlement/SET-AGD-00005');
  assert.equal(r.json.readiness_status, 'cleared_for_return');
  assert.equal(r.json.updated_by, 'system');
  assert.match(r.json.change_reason, new RegExp(`^readiness: cleared for return \\(${lr.code} approved: HAZ-AGD-00004 closed\\)$`));
  assert.equal(r.json.open_hazards, 0);
  assert.ok(r.json.released_within_m2 > 0);
  // one transaction: the hazard's closure and the settlement's version carry the same time
  const hh = (await im('GET', '/api/v1/hazard/HAZ-AGD-00004/history')).json.items.at(-1);
  assert.equal(hh.change_reason, 'closed: fully released');
  const sh = (await im('GET', '/api/v1/settlement/SET-AGD-00005/history')).json.items;
  assert.equal(sh.length, 2);
  assert.equal(sh[1].updated_by, 'system');
  r = await im('GET', '/api/v1/settlement/SET-AGD-00005/readiness');
  assert.deepEqual(r.json.history.map((v) => v.readiness_status), ['blocked', 'cleared_for_return']);
  assert.match(r.json.history[1].reason, new RegExp(lr.code));
  // Aghdam's road crossed the same hazard: it no longer does
  r = await im('GET', '/api/v1/settlement/SET-AGD-00001/readiness');
  assert.deepEqual(r.json.routes[0].crosses, []);
  assert.equal(r.json.routes_blocked, 0);
});

test('the tasks on the hazards near a settlement, and its clearance date at their last 6 months\' rate', async () => {
  let r = await im('GET', '/api/v1/settlement/SET-AGD-00003/readiness'); // Ahmadbayli, beside HAZ-AGD-00002
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.hazards.map((h) => h.code), ['HAZ-AGD-00002']);
  assert.deepEqual(r.json.tasks.map((x) => x.code), ['TSK-AGD-00002']);
  assert.equal(r.json.projection.rate_m2_per_day, 0, 'no release of its tasks in the last 6 months');
  assert.equal(r.json.projection.cleared_by, null);
  const hz = (await im('GET', '/api/v1/hazard/HAZ-AGD-00002')).json;
  // a new task and a release 30 days ago of one sector of the hazard (centre, two corners)
  const ring = hz.geometry.coordinates[0];
  const c = ring.slice(0, -1).reduce((a, p) => [a[0] + p[0] / (ring.length - 1), a[1] + p[1] / (ring.length - 1)], [0, 0]);
  r = await im('POST', '/api/v1/task', { body: { organisation: hz.organisation, hazards: [hz.id], task_status: 'in_progress',
    planned_method: 'clearance', change_reason: 'tasking' } });
  assert.equal(r.status, 201, r.text);
  const task = r.json;
  for (const [i, v] of [[task.id, 1], [task.id, 2]]) {
    r = await im('POST', `/api/v1/task/${i}/${v === 1 ? 'submit' : 'approve'}`, { headers: ifm(v) });
    assert.equal(r.status, 200, r.text);
  }
  const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
  r = await im('POST', '/api/v1/land_release', { body: { organisation: hz.organisation, hazard: hz.id, task: task.id,
    method: 'clearance', result: 'cleared', end_date: day(-30), change_reason: 'completion report',
    geometry: { type: 'Polygon', coordinates: [[c, ring[0], ring[1], c]] } } });
  assert.equal(r.status, 201, r.text);
  const lr = r.json;
  await im('POST', `/api/v1/land_release/${lr.id}/submit`, { headers: ifm(1) });
  r = await im('POST', `/api/v1/land_release/${lr.id}/approve`, { headers: ifm(2) });
  assert.equal(r.status, 200, r.text);
  r = await im('GET', '/api/v1/settlement/SET-AGD-00003/readiness');
  assert.ok(r.json.tasks.some((x) => x.code === task.code));
  const p = r.json.projection;
  assert.ok(Math.abs(p.released_6m_m2 - lr.area_m2) < 0.01, `${p.released_6m_m2} vs ${lr.area_m2}`);
  assert.ok(Math.abs(p.rate_m2_per_day - lr.area_m2 / 183) < 0.01);
  assert.equal(p.remaining_m2, r.json.hazard_within_m2);
  assert.equal(p.cleared_by, day(Math.ceil(p.remaining_m2 / (lr.area_m2 / 183))));
});

test('bad input: a settlement outside every admin area, bad geometry, a record that is not a settlement, unknown rules', async () => {
  let r = await im('POST', '/api/v1/settlement', { body: { organisation: s.org, name_en: 'Nowhere',
    geometry: { type: 'Point', coordinates: [49.9, 41.2] } } });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'geometry');
  assert.match(JSON.stringify(r.json.error), /outside every administrative area/);
  r = await im('POST', '/api/v1/settlement', { body: { organisation: s.org, name_en: 'Bowtie',
    geometry: { type: 'Polygon', coordinates: [[[46.9, 39.9], [46.91, 39.91], [46.91, 39.9], [46.9, 39.91], [46.9, 39.9]]] } } });
  assert.equal(r.status, 422, r.text);
  assert.match(JSON.stringify(r.json.error), /self-intersect/);
  r = await im('POST', '/api/v1/access_route', { body: { organisation: s.org, name: 'R-99', kind: 'road',
    settlements: ['SET-NOPE-1'], geometry: { type: 'LineString', coordinates: [[46.9, 39.9], [46.95, 39.9]] } } });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'settlements');
  r = await im('GET', '/api/v1/settlement/HAZ-AGD-00001/readiness');
  assert.equal(r.status, 404, r.text);
  r = await im('GET', '/api/v1/readiness/settings');
  assert.equal(r.status, 200);
  assert.equal(r.json['readiness.buffer_m'].value, '500');
  const cli = (...a) => spawnSync(BIN, ['readiness', ...a, '--db', s.db], { encoding: 'utf8' });
  let c = cli('set', 'readiness.buffr_m', '300');
  assert.equal(c.status, 1);
  assert.match(c.stderr, /unknown readiness setting 'readiness.buffr_m' \(known: readiness.buffer_m, /);
  c = cli('set', 'readiness.buffer_m', 'far');
  assert.equal(c.status, 1);
  assert.match(c.stderr, /setting readiness.buffer_m: 'far' is not a distance from 0 to 5000 m/);
});

test('demine readiness recompute after a new rule: a wider buffer takes in more hazardous area', async () => {
  const cli = (...a) => spawnSync(BIN, ['readiness', ...a, '--db', s.db], { encoding: 'utf8' });
  const near = async () => (await im('GET', '/api/v1/settlement?limit=100')).json.items
    .reduce((n, x) => n + x.hazard_within_m2, 0);
  const before = await near();
  let c = cli('recompute');
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, /^16 settlements recomputed: 0 changed;/);
  c = cli('set', 'readiness.buffer_m', '5000');
  assert.equal(c.status, 0, c.stderr);
  c = cli('recompute');
  assert.equal(c.status, 0, c.stderr);
  const m = c.stdout.match(/^16 settlements recomputed: (\d+) changed/);
  assert.ok(m && Number(m[1]) > 0, c.stdout);
  assert.ok(await near() > before, `hazardous area near settlements: ${before} m² at 500 m`);
  const r = await im('GET', '/api/v1/settlement/SET-AGD-00003/readiness');
  assert.equal(r.json.buffer_m, 5000);
  assert.equal(r.json.open_hazards, r.json.hazards.length);
  assert.ok(r.json.hazards.length >= 1);
  cli('set', 'readiness.buffer_m', '500');
  assert.equal(cli('recompute').status, 0);
  assert.ok(Math.abs(await near() - before) < 0.1);
});

test('the public sees settlements and their readiness, not anonymous on a closed server', async () => {
  let r = await api(s, null, 'GET', '/api/v1/settlement/SET-AGD-00002/readiness');
  assert.equal(r.status, 401);
  const p = await startServer({ pub: true, login: false });
  try {
    r = await api(p, null, 'GET', '/api/v1/settlement/SET-AGD-00005/readiness');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.readiness_status, 'blocked');
    // tasks, routes and accidents are not public
    r = await api(p, null, 'GET', '/api/v1/settlement/SET-AGD-00003/readiness');
    assert.deepEqual(r.json.tasks, []);
    r = await api(p, null, 'GET', '/api/v1/settlement/SET-AGD-00001/readiness');
    assert.deepEqual(r.json.routes, []);
    assert.ok(!('accidents_within' in r.json));
    r = await api(p, null, 'GET', '/api/v1/settlement/SET-AGD-00001');
    assert.ok(!('accidents_within' in r.json), 'accidents near it are an internal figure');
    r = await api(p, null, 'GET', '/api/v1/settlement?limit=100');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.items.length, 16);
    assert.ok(r.json.items.every((x) => ['blocked', 'in_progress', 'cleared_for_return'].includes(x.readiness_status)));
    r = await api(p, null, 'GET', '/tiles/settlement/6/40/24.mvt');
    assert.equal(r.status, 200, r.text);
    r = await api(p, null, 'GET', '/api/v1/access_route');
    assert.equal(r.status, 403, 'routes and infrastructure are not on the public map');
  } finally {
    await p.stop();
  }
});
