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

// A fresh empty database in its own folder; returns {dir, db, cleanup}.
export function freshDb() {
  const dir = tempDir();
  const db = join(dir, 'test.db');
  ok(['init', '--db', db]);
  return { dir, db, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeJson(dir, name, value) {
  const p = join(dir, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
}

// A digest of everything in the database (schema and rows), to prove nothing changed.
export function dbDigest(db) {
  const r = spawnSync('sqlite3', [db, '.dump'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`sqlite3 .dump failed: ${r.stderr}`);
  return createHash('sha256').update(r.stdout).digest('hex');
}

export function sqlite(db, sql) {
  const r = spawnSync('sqlite3', [db, sql], { encoding: 'utf8' });
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
