// busy.test.mjs: a write that waits past the lock timeout for another writer (a large import on
// SQLite holds the lock for its whole transaction) is answered 503 `busy` with Retry-After,
// not 500, and writes nothing; reads go on meanwhile (found by bench/load.mjs, issue 13).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startServer, api, newHazard, sql, STORE } from './helpers.mjs';

test('a write blocked by another writer past the wait gets 503 busy with Retry-After', { skip: STORE !== 'sqlite' && 'the SQLite writer lock' }, async () => {
  const s = await startServer();
  // another process takes the write lock and keeps it, as an import's transaction does
  const holder = spawn('sqlite3', [s.db], { stdio: ['pipe', 'ignore', 'pipe'] });
  try {
    holder.stdin.write('BEGIN IMMEDIATE;\nUPDATE setting SET key = key WHERE 0;\n');
    await new Promise((r) => setTimeout(r, 300));
    const before = sql(s.db, 'SELECT COUNT(*) FROM hazard');
    const write = api(s, 'im_officer', 'POST', '/api/v1/hazard', { body: newHazard(s.org, { external_id: 'BUSY-1' }) });
    // a read is answered while the write waits
    const read = await api(s, 'viewer', 'GET', '/api/v1/hazard?limit=1');
    assert.equal(read.status, 200);
    const w = await write;
    assert.equal(w.status, 503, w.text);
    assert.equal(w.json.error.code, 'busy');
    assert.match(w.json.error.message, /locked by another writer/);
    assert.equal(w.headers.get('retry-after'), '5');
    holder.stdin.end('ROLLBACK;\n.quit\n');
    await new Promise((r) => holder.on('exit', r));
    assert.equal(sql(s.db, 'SELECT COUNT(*) FROM hazard'), before, 'nothing written');
    const again = await api(s, 'im_officer', 'POST', '/api/v1/hazard', { body: newHazard(s.org, { external_id: 'BUSY-1' }) });
    assert.equal(again.status, 201, 'once the lock is free the same write goes in');
  } finally {
    if (holder.exitCode === null) holder.kill();
    await s.stop();
  }
});
