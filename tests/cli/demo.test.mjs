// demo.test.mjs: the demo database a new user meets with `make run`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { demine, ok, json, tempDir, newDb, STORE } from './helpers.mjs';

test('demo: the report, the Karabakh districts, every workflow state, a clean check', () => {
  const dir = tempDir();
  const { db, drop } = newDb(dir, 'demo.db');
  try {
    ok(['demo', '--db', db]);
    assert.equal(demine(['demo', '--db', db]).code, 1); // refuses an existing database
    if (STORE === 'sqlite') ok(['demo', '--db', db, '--force']);
    else assert.match(demine(['demo', '--db', db, '--force']).stderr, /not replaced by demine/);
    const grants = json(['list', '--db', db, '--type', 'grant', '--json']).items;
    const fr = grants.find((g) => g.amount === '400000.00' && g.currency === 'EUR');
    assert.ok(fr, 'France grant');
    assert.equal(fr.announced_date, '2021-09-08');
    const agreement = json(['list', '--db', db, '--type', 'agreement', '--json']).items[0];
    assert.equal(agreement.agreement_status, 'envisaged');
    assert.deepEqual([...agreement.scope].sort(), ['demining_support', 'risk_education', 'victim_assistance']);
    const conv = ok(['money', 'convert', '400000', 'EUR', 'AZN', '--date', '2021-09-08', '--db', db]).stdout;
    assert.match(conv, /^803272\.00 AZN\nrate 2\.00818 AZN per EUR of 2021-09-08 \(manual\)/);
    const usd = ok(['money', 'convert', '400000', 'EUR', 'USD', '--date', '2021-09-08', '--db', db]).stdout;
    assert.match(usd, /^472752\.00 USD/);
    const hazards = json(['list', '--db', db, '--type', 'hazard', '--json']).items;
    const statuses = new Set(hazards.map((h) => h.status));
    for (const s of ['approved', 'draft', 'submitted']) assert.ok(statuses.has(s), `a ${s} hazard`);
    assert.ok(hazards.some((h) => h.land_status === 'closed' && h.closure_reason === 'fully released'));
    const districts = ['AGD', 'FZL', 'JBR', 'ZNG', 'GBD', 'LAC', 'KLB', 'KHJ', 'SHU'];
    for (const d of districts) assert.ok(hazards.some((h) => h.code.startsWith(`HAZ-${d}-`)), `a hazard in ${d}`);
    const models = new Set(json(['list', '--db', db, '--type', 'eo_find', '--json']).items.map((f) => f.model));
    for (const m of ['PMN-2', 'TM-62M', 'OZM-72']) assert.ok(models.has(m), m);
    assert.equal(json(['list', '--db', db, '--type', 'accident', '--json']).items.length, 1);
    assert.ok(json(['list', '--db', db, '--type', 'location', '--json']).items.length >= 79);
    const chk = JSON.parse(ok(['check', '--db', db, '--json']).stdout);
    assert.equal(chk.errors, 0);
  } finally { rmSync(dir, { recursive: true, force: true }); drop(); }
});

test('demo: one demo user per role (login ROLE, password ROLE-demo), printed; --no-users makes none', () => {
  const dir = tempDir();
  const { db, drop } = newDb(dir, 'demo.db');
  try {
    const out = ok(['demo', '--db', db], { env: { DEMINE_ARGON2_FAST: '1' } }).stdout;
    const roles = ['admin', 'im_officer', 'operator', 'va_officer', 'donor', 'viewer'];
    for (const r of roles) assert.match(out, new RegExp(`^  ${r} +${r}-demo$`, 'm'));
    const users = ok(['user', 'list', '--db', db, '--json']).stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(users.map((u) => u.login).sort(), [...roles].sort());
    for (const u of users) {
      assert.equal(u.role, u.login);
      assert.equal(u.demo, true, `${u.login} is marked as a demo account`);
    }
    const orgs = json(['list', '--db', db, '--type', 'organisation', '--json']).items;
    const meae = orgs.find((o) => o.short_name === 'MEAE');
    assert.equal(meae.kind, 'donor_government');
    const by = Object.fromEntries(users.map((u) => [u.login, u]));
    assert.equal(by.donor.org_id, meae.id, 'the donor belongs to a donor organisation of the demo');
    const haz = json(['show', '--db', db, '--json', 'HAZ-AGD-00001']);
    assert.equal(by.operator.org_id, haz.organisation);
    assert.equal(by.va_officer.org_id, haz.organisation);
    for (const r of ['admin', 'im_officer', 'viewer']) assert.ok(!by[r].org_id, `${r} belongs to no organisation`);
    // the published password is short, so only a demo account may have it
    const bad = demine(['user', 'add', '--db', db, '--name', 'x', '--role', 'viewer'], { input: 'x-demo\n', env: { DEMINE_ARGON2_FAST: '1' } });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /password/);

    const { db: db2, drop: drop2 } = newDb(dir, 'bare.db');
    try {
      const out2 = ok(['demo', '--db', db2, '--no-users']).stdout;
      assert.doesNotMatch(out2, /demo users/);
      assert.equal(ok(['user', 'list', '--db', db2]).stdout, '');
    } finally { drop2(); }
    assert.equal(demine(['demo', '--db', db, '--bogus']).code, 2);
  } finally { rmSync(dir, { recursive: true, force: true }); drop(); }
});
