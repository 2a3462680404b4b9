// disk_full.test.mjs: an import that runs out of disk (a file size limit, as a full disk
// behaves for the writer) fails with a clear error and leaves the database as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ok, json, freshDb, STORE } from './helpers.mjs';

function hazards(n) {
  const features = [];
  for (let i = 0; i < n; i++) {
    const x = 46 + (i % 100) * 0.01, y = 39.2 + Math.floor(i / 100) * 0.01;
    features.push({ type: 'Feature', properties: { category: 'cha', hazard_type: 'minefield', land_status: 'open',
      external_id: `SVY-${i}`, evidence: 'x'.repeat(400) },
    geometry: { type: 'Polygon', coordinates: [[[x, y], [x + 0.004, y], [x + 0.004, y + 0.004], [x, y + 0.004], [x, y]]] } });
  }
  return { type: 'FeatureCollection', features };
}

test('import into a disk that fills up: a clear error, nothing written', { skip: STORE !== 'sqlite' && 'a file size limit applies to SQLite files' }, () => {
  const { dir, db, cleanup } = freshDb();
  try {
    const file = join(dir, 'many.geojson');
    writeFileSync(file, JSON.stringify(hazards(3000)));
    const size = statSync(db).size;
    // bash counts ulimit -f in KiB; SIGXFSZ ignored, so writes past the limit fail with EFBIG
    const limitKb = Math.ceil(size / 1024) + 256;
    const r = spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f ${limitKb}; exec "$0" "$@"`, BIN, 'import', '--db', db,
      '--type', 'hazard', file, '--approve', '--reason', 'survey'], { encoding: 'utf8', env: { ...process.env, DEMINE_USER: 'tester' } });
    assert.equal(r.status, 1, `exit ${r.status}: ${r.stderr}`);
    assert.match(r.stderr, /disk|full|too large|I\/O/i, r.stderr);
    assert.doesNotMatch(r.stderr, /AddressSanitizer|LeakSanitizer/);
    assert.equal(json(['list', '--db', db, '--type', 'hazard', '--json']).items.length, 0, 'nothing imported');
    const check = json(['check', '--db', db, '--json']);
    assert.equal(check.errors, 0, JSON.stringify(check.findings));
    // and with room again the same import goes through whole
    ok(['import', '--db', db, '--type', 'hazard', file, '--approve', '--reason', 'survey']);
    assert.equal(json(['list', '--db', db, '--type', 'hazard', '--json']).items.length, 3000);
  } finally {
    cleanup();
  }
});
