// helpers.mjs: a real `demine serve` on a throwaway demo database, with one user per role.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { BIN, ok, tempDir } from '../cli/helpers.mjs';

export { BIN, ok };
export const ROLES = ['admin', 'im_officer', 'operator', 'va_officer', 'donor', 'viewer'];
export const password = (role) => `${role}-pass-1`;
const ENV = { ...process.env, DEMINE_ARGON2_FAST: '1' };

// Starts a server on a fresh demo database; returns {url, db, dir, org, proc, stop, tokens, ...}.
// setup(db), when given, changes the database before the server starts.
// webDir: serve that web folder (the real application) instead of the small test folder.
export async function startServer({ pub = false, login = true, setup, webDir = null } = {}) {
  const dir = tempDir('demine-api-');
  const db = join(dir, 'test.db');
  ok(['demo', '--db', db]);
  const hazard = JSON.parse(ok(['show', '--db', db, '--json', 'HAZ-AGD-00001']).stdout);
  const org = hazard.organisation;
  for (const role of ROLES) {
    const args = ['user', 'add', '--db', db, '--name', role, '--role', role, '--full-name', `The ${role}`];
    if (role === 'operator' || role === 'va_officer') args.push('--org', org);
    const r = spawnSync(BIN, args, { input: password(role) + '\n', env: ENV, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`user add ${role}: ${r.stderr}`);
  }
  if (setup) setup(db);
  const web = join(dir, 'web');
  mkdirSync(join(web, 'js'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>demine</title>');
  writeFileSync(join(web, 'js', 'app.js'), 'export const x = 1;\n');
  writeFileSync(join(web, 'style.css'), 'body{}\n');
  writeFileSync(join(dir, 'secret.txt'), 'SECRET outside the web folder\n');
  const args = ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web', webDir || web, '--threads', '4'];
  if (pub) args.push('--public');
  const proc = spawn(BIN, args, { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
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
  const s = {
    url, db, dir, org, hazard, proc, exited, stderr: () => stderr, tokens: {},
    // Stops the server with SIGTERM; returns its exit status (0 = clean, no leaks under ASan).
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const e = await exited;
      rmSync(dir, { recursive: true, force: true });
      if (e.code !== 0) throw new Error(`serve exited ${e.code} ${e.signal}: ${stderr.slice(-4000)}`);
      return e;
    },
  };
  if (login) for (const role of ROLES) s.tokens[role] = (await token(s, role)).token;
  return s;
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
export function rawGet(s, path) {
  const u = new URL(s.url);
  return new Promise((res, rej) => {
    const q = http.request({ host: u.hostname, port: u.port, path, method: 'GET' }, (r) => {
      let body = '';
      r.on('data', (d) => { body += d; });
      r.on('end', () => res({ status: r.statusCode, headers: r.headers, text: body }));
    });
    q.on('error', rej);
    q.end();
  });
}

// A digest of the records, their history and audit (not sessions or failed logins), to prove
// that refused requests changed nothing.
export function dataDigest(db) {
  const r = spawnSync('sqlite3', [db, '.dump'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(r.stderr);
  const lines = r.stdout.split('\n').filter((l) => !/^INSERT INTO (sessions|login_failures|sqlite_sequence)\b/.test(l)
    && !/^INSERT INTO audit VALUES\(\d+,'[^']*','[^']*','[^']*','read_personal'/.test(l));
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

export function sqlite(db, q) {
  const r = spawnSync('sqlite3', [db, q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

// A new hazard draft owned by org.
export function newHazard(org, extra = {}) {
  return {
    organisation: org, category: 'sha', hazard_type: 'minefield', land_status: 'open',
    date_of_information: '2024-05-01',
    geometry: { type: 'Polygon', coordinates: [[[46.9, 39.7], [46.91, 39.7], [46.91, 39.71], [46.9, 39.71], [46.9, 39.7]]] },
    ...extra,
  };
}
