// bench.mjs: make bench (and make bench-smoke): each scenario of issue 8 at each size, demine side by
// side with the anchor a user would pick instead, several repetitions, medians, written to
// bench/results/latest.md and latest.json. See bench/README.md.
//
// Environment: BENCH_SIZES="10000 100000" (BENCH_LARGE=1 adds 1000000), BENCH_REPS (3),
// BENCH_WRK_SECONDS (10), BENCH_SMOKE=1 (300 hazards, demine only, results in build/bench-smoke),
// BENCH_WORK (build/bench: generated data, kept between runs), BENCH_REGEN=1 (generate again),
// BENCH_ONLY="import tiles ..." (a subset of the scenarios), BENCH_YEAR (2024, the dashboard's and the
// report's year).
import { mkdirSync, existsSync, rmSync, readFileSync, writeFileSync, readdirSync, copyFileSync, statSync } from 'node:fs';
import { join, resolve, relative } from 'node:path';
import { cpus } from 'node:os';
import {
  ROOT, BIN, log, run, have, timed, median, sum, get, startDemine, startNginx, peakRssMb, load,
  pgStart, psql, psqlTimes, ogrPg, profileRun, profileWhile,
} from './lib.mjs';
import { machine, versions, verdict, write, GOALS } from './report.mjs';

const SMOKE = process.env.BENCH_SMOKE === '1';
const SIZES = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.trim().split(/[\s,]+/).map(Number)
  : SMOKE ? [300] : [10000, 100000, ...(process.env.BENCH_LARGE === '1' ? [1000000] : [])];
const REPS = Number(process.env.BENCH_REPS || (SMOKE ? 1 : 3));
const WRK_SECONDS = Number(process.env.BENCH_WRK_SECONDS || (SMOKE ? 1 : 10));
const WORK = resolve(process.env.BENCH_WORK || join(ROOT, SMOKE ? 'build/bench-smoke/work' : 'build/bench'));
const OUT = resolve(process.env.BENCH_OUT || join(ROOT, SMOKE ? 'build/bench-smoke' : 'bench/results'));
const ANCHORS = !SMOKE && process.env.BENCH_ANCHORS !== '0';
const YEAR = process.env.BENCH_YEAR || '2024';
const SEED = '1';
const THREADS = Math.max(2, cpus().length);
const PROFILE = process.env.BENCH_PROFILE === '1';
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(/[\s,]+/)) : null;
const wanted = (s) => !ONLY || ONLY.has(s);
// BENCH_PROFILE=1: one more run of each scenario at the largest size under perf, for the why
const profiling = (size) => PROFILE && size === SIZES[SIZES.length - 1];
function profiled(name, top) {
  if (top != null) notes.push(`profile of ${name} (perf, largest size): ${relative(ROOT, join(OUT, `profile-${name}.txt`))}`);
}

const rows = [];
const checks = [];
const notes = [];
const data = [];

function row(scenario, goal, size, unit, demine, anchor, note, higherIsBetter = false) {
  const r = { scenario, goal, size, unit, demine, anchor, ratio: demine != null && anchor ? demine / anchor : null, note };
  r.verdict = verdict(r);
  r.higher_is_better = higherIsBetter;
  rows.push(r);
  log(`${scenario} @${size}: demine ${demine?.toFixed?.(3) ?? '-'} ${unit}, anchor ${anchor?.toFixed?.(3) ?? '-'} -> ${r.verdict}`);
  return r;
}

function copyDb(src, dst) {
  for (const f of readdirSync(join(src, '..'))) {
    const full = join(src, '..', f);
    if (full.startsWith(dst)) rmSync(full, { force: true });
  }
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(src + suffix)) copyFileSync(src + suffix, dst + suffix);
}

