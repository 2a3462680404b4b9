// copy.test.mjs: demine copy moves the whole demo database SQLite -> PostgreSQL -> SQLite, and
// every export and history comes back byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { demine, ok, json, tempDir, pgCreateDb, PG_BASE } from './helpers.mjs';

const skip = PG_BASE ? false : 'no PostgreSQL server: set DEMINE_PG_BASE (make check-pg starts one and runs this test)';

test('copy SQLite -> PostgreSQL -> SQLite keeps every record, version and audit entry', { skip }, () => {
  const dir = tempDir();
  const pg = pgCreateDb();
  try {
    const a = join(dir, 'a.db');
    const b = join(dir, 'b.db');
    ok(['demo', '--db', a]);
    ok(['field', 'add', '--db', a, '--type', 'hazard', '--name', 'access_road', '--kind', 'text', '--label', 'Access road']);
    let r = ok(['copy', '--from', a, '--to', pg.uri]);
    assert.match(r.stdout, /^copied \d+ rows in \d+ tables; row counts and checksums agree$/m);
    assert.match(r.stdout, /^hazard_history +\d+ rows +[0-9a-f]{16}$/m);
    assert.match(r.stdout, /^audit +\d+ rows/m);
    r = ok(['copy', '--from', pg.uri, '--to', b]);
    assert.match(r.stdout, /checksums agree/);
    const types = json(['schema', '--json']).types.map((t) => t.name);
    assert.ok(types.length >= 10);
    for (const type of types) {
      const want = ok(['export', '--db', a, '--type', type]).stdout;
      assert.equal(ok(['export', '--db', pg.uri, '--type', type]).stdout, want, `${type} on postgresql`);
      assert.equal(ok(['export', '--db', b, '--type', type]).stdout, want, `${type} back on sqlite`);
      const csv = ok(['export', '--db', a, '--type', type, '--format', 'csv']).stdout;
      assert.equal(ok(['export', '--db', b, '--type', type, '--format', 'csv']).stdout, csv, `${type} csv`);
    }
    const hazards = json(['list', '--db', a, '--type', 'hazard', '--json']).items;
    for (const h of hazards.slice(0, 5)) {
      const want = ok(['history', '--db', a, h.id, '--json']).stdout;
      assert.equal(ok(['history', '--db', pg.uri, h.id, '--json']).stdout, want, `history of ${h.code} on postgresql`);
      assert.equal(ok(['history', '--db', b, h.id, '--json']).stdout, want, `history of ${h.code}`);
    }
    assert.equal(ok(['check', '--db', b, '--json']).stdout, ok(['check', '--db', a, '--json']).stdout);
    // the copy goes on working: a new record gets the next code on both stores
    ok(['update', '--db', b, hazards[0].id, '--set', 'access_road=track', '--expect-version', String(hazards[0].version), '--reason', 'after copy']);
    ok(['update', '--db', pg.uri, hazards[0].id, '--set', 'access_road=track', '--expect-version', String(hazards[0].version), '--reason', 'after copy']);
    // a destination that holds anything is refused
    r = demine(['copy', '--from', a, '--to', b]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /destination.*already exists/);
    r = demine(['copy', '--from', b, '--to', pg.uri]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /destination.*already holds a demine schema/);
    assert.equal(demine(['copy', '--from', a]).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    pg.drop();
  }
});
