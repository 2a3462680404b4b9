// concurrency.test.mjs: parallel read-modify-write loses no update; SIGTERM loses no acknowledged write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, newHazard } from './helpers.mjs';

test('two clients, 100 rounds each of read-modify-write on one record', async () => {
  const s = await startServer();
  try {
    const rec = (await api(s, 'im_officer', 'POST', '/api/v1/hazard', { body: newHazard(s.org) })).json;
    const wins = [];
    let conflicts = 0;
    const client = async (name) => {
      for (let i = 0; i < 100; i++) {
        const g = await api(s, 'im_officer', 'GET', `/api/v1/hazard/${rec.id}`);
        assert.equal(g.status, 200);
        const note = `${name}-${i}`;
        const r = await api(s, 'im_officer', 'PUT', `/api/v1/hazard/${rec.id}`, {
          headers: { 'If-Match': g.headers.get('etag') }, body: { ...g.json, change_reason: note },
        });
        assert.ok([200, 412].includes(r.status), `${note}: ${r.status} ${r.text}`);
        if (r.status === 200) wins.push({ note, version: r.json.version });
        else conflicts++;
      }
    };
    await Promise.all([client('a'), client('b')]);
    const h = (await api(s, 'im_officer', 'GET', `/api/v1/hazard/${rec.id}/history`)).json.items;
    assert.equal(h.length, 1 + wins.length, `versions ${h.length}, wins ${wins.length}, conflicts ${conflicts}`);
    const byVersion = new Map(h.map((v) => [v.version, v.change_reason]));
    for (const w of wins) assert.equal(byVersion.get(w.version), w.note, 'every win is its own version');
    assert.equal(new Set(wins.map((w) => w.version)).size, wins.length);
  } finally {
    await s.stop();
  }
});

test('SIGTERM during writes loses no acknowledged write', async () => {
  const s = await startServer();
  const acked = [];
  let stop = false;
  const writer = async (n) => {
    for (let i = 0; !stop; i++) {
      try {
        const r = await api(s, 'im_officer', 'POST', '/api/v1/hazard', { body: newHazard(s.org, { external_id: `sigterm-${n}-${i}` }) });
        if (r.status === 201) acked.push(r.json.id);
      } catch { return; /* the server went away */ }
    }
  };
  const writers = [0, 1, 2, 3].map(writer);
  await new Promise((res) => setTimeout(res, 1500));
  s.proc.kill('SIGTERM');
  const e = await s.exited;
  stop = true;
  await Promise.all(writers);
  assert.equal(e.code, 0, s.stderr().slice(-2000));
  assert.ok(acked.length > 0);
  const { ok } = await import('./helpers.mjs');
  const out = JSON.parse(ok(['export', '--db', s.db, '--type', 'hazard', '--format', 'geojson']).stdout);
  const stored = new Set(out.features.map((f) => f.id ?? f.properties.id));
  for (const id of acked) assert.ok(stored.has(id), `acknowledged ${id} is stored`);
  await s.stop();
});
