// demo_users.test.mjs: `demine demo --db x.db` then `demine serve --db x.db` is a map the demo
// users can sign in to at once; serve warns while they exist beyond loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { BIN, ok, tempDir, newDb } from '../cli/helpers.mjs';

const ENV = { ...process.env, DEMINE_ARGON2_FAST: '1' };

// Runs `demine serve` until it says where it listens; resolves {url, stderr(), stop()}.
function serve(db, listen) {
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', listen, '--threads', '2'], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((res) => proc.on('exit', (code) => res(code)));
  return new Promise((res, rej) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^listening on (http:\/\/\S+)\n/);
      if (m) res({ url: m[1], stderr: () => stderr, stop: async () => { proc.kill('SIGTERM'); assert.equal(await exited, 0); } });
    });
    exited.then((c) => rej(new Error(`serve exited ${c}: ${stderr}`)));
  });
}

test('demo users sign in with ROLE / ROLE-demo; the donor sees its own funding; serve warns beyond loopback', async () => {
  const dir = tempDir('demine-api-');
  const { db, drop } = newDb(dir, 'demo.db');
  try {
    ok(['demo', '--db', db], { env: ENV });
    const s = await serve(db, '127.0.0.1:0');
    try {
      assert.doesNotMatch(s.stderr(), /demo accounts/);
      const tokens = {};
      for (const role of ['admin', 'im_officer', 'operator', 'va_officer', 'donor', 'viewer']) {
        const r = await fetch(`${s.url}/api/v1/tokens`, {
          method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ username: role, password: `${role}-demo` }),
        });
        assert.equal(r.status, 201, `${role} signs in`);
        tokens[role] = (await r.json()).token;
        const me = await (await fetch(`${s.url}/api/v1/me`, { headers: { Authorization: `Bearer ${tokens[role]}` } })).json();
        assert.equal(me.user.role, role);
        assert.equal(me.user.demo, true);
      }
      const grants = await (await fetch(`${s.url}/api/v1/grant`, { headers: { Authorization: `Bearer ${tokens.donor}` } })).json();
      assert.ok(grants.items.some((g) => g.amount === '400000.00' && g.currency === 'EUR'), "the donor sees France's grant");
    } finally { await s.stop(); }
    const w = await serve(db, '0.0.0.0:0');
    try {
      assert.match(w.stderr(), /WARNING: demo accounts with published passwords exist/);
    } finally { await w.stop(); }
  } finally { rmSync(dir, { recursive: true, force: true }); drop(); }
});
