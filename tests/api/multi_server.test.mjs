// multi_server.test.mjs: two `demine serve` processes on one database (one PostgreSQL database
// under make check-pg, one SQLite file otherwise) lose no update under concurrent read-modify-write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startSecondServer, api, newHazard } from './helpers.mjs';

const ROUNDS = 100;
const RECORDS = 2;
const CLIENTS = 2;

// One client's read-modify-write of a counter kept in the hazard's name: read through one server,
// write count+1 through it with If-Match. Returns the acknowledged write, or null on 412.
async function increment(srv, id, tag) {
  const g = await api(srv, 'im_officer', 'GET', `/api/v1/hazard/${id}`);
  assert.equal(g.status, 200, `${tag}: GET ${g.status} ${g.text}`);
  const count = Number(g.json.name.match(/^count (\d+)$/)[1]);
  const name = `count ${count + 1}`;
  const r = await api(srv, 'im_officer', 'PUT', `/api/v1/hazard/${id}`, {
    headers: { 'If-Match': g.headers.get('etag') }, body: { ...g.json, name, change_reason: tag },
  });
  if (r.status === 412) {
    assert.equal(r.json.error.code, 'stale_version', `${tag}: ${r.text}`);
    return null;
  }
  assert.equal(r.status, 200, `${tag}: PUT ${r.status} ${r.text}`);
  assert.equal(r.json.version, g.json.version + 1, `${tag}: the write is the next version`);
  return { tag, name, version: r.json.version };
}

test(`two servers, one database: ${ROUNDS} rounds of concurrent read-modify-write lose no update`, async () => {
  const a = await startServer();
  let b;
  try {
    b = await startSecondServer(a);
    const servers = [a, b];
    assert.notEqual(a.url, b.url);
    const ids = [];
    for (let k = 0; k < RECORDS; k++) {
      const c = await api(servers[k % 2], 'im_officer', 'POST', '/api/v1/hazard', { body: newHazard(a.org, { name: 'count 0' }) });
      assert.equal(c.status, 201, c.text);
      ids.push(c.json.id);
    }
    const acked = new Map(ids.map((id) => [id, []]));
    let conflicts = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Every record gets CLIENTS concurrent writers; writer w goes through server (round + w) % 2,
      // so in each round the writers of a record race through different processes.
      const jobs = [];
      for (const id of ids) {
        for (let w = 0; w < CLIENTS; w++) {
          const tag = `r${round}-w${w}`;
          jobs.push(increment(servers[(round + w) % 2], id, tag).then((won) => {
            if (won) acked.get(id).push(won);
            else conflicts++;
          }));
        }
      }
      await Promise.all(jobs);
    }
    assert.ok(conflicts > 0, 'concurrent writers of one version met at least once');
    for (const id of ids) {
      const wins = acked.get(id).sort((x, y) => x.version - y.version);
      assert.ok(wins.length >= ROUNDS, `${id}: at least one write per round was acknowledged (${wins.length})`);
      // No lost update: each acknowledged write incremented the count, so the counter equals the
      // number of acknowledged writes, and versions are 2, 3, ... without gaps or repeats.
      wins.forEach((w, i) => {
        assert.equal(w.version, i + 2, `${id}: acknowledged versions are consecutive`);
        assert.equal(w.name, `count ${i + 1}`, `${id}: version ${w.version} built on the one before`);
      });
      const last = wins[wins.length - 1];
      for (const srv of servers) {
        const g = await api(srv, 'im_officer', 'GET', `/api/v1/hazard/${id}`);
        assert.equal(g.status, 200);
        assert.equal(g.json.version, last.version, `${id}: the current version is the last acknowledged write`);
        assert.equal(g.json.name, last.name);
        assert.equal(g.json.change_reason, last.tag);
      }
      // History: exactly one version per acknowledged write (plus the creation), each the write.
      const h = (await api(b, 'im_officer', 'GET', `/api/v1/hazard/${id}/history`)).json.items;
      assert.equal(h.length, 1 + wins.length, `${id}: versions ${h.length}, acknowledged writes ${wins.length}`);
      const byVersion = new Map(h.map((v) => [v.version, v]));
      for (const w of wins) {
        const v = byVersion.get(w.version);
        assert.ok(v, `${id}: version ${w.version} is in the history`);
        assert.equal(v.change_reason, w.tag, `${id}: version ${w.version} is the write ${w.tag}`);
        const old = await api(a, 'im_officer', 'GET', `/api/v1/hazard/${id}?version=${w.version}`);
        assert.equal(old.status, 200);
        assert.equal(old.json.name, w.name, `${id}: version ${w.version} holds what was written`);
      }
    }
  } finally {
    if (b) await b.stop();
    await a.stop();
  }
});
