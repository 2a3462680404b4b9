// bench/readiness.mjs: settlement readiness (issue 17) against PostGIS on the same data: for a
// generated national set (demine gen) and settlements placed beside its hazards, the hazards
// each settlement has within 500 m and their area within the buffer, by demine and by
// ST_DWithin/ST_Intersection/ST_Area on geography, pair by pair, with the time of each side.
//   node bench/readiness.mjs            (READINESS_HAZARDS=2000, READINESS_SETTLEMENTS=300)
// Pairs compared: hazards not closed, surveyed as polygons, with no release yet (PostGIS gets
// their polygons as they are; a released hazard counts in demine by what remains of it, which
// is the land release overlay's own result, checked in tests/unit/test_geo.c).
import { mkdirSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, log, run, pgStart, psql, psqlTimes, ogrPg } from './lib.mjs';

const H = Number(process.env.READINESS_HAZARDS || 2000);
const S = Number(process.env.READINESS_SETTLEMENTS || 300);
const BUFFER = 500;
const dir = join(ROOT, 'build/bench/readiness');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const db = join(dir, 'r.db');

log(`demine gen: ${H} hazards`);
run(BIN, ['gen', '--db', db, '--hazards', String(H), '--seed', '7', '--quiet']);
const hz = JSON.parse(run(BIN, ['export', '--db', db, '--type', 'hazard', '--format', 'geojson', '--approved']));

const unreleased = new Map(hz.features.filter((f) => f.geometry && f.geometry.type !== 'Point' && f.properties.land_status !== 'closed'
  && !(f.properties.cancelled_m2 || f.properties.reduced_m2 || f.properties.cleared_m2)).map((f) => [f.properties.code, f]));

// Settlements -100 to 700 m beyond the east edge of hazards with no release yet (then of any),
// in the hazard's admin area.
let seed = 12345;
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const polys = [...unreleased.values(), ...hz.features.filter((f) => f.geometry && f.geometry.type !== 'Point')];
const rows = ['name_en,location,lon,lat'];
for (let i = 0; i < S; i++) {
  const f = polys[i % polys.length];
  const xs = [];
  const walk = (c) => { if (typeof c[0] === 'number') xs.push(c); else c.forEach(walk); };
  walk(f.geometry.coordinates);
  const maxx = Math.max(...xs.map((p) => p[0])), cy = xs.reduce((a, p) => a + p[1], 0) / xs.length;
  const kx = 111320 * Math.cos(cy * Math.PI / 180);
  rows.push(`Settlement ${i + 1},${f.properties.location},${(maxx + (rnd() * 800 - 100) / kx).toFixed(7)},${(cy + (rnd() - 0.5) * 0.004).toFixed(7)}`);
}
writeFileSync(join(dir, 'settlements.csv'), rows.join('\n') + '\n');
run(BIN, ['import', '--db', db, '--type', 'settlement', join(dir, 'settlements.csv'), '--approve', '--reason', 'bench']);
let t0 = process.hrtime.bigint();
run(BIN, ['readiness', 'recompute', '--db', db]);
const demineS = Number(process.hrtime.bigint() - t0) / 1e9;

const codes = run(BIN, ['list', '--db', db, '--type', 'settlement']).split('\n').map((l) => l.split(/\s+/)[0]).filter(Boolean);
const ours = new Map();
for (const c of codes) {
  const r = JSON.parse(run(BIN, ['readiness', 'show', '--db', db, c]));
  for (const x of r.hazards) if (unreleased.has(x.code)) ours.set(`${c}|${x.code}`, x.within_m2);
}

const pg = pgStart(join(dir, 'pg.state'));
try {
  const uri = `${pg.base}/readiness`;
  psql(`${pg.base}/postgres`, 'CREATE DATABASE readiness');
  psql(uri, 'CREATE EXTENSION postgis');
  run(BIN, ['export', '--db', db, '--type', 'settlement', '--format', 'geojson', '--approved', '-o', join(dir, 's.geojson')]);
  run(BIN, ['export', '--db', db, '--type', 'hazard', '--format', 'geojson', '--approved', '-o', join(dir, 'h.geojson')]);
  for (const [f, l] of [['s.geojson', 'settlement'], ['h.geojson', 'hazard']])
    run('ogr2ogr', ['-f', 'PostgreSQL', ogrPg(uri), join(dir, f), '-nln', l, '-lco', 'GEOMETRY_NAME=geom', '-lco', 'SPATIAL_INDEX=GIST']);
  psql(uri, 'CREATE INDEX ON hazard USING gist ((geom::geography)); CREATE INDEX ON settlement USING gist ((geom::geography)); ANALYZE');
  const q = `SELECT s.code || '|' || h.code || '|' || ST_Area(ST_Intersection(h.geom::geography, ST_Buffer(s.geom::geography, ${BUFFER})))
    FROM settlement s JOIN hazard h ON ST_DWithin(h.geom::geography, s.geom::geography, ${BUFFER})
    WHERE h.land_status <> 'closed' AND GeometryType(h.geom) IN ('POLYGON', 'MULTIPOLYGON')
      AND COALESCE(h.cancelled_m2, 0) + COALESCE(h.reduced_m2, 0) + COALESCE(h.cleared_m2, 0) = 0`;
  const { times, out } = psqlTimes(uri, [q]);
  const theirs = new Map(out.split('\n').filter((l) => l.includes('|')).map((l) => { const [a, b, v] = l.split('|'); return [`${a}|${b}`, Number(v)]; }));
  const onlyOurs = [...ours.keys()].filter((k) => !theirs.has(k)), onlyTheirs = [...theirs.keys()].filter((k) => !ours.has(k));
  let worst = 0, worstKey = '';
  for (const [k, v] of theirs) if (ours.has(k) && Math.abs(ours.get(k) - v) > worst) { worst = Math.abs(ours.get(k) - v); worstKey = k; }
  const res = { hazards: H, settlements: S, buffer_m: BUFFER, pairs_demine: ours.size, pairs_postgis: theirs.size,
    only_demine: onlyOurs.slice(0, 5), only_postgis: onlyTheirs.slice(0, 5), max_area_diff_m2: Number(worst.toFixed(3)), worst: worstKey,
    demine_recompute_s: Number(demineS.toFixed(3)), postgis_query_s: Number((times[0] / 1000).toFixed(3)) };
  writeFileSync(join(ROOT, 'bench/results/readiness.json'), JSON.stringify(res, null, 1) + '\n');
  console.log(JSON.stringify(res, null, 1));
  if (onlyOurs.length || onlyTheirs.length || worst >= 1) process.exitCode = 1;
} finally {
  pg.stop();
}
