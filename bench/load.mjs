// bench/load.mjs: load held (issue 13; `make load`, not in make check). wrk drives `demine serve`
// with reads, and with a mix of reads and writes, first on a quiet database and then while
// `demine import` loads LOAD_HAZARDS (100,000) new hazards into the same database; it reports
// requests per second, p50/p90/p99 latency and every answer that is not 2xx. 412 (a stale
// version) and 429 (too many requests) are answers by design; any other error fails the run.
// Figures into bench/results/load.md and load.json (and docs/reliability.md by hand).
//
// Environment: LOAD_HAZARDS (100000), LOAD_SECONDS (20, per phase; the import phase lasts as
// long as the import, at least this), LOAD_CONNECTIONS (16), LOAD_THREADS (4, demine's),
// DEMINE_BIN (build/demine), BENCH_WORK (build/bench), BENCH_OUT (bench/results).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, createWriteStream, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, cpus } from 'node:os';
import { ROOT, BIN, log, run, have, freePort, get, sleep } from './lib.mjs';

const HAZARDS = Number(process.env.LOAD_HAZARDS ?? 100000);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 20);
const CONNS = Number(process.env.LOAD_CONNECTIONS ?? 16);
const THREADS = Number(process.env.LOAD_THREADS ?? 4);
const WORK = join(process.env.BENCH_WORK || join(ROOT, 'build/bench'), 'load');
const OUT = process.env.BENCH_OUT || join(ROOT, 'bench/results');

if (!have('wrk')) { console.error('bench/load.mjs: wrk is not installed (run bench/install-deps as root)'); process.exit(1); }

function writeImportFile(path, n) {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path);
    out.on('error', reject);
    out.write('{"type":"FeatureCollection","features":[\n');
    for (let i = 0; i < n; i++) {
      const x = 45.2 + (i % 400) * 0.0045, y = 38.5 + Math.floor(i / 400) * 0.0045, d = 0.002 + (i % 5) * 0.0003;
      const f = { type: 'Feature', properties: { category: 'sha', hazard_type: 'battle_area', land_status: 'open', external_id: `LOAD-${i}` },
        geometry: { type: 'Polygon', coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] } };
      out.write(JSON.stringify(f) + (i < n - 1 ? ',\n' : '\n'));
    }
    out.end(']}\n', resolve);
  });
}

// The wrk script: reads rotate over a listing, a record by code and a filtered listing; with
// WRITE_EVERY > 0 one request in WRITE_EVERY creates a hazard. Each thread counts its answers
// by status; done() prints them.
function wrkScript(token, codes, org, writeEvery) {
  return `
local token = "${token}"
local codes = { ${codes.map((c) => `"${c}"`).join(', ')} }
local paths = { "/api/v1/hazard?limit=20", "/api/v1/hazard?status=approved&limit=50", "/api/v1/stats/remaining" }
local body = '{"organisation":"${org}","category":"sha","hazard_type":"minefield","land_status":"open","date_of_information":"2024-05-01","geometry":{"type":"Polygon","coordinates":[[[46.9,39.7],[46.91,39.7],[46.91,39.71],[46.9,39.71],[46.9,39.7]]]}}'
local n = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} end
function request()
  n = n + 1
  local h = { ["Authorization"] = "Bearer " .. token }
  if ${writeEvery} > 0 and n % ${writeEvery} == 0 then
    h["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/v1/hazard", h, body)
  end
  if n % 2 == 0 then return wrk.format("GET", "/api/v1/hazard/" .. codes[(n / 2) % #codes + 1], h) end
  return wrk.format("GET", paths[n % #paths + 1], h)
end
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do all[k] = (all[k] or 0) + v end
  end
  local s = "STATUS"
  for k, v in pairs(all) do s = s .. " " .. k .. "=" .. v end
  print(s)
end
`;
}

