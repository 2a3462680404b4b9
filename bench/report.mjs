// report.mjs: the results of a bench run as bench/results/latest.md and latest.json: the machine,
// the versions, each scenario's medians side by side with its anchor, the ratio, the goal of
// issue 8 beside it (and by how much it was missed), and how the cost grows with the data.
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem, release, hostname } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, ROOT } from './lib.mjs';

function firstLine(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return `${r.stdout || ''}${r.stderr || ''}`.trim().split('\n')[0];
}

// wrk -v exits 1 after printing its version
function anyLine(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) return null;
  return `${r.stdout || ''}${r.stderr || ''}`.trim().split('\n')[0] || null;
}

export function machine() {
  let model = cpus()[0]?.model || 'unknown';
  return {
    host: hostname(),
    cpu: model,
    cores: cpus().length,
    memory_gb: Math.round(totalmem() / 2 ** 30 * 10) / 10,
    kernel: release(),
    load_average_at_start: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
}

// The commit measured, "-dirty" when tracked files other than the results this run writes
// (bench/results/, profiles included) differ from it.
function commitMeasured() {
  const head = spawnSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  if (head.status !== 0) return 'unknown';
  const changed = spawnSync('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no', '--', '.',
    ':(exclude)bench/results'], { encoding: 'utf8' });
  return head.stdout.trim() + (changed.stdout.trim() ? '-dirty' : '');
}

export function versions(pgVersion) {
  return {
    demine: commitMeasured(),
    demine_binary: BIN,
    sqlite: firstLine('sqlite3', ['--version'])?.split(' ')[0] || null,
    gdal: firstLine('ogr2ogr', ['--version']),
    postgresql_postgis: pgVersion || null,
    nginx: firstLine('nginx', ['-v']),
    wrk: anyLine('wrk', ['-v']),
    node: process.version,
  };
}

// Goals of issue 8. kind: "ratio_max" (demine/anchor at most), "ratio_min" (at least),
// "abs_max" (demine's own figure at most).
export const GOALS = {
  import: { kind: 'ratio_max', value: 0.5, text: 'at least 2x faster than ogr2ogr (ratio <= 0.5)' },
  tiles: { kind: 'ratio_max', value: 0.5, text: 'at most 0.5x PostGIS time' },
  api_read: { kind: 'ratio_min', value: 0.5, text: 'at least half of nginx throughput (ratio >= 0.5)' },
  recompute: { kind: 'ratio_max', value: 0.5, text: 'at least 2x faster than PostGIS (ratio <= 0.5)' },
  dashboard: { kind: 'abs_max', value: 200, unit: 'ms', text: 'under 200 ms at 100,000 hazards' },
  memory: { kind: 'abs_max', value: 200, unit: 'MB', text: 'server RSS under 200 MB' },
  report: { kind: 'abs_max', value: 5, unit: 's', text: 'the national report of a year under 5 s at 100,000 hazards (issue 15)' },
};

export function verdict(row) {
  const g = GOALS[row.goal];
  if (!g) return '';
  if (g.kind === 'abs_max') {
    if (row.demine == null) return 'not measured';
    return row.demine <= g.value ? 'met' : `missed by ${fmt(row.demine - g.value)} ${g.unit}`;
  }
  if (row.ratio == null) return row.anchor == null ? 'no anchor in this run' : 'not measured';
  if (g.kind === 'ratio_max') return row.ratio <= g.value ? 'met' : `missed by ${fmt(row.ratio / g.value)}x`;
  return row.ratio >= g.value ? 'met' : `missed by ${fmt(g.value / row.ratio)}x`;
}

export function fmt(v) {
  if (v == null || Number.isNaN(v)) return '-';
  const a = Math.abs(v);
  const d = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

function cell(v, unit) {
  return v == null ? '-' : `${fmt(v)} ${unit}`;
}

function markdown(res) {
  const L = [];
  L.push(`# demine benchmarks: ${res.smoke ? 'smoke run (harness check, not a measurement)' : 'results'}`, '');
  L.push(`Run ${res.started} - ${res.finished} by \`${res.command}\`; sizes ${res.sizes.map((s) => s.toLocaleString('en-US')).join(', ')} hazards; ${res.reps} repetitions (medians). See [bench/README.md](../README.md) for what each scenario does.`, '');
  L.push('## Machine and versions', '');
  for (const [k, v] of Object.entries({ ...res.machine, ...res.versions })) L.push(`- ${k}: ${v ?? 'not installed'}`);
  L.push('', '## Results', '');
  L.push('Ratio = demine / anchor (time: lower is better; throughput: higher is better).', '');
  L.push('| scenario | hazards | demine | anchor | ratio | goal | verdict |', '|---|---:|---:|---:|---:|---|---|');
  for (const r of res.rows) {
    L.push(`| ${r.scenario} | ${r.size.toLocaleString('en-US')} | ${cell(r.demine, r.unit)} | ${cell(r.anchor, r.unit)} | ${r.ratio == null ? '-' : `${fmt(r.ratio)}x`} | ${GOALS[r.goal]?.text || ''} | ${r.verdict}${r.note ? ` (${r.note})` : ''} |`);
  }
  L.push('', '## How cost grows', '');
  L.push('Each figure at a size divided by the same figure at the size before it: growing by the same factor as the hazards is linear, less is better than linear (for requests/s, a factor near 1 means the size does not matter).', '');
  L.push('| scenario | side | growth |', '|---|---|---|');
  for (const g of res.growth) L.push(`| ${g.scenario} | ${g.side} | ${g.text} |`);
  if (res.data.length) {
    L.push('', '## Data sets', '');
    L.push('| hazards | records | releases | finds | demine gen time | digest |', '|---:|---:|---:|---:|---:|---|');
    for (const d of res.data) L.push(`| ${d.size.toLocaleString('en-US')} | ${d.records.toLocaleString('en-US')} | ${d.releases.toLocaleString('en-US')} | ${d.finds.toLocaleString('en-US')} | ${d.gen_seconds == null ? 'reused' : `${fmt(d.gen_seconds)} s`} | \`${d.digest.slice(0, 16)}\` |`);
  }
  if (res.checks.length) {
    L.push('', '## Cross-checks', '');
    for (const c of res.checks) L.push(`- ${c}`);
  }
  if (res.notes.length) {
    L.push('', '## Notes', '');
    for (const n of res.notes) L.push(`- ${n}`);
  }
  return `${L.join('\n')}\n`;
}

// Growth of each scenario's figures between consecutive sizes.
export function growth(rows) {
  const out = [];
  const keys = [...new Set(rows.map((r) => r.scenario))];
  for (const k of keys) {
    const rs = rows.filter((r) => r.scenario === k).sort((a, b) => a.size - b.size);
    if (rs.length < 2) continue;
    for (const side of ['demine', 'anchor']) {
      const parts = [];
      for (let i = 1; i < rs.length; i++) {
        const a = rs[i - 1][side], b = rs[i][side];
        if (a && b) {
          parts.push(`x${fmt(b / a)} for x${fmt(rs[i].size / rs[i - 1].size)} hazards (${rs[i - 1].size.toLocaleString('en-US')} to ${rs[i].size.toLocaleString('en-US')})`);
        }
      }
      if (parts.length) out.push({ scenario: k, side, text: parts.join('; ') });
    }
  }
  return out;
}

export function write(dir, res) {
  mkdirSync(dir, { recursive: true });
  res.growth = growth(res.rows);
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(res, null, 2)}\n`);
  writeFileSync(join(dir, 'latest.md'), markdown(res));
}
