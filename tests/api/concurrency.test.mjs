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
    // Each round both clients read the same version, then both write it back at once: the
    // store must take exactly one and refuse the other with 412, never both.
    for (let i = 0; i < 100; i++) {
      const reads = await Promise.all(['a', 'b'].map(() => api(s, 'im_officer', 'GET', `/api/v1/hazard/${rec.id}`)));
      for (const g of reads) assert.equal(g.status, 200);
      assert.equal(reads[0].headers.get('etag'), reads[1].headers.get('etag'));
      const writes = await Promise.all(['a', 'b'].map((name, k) => {
        const note = `${name}-${i}`;
        return api(s, 'im_officer', 'PUT', `/api/v1/hazard/${rec.id}`, {
          // each writes a change (a write changing nothing writes no version, issue 25)
          headers: { 'If-Match': reads[k].headers.get('etag') }, body: { ...reads[k].json, name: note, change_reason: note },
        }).then((r) => ({ r, note }));
      }));
      for (const { r, note } of writes) {
        assert.ok([200, 412].includes(r.status), `${note}: ${r.status} ${r.text}`);
        if (r.status === 200) wins.push({ note, version: r.json.version });
        else conflicts++;
      }
      assert.equal(writes.filter(({ r }) => r.status === 200).length, 1, `round ${i}: exactly one write wins`);
    }
    assert.equal(conflicts, 100);
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
