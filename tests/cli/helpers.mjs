// helpers.mjs: running the demine program in tests, on throwaway databases.
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.DEMINE_BIN || join(ROOT, 'build/demine');
export const FIXTURES = process.env.DEMINE_FIXTURES || resolve(ROOT, '../shared/fixtures');

// Runs demine synchronously; returns {code, stdout, stderr}.
export function demine(args, opts = {}) {
  const r = spawnSync(BIN, args, {
    input: opts.input,
    env: { ...process.env, DEMINE_USER: opts.user || 'tester', ...(opts.env || {}) },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

// Runs demine and fails the test with its stderr unless it exits 0.
export function ok(args, opts = {}) {
  const r = demine(args, opts);
  if (r.code !== 0) throw new Error(`demine ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
}

export function json(args, opts = {}) {
  return JSON.parse(ok(args, opts).stdout);
}

export function tempDir(prefix = 'demine-test-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

// The store the tests run on: DEMINE_TEST_STORE=postgres with DEMINE_PG_BASE (a server URL
// without a database, e.g. postgresql://demine@127.0.0.1:5433) runs every test on PostgreSQL,
// each on a database of its own; otherwise each test has an SQLite file in a temporary folder.
export const STORE = process.env.DEMINE_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';
export const PG_BASE = process.env.DEMINE_PG_BASE || '';
if (STORE === 'postgres' && !PG_BASE) throw new Error('DEMINE_TEST_STORE=postgres needs DEMINE_PG_BASE');

function psql(uri, query) {
  const r = spawnSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', uri, '-c', query],
    { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout.trim();
}

let pgCount = 0;
// A new empty PostgreSQL database. It sorts text by an ICU en-US collation, not in byte order,
// so any listing that forgets COLLATE "C" shows up as a difference between the stores.
export function pgCreateDb() {
  const name = `t_${process.pid}_${++pgCount}_${Math.random().toString(36).slice(2, 8)}`;
  psql(`${PG_BASE}/postgres`, `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
  return { uri: `${PG_BASE}/${name}`, drop: () => psql(`${PG_BASE}/postgres`, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

// A database that does not hold demine yet (for init/demo): an SQLite path in dir, or a new
// empty PostgreSQL database; returns {db, drop}.
export function newDb(dir, name = 'test.db') {
  if (STORE === 'postgres') {
    const { uri, drop } = pgCreateDb();
    return { db: uri, drop };
  }
  return { db: join(dir, name), drop: () => {} };
}

// A fresh empty database in its own folder; returns {dir, db, cleanup}.
export function freshDb() {
  const dir = tempDir();
  const { db, drop } = newDb(dir);
  ok(['init', '--db', db]);
  return { dir, db, cleanup: () => { rmSync(dir, { recursive: true, force: true }); drop(); } };
}

export function writeJson(dir, name, value) {
  const p = join(dir, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
}

// A digest of everything in the database (schema and rows), to prove nothing changed.
// PostgreSQL: pg_dump, without sequence positions (a rolled-back insert still uses up a serial
// number, as it should) and with its lines sorted (rows come in storage order).
export function dbDigest(db) {
  if (STORE === 'postgres' && /^postgres(ql)?:/.test(db)) {
    const r = spawnSync('pg_dump', ['--inserts', '--no-owner', '--no-privileges', '-d', db],
      { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`pg_dump failed: ${r.stderr}`);
    const lines = r.stdout.split('\n').filter((l) => !/^SELECT pg_catalog\.setval/.test(l) && !/^--/.test(l) && !/^\\(un)?restrict /.test(l)).sort();
    return createHash('sha256').update(lines.join('\n')).digest('hex');
  }
  const r = spawnSync('sqlite3', [db, '.dump'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`sqlite3 .dump failed: ${r.stderr}`);
  return createHash('sha256').update(r.stdout).digest('hex');
}

// Runs SQL behind demine's back (tests that damage or inspect a database) on either store;
// returns the output, one row a line, columns separated by '|'.
export function sql(db, query) {
  if (/^postgres(ql)?:/.test(db)) return psql(db, query);
  const r = spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}`);
  return r.stdout.trim();
}

export function fc(features, extra = {}) {
  return { type: 'FeatureCollection', ...extra, features };
}

export function feature(properties, geometry = null, id) {
  const f = { type: 'Feature', properties, geometry };
  if (id !== undefined) f.id = id;
  return f;
}

// A square polygon of side `d` degrees at lon/lat (counter-clockwise, closed).
export function square(lon, lat, d) {
  return { type: 'Polygon', coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]] };
}

export function rect(x0, y0, x1, y1) {
  return { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] };
}

export { spawn };