// ---- the data of one size: generated once and kept (BENCH_REGEN=1 makes it again) ----
function prepare(size) {
  const dir = join(WORK, `data-${size}`);
  const done = join(dir, 'done.json');
  if (existsSync(done) && process.env.BENCH_REGEN !== '1') {
    const d = JSON.parse(readFileSync(done, 'utf8'));
    if (d.binary_mtime === statMtime(BIN)) {
      data.push({ ...d.stats, gen_seconds: null });
      return { dir, ...d };
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`generating ${size} hazards (seed ${SEED}) in ${dir}`);
  const t0 = process.hrtime.bigint();
  const out = run(BIN, ['gen', '--db', join(dir, 'gen.db'), '--hazards', String(size), '--seed', SEED,
    '--geojson', join(dir, 'hazards.geojson')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const genSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const num = (label) => Number(out.match(new RegExp(`^  ${label} +(\\d+)`, 'm'))[1]);
  const stats = { size, records: Number(out.match(/^generated (\d+) records/m)[1]), releases: num('land_release'),
    finds: num('eo_find'), digest: out.match(/^digest (\S+)/m)[1] };
  run(BIN, ['gen', '--db', join(dir, 'base.db'), '--hazards', '0', '--seed', SEED, '--quiet']);
  run(BIN, ['user', 'add', '--db', join(dir, 'gen.db'), '--name', 'bench', '--role', 'im_officer'],
    { input: 'passphrase-not-secret-4b\n' });
  const token = run(BIN, ['token', 'create', '--db', join(dir, 'gen.db'), '--name', 'bench']).trim();
  const d = { token, stats: { ...stats, gen_seconds: genSeconds }, binary_mtime: statMtime(BIN) };
  writeFileSync(done, JSON.stringify(d));
  data.push(d.stats);
  return { dir, ...d };
}

// The data is made again when the demine binary changed (the generator may have).
function statMtime(p) {
  return existsSync(p) ? statSync(p).mtimeMs : null;
}

// The exports the anchors load (once per size).
function exportsFor(ds) {
  const ex = join(ds.dir, 'export');
  if (existsSync(join(ex, 'done'))) return ex;
  mkdirSync(ex, { recursive: true });
  for (const t of ['hazard', 'land_release']) {
    run(BIN, ['export', '--db', join(ds.dir, 'gen.db'), '--type', t, '--format', 'geojson', '-o', join(ex, `${t}.geojson`)]);
  }
  for (const t of ['eo_find', 'accident', 'victim', 'eore_session', 'grant', 'exchange_rate', 'location', 'organisation']) {
    run(BIN, ['export', '--db', join(ds.dir, 'gen.db'), '--type', t, '--format', 'csv', '-o', join(ex, `${t}.csv`)]);
  }
  writeFileSync(join(ex, 'done'), '');
  return ex;
}

// ---- PostGIS: one database per size, loaded with ogr2ogr from demine's exports ----
function loadPostgis(pg, ds, size) {
  const name = `bench_${size}`;
  const uri = `${pg.base}/${name}`;
  psql(`${pg.base}/postgres`, `DROP DATABASE IF EXISTS ${name}`);
  psql(`${pg.base}/postgres`, `CREATE DATABASE ${name}`);
  psql(uri, 'CREATE EXTENSION postgis');
  const ex = exportsFor(ds);
  const ogr = (file, layer, extra = []) => run('ogr2ogr', ['--config', 'PG_USE_COPY', 'YES', '-f', 'PostgreSQL',
    ogrPg(uri), file, '-nln', layer, '-lco', 'GEOMETRY_NAME=geom', '-lco', 'SPATIAL_INDEX=GIST', ...extra]);
  ogr(join(ex, 'hazard.geojson'), 'hazard');
  ogr(join(ex, 'land_release.geojson'), 'land_release');
  for (const t of ['eo_find', 'accident', 'victim', 'eore_session', 'grant', 'exchange_rate', 'location', 'organisation']) {
    ogr(join(ex, `${t}.csv`), t, ['-oo', 'AUTODETECT_TYPE=YES', '-oo', 'EMPTY_STRING_AS_NULL=YES']);
  }
  // the indexes a national database would have for these queries
  psql(uri, `CREATE INDEX ON land_release (hazard); CREATE INDEX ON land_release (end_date);
    CREATE INDEX ON eo_find (find_date); CREATE INDEX ON accident (accident_date); CREATE INDEX ON victim (accident);
    CREATE INDEX ON eore_session (session_date); CREATE INDEX ON hazard (id); ANALYZE`);
  return uri;
}

// ---- scenario: import a GeoJSON of hazards ----
function scenarioImport(ds, size) {
  const gj = join(ds.dir, 'hazards.geojson');
  const tmp = join(ds.dir, 'import');
  mkdirSync(tmp, { recursive: true });
  const dm = [], an = [];
  for (let i = 0; i < REPS; i++) {
    copyDb(join(ds.dir, 'base.db'), join(tmp, 'import.db'));
    dm.push(timed(BIN, ['import', '--db', join(tmp, 'import.db'), '--type', 'hazard', '--approve', '--reason', 'bench', gj]));
    if (ANCHORS) {
      rmSync(join(tmp, 'out.gpkg'), { force: true });
      an.push(timed('ogr2ogr', ['-f', 'GPKG', join(tmp, 'out.gpkg'), gj]));
    }
  }
  const n = run(BIN, ['check', '--db', join(tmp, 'import.db'), '--json']);
  const chk = JSON.parse(n);
  if (chk.errors) throw new Error(`the imported database has ${chk.errors} errors`);
  row('import GeoJSON of hazards', 'import', size, 's', median(dm), ANCHORS ? median(an) : null);
  if (profiling(size)) {
    copyDb(join(ds.dir, 'base.db'), join(tmp, 'import.db'));
    profiled('import', profileRun(join(OUT, 'profile-import.txt'), BIN, ['import', '--db', join(tmp, 'import.db'),
      '--type', 'hazard', '--approve', '--reason', 'bench', gj]));
  }
}

// ---- scenario: vector tiles over a fixed list at z6-z14, cold ----
// District seats and villages of Karabakh; the tiles holding them at each zoom.
const PLACES = [[46.929, 39.993], [47.143, 39.6], [47.026, 39.399], [46.653, 39.086], [46.58, 39.344],
  [46.546, 39.638], [46.038, 40.105], [47.113, 39.794], [46.7505, 39.747], [46.64, 40.135]];
const ZOOMS = [6, 8, 10, 12, 14];

function tileOf(lon, lat, z) {
  const n = 2 ** z, r = lat * Math.PI / 180;
  return [Math.floor((lon + 180) / 360 * n), Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * n)];
}

function tileList() {
  const list = [];
  for (const z of ZOOMS) {
    const seen = new Set();
    for (const [lon, lat] of PLACES) {
      const [x, y] = tileOf(lon, lat, z);
      if (!seen.has(`${x}/${y}`)) { seen.add(`${x}/${y}`); list.push({ z, x, y }); }
    }
  }
  return list;
}

async function scenarioTiles(ds, size, pgUri) {
  const tiles = tileList();
  const auth = { Authorization: `Bearer ${ds.token}` };
  const dmTimes = tiles.map(() => []), anTimes = tiles.map(() => []);
  let bytes = 0;
  for (let rep = 0; rep < REPS; rep++) {
    // a fresh server each time: no tile cache, no warm statements
    const srv = await startDemine(join(ds.dir, 'gen.db'), THREADS);
    try {
      // the workers' database connections are opened by a few record reads, not by the first tile
      for (let i = 0; i < 2 * THREADS; i++) await get(srv.port, '/api/v1/organisation?limit=1', auth);
      for (let i = 0; i < tiles.length; i++) {
        const { z, x, y } = tiles[i];
        const r = await get(srv.port, `/tiles/hazard/${z}/${x}/${y}.mvt`, auth);
        if (r.status !== 200 && r.status !== 204) throw new Error(`tile ${z}/${x}/${y}: HTTP ${r.status} ${r.body.toString().slice(0, 200)}`);
        dmTimes[i].push(r.ms);
        if (rep === 0) bytes += r.body.length;
      }
    } finally { await srv.stop(); }
    if (pgUri) {
      const q = tiles.map(({ z, x, y }) => `SELECT length(ST_AsMVT(q, 'hazard', 4096, 'geom')) FROM (
        SELECT id, code, status, organisation, location, date_of_information, category, hazard_type, land_status,
               priority, area_m2, remaining_m2,
               ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope(${z}, ${x}, ${y}), 4096, 64, true) AS geom
        FROM hazard WHERE geom && ST_Transform(ST_TileEnvelope(${z}, ${x}, ${y}), 4326)) q`);
      psqlTimes(pgUri, q).times.forEach((t, i) => anTimes[i].push(t));
    }
  }
  if (profiling(size)) {
    const srv = await startDemine(join(ds.dir, 'gen.db'), THREADS);
    try {
      profiled('tiles', await profileWhile(join(OUT, 'profile-tiles.txt'), srv.pid, async () => {
        for (const { z, x, y } of tiles) await get(srv.port, `/tiles/hazard/${z}/${x}/${y}.mvt`, auth);
      }));
    } finally { await srv.stop(); }
  }
  for (const z of ZOOMS) {
    const idx = tiles.map((t, i) => (t.z === z ? i : -1)).filter((i) => i >= 0);
    const dm = sum(idx.map((i) => median(dmTimes[i]))) / idx.length;
    const an = pgUri ? sum(idx.map((i) => median(anTimes[i]))) / idx.length : null;
    row(`vector tile z${z} (ms per tile, ${idx.length} tiles)`, 'tiles', size, 'ms', dm, an);
  }
  notes.push(`tiles at ${size}: ${tiles.length} tiles, ${Math.round(bytes / 1024)} KiB of MVT from demine in one pass`);
}

// ---- scenarios: API read under wrk, and the server's peak memory ----
async function scenarioApi(ds, size) {
  const auth = { Authorization: `Bearer ${ds.token}` };
  const srv = await startDemine(join(ds.dir, 'gen.db'), THREADS);
  let code, body, dmRps = [], dmRss, tool;
  try {
    const list = await get(srv.port, '/api/v1/hazard?limit=1', auth);
    const first = JSON.parse(list.body.toString()).items[0];
    code = first.code;
    const one = await get(srv.port, `/api/v1/hazard/${first.id}`, auth);
    if (one.status !== 200) throw new Error(`GET /api/v1/hazard/${first.id}: ${one.status}`);
    body = one.body;
    for (let i = 0; i < REPS; i++) {
      const r = await load(srv.port, `/api/v1/hazard/${first.id}`, auth, WRK_SECONDS);
      dmRps.push(r.rps);
      tool = r.tool;
    }
    dmRss = peakRssMb(srv.pid);
    if (profiling(size)) {
      profiled('api', await profileWhile(join(OUT, 'profile-api.txt'), srv.pid,
        () => load(srv.port, `/api/v1/hazard/${first.id}`, auth, WRK_SECONDS)));
    }
    ds.hazardId = first.id;
  } finally { await srv.stop(); }
  let anRps = [], anRss = null;
  if (ANCHORS) {
    const root = join(ds.dir, 'nginx', 'root');
    mkdirSync(join(root, 'api/v1/hazard'), { recursive: true });
    writeFileSync(join(root, 'api/v1/hazard', ds.hazardId), body);
    const ng = await startNginx(join(ds.dir, 'nginx'), root, THREADS);
    try {
      for (let i = 0; i < REPS; i++) anRps.push((await load(ng.port, `/api/v1/hazard/${ds.hazardId}`, {}, WRK_SECONDS)).rps);
      anRss = peakRssMb(ng.pid);
    } finally { await ng.stop(); }
  }
  row('API read of one hazard, 2 connections (requests/s)', 'api_read', size, 'req/s', median(dmRps),
    ANCHORS ? median(anRps) : null, `${body.length} bytes, ${code}, ${tool}`, true);
  row('peak RSS of the server under that load', 'memory', size, 'MB', dmRss, anRss,
    `demine serve --threads ${THREADS}; nginx with ${THREADS} workers`);
}

// ---- scenario: land release recompute ----
// In place: the figures the write path stored are already right, so a recompute writes nothing
// (it says how many hazards changed; the results note it if any did) and the data stays as made.
function scenarioRecompute(ds, size, pgUri) {
  const dm = [], an = [];
  const sql = `WITH per AS (SELECT hazard, method, ST_Union(geom) AS g FROM land_release GROUP BY hazard, method),
    alls AS (SELECT hazard, ST_Union(g) AS g FROM per GROUP BY hazard),
    fig AS (SELECT h.id, ST_Area(h.geom::geography) AS area,
      COALESCE(ST_Area(ST_Intersection(h.geom, n.g)::geography), 0) AS cancelled,
      COALESCE(ST_Area(ST_Intersection(h.geom, t.g)::geography), 0) AS reduced,
      COALESCE(ST_Area(ST_Intersection(h.geom, c.g)::geography), 0) AS cleared,
      ST_Area(COALESCE(ST_Difference(h.geom, a.g), h.geom)::geography) AS remaining
      FROM hazard h LEFT JOIN alls a ON a.hazard = h.id
      LEFT JOIN per n ON n.hazard = h.id AND n.method = 'nts' LEFT JOIN per t ON t.hazard = h.id AND t.method = 'ts'
      LEFT JOIN per c ON c.hazard = h.id AND c.method = 'clearance')
    SELECT count(*), round(sum(area)), round(sum(cancelled)), round(sum(reduced)), round(sum(cleared)), round(sum(remaining)) FROM fig`;
  let pgFigures = null;
  for (let i = 0; i < REPS; i++) {
    const t0 = process.hrtime.bigint();
    const out = run(BIN, ['landrelease', 'recompute', '--db', join(ds.dir, 'gen.db')]);
    dm.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const changed = Number((out.match(/(\d+) changed/) || [0, 0])[1]);
    if (changed) notes.push(`recompute at ${size}: ${changed} hazards got new figures (the write path had stored others)`);
    if (pgUri) {
      const r = psqlTimes(pgUri, [sql]);
      an.push(r.times[0] / 1000);
      pgFigures = r.out.split('\n').find((l) => /^\d+\|/.test(l));
    }
  }
  row('land release recompute, all hazards', 'recompute', size, 's', median(dm), pgUri ? median(an) : null);
  if (profiling(size)) {
    profiled('recompute', profileRun(join(OUT, 'profile-recompute.txt'), BIN,
      ['landrelease', 'recompute', '--db', join(ds.dir, 'gen.db')]));
  }
  if (pgUri && pgFigures) {
    const mine = psql(pgUri, `SELECT count(*), round(sum(area_m2)), round(sum(cancelled_m2)), round(sum(reduced_m2)),
      round(sum(cleared_m2)), round(sum(remaining_m2)) FROM hazard`);
    const a = mine.split('|').map(Number), b = pgFigures.split('|').map(Number);
    const worst = Math.max(...a.slice(1).map((v, i) => Math.abs(v - b[i + 1]) / Math.max(1, v)));
    checks.push(`recompute at ${size}: demine's figures (hazards, area, cancelled, reduced, cleared, remaining m²) ${a.join(' / ')}; PostGIS's ${b.join(' / ')}; largest relative difference ${(worst * 100).toFixed(4)}%`);
  }
}

// ---- scenario: dashboard figures for a year ----
const STATS = ['released', 'remaining', 'items', 'casualties', 'eore', 'funding'];
function statsSql(year) {
  const from = `'${year}-01-01'`, to = `'${year}-12-31'`;
  return [
    `SELECT to_char(end_date, 'YYYY-MM') AS month, method, result, sum(area_m2), count(*) FROM land_release
     WHERE end_date BETWEEN ${from} AND ${to} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    `SELECT l.pcode, l.name_en, l.name_az, l.name_ru, sum(h.remaining_m2), count(*) FROM hazard h
     JOIN location l ON l.id = h.location WHERE h.land_status <> 'closed' GROUP BY 1, 2, 3, 4 ORDER BY 1`,
    `SELECT category, sum(quantity), count(*) FROM eo_find WHERE disposition LIKE 'destroyed%'
     AND find_date BETWEEN ${from} AND ${to} GROUP BY 1 ORDER BY 1`,
    `SELECT extract(year FROM a.accident_date) AS y, v.sex, CASE WHEN v.age IS NULL THEN 'unknown' WHEN v.age < 18
     THEN 'child' ELSE 'adult' END AS age_group, count(*) FILTER (WHERE v.outcome = 'killed'),
     count(*) FILTER (WHERE v.outcome = 'injured'), count(*) FROM victim v JOIN accident a ON a.id = v.accident
     WHERE a.accident_date BETWEEN ${from} AND ${to} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    `SELECT to_char(session_date, 'YYYY-MM'), count(*), sum(girls), sum(boys), sum(women), sum(men) FROM eore_session
     WHERE session_date BETWEEN ${from} AND ${to} GROUP BY 1 ORDER BY 1`,
    `SELECT g.donor, o.name, count(*), sum(CASE g.currency WHEN 'EUR' THEN g.amount
       ELSE g.amount / (SELECT r.rate FROM exchange_rate r WHERE r.from_currency = 'EUR' AND r.to_currency = g.currency
         AND r.date <= g.announced_date ORDER BY r.date DESC LIMIT 1) END)
     FROM "grant" g JOIN organisation o ON o.id = g.donor
     WHERE g.announced_date BETWEEN ${from} AND ${to} GROUP BY 1, 2 ORDER BY 1`,
  ];
}

// Both sides counted the same things: totals of demine's answers beside the same totals in SQL.
function dashboardCheck(size, bodies, pgUri) {
  const items = (i) => JSON.parse(bodies[i].toString()).items;
  const tot = (i, f) => Math.round(sum(items(i).map((x) => Number(x[f]) || 0)));
  const mine = [tot(0, 'area_m2'), tot(0, 'releases'), tot(1, 'remaining_m2'), tot(2, 'quantity'), tot(3, 'total'),
    tot(4, 'sessions')];
  const from = `'${YEAR}-01-01'`, to = `'${YEAR}-12-31'`;
  const theirs = psql(pgUri, `SELECT
    (SELECT round(sum(area_m2)) FROM land_release WHERE end_date BETWEEN ${from} AND ${to}),
    (SELECT count(*) FROM land_release WHERE end_date BETWEEN ${from} AND ${to}),
    (SELECT round(sum(remaining_m2)) FROM hazard WHERE land_status <> 'closed'),
    (SELECT sum(quantity) FROM eo_find WHERE disposition LIKE 'destroyed%' AND find_date BETWEEN ${from} AND ${to}),
    (SELECT count(*) FROM victim v JOIN accident a ON a.id = v.accident WHERE a.accident_date BETWEEN ${from} AND ${to}),
    (SELECT count(*) FROM eore_session WHERE session_date BETWEEN ${from} AND ${to})`).split('|').map(Number);
  const same = mine.every((v, i) => Math.abs(v - theirs[i]) <= 1);
  checks.push(`dashboard at ${size} (${YEAR}): released m², releases, remaining m², items destroyed, casualties, sessions: demine ${mine.join(' / ')}; SQL ${theirs.join(' / ')}${same ? ' (the same)' : ' (DIFFERENT)'}`);
}

async function scenarioDashboard(ds, size, pgUri) {
  const auth = { Authorization: `Bearer ${ds.token}` };
  const q = `from=${YEAR}-01-01&to=${YEAR}-12-31`;
  const srv = await startDemine(join(ds.dir, 'gen.db'), THREADS);
  const per = STATS.map(() => []);
  const bodies = [];
  let missing = [];
  try {
    for (let rep = 0; rep <= REPS; rep++) {
      for (let i = 0; i < STATS.length; i++) {
        const path = `/api/v1/stats/${STATS[i]}?${q}${STATS[i] === 'funding' ? '&currency=EUR' : ''}`;
        const r = await get(srv.port, path, auth);
        if (r.status === 404) { missing.push(STATS[i]); continue; }
        if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.body.toString().slice(0, 200)}`);
        if (rep > 0) per[i].push(r.ms); // the first round warms up, as a dashboard in use is
        bodies[i] = r.body;
      }
    }
    if (profiling(size) && !missing.length) {
      profiled('dashboard', await profileWhile(join(OUT, 'profile-dashboard.txt'), srv.pid, async () => {
        for (let rep = 0; rep < 20; rep++) {
          for (const st of STATS) await get(srv.port, `/api/v1/stats/${st}?${q}${st === 'funding' ? '&currency=EUR' : ''}`, auth);
        }
      }));
    }
  } finally { await srv.stop(); }
  missing = [...new Set(missing)];
  let an = null;
  if (pgUri) {
    const sql = statsSql(YEAR);
    psqlTimes(pgUri, sql);
    const reps = [];
    for (let i = 0; i < REPS; i++) reps.push(psqlTimes(pgUri, sql).times);
    an = sum(sql.map((_, i) => median(reps.map((r) => r[i]))));
  }
  if (pgUri && !missing.length) dashboardCheck(size, bodies, pgUri);
  if (missing.length === STATS.length) {
    row(`dashboard figures for ${YEAR} (6 calls)`, 'dashboard', size, 'ms', null, an, 'the stats endpoints are not in this build');
    return;
  }
  const dm = sum(per.map((p) => (p.length ? median(p) : 0)));
  row(`dashboard figures for ${YEAR} (6 calls)`, 'dashboard', size, 'ms', dm, an,
    missing.length ? `missing endpoints: ${missing.join(', ')}` : STATS.map((s, i) => `${s} ${median(per[i]).toFixed(1)}`).join(', '));
}

// ---- scenario: the national report of a year (issue 15) ----
// `demine report national` of BENCH_YEAR as PDF, process start to end: every figure the report
// reads (this year's and the previous year's), the catalogue, and the PDF drawn by cairo. No
// anchor: the goal is absolute. The PDF's text is checked for the report's title.
function scenarioReport(ds, size) {
  const out = join(WORK, `national-${size}.pdf`), times = [];
  const args = ['report', 'national', '--db', join(ds.dir, 'gen.db'), '--from', `${YEAR}-01-01`, '--to', `${YEAR}-12-31`,
    '--lang', 'az', '--format', 'pdf', '-o', out];
  for (let i = 0; i < REPS; i++) times.push(timed(BIN, args));
  const pages = have('pdfinfo') ? (run('pdfinfo', [out]).match(/Pages:\s+(\d+)/) || [])[1] : null;
  row(`national report of ${YEAR} (PDF)`, 'report', size, 's', median(times), null, pages ? `${pages} pages` : undefined);
}

async function main() {
  const started = new Date().toISOString();
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run make`);
  mkdirSync(WORK, { recursive: true });
  mkdirSync(OUT, { recursive: true });
  let pg = null, pgVersion = null;
  if (ANCHORS) {
    for (const t of ['ogr2ogr', 'psql', 'nginx', 'wrk']) if (!have(t)) throw new Error(`${t} is missing: run bench/install-deps (make bench does)`);
    pg = pgStart(join(WORK, 'pg.state'));
    psql(`${pg.base}/postgres`, 'SELECT 1');
  }
  const onExit = () => { if (pg) pg.stop(); };
  process.on('SIGINT', () => { onExit(); process.exit(130); });
  try {
    for (const size of SIZES) {
      const ds = prepare(size);
      let pgUri = null;
      if (pg && (wanted('tiles') || wanted('recompute') || wanted('dashboard'))) {
        log(`loading ${size} hazards into PostGIS`);
        pgUri = loadPostgis(pg, ds, size);
        pgVersion = psql(pgUri, 'SELECT version() || \'; PostGIS \' || postgis_lib_version()');
      }
      if (wanted('import')) scenarioImport(ds, size);
      if (wanted('tiles')) await scenarioTiles(ds, size, pgUri);
      if (wanted('api')) await scenarioApi(ds, size);
      if (wanted('recompute')) scenarioRecompute(ds, size, pgUri);
      if (wanted('dashboard')) await scenarioDashboard(ds, size, pgUri);
      if (wanted('report')) scenarioReport(ds, size);
    }
  } finally { onExit(); }
  if (!ANCHORS) notes.push('demine side only: no anchors were run (smoke run or BENCH_ANCHORS=0)');
  notes.push(`goals: ${Object.entries(GOALS).map(([k, g]) => `${k}: ${g.text}`).join('; ')}`);
  write(OUT, {
    smoke: SMOKE, started, finished: new Date().toISOString(),
    command: SMOKE ? 'make bench-smoke' : 'make bench', sizes: SIZES, reps: REPS, wrk_seconds: WRK_SECONDS,
    machine: machine(), versions: versions(pgVersion), rows, data, checks, notes,
  });
  log(`wrote ${join(OUT, 'latest.md')} and latest.json`);
  // the smoke run is the harness's test: every scenario must have produced demine's figure
  const empty = rows.filter((r) => r.demine == null && !/not in this build/.test(r.note || ''));
  if (SMOKE && (empty.length || !rows.length)) {
    log(`smoke run failed: no figure for ${empty.map((r) => r.scenario).join(', ') || 'any scenario'}`);
    process.exit(1);
  }
}

main().catch((e) => { log(`failed: ${e.stack || e.message}`); process.exit(1); });
