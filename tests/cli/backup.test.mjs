// backup.test.mjs: demine backup takes an online copy of an SQLite database while another
// process keeps importing; the copy holds every write acknowledged before the backup began.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { BIN, demine, ok, json, freshDb, writeJson, fc, feature, sql, STORE } from './helpers.mjs';

const N = 40;

test('a backup taken during imports holds every acknowledged write and passes integrity_check', { skip: STORE !== 'sqlite' && 'the SQLite backup; PostgreSQL is backed up with pg_dump' }, async () => {
  const { db, dir, cleanup } = freshDb();
  try {
    for (let i = 0; i < N; i++)
      writeJson(dir, `org${i}.geojson`, fc([feature({ name: `Operator ${i}`, kind: 'operator_ngo', external_id: `OP-${i}` })]));
    // the writer: one import after another, each acknowledged on stdout once it has committed
    const script = `for i in $(seq 0 ${N - 1}); do "$BIN" import --db "$DB" --type organisation "$DIR/org$i.geojson" >/dev/null || { echo "import $i failed" >&2; exit 1; }; echo "done $i"; done`;
    const child = spawn('sh', ['-c', script], { env: { ...process.env, BIN, DB: db, DIR: dir, DEMINE_USER: 'writer' } });
    let out = '';
    const acknowledged = await new Promise((resolve, reject) => {
      child.on('exit', (code) => reject(new Error(`the writer ended (${code}) before the backup`)));
      child.stdout.on('data', (d) => {
        out += d;
        const done = out.split('\n').filter((l) => l.startsWith('done ')).map((l) => Number(l.slice(5)));
        if (done.length >= 5) { child.removeAllListeners('exit'); child.stdout.removeAllListeners('data'); resolve(done); }
      });
    });
    // spawnSync blocks this process, so nothing acknowledged later is counted
    const backup = join(dir, 'backup.db');
    const r = demine(['backup', '--db', db, '--to', backup]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /backed up/);
    const finished = new Promise((resolve) => child.on('exit', resolve));
    assert.equal(await finished, 0, 'the writer went on and finished');
    assert.equal(sql(backup, 'PRAGMA integrity_check'), 'ok');
    const names = new Set(json(['list', '--db', backup, '--type', 'organisation', '--json']).items.map((o) => o.name));
    for (const i of acknowledged) assert.ok(names.has(`Operator ${i}`), `write ${i}, acknowledged before the backup, is in it`);
    assert.ok(names.size < N || acknowledged.length === N, 'the backup was taken while writes were running');
    // the backup is a working database of its own, with its history and audit
    ok(['check', '--db', backup]);
    assert.equal(Number(sql(backup, 'SELECT COUNT(*) FROM organisation_history')), names.size);
    assert.equal(json(['list', '--db', db, '--type', 'organisation', '--json']).items.length, N);
    // never overwrites
    const again = demine(['backup', '--db', db, '--to', backup]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /backup file '.*backup\.db' already exists/);
    assert.equal(demine(['backup', '--db', db]).code, 2);
  } finally { cleanup(); }
});

test('backup of a PostgreSQL database points at pg_dump', () => {
  const r = demine(['backup', '--db', 'postgresql://nobody@127.0.0.1:1/nothing', '--to', '/tmp/x.dump']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /pg_dump --format=custom --file '\/tmp\/x\.dump'/);
  assert.ok(!existsSync('/tmp/x.dump'));
});
