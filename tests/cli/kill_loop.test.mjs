// kill_loop.test.mjs: a short run of the kill loop (tests/reliability/kill_loop.mjs, whose full
// run is `make reliability`): 5 SIGKILLs of `demine serve` under 4 writing clients, and import,
// recompute, copy and backup each killed once at a random moment; nothing acknowledged lost,
// nothing half there. On PostgreSQL too under make check-pg.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, BIN } from './helpers.mjs';

test('SIGKILL at random moments loses no acknowledged write and leaves nothing half there', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'tests/reliability/kill_loop.mjs')], {
    env: { ...process.env, DEMINE_BIN: BIN, KILLS: '5', OPS_KILLS: '1', KILL_HAZARDS: '60' },
    encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(r.status, 0, r.stdout.slice(-3000) + r.stderr.slice(-3000));
  assert.match(r.stdout, /5 kills: \d+ writes acknowledged, 0 lost/);
  for (const c of ['import', 'landrelease recompute', 'copy']) assert.match(r.stdout, new RegExp(`${c}: .*all checks passed`));
});
