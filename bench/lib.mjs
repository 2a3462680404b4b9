// lib.mjs: what the benchmark scenarios share: running programs and timing them, medians, HTTP,
// a throwaway PostgreSQL with PostGIS, nginx on a free port, wrk, peak memory of a process.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import http from 'node:http';
import { mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = process.env.DEMINE_BIN || join(ROOT, 'build/demine');

export function log(msg) {
  process.stderr.write(`bench: ${msg}\n`);
}

// Runs a program to its end; throws with its stderr unless it exits 0. Returns stdout.
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || '').slice(-2000)}`);
  return r.stdout;
}

export function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

// Wall-clock seconds of one run of a program (it must succeed).
export function timed(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  run(cmd, args, opts);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (!n) return null;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

export function sum(xs) {
  return xs.reduce((a, b) => a + b, 0);
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });

// GET on 127.0.0.1:port; resolves {status, body (Buffer), ms}.
export function get(port, path, headers = {}) {
  return new Promise((res, rej) => {
    const t0 = process.hrtime.bigint();
    const req = http.get({ host: '127.0.0.1', port, path, headers, agent }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode, body: Buffer.concat(chunks),
        ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    req.on('error', rej);
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForPort(port, proc, what) {
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}`);
    try {
      await get(port, '/healthz');
      return;
    } catch { await sleep(100); }
  }
  throw new Error(`${what} did not answer on port ${port}`);
}

function stopProc(proc) {
  return new Promise((res) => {
    if (proc.exitCode !== null || proc.signalCode) return res();
    proc.once('exit', () => res());
    proc.kill('SIGTERM');
    setTimeout(() => { if (proc.exitCode === null) proc.kill('SIGKILL'); }, 5000).unref();
  });
}

// demine serve on a free port; resolves {port, pid, stop}.
export async function startDemine(db, threads, logFile) {
  const port = await freePort();
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--threads', String(threads)],
    { stdio: ['ignore', 'ignore', logFile ? 'pipe' : 'ignore'] });
  if (logFile) proc.stderr.on('data', () => {}); // the request log is not what we measure
  await waitForPort(port, proc, 'demine serve');
  return { port, pid: proc.pid, stop: () => stopProc(proc) };
}

// nginx serving dir on a free port with a configuration of its own (no system files).
export async function startNginx(workDir, docRoot, workers) {
  const port = await freePort();
  mkdirSync(join(workDir, 'tmp'), { recursive: true });
  const conf = join(workDir, 'nginx.conf');
  const user = process.getuid && process.getuid() === 0 ? 'user root;\n' : '';
  writeFileSync(conf, `${user}worker_processes ${workers};
daemon off;
pid ${workDir}/nginx.pid;
error_log ${workDir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  client_body_temp_path ${workDir}/tmp/body;
  proxy_temp_path ${workDir}/tmp/proxy;
  fastcgi_temp_path ${workDir}/tmp/fastcgi;
  uwsgi_temp_path ${workDir}/tmp/uwsgi;
  scgi_temp_path ${workDir}/tmp/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${docRoot};
    location = /healthz { return 200 '{"status":"ok"}'; }
  }
}
`);
  const proc = spawn('nginx', ['-p', workDir, '-c', conf, '-e', join(workDir, 'error.log')], { stdio: 'ignore' });
  await waitForPort(port, proc, 'nginx');
  return { port, pid: proc.pid, stop: () => stopProc(proc) };
}

