// kill_loop.mjs: SIGKILL demine at random moments and check that nothing acknowledged is lost
// and nothing unacknowledged is half there (issue 13; `make reliability`, docs/reliability.md).
//
// Part 1, the server: `demine serve` runs while 4 clients write (create, update, submit,
// approve hazards, each a new version); after a random time it is killed with SIGKILL, then
// checked and started again, KILLS times. After each kill:
//   - every write answered 2xx is there: the version it was given is in the history with what
//     was written (name and change reason, status), and the record is at that version or later;
//   - nothing half there: each record's current row is its latest history version, its history
//     has every version 1..N, each version has its audit row, each record its index row, no
//     history without its record; writes that got no answer are wholly there or wholly absent;
//   - the store's own integrity check passes (SQLite PRAGMA integrity_check; PostgreSQL amcheck's
//     bt_index_check on every index when the extension can be created) and `demine check` too.
// Part 2, the commands: import, landrelease recompute, copy and backup are killed at a random
// moment of their run, OPS_KILLS times each, and what they leave is checked (see each below).
//
// Environment: KILLS (100), OPS_KILLS (10), KILL_HAZARDS (600), DEMINE_BIN (build/demine), DEMINE_TEST_STORE and
// DEMINE_PG_BASE as for the other tests (tests/cli/helpers.mjs), KILL_SEED (random),
// RELIABILITY_JSON (append the figures, one JSON line, to this file).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, appendFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ok, demine, sql, tempDir, newDb, STORE } from '../cli/helpers.mjs';

const KILLS = Number(process.env.KILLS ?? 100);
const OPS_KILLS = Number(process.env.OPS_KILLS ?? 10);
const HAZARDS = Number(process.env.KILL_HAZARDS ?? 600); // the generated database the commands work on
let seed = Number(process.env.KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SEED = seed;
// a small PRNG of our own, so a failing run can be repeated with KILL_SEED
function rand() {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}
const log = (...a) => console.log(`[kill-loop ${STORE}]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
function fail(msg) {
  console.error(`[kill-loop ${STORE}] FAILED (KILL_SEED=${SEED}): ${msg}`);
  process.exit(1);
}
function check(cond, msg) { if (!cond) fail(msg); }
const rows = (db, query) => { const out = sql(db, query); return out ? out.split('\n').map((l) => l.split('|')) : []; };
const count = (db, query) => Number(sql(db, query));

// ---- the store's own integrity check ----
let amcheck = null; // PostgreSQL: whether amcheck could be created
const amchecked = new Set(); // the databases that have it
function integrity(db) {
  if (STORE === 'sqlite') {
    const r = sql(db, 'PRAGMA integrity_check');
    check(r === 'ok', `PRAGMA integrity_check: ${r}`);
    return 'integrity_check';
  }
  if (amcheck !== false && !amchecked.has(db)) {
    try { sql(db, 'CREATE EXTENSION IF NOT EXISTS amcheck'); amcheck = true; amchecked.add(db); } catch { amcheck = false; }
  }
  if (amcheck) {
    // raises an error (and so throws) on any corrupt btree index
    sql(db, `SELECT count(bt_index_check(c.oid, true)) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree' AND c.relpersistence != 't'`);
    return 'amcheck';
  }
  return 'consistency queries only';
}

// Consistency of the hazard tables (the ones the clients write): nothing half written.
function consistent(db, where = '') {
  const bad = rows(db, `SELECT h.id, h.version, (SELECT COUNT(*) FROM hazard_history x WHERE x.id = h.id),
    (SELECT MAX(version) FROM hazard_history x WHERE x.id = h.id) FROM hazard h ${where}`)
    .filter(([, v, n, max]) => v !== n || v !== max);
  check(bad.length === 0, `records whose current row and history disagree: ${JSON.stringify(bad.slice(0, 5))}`);
  check(count(db, 'SELECT COUNT(*) FROM hazard_history x WHERE NOT EXISTS (SELECT 1 FROM hazard h WHERE h.id = x.id)') === 0,
    'history rows without their record');
  check(count(db, `SELECT COUNT(*) FROM hazard h WHERE NOT EXISTS (SELECT 1 FROM record_index r WHERE r.id = h.id AND r.code = h.code)`) === 0,
    'records without their index row');
  const noAudit = count(db, `SELECT COUNT(*) FROM hazard_history x WHERE x.external_id LIKE 'kl-%'
    AND NOT EXISTS (SELECT 1 FROM audit a WHERE a.record_id = x.id AND a.version = x.version)`);
  check(noAudit === 0, `${noAudit} versions without their audit row`);
}

