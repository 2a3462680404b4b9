// users.test.mjs: the server's user, token and audit actions from the command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demine, ok, freshDb } from './helpers.mjs';

const env = { DEMINE_ARGON2_FAST: '1' };

test('user list, password, disable; token create and revoke', () => {
  const { db, cleanup } = freshDb();
  try {
    ok(['user', 'add', '--db', db, '--name', 'ana', '--role', 'im_officer', '--full-name', 'Ana Aliyeva'],
      { input: 'a-long-passphrase\n', env });
    ok(['user', 'add', '--db', db, '--name', 'cem', '--role', 'viewer'], { input: 'another-passphrase\n', env });
    const users = ok(['user', 'list', '--db', db, '--json']).stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(users.map((u) => [u.login, u.role, u.disabled]), [['ana', 'im_officer', false], ['cem', 'viewer', false]]);
    assert.match(ok(['user', 'list', '--db', db]).stdout, /^ana\tim_officer\t\tactive\tAna Aliyeva$/m);

    ok(['user', 'password', '--db', db, '--name', 'ana'], { input: 'a-new-passphrase\n', env });
    const none = demine(['user', 'password', '--db', db, '--name', 'ana'], { input: '', env });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /stdin/);
    assert.equal(demine(['user', 'password', '--db', db, '--name', 'nobody'], { input: 'x-passphrase-long\n', env }).code, 1);

    const token = ok(['token', 'create', '--db', db, '--name', 'ana']).stdout.trim();
    assert.match(token, /^[0-9a-f]{64}$/);
    ok(['token', 'revoke', '--db', db], { input: `${token}\n` });
    const bad = demine(['token', 'revoke', '--db', db], { input: 'not-a-token\n' });
    assert.equal(bad.code, 1, 'what is not a token is refused');

    ok(['user', 'disable', '--db', db, '--name', 'cem']);
    assert.match(ok(['user', 'list', '--db', db]).stdout, /^cem\tviewer\t\tdisabled\t$/m);
    assert.equal(demine(['user', 'disable', '--db', db, '--name', 'nobody']).code, 1);
    assert.equal(demine(['user', 'frobnicate', '--db', db]).code, 2);
  } finally {
    cleanup();
  }
});

test('audit: the log newest first, as the API has it', () => {
  const { dir, db, cleanup } = freshDb();
  try {
    const csv = join(dir, 'orgs.csv');
    writeFileSync(csv, 'name,short_name,kind,country\nMine Action Agency,ANAMA,national_authority,AZ\nSafe Lands,SL,operator_ngo,AZ\n');
    ok(['import', '--db', db, '--type', 'organisation', csv, '--approve', '--reason', 'setup']);
    const lines = ok(['audit', '--db', db, '--json']).stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    assert.ok(lines[0].seq > lines[1].seq, 'newest first');
    assert.deepEqual(lines.map((l) => [l.action, l.record_type, l.user]),
      [['create_approved', 'organisation', 'tester'], ['create_approved', 'organisation', 'tester']]);
    assert.equal(ok(['audit', '--db', db, '--limit', '1', '--offset', '1', '--json']).stdout.trim(), JSON.stringify(lines[1]));
    assert.equal(demine(['audit', '--db', db, '--limit', '0']).code, 1);
  } finally {
    cleanup();
  }
});
