// killed_commands.test.mjs: `demine backup` and `demine copy` killed with SIGKILL half way leave
// nothing at the destination (a file there would pass for a finished backup or copy, and stop
// the next run), and the next run succeeds. Each is killed as soon as it has created its first
// file, so the kill always lands half way. The random kills are tests/reliability/kill_loop.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ok, demine, sql, tempDir, newDb, STORE } from './helpers.mjs';

// Starts demine args, kills it with SIGKILL once a file whose name starts with `prefix` is in
// dir (and, when given, is at least minBytes long); resolves to how it ended.
async function killOnFile(args, dir, prefix, minBytes = 0) {
  const child = spawn(BIN, args, { stdio: 'ignore' });
  const exited = new Promise((res) => child.on('exit', (code, signal) => res({ code, signal })));
  const t0 = Date.now();
  for (;;) {
    const f = readdirSync(dir).find((n) => n.startsWith(prefix));
    if (f && (!minBytes || statSync(join(dir, f)).size >= minBytes)) break;
    if (child.exitCode !== null || Date.now() - t0 > 20000) break;
    await new Promise((r) => setImmediate(r));
  }
  child.kill('SIGKILL');
  return exited;
}

function generated(t) {
  const dir = tempDir('demine-killed-');
  const { db, drop } = newDb(dir, 'src.db');
  ok(['gen', '--db', db, '--hazards', '200', '--seed', '3', '--quiet']);
  return { dir, db, drop };
}

test('a backup killed half way leaves no file at its path; the next one succeeds', { skip: STORE !== 'sqlite' && 'SQLite backups only' }, async () => {
  const { dir, db } = generated();
  const to = join(dir, 'b.db');
  const e = await killOnFile(['backup', '--db', db, '--to', to], dir, 'b.db');
  assert.equal(e.signal, 'SIGKILL', 'killed before it finished');
  assert.equal(existsSync(to), false, 'nothing at the backup path');
  ok(['backup', '--db', db, '--to', to]);
  assert.equal(sql(to, 'PRAGMA integrity_check'), 'ok');
  assert.equal(sql(to, 'SELECT COUNT(*) FROM hazard_history'), sql(db, 'SELECT COUNT(*) FROM hazard_history'));
});

test('a copy killed half way leaves no database at its destination; the next one succeeds', async () => {
  const { dir, db, drop } = generated();
  try {
    const to = join(dir, 'copy.db');
    // killed once it has written its schema and some rows (more than an empty database's pages)
    const e = await killOnFile(['copy', '--from', db, '--to', to, '--quiet'], dir, 'copy.db', 64 * 1024);
    assert.equal(e.signal, 'SIGKILL', 'killed before it finished');
    assert.equal(existsSync(to), false, 'no database at the destination');
    const r = demine(['copy', '--from', db, '--to', to, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    ok(['check', '--db', to]);
    assert.equal(sql(to, 'SELECT COUNT(*) FROM hazard_history'), sql(db, 'SELECT COUNT(*) FROM hazard_history'));
  } finally { drop(); }
});