function demineCheck(db) {
  const r = demine(['check', '--db', db]);
  check(r.code === 0, `demine check exited ${r.code}: ${r.stderr.slice(-2000)}`);
}

// ---- part 1: the server under 4 writing clients ----
function startServe(db, web) {
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web', web, '--threads', '4'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEMINE_ARGON2_FAST: '1' } });
  let err = '';
  proc.stderr.on('data', (d) => { err = (err + d).slice(-8000); });
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  const url = new Promise((res) => {
    let out = '';
    proc.stdout.on('data', (d) => { out += d; const m = out.match(/listening on (http:\/\/\S+)\n/); if (m) res(m[1]); });
    exited.then(() => res(null));
  });
  return { proc, exited, url, stderr: () => err };
}

async function call(url, tokenValue, method, path, body, etag) {
  const headers = { Authorization: `Bearer ${tokenValue}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (etag !== undefined) headers['If-Match'] = `"${etag}"`;
  const r = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text };
}

// One client: writes until the server goes away. Acknowledged writes go to ledger.acked, writes
// sent without an answer to ledger.doubt.
async function client(n, round, url, tok, org, ledger, dead) {
  const mine = []; // this round's records: {rec, version, status}
  for (let i = 0; !dead.value; i++) {
    const note = `kl-${round}-${n}-${i}`;
    const r = rand();
    const draft = mine.filter((m) => m.status === 'draft');
    const submitted = mine.filter((m) => m.status === 'submitted');
    let op, target;
    if (r < 0.4 || mine.length === 0) op = 'create';
    else if (r < 0.75 && draft.length) { op = 'update'; target = draft[Math.floor(rand() * draft.length)]; }
    else if (r < 0.9 && draft.length) { op = 'submit'; target = draft[Math.floor(rand() * draft.length)]; }
    else if (submitted.length) { op = 'approve'; target = submitted[Math.floor(rand() * submitted.length)]; }
    else op = 'create';
    try {
      let res;
      if (op === 'create') {
        const x = 46.5 + rand() * 0.8, y = 39.3 + rand() * 0.6, d = 0.001 + rand() * 0.002;
        res = await call(url, tok, 'POST', '/api/v1/hazard', {
          organisation: org, category: 'sha', hazard_type: 'minefield', land_status: 'open', date_of_information: '2024-05-01',
          external_id: note, name: note,
          geometry: { type: 'Polygon', coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] },
        });
      } else if (op === 'update') {
        res = await call(url, tok, 'PUT', `/api/v1/hazard/${target.rec.id}`, { ...target.rec, name: note, change_reason: note }, target.version);
      } else {
        res = await call(url, tok, 'POST', `/api/v1/hazard/${target.rec.id}/${op}`, undefined, target.version);
      }
      if (res.status >= 200 && res.status < 300) {
        const v = res.json.version;
        ledger.acked.push({ op, id: res.json.id, version: v, note, status: res.json.status });
        if (op === 'create') mine.push({ rec: res.json, version: v, status: res.json.status });
        else { target.version = v; target.status = res.json.status; if (op === 'update') target.rec = res.json; }
      } else {
        // 412 (a version we do not know: an unanswered write of ours went in) or 429 are by
        // design; anything else is a bug
        if (![412, 429].includes(res.status)) fail(`${op} ${note}: ${res.status} ${res.text.slice(0, 500)}`);
        if (target) mine.splice(mine.indexOf(target), 1);
      }
    } catch (e) {
      // no answer: the server was killed under this request (the exit may be seen a little
      // later than the closed connection); while it lives, a request must get an answer
      ledger.doubt.push({ op, id: target?.rec.id, note });
      for (let w = 0; w < 300 && !dead.value; w++) await sleep(10);
      if (!dead.value) fail(`${op} ${note}: no answer from a live server: ${e.cause ?? e}`);
      return;
    }
  }
}

// Every acknowledged write, in the database as it was acknowledged.
function verifyAcked(db, ledger) {
  const hist = new Map();
  for (const [id, version, name, reason, status, ext] of rows(db, `SELECT id, version, name, change_reason, status, external_id
      FROM hazard_history WHERE external_id LIKE 'kl-%'`)) hist.set(`${id}/${version}`, { name, reason, status, ext });
  const current = new Map(rows(db, `SELECT id, version FROM hazard WHERE external_id LIKE 'kl-%'`).map(([id, v]) => [id, Number(v)]));
  let lost = 0;
  for (const a of ledger.acked) {
    const h = hist.get(`${a.id}/${a.version}`);
    const problem = !h ? 'missing'
      : a.op === 'create' && (h.ext !== a.note || h.name !== a.note) ? `is ${JSON.stringify(h)}`
        : a.op === 'update' && (h.name !== a.note || h.reason !== a.note) ? `is ${JSON.stringify(h)}`
          : (a.op === 'submit' || a.op === 'approve') && h.status !== a.status ? `has status ${h.status}`
            : !(current.get(a.id) >= a.version) ? `record at version ${current.get(a.id)}` : null;
    if (problem) { lost++; console.error(`acknowledged ${a.op} ${a.note} (${a.id} v${a.version}): ${problem}`); }
  }
  check(lost === 0, `${lost} acknowledged writes lost or changed`);
  // an unanswered create is there once or not at all
  const byExt = new Map(rows(db, `SELECT external_id, COUNT(*) FROM hazard WHERE external_id LIKE 'kl-%' GROUP BY external_id`).map(([e, n]) => [e, Number(n)]));
  let doubtIn = 0;
  for (const d of ledger.doubt) {
    if (d.op === 'create') {
      const n = byExt.get(d.note) ?? 0;
      check(n <= 1, `unanswered create ${d.note} is there ${n} times`);
      doubtIn += n;
    } else if (count(db, `SELECT COUNT(*) FROM hazard_history WHERE id = ${q(d.id)} AND (change_reason = ${q(d.note)} OR name = ${q(d.note)})`) > 0 || d.op !== 'update') {
      // a transition leaves no note: counted as "in" when the record moved on (checked whole above)
      if (d.op === 'update') doubtIn++;
    }
  }
  return doubtIn;
}

async function serverLoop(dir, db, org, tok) {
  const web = join(dir, 'web');
  mkdirSync(web, { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>demine</title>');
  const ledger = { acked: [], doubt: [] };
  let doubtIn = 0, killsDuringStart = 0, check_kind = '';
  const t0 = Date.now();
  for (let k = 1; k <= KILLS; k++) {
    const s = startServe(db, web);
    const dead = { value: false };
    s.exited.then(() => { dead.value = true; });
    if (rand() < 0.1) {
      // now and then while it starts (opening the database, running migrations)
      await sleep(Math.floor(rand() * 30));
      killsDuringStart++;
    } else {
      const url = await s.url;
      check(url, `serve did not start: ${s.stderr()}`);
      const clients = [0, 1, 2, 3].map((n) => client(n, k, url, tok, org, ledger, dead));
      await sleep(100 + Math.floor(rand() * 1400));
      s.proc.kill('SIGKILL');
      await Promise.all(clients);
    }
    if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGKILL');
    const e = await s.exited;
    check(e.signal === 'SIGKILL' || e.code === 0, `serve ended ${e.code} ${e.signal} before the kill: ${s.stderr()}`);
    check_kind = integrity(db);
    consistent(db);
    doubtIn = verifyAcked(db, ledger);
    if (k % 10 === 0 || k === KILLS) demineCheck(db);
    if (k % 10 === 0 || k === KILLS) log(`${k} kills: ${ledger.acked.length} writes acknowledged, 0 lost; ${ledger.doubt.length} unanswered (${doubtIn} of them in, whole)`);
  }
  return { kills: KILLS, kills_during_start: killsDuringStart, acknowledged: ledger.acked.length, lost: 0,
    unanswered: ledger.doubt.length, unanswered_in: doubtIn, integrity: check_kind, seconds: Math.round((Date.now() - t0) / 1000),
    by_op: Object.fromEntries(['create', 'update', 'submit', 'approve'].map((o) => [o, ledger.acked.filter((a) => a.op === o).length])) };
}

// ---- part 2: the commands ----
// Runs args once to completion to learn how long it takes; then OPS_KILLS times: a fresh
// setup(), the command killed at a random moment within that time, and judge() on what is left.
async function killCommand(name, setup, args, judge) {
  let { dir: d0, ...ctx0 } = setup(0);
  const t0 = Date.now();
  const r0 = demine(args(ctx0));
  check(r0.code === 0, `${name} (unkilled) exited ${r0.code}: ${r0.stderr.slice(-1000)}`);
  const ms = Date.now() - t0;
  rmSync(d0, { recursive: true, force: true });
  const out = { command: name, unkilled_ms: ms, kills: 0, finished_first: 0 };
  for (let i = 1; i <= OPS_KILLS; i++) {
    const { dir, ...ctx } = setup(i);
    const child = spawn(BIN, args(ctx), { stdio: 'ignore', env: { ...process.env, DEMINE_USER: 'killer' } });
    const exited = new Promise((res) => child.on('exit', (code, signal) => res({ code, signal })));
    await sleep(Math.floor(rand() * ms * 0.7));
    child.kill('SIGKILL');
    const e = await exited;
    if (e.signal === 'SIGKILL') out.kills++; else out.finished_first++;
    judge(ctx, e);
    rmSync(dir, { recursive: true, force: true });
    ctx.drop?.();
  }
  log(`${name}: ${out.kills} killed mid-run, ${out.finished_first} finished before the kill (unkilled run ${ms} ms); all checks passed`);
  return out;
}

function genDb(hazards) {
  const dir = tempDir('demine-kill-');
  const { db, drop } = newDb(dir);
  ok(['gen', '--db', db, '--hazards', String(hazards), '--seed', '7', '--quiet']);
  return { dir, db, drop };
}

function snapshotFigures(db) {
  return sql(db, `SELECT id, version, area_m2, cancelled_m2, reduced_m2, cleared_m2, remaining_m2, status FROM hazard ORDER BY id`);
}

async function commandKills() {
  const results = [];
  const base = genDb(HAZARDS);
  const baseFigures = snapshotFigures(base.db);
  // the import file: 2,000 new hazards
  const file = join(base.dir, 'import.geojson');
  const feats = [];
  for (let i = 0; i < 2000; i++) {
    const x = 46.5 + (i % 50) * 0.01, y = 39.4 + Math.floor(i / 50) * 0.01;
    feats.push({ type: 'Feature', properties: { category: 'sha', hazard_type: 'battle_area', land_status: 'open', external_id: `KI-${i}` },
      geometry: { type: 'Polygon', coordinates: [[[x, y], [x + 0.003, y], [x + 0.003, y + 0.003], [x, y + 0.003], [x, y]]] } });
  }
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: feats }));
  const copyOf = () => {
    const dir = tempDir('demine-kill-');
    if (STORE === 'sqlite') {
      const db = join(dir, 'k.db');
      ok(['backup', '--db', base.db, '--to', db]);
      return { dir, db };
    }
    const { db, drop } = newDb(dir);
    ok(['copy', '--from', base.db, '--to', db]);
    return { dir, db, drop };
  };
  // import: all of the file or none of it
  results.push(await killCommand('import', copyOf, (c) => ['import', '--db', c.db, '--type', 'hazard', file], (c) => {
    integrity(c.db);
    consistent(c.db);
    const n = count(c.db, `SELECT COUNT(*) FROM hazard WHERE external_id LIKE 'KI-%'`);
    check(n === 0 || n === 2000, `a killed import left ${n} of 2000 hazards`);
    demineCheck(c.db);
  }));
  // recompute: the figures are as before (recompute of consistent data changes nothing)
  results.push(await killCommand('landrelease recompute', copyOf, (c) => ['landrelease', 'recompute', '--db', c.db], (c) => {
    integrity(c.db);
    check(snapshotFigures(c.db) === baseFigures, 'a killed recompute changed the figures');
    demineCheck(c.db);
  }));
  const rowsOf = (db) => sql(db, 'SELECT COUNT(*) FROM hazard') + '/' + sql(db, 'SELECT COUNT(*) FROM hazard_history') + '/' + sql(db, 'SELECT COUNT(*) FROM audit');
  const out_copy = { whole: 0 };
  // copy (to an SQLite file): the destination is whole, or holds no data and can be copied to again
  results.push(await killCommand('copy', (i) => {
    const dir = tempDir('demine-kill-');
    return { dir, to: join(dir, 'copy.db') };
  }, (c) => ['copy', '--from', base.db, '--to', c.to], (c, e) => {
    if (e.signal !== 'SIGKILL') return;
    let whole = false;
    if (existsSync(c.to) && statSync(c.to).size > 0) {
      check(sql(c.to, 'PRAGMA integrity_check') === 'ok', 'a killed copy left a damaged file');
      const tables = count(c.to, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'hazard'`);
      const n = tables ? count(c.to, 'SELECT COUNT(*) FROM hazard') : 0;
      // killed while it read both sides back to compare them: committed, and whole
      whole = n > 0 && rowsOf(c.to) === rowsOf(base.db);
      check(n === 0 || whole, `a killed copy left ${rowsOf(c.to)} rows, not none nor the whole ${rowsOf(base.db)}`);
      if (whole) { out_copy.whole++; demineCheck(c.to); }
    }
    const again = demine(['copy', '--from', base.db, '--to', c.to]);
    if (whole) check(again.code !== 0 && /already|not empty|holds/.test(again.stderr), `copy onto a whole copy: ${again.code} ${again.stderr.slice(-500)}`);
    else check(again.code === 0, `copy again after a killed copy: ${again.code} ${again.stderr.slice(-500)}`);
  }));
  results[results.length - 1].whole_after_kill = out_copy.whole;
  // backup (SQLite only): no file, or a whole backup; never a file that looks like a backup
  if (STORE === 'sqlite') {
    const expect = rowsOf(base.db);
    results.push(await killCommand('backup', () => {
      const dir = tempDir('demine-kill-');
      return { dir, to: join(dir, 'b.db') };
    }, (c) => ['backup', '--db', base.db, '--to', c.to], (c) => {
      if (existsSync(c.to)) {
        check(sql(c.to, 'PRAGMA integrity_check') === 'ok', 'a killed backup left a damaged file');
        check(rowsOf(c.to) === expect, `a killed backup left ${c.to} holding ${rowsOf(c.to)}, not the whole ${expect}`);
      } else {
        const again = demine(['backup', '--db', base.db, '--to', c.to]);
        check(again.code === 0, `backup again after a killed backup: ${again.stderr}`);
      }
    }));
  }
  rmSync(base.dir, { recursive: true, force: true });
  base.drop();
  return results;
}

