// helpers.mjs: a real `demine serve` on a throwaway demo database (made with --no-users), with one
// user per role whose password passes the password rule (not a demo account).
// The database is an SQLite file, or a PostgreSQL database of its own when the tests run with
// DEMINE_TEST_STORE=postgres and DEMINE_PG_BASE (see tests/cli/helpers.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { BIN, ok, tempDir, newDb, sql, STORE } from '../cli/helpers.mjs';

export { BIN, ok, sql, STORE };
export const ROLES = ['admin', 'im_officer', 'operator', 'va_officer', 'donor', 'viewer'];
// Each test user's password: long enough and not containing the login (the password rule).
export const password = (role) => `pw-${createHash('sha256').update(role).digest('hex').slice(0, 12)}`;
const ENV = { ...process.env, DEMINE_ARGON2_FAST: '1' };

// Starts `demine serve` on db (web files from dir/web) on a free port of 127.0.0.1; resolves to
// {url, proc, exited, stderr} once the server says it listens.
// serveArgs are added to the command line, env to the environment.
async function spawnServe(db, dir, { pub = false, webDir = null, serveArgs = [], env = {} } = {}) {
  const args = ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web', webDir || join(dir, 'web'), '--threads', '4', ...serveArgs];
  if (pub) args.push('--public');
  const proc = spawn(BIN, args, { env: { ...ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  const url = await new Promise((res, rej) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^listening on (http:\/\/\S+)\n/);
      if (m) res(m[1]);
    });
    exited.then((e) => rej(new Error(`serve exited ${e.code}: ${stderr}`)));
  });
  return { url, proc, exited, stderr: () => stderr };
}

// Stops a server with SIGTERM and waits for it; throws unless it exited 0 (0 = clean, and no
// leaks under ASan).
async function stopServe({ proc, exited, stderr }) {
  if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
  const e = await exited;
  if (e.code !== 0) throw new Error(`serve exited ${e.code} ${e.signal}: ${stderr().slice(-4000)}`);
  return e;
}

// Starts a server on a fresh demo database; returns {url, db, dir, org, proc, stop, tokens, ...}.
// s.stop() stops the server and removes the database (and the folder). setup(db), when given,
// changes the database before the server starts. webDir: serve that web folder (the real
// application) instead of the small test folder. serveArgs and env go to `demine serve`
// (e.g. ['--trusted-proxy', '127.0.0.1'], { DEMINE_ARGON2_FAST: '' } for real password hashing).
export async function startServer({ pub = false, login = true, setup, webDir = null, serveArgs = [], env = {} } = {}) {
  const dir = tempDir('demine-api-');
  const { db, drop } = newDb(dir);
  let srv, hazard;
  try {
    // the tests' own users (passwords that pass the rule), not demo's published ones
    ok(['demo', '--db', db, '--no-users']);
    hazard = JSON.parse(ok(['show', '--db', db, '--json', 'HAZ-AGD-00001']).stdout);
    for (const role of ROLES) {
      const args = ['user', 'add', '--db', db, '--name', role, '--role', role, '--full-name', `The ${role}`];
      if (role === 'operator' || role === 'va_officer') args.push('--org', hazard.organisation);
      const r = spawnSync(BIN, args, { input: password(role) + '\n', env: { ...ENV, ...env }, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`user add ${role}: ${r.stderr}`);
    }
    if (setup) setup(db);
    const web = join(dir, 'web');
    mkdirSync(join(web, 'js'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>demine</title>');
    writeFileSync(join(web, 'js', 'app.js'), 'export const x = 1;\n');
    writeFileSync(join(web, 'style.css'), 'body{}\n');
    writeFileSync(join(dir, 'secret.txt'), 'SECRET outside the web folder\n');
    srv = await spawnServe(db, dir, { pub, webDir, serveArgs, env });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    drop();
    throw e;
  }
  const s = {
    ...srv, db, dir, org: hazard.organisation, hazard, tokens: {},
    async stop() {
      try {
        return await stopServe(srv);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        drop();
      }
    },
  };
  if (login) for (const role of ROLES) s.tokens[role] = (await token(s, role)).token;
  return s;
}

// Starts another `demine serve` process on the database of s (a server from startServer), as a
// second server behind a proxy would be. It shares s's database, users and sessions, so s.tokens
// work on it too. Stop it (its stop() leaves the database) before s.stop() removes the database.
export async function startSecondServer(s, { pub = false } = {}) {
  const srv = await spawnServe(s.db, s.dir, { pub });
  return {
    ...srv, db: s.db, dir: s.dir, org: s.org, hazard: s.hazard, tokens: s.tokens,
    stop: () => stopServe(srv),
  };
}

export async function token(s, role) {
  const r = await fetch(`${s.url}/api/v1/tokens`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: role, password: password(role) }),
  });
  if (r.status !== 201) throw new Error(`token for ${role}: ${r.status} ${await r.text()}`);
  return r.json();
}