// Peak resident set (VmHWM) of a process and its children, in MB.
export function peakRssMb(pid) {
  const one = (p) => {
    try {
      const m = readFileSync(`/proc/${p}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
      return m ? Number(m[1]) / 1024 : 0;
    } catch { return 0; }
  };
  let total = one(pid);
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      const kids = readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim();
      for (const k of kids ? kids.split(/\s+/) : []) total += one(k);
    }
  } catch { /* gone */ }
  return total;
}

// wrk with 2 connections; resolves requests per second. Without wrk (the smoke run on a machine
// that has not installed it) a small node loop stands in, and says so.
export async function load(port, path, headers, seconds) {
  if (have('wrk')) {
    const args = ['-t2', '-c2', `-d${seconds}s`, '--latency'];
    for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
    args.push(`http://127.0.0.1:${port}${path}`);
    const out = run('wrk', args);
    const m = out.match(/Requests\/sec:\s+([\d.]+)/);
    const bad = out.match(/Non-2xx or 3xx responses: (\d+)/);
    if (bad) throw new Error(`wrk: ${bad[1]} error responses from ${path}`);
    return { rps: Number(m[1]), tool: 'wrk' };
  }
  const end = Date.now() + seconds * 1000;
  let n = 0;
  const worker = async () => {
    while (Date.now() < end) {
      const r = await get(port, path, headers);
      if (r.status !== 200) throw new Error(`GET ${path}: ${r.status}`);
      n++;
    }
  };
  const t0 = Date.now();
  await Promise.all([worker(), worker()]);
  return { rps: n / ((Date.now() - t0) / 1000), tool: 'node (wrk not installed)' };
}

// ---- PostgreSQL with PostGIS: scripts/pg-test-cluster with a state file of our own ----
export function pgStart(stateFile) {
  const env = { ...process.env, DEMINE_PG_STATE: stateFile };
  if (existsSync(stateFile)) spawnSync(join(ROOT, 'scripts/pg-test-cluster'), ['stop'], { env });
  const base = run(join(ROOT, 'scripts/pg-test-cluster'), ['start'], { env }).trim();
  return { base, stop: () => spawnSync(join(ROOT, 'scripts/pg-test-cluster'), ['stop'], { env }) };
}

export function psql(uri, sql) {
  return run('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', uri, '-c', sql]).trim();
}

// Runs each query in one session with \timing; resolves the milliseconds of each, in order.
export function psqlTimes(uri, queries) {
  const script = `\\timing on\n${queries.map((q) => `${q.trim().replace(/;$/, '')};`).join('\n')}\n`;
  const out = run('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', uri], { input: script });
  const times = [...out.matchAll(/^Time: ([\d.]+) ms/gm)].map((m) => Number(m[1]));
  if (times.length !== queries.length) throw new Error(`psql: ${times.length} timings for ${queries.length} queries`);
  return { times, out };
}

// The libpq connection string ogr2ogr wants for a postgresql:// URL.
export function ogrPg(uri) {
  const u = new URL(uri);
  return `PG:host=${u.hostname} port=${u.port} user=${u.username} dbname=${u.pathname.slice(1)}`;
}

// ---- profiles (BENCH_PROFILE=1): perf's view of where demine spends its time ----
function perfReport(data) {
  const r = spawnSync('perf', ['report', '-i', data, '--stdio', '--no-children', '--sort', 'dso,sym',
    '--percent-limit', '1.5', '-g', 'none'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  rmSync(data, { force: true }); // perf's raw data is large; the report is what we keep
  return (r.stdout || '').split('\n').filter((l) => /^\s+\d/.test(l)).slice(0, 40).join('\n');
}

// Runs a program once under perf record; returns the top of perf report, or null without perf.
export function profileRun(file, cmd, args) {
  if (!have('perf')) return null;
  const data = `${file}.data`;
  const r = spawnSync('perf', ['record', '-g', '-q', '-o', data, '--', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) return null;
  const top = perfReport(data);
  writeFileSync(file, `perf record -g ${cmd} ${args.join(' ')}\n\n${top}\n`);
  return top;
}

// Attaches perf to a running process while fn runs; writes and returns the top of the report.
export async function profileWhile(file, pid, fn) {
  if (!have('perf')) { await fn(); return null; }
  const data = `${file}.data`;
  const p = spawn('perf', ['record', '-g', '-q', '-o', data, '-p', String(pid)], { stdio: 'ignore' });
  await sleep(500);
  try { await fn(); } finally {
    await new Promise((res) => { p.once('exit', res); p.kill('SIGINT'); });
  }
  const top = perfReport(data);
  writeFileSync(file, `perf record -g -p (demine serve)\n\n${top}\n`);
  return top;
}