async function main() {
  log(`KILLS=${KILLS} OPS_KILLS=${OPS_KILLS} KILL_SEED=${SEED} bin ${BIN}`);
  const dir = tempDir('demine-kill-');
  const { db, drop } = newDb(dir);
  ok(['demo', '--db', db]);
  const org = JSON.parse(ok(['show', '--db', db, '--json', 'HAZ-AGD-00001']).stdout).organisation;
  const add = spawnSync(BIN, ['user', 'add', '--db', db, '--name', 'writer', '--role', 'im_officer', '--full-name', 'Kill loop writer'],
    { input: 'kill-loop-pass-0451\n', encoding: 'utf8', env: { ...process.env, DEMINE_ARGON2_FAST: '1' } });
  check(add.status === 0, `user add: ${add.stderr}`);
  const tok = ok(['token', 'create', '--db', db, '--name', 'writer']).stdout.trim();
  const server = KILLS > 0 ? await serverLoop(dir, db, org, tok) : null;
  rmSync(dir, { recursive: true, force: true });
  drop();
  const commands = OPS_KILLS > 0 ? await commandKills() : [];
  const result = { store: STORE, seed: SEED, date: new Date().toISOString(), server, commands };
  log('result', JSON.stringify(result));
  if (process.env.RELIABILITY_JSON) appendFileSync(process.env.RELIABILITY_JSON, JSON.stringify(result) + '\n');
}

main().catch((e) => fail(e.stack || String(e)));
