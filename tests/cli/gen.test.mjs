// gen.test.mjs: demine gen, the generated national data set the benchmarks run on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { demine, ok, json, tempDir, newDb } from './helpers.mjs';

const N = 60;

function gen(dir, name, args) {
  const { db, drop } = newDb(dir, name);
  const out = ok(['gen', '--db', db, '--quiet', ...args]).stdout;
  const digest = out.match(/^digest ([0-9a-f]{64})$/m)[1];
  const count = (label) => Number(out.match(new RegExp(`^  ${label} +(\\d+)`, 'm'))[1]);
  return { db, drop, out, digest, count };
}

test('gen: the same seed gives the same data set, another seed another one', () => {
  const dir = tempDir();
  const made = [];
  try {
    const a = gen(dir, 'a.db', ['--hazards', String(N), '--seed', '7', '--geojson', join(dir, 'a.geojson')]);
    const b = gen(dir, 'b.db', ['--hazards', String(N), '--seed', '7', '--geojson', join(dir, 'b.geojson'), '--batch', '7']);
    const c = gen(dir, 'c.db', ['--hazards', String(N), '--seed', '8']);
    made.push(a, b, c);
    assert.equal(a.digest, b.digest, 'batch size does not change the data');
    assert.notEqual(a.digest, c.digest);
    assert.equal(readFileSync(join(dir, 'a.geojson'), 'utf8'), readFileSync(join(dir, 'b.geojson'), 'utf8'));
    const codes = (db) => json(['list', '--db', db, '--type', 'land_release', '--json']).items
      .map((r) => `${r.code} ${r.area_m2}`).sort();
    assert.deepEqual(codes(a.db), codes(b.db));
  } finally { made.forEach((m) => m.drop()); rmSync(dir, { recursive: true, force: true }); }
});

test('gen: valid, approved, realistic records in the Karabakh districts, counted right', () => {
  const dir = tempDir();
  const gj = join(dir, 'hazards.geojson');
  const g = gen(dir, 'g.db', ['--hazards', String(N), '--seed', '3', '--geojson', gj]);
  try {
    const chk = JSON.parse(ok(['check', '--db', g.db, '--json']).stdout);
    assert.equal(chk.errors, 0, JSON.stringify(chk).slice(0, 2000));
    assert.equal(chk.warnings, 0, JSON.stringify(chk).slice(0, 2000));
    const list = (type) => json(['list', '--db', g.db, '--type', type, '--json']).items;
    const hazards = list('hazard');
    assert.equal(hazards.length, N);
    for (const [type, label] of [['land_release', 'land_release'], ['eo_find', 'eo_find'], ['accident', 'accident'],
      ['victim', 'victim'], ['eore_session', 'eore_session'], ['grant', 'grant'], ['exchange_rate', 'exchange_rate']]) {
      assert.equal(list(type).length, g.count(label), type);
    }
    assert.equal(g.count('hazards'), N);
    // about 3 releases and 10 finds per hazard
    assert.ok(g.count('land_release') > 2 * N && g.count('land_release') < 4 * N, g.out);
    assert.ok(g.count('eo_find') > 7 * N && g.count('eo_find') < 13 * N, g.out);
    const districts = new Set(hazards.map((h) => h.code.split('-')[1]));
    for (const d of districts) assert.ok(['AGD', 'FZL', 'JBR', 'ZNG', 'GBD', 'LAC', 'KLB', 'KHJ', 'SHU', 'KHL', 'TRT'].includes(d), d);
    assert.ok(districts.size >= 6, [...districts].join());
    for (const h of hazards) {
      assert.equal(h.status, 'approved');
      assert.ok(h.area_m2 >= 1000 && h.area_m2 <= 500000, `${h.code} ${h.area_m2}`);
      const n = h.geometry.coordinates[0].length - 1;
      assert.ok(n >= 8 && n <= 20, `${h.code}: ${n} vertices`);
      assert.ok(Math.abs(h.cancelled_m2 + h.reduced_m2 + h.cleared_m2 + h.remaining_m2 - h.area_m2) < 1, h.code);
      assert.equal(h.released_outside_m2, 0, h.code);
    }
    assert.ok(hazards.some((h) => h.land_status === 'closed'), 'some hazards fully released');
    assert.ok(hazards.some((h) => h.geometry.coordinates.length === 2), 'some hazards with a hole');
    const currencies = new Set(list('grant').map((x) => x.currency));
    assert.deepEqual([...currencies].sort(), ['AZN', 'EUR', 'USD']);
    const methods = new Set(list('land_release').map((r) => `${r.method}/${r.result}`));
    assert.deepEqual([...methods].sort(), ['clearance/cleared', 'nts/cancelled', 'ts/reduced']);

    // the GeoJSON holds the same hazards, and demine imports it into the base data set
    const fc = JSON.parse(readFileSync(gj, 'utf8'));
    assert.equal(fc.features.length, N);
    const byCode = new Map(hazards.map((h) => [h.code, h]));
    for (const f of fc.features) assert.ok(byCode.has(f.properties.external_id), f.properties.external_id);
    const base = gen(dir, 'base.db', ['--hazards', '0', '--seed', '3']);
    try {
      assert.equal(g.count('organisation'), base.count('organisation'));
      ok(['import', '--db', base.db, '--type', 'hazard', '--approve', '--reason', 'bench', gj]);
      const imported = json(['list', '--db', base.db, '--type', 'hazard', '--json']).items;
      assert.equal(imported.length, N);
      for (const h of imported) {
        const orig = byCode.get(h.external_id);
        assert.ok(Math.abs(h.area_m2 - orig.area_m2) < 0.01, h.external_id);
        assert.equal(h.code.split('-')[1], orig.code.split('-')[1], 'same district');
      }
    } finally { base.drop(); }
  } finally { g.drop(); rmSync(dir, { recursive: true, force: true }); }
});

test('gen: usage errors name the option', () => {
  const dir = tempDir();
  try {
    let r = demine(['gen', '--db', join(dir, 'x.db')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--hazards N is required/);
    r = demine(['gen', '--db', join(dir, 'x.db'), '--hazards', 'many']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--hazards must be a whole number, not 'many'/);
    r = demine(['gen', '--db', join(dir, 'x.db'), '--hazards', '-4']);
    assert.equal(r.code, 2);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('gen: a GeoJSON file it cannot write refuses before any database is made', () => {
  const dir = tempDir();
  try {
    const r = demine(['gen', '--db', join(dir, 'x.db'), '--hazards', '1', '--geojson', join(dir, 'no/such/dir/h.geojson')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot write '.*h\.geojson': No such file or directory/);
    assert.ok(!existsSync(join(dir, 'x.db')));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
