// kill.test.mjs: an import killed with SIGKILL inside its transaction leaves a database that
// opens, passes its integrity check (SQLite) and holds all of the file or none of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { BIN, ok, freshDb, sql, STORE } from './helpers.mjs';

// PostgreSQL takes fewer: one import updates its code sequence row once per record inside one
// transaction, and each update walks the row's earlier versions (quadratic; see issue 7 notes).
const N = STORE === 'postgres' ? 5000 : 20000;

function writeBigFile(path) {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path);
    out.on('error', reject);
    out.write('{"type":"FeatureCollection","features":[\n');
    for (let i = 0; i < N; i++) {
      const x = 46.5 + (i % 200) * 0.004, y = 39.5 + Math.floor(i / 200) * 0.004, d = 0.001 + (i % 7) * 0.0001;
      const f = { type: 'Feature', properties: { category: 'sha', hazard_type: 'battle_area', land_status: 'open', external_id: `BIG-${i}` },
        geometry: { type: 'Polygon', coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] } };
      out.write(JSON.stringify(f) + (i < N - 1 ? ',\n' : '\n'));
    }
    out.end(']}\n', resolve);
  });
}

test('SIGKILL during a large import: all or nothing, integrity intact', async () => {
  const { db, dir, cleanup } = freshDb();
  try {
    const file = join(dir, 'big.geojson');
    await writeBigFile(file);
    const child = spawn(BIN, ['import', '--db', db, '--type', 'hazard', file, '--progress', '500'],
      { env: { ...process.env, DEMINE_USER: 'tester' } });
    let progress = '';
    const killed = await new Promise((resolve) => {
      child.stderr.on('data', (d) => {
        progress += d;
        if (/imported \d+ records so far/.test(progress)) child.kill('SIGKILL');
      });
      child.on('exit', (code, signal) => resolve(signal));
    });
    assert.equal(killed, 'SIGKILL', 'the import was killed after printing progress');
    // PostgreSQL has no integrity_check: the server rolls back a dead client's transaction,
    // and the counts below show that it did.
    if (STORE === 'sqlite') assert.equal(sql(db, 'PRAGMA integrity_check'), 'ok');
    const n = Number(sql(db, 'SELECT COUNT(*) FROM hazard'));
    assert.ok(n === 0 || n === N, `holds ${n} hazards: all or none`);
    assert.equal(Number(sql(db, 'SELECT COUNT(*) FROM hazard_history')), n);
    // the database still works, and the whole file goes in on a second try
    const r = ok(['import', '--db', db, '--type', 'hazard', file, '--progress', '100000']);
    assert.match(r.stdout, new RegExp(`${N} created`));
    assert.equal(Number(sql(db, 'SELECT COUNT(*) FROM hazard')), n + N);
  } finally { cleanup(); }
});