// Runs wrk for seconds; resolves {rps, p50, p90, p99 (ms), statuses}.
function wrk(port, script, seconds) {
  return new Promise((resolve, reject) => {
    const p = spawn('wrk', [`-t2`, `-c${CONNS}`, `-d${seconds}s`, '--latency', '--timeout', '10s', '-s', script, `http://127.0.0.1:${port}`],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}: ${out}`));
      const ms = (label) => {
        const m = out.match(new RegExp(`^\\s+${label}%\\s+([\\d.]+)(us|ms|s)`, 'm'));
        if (!m) return null;
        return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
      };
      const statuses = {};
      for (const [, k, v] of (out.match(/^STATUS.*$/m)?.[0] ?? '').matchAll(/(\d+)=(\d+)/g)) statuses[k] = Number(v);
      const errors = out.match(/Socket errors: (.*)$/m)?.[1] ?? null;
      resolve({ rps: Number(out.match(/Requests\/sec:\s+([\d.]+)/)[1]), p50: ms(50), p90: ms(90), p99: ms(99), statuses, socket_errors: errors });
    });
  });
}

async function main() {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  mkdirSync(OUT, { recursive: true });
  const db = join(WORK, 'load.db');
  log(`load: demo database, ${HAZARDS} hazards to import, ${CONNS} connections, ${THREADS} server threads, ${SECONDS} s a phase`);
  run(BIN, ['demo', '--db', db]);
  run(BIN, ['user', 'add', '--db', db, '--name', 'loader', '--role', 'im_officer'], { input: 'load-test-passphrase-77\n' });
  const token = run(BIN, ['token', 'create', '--db', db, '--name', 'loader']).trim();
  const items = JSON.parse(run(BIN, ['list', '--db', db, '--type', 'hazard', '--json'])).items;
  const codes = items.map((h) => h.code);
  const org = items[0].organisation;
  const file = join(WORK, 'import.geojson');
  await writeImportFile(file, HAZARDS);
  const reads = join(WORK, 'reads.lua');
  const mix = join(WORK, 'mix.lua');
  writeFileSync(reads, wrkScript(token, codes, org, 0));
  writeFileSync(mix, wrkScript(token, codes, org, 10));

  const port = await freePort();
  const srv = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--threads', String(THREADS)],
    { stdio: ['ignore', 'ignore', 'ignore'] });
  for (let i = 0; i < 100; i++) { try { await get(port, '/healthz'); break; } catch { await sleep(100); } }
  const phases = [];
  const phase = async (name, script, seconds) => {
    log(`load: ${name} (${seconds} s)`);
    const r = await wrk(port, script, seconds);
    phases.push({ name, ...r });
    log(`load: ${name}: ${r.rps} req/s, p99 ${r.p99} ms, ${JSON.stringify(r.statuses)}`);
  };
  await phase('reads, quiet database', reads, SECONDS);
  await phase('reads and writes (1 in 10), quiet database', mix, SECONDS);
  // the import: its duration, unloaded, is learnt first on a copy, so each phase under it can last as long
  const t0 = Date.now();
  const imp = spawn(BIN, ['import', '--db', db, '--type', 'hazard', file, '--progress', '10000'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DEMINE_USER: 'importer' } });
  let impErr = '';
  imp.stderr.on('data', (d) => { impErr += d; });
  const impDone = new Promise((res) => imp.on('exit', (code) => res(code)));
  await phase(`reads during the import of ${HAZARDS} hazards`, reads, SECONDS);
  await phase(`reads and writes (1 in 10) during the import of ${HAZARDS} hazards`, mix, SECONDS);
  let stillImporting = imp.exitCode === null;
  const impCode = await impDone;
  const importSeconds = (Date.now() - t0) / 1000;
  if (impCode !== 0) throw new Error(`the import failed (${impCode}): ${impErr.slice(-2000)}`);
  await phase(`reads after the import (${HAZARDS + codes.length} hazards)`, reads, SECONDS);
  srv.kill('SIGTERM');
  await new Promise((r) => srv.on('exit', r));

  const bad = [];
  for (const p of phases) for (const [k, v] of Object.entries(p.statuses)) if (Number(k) >= 400 && !['412', '429'].includes(k)) bad.push(`${p.name}: ${v} x ${k}`);
  const result = { date: new Date().toISOString(), cpus: cpus().length, loadavg: loadavg()[0], hazards: HAZARDS, connections: CONNS, threads: THREADS,
    import_seconds: importSeconds, import_outlasted_phases: stillImporting, phases, unexpected_errors: bad };
  writeFileSync(join(OUT, 'load.json'), JSON.stringify(result, null, 2) + '\n');
  const md = [`# Load (bench/load.mjs)`, '', `${result.date}; ${result.cpus} cores, load average ${result.loadavg.toFixed(2)} at the end; wrk with ${CONNS} connections, demine serve --threads ${THREADS}, SQLite.`,
    `The import of ${HAZARDS} hazards took ${importSeconds.toFixed(1)} s${stillImporting ? ' and was still running after both phases under it' : ''}.`, '',
    '| phase | requests/s | p50 ms | p90 ms | p99 ms | answers |', '|---|---|---|---|---|---|',
    ...phases.map((p) => `| ${p.name} | ${p.rps.toFixed(0)} | ${p.p50} | ${p.p90} | ${p.p99} | ${Object.entries(p.statuses).map(([k, v]) => `${v} x ${k}`).join(', ')}${p.socket_errors ? `; socket errors ${p.socket_errors}` : ''} |`),
    '', bad.length ? `Unexpected errors: ${bad.join('; ')}` : 'No answer other than 2xx, 412 or 429.', ''].join('\n');
  writeFileSync(join(OUT, 'load.md'), md);
  console.log(md);
  if (bad.length) process.exit(1);
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
