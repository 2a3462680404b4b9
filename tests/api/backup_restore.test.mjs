// backup_restore.test.mjs: a backup taken while 4 clients write through the API, restored as
// docs/operations.md says (the file copied into place, demine check, a server started on it),
// holds the source exactly as it stood at the backup's moment, record by record (issue 13):
// every record read from the source as of that moment (an as-of read) is the restored record,
// field by field; every version up to then is in the restored history and none after; the audit
// log up to the backup's last entry is the same; every write acknowledged before the backup
// began is there. SQLite only: PostgreSQL is backed up with pg_dump (docs/operations.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, api, newHazard, ok, sql, STORE, BIN } from './helpers.mjs';

const list = (db, extra = []) => JSON.parse(ok(['list', '--db', db, '--type', 'hazard', '--json', ...extra]).stdout).items;
const byId = (items) => new Map(items.map((r) => [r.id, r]));

test('a backup taken under write load restores to the source as of its moment, record by record', { skip: STORE !== 'sqlite' && 'SQLite backups only' }, async () => {
  const s = await startServer();
  const acked = []; // {id, version, at}: at = when the answer came
  let stop = false;
  const writer = async (n) => {
    const mine = [];
    for (let i = 0; !stop; i++) {
      const note = `bk-${n}-${i}`;
      let r;
      if (mine.length && i % 2) {
        const m = mine[i % mine.length];
        r = await api(s, 'im_officer', 'PUT', `/api/v1/hazard/${m.id}`, { headers: { 'If-Match': `"${m.version}"` }, body: { ...m, name: note, change_reason: note } });
        if (r.status === 200) Object.assign(m, r.json);
      } else {
        r = await api(s, 'im_officer', 'POST', '/api/v1/hazard', { body: newHazard(s.org, { external_id: note, name: note }) });
        if (r.status === 201) mine.push(r.json);
      }
      assert.ok([200, 201].includes(r.status), `${note}: ${r.status} ${r.text}`);
      acked.push({ id: r.json.id, version: r.json.version, at: Date.now() });
    }
  };
  const backup = join(s.dir, 'backup.db');
  let began, ended;
  try {
    const writers = [0, 1, 2, 3].map(writer);
    await new Promise((r) => setTimeout(r, 1500));
    // the backup runs beside the writers (spawn, not spawnSync: the writers go on meanwhile)
    began = Date.now();
    const child = spawn(BIN, ['backup', '--db', s.db, '--to', backup], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    const code = await new Promise((res) => child.on('exit', res));
    ended = Date.now();
    assert.equal(code, 0, err);
    await new Promise((r) => setTimeout(r, 1000)); // and they write on after it
    stop = true;
    await Promise.all(writers);
  } finally {
    stop = true;
  }
  try {
    // restore as an operator would: the file copied into place, checked, served
    const restored = join(s.dir, 'restored.db');
    copyFileSync(backup, restored);
    assert.equal(sql(restored, 'PRAGMA integrity_check'), 'ok');
    ok(['check', '--db', restored]);
    // the backup's moment: its newest version (writes take turns in SQLite, each stamped
    // inside its transaction, so the versions up to this time are exactly the ones before it)
    const moment = sql(restored, 'SELECT MAX(updated_at) FROM hazard_history');
    assert.ok(moment, 'the backup holds versions');
    const after = Number(sql(s.db, `SELECT COUNT(*) FROM hazard_history WHERE updated_at > '${moment}'`));
    const before = Number(sql(restored, `SELECT COUNT(*) FROM hazard_history WHERE external_id LIKE 'bk-%'`));
    assert.ok(before > 0 && after > 0, `taken under load: ${before} of the writers' versions before it, ${after} after`);

    // record by record: the source as of the moment is the restored database
    const asOf = byId(list(s.db, ['--as-of', moment]));
    const now = byId(list(restored));
    assert.equal(now.size, asOf.size, 'the same records');
    for (const [id, rec] of asOf) assert.deepEqual(now.get(id), rec, `record ${rec.code} as of ${moment}`);
    // every version up to the moment, none after
    const hist = (db, where) => sql(db, `SELECT id, version, status, name, change_reason, updated_at, area_m2, hex(geom)
      FROM hazard_history ${where} ORDER BY id, version`);
    assert.equal(hist(restored, ''), hist(s.db, `WHERE updated_at <= '${moment}'`));
    // the audit log up to the backup's last entry
    const lastSeq = sql(restored, 'SELECT MAX(seq) FROM audit');
    const audit = (db) => sql(db, `SELECT seq, at, user_name, action, record_id, version FROM audit WHERE seq <= ${lastSeq} ORDER BY seq`);
    assert.equal(audit(restored), audit(s.db));
    // every write acknowledged before the backup began is there
    const versions = new Set(sql(restored, 'SELECT id || \'/\' || version FROM hazard_history').split('\n'));
    const early = acked.filter((a) => a.at < began);
    assert.ok(early.length > 0);
    for (const a of early) assert.ok(versions.has(`${a.id}/${a.version}`), `acknowledged ${a.id} v${a.version} is in the backup`);

    // and the restored database serves: a server on it answers with the same record
    const some = [...now.values()].find((r) => /^bk-/.test(r.external_id ?? ''));
    const r2 = await startServer({ login: true, setup: (db) => copyFileSync(restored, db) });
    try {
      const g = await api(r2, 'im_officer', 'GET', `/api/v1/hazard/${some.id}`);
      assert.equal(g.status, 200);
      assert.equal(g.json.version, some.version);
      assert.equal(g.json.name, some.name);
    } finally { await r2.stop(); }
  } finally {
    await s.stop();
  }
});
