#!/usr/bin/env node
// pg-spatial.mjs: vector tiles and bbox list queries of demine serving a PostgreSQL store, the
// figures of the store's box index (issue 20). Rerunnable:
//   node bench/pg-spatial.mjs                       # 10,000 hazards, 3 repetitions
//   PG_SPATIAL_HAZARDS=2000 BENCH_REPS=5 node bench/pg-spatial.mjs
// It generates a data set with `demine gen --seed 1` (kept in build/bench/pg-spatial-N/, made
// again with BENCH_REGEN=1), copies it into a throwaway PostgreSQL cluster (scripts/pg-test-
// cluster, removed at the end) with `demine copy`, and times, against a fresh `demine serve`
// for each repetition, the tiles of bench.mjs (z6-z14 over ten Karabakh places) and
// GET /api/v1/hazard?bbox=... (100 records) around the same places at three box sizes.
// Prints one line per figure: the median over repetitions of the mean over the requests.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, get, log, median, pgStart, psql, run, startDemine } from './lib.mjs';

const N = Number(process.env.PG_SPATIAL_HAZARDS || 10000);
const REPS = Number(process.env.BENCH_REPS || 3);
const WORK = join(process.env.BENCH_WORK || join(ROOT, 'build/bench'), `pg-spatial-${N}`);
const PLACES = [[46.929, 39.993], [47.143, 39.6], [47.026, 39.399], [46.653, 39.086], [46.58, 39.344],
  [46.546, 39.638], [46.038, 40.105], [47.113, 39.794], [46.7505, 39.747], [46.64, 40.135]];
const ZOOMS = [6, 8, 10, 12, 14];
const BOXES = [0.02, 0.1, 0.5]; // degrees on a side

function tileOf(lon, lat, z) {
  const n = 2 ** z, r = lat * Math.PI / 180;
  return [Math.floor((lon + 180) / 360 * n), Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * n)];
}

const requests = [];
for (const z of ZOOMS) {
  const seen = new Set();
  for (const [lon, lat] of PLACES) {
    const [x, y] = tileOf(lon, lat, z);
    if (seen.has(`${x}/${y}`)) continue;
    seen.add(`${x}/${y}`);
    requests.push({ figure: `tile z${z}`, path: `/tiles/hazard/${z}/${x}/${y}.mvt` });
  }
}
for (const d of BOXES)
  for (const [lon, lat] of PLACES)
    requests.push({ figure: `bbox ${d} deg`, path: `/api/v1/hazard?limit=100&bbox=${lon - d / 2},${lat - d / 2},${lon + d / 2},${lat + d / 2}` });

mkdirSync(WORK, { recursive: true });
const gen = join(WORK, 'gen.db');
if (process.env.BENCH_REGEN || !existsSync(gen)) {
  rmSync(gen, { force: true });
  log(`generating ${N} hazards into ${gen}`);
  run(BIN, ['gen', '--db', gen, '--hazards', String(N), '--seed', '1', '--force']);
}
const pg = pgStart(join(WORK, 'pg.state'));
try {
  psql(`${pg.base}/postgres`, "CREATE DATABASE spatial TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'");
  const uri = `${pg.base}/spatial`;
  log('copying it into PostgreSQL');
  run(BIN, ['copy', '--from', gen, '--to', uri]);
  psql(uri, 'ANALYZE');
  run(BIN, ['user', 'add', '--db', uri, '--name', 'bench', '--role', 'im_officer'],
    { input: 'bench-passphrase-not-secret\n' });
  const token = run(BIN, ['token', 'create', '--db', uri, '--name', 'bench']).trim();
  const auth = { Authorization: `Bearer ${token}` };
  const times = requests.map(() => []);
  for (let rep = 0; rep < REPS; rep++) {
    const srv = await startDemine(uri, 2);
    try {
      for (let i = 0; i < 4; i++) await get(srv.port, '/api/v1/organisation?limit=1', auth);
      for (let i = 0; i < requests.length; i++) {
        const r = await get(srv.port, requests[i].path, auth);
        if (r.status !== 200 && r.status !== 204) throw new Error(`${requests[i].path}: HTTP ${r.status} ${r.body.toString().slice(0, 200)}`);
        times[i].push(r.ms);
      }
    } finally { await srv.stop(); }
  }
  const figures = [...new Set(requests.map((r) => r.figure))];
  console.log(`pg-spatial: ${N} hazards on PostgreSQL, ${REPS} repetitions, ${BIN}`);
  for (const f of figures) {
    const idx = requests.map((r, i) => (r.figure === f ? i : -1)).filter((i) => i >= 0);
    const perRep = [];
    for (let rep = 0; rep < REPS; rep++) perRep.push(idx.reduce((s, i) => s + times[i][rep], 0) / idx.length);
    console.log(`${f.padEnd(14)} ${median(perRep).toFixed(1).padStart(8)} ms per request (${idx.length} requests)`);
  }
} finally {
  pg.stop();
}