// fetch with a role's bearer token (role null = anonymous); JSON bodies are encoded.
export async function api(s, role, method, path, { body, headers = {}, raw } = {}) {
  const h = { ...headers };
  if (role) h.Authorization = `Bearer ${s.tokens[role]}`;
  let b = raw;
  if (body !== undefined) { b = JSON.stringify(body); h['Content-Type'] ??= 'application/json'; }
  const r = await fetch(s.url + path, { method, headers: h, body: b });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, headers: r.headers, json, text };
}

// A request whose path is sent exactly as given (fetch would normalise /../).
export function rawGet(s, path, headers = {}) {
  const u = new URL(s.url);
  return new Promise((res, rej) => {
    const q = http.request({ host: u.hostname, port: u.port, path, method: 'GET', headers }, (r) => {
      let body = '';
      r.on('data', (d) => { body += d; });
      r.on('end', () => res({ status: r.statusCode, headers: r.headers, text: body }));
    });
    q.on('error', rej);
    q.end();
  });
}

// A digest of the records, their history and audit (not sessions or failed logins), to prove
// that refused requests changed nothing. SQLite: sqlite3 .dump; PostgreSQL: pg_dump with its
// lines sorted (rows come in storage order) and without sequence positions.
// skip: more tables whose rows do not count (e.g. a log of refused submissions).
export function dataDigest(db, { skip = [] } = {}) {
  const pg = /^postgres(ql)?:/.test(db);
  const r = pg
    ? spawnSync('pg_dump', ['--inserts', '--no-owner', '--no-privileges', '-d', db], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 })
    : spawnSync('sqlite3', [db, '.dump'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${pg ? 'pg_dump' : 'sqlite3 .dump'} failed: ${r.stderr}`);
  // pg_dump writes "INSERT INTO public.audit VALUES (1, 'at', ...)", sqlite3 "INSERT INTO audit VALUES(1,'at',...)".
  const skipped = new RegExp(`^INSERT INTO (public\\.)?(${['sessions', 'login_failures', 'login_throttle', 'sqlite_sequence', ...skip].join('|')})\\b`);
  const readPersonal = /^INSERT INTO (public\.)?audit VALUES ?\(\d+, ?'[^']*', ?'[^']*', ?'[^']*', ?'read_personal'/;
  let lines = r.stdout.split('\n').filter((l) => !skipped.test(l) && !readPersonal.test(l));
  if (pg) lines = lines.filter((l) => !/^SELECT pg_catalog\.setval/.test(l) && !/^--/.test(l) && !/^\\(un)?restrict /.test(l)).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

// Runs SQL behind the server's back on either store (see sql() in tests/cli/helpers.mjs); the
// old name, for tests written when the API tests ran on SQLite only.
export const sqlite = sql;

// A new hazard draft owned by org.
export function newHazard(org, extra = {}) {
  return {
    organisation: org, category: 'sha', hazard_type: 'minefield', land_status: 'open',
    date_of_information: '2024-05-01',
    geometry: { type: 'Polygon', coordinates: [[[46.9, 39.7], [46.91, 39.7], [46.91, 39.71], [46.9, 39.71], [46.9, 39.7]]] },
    ...extra,
  };
}
