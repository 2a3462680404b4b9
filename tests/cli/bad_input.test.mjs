// bad_input.test.mjs: bad inputs each get a clear error (naming the record, the field and the
// reason) and leave the database exactly as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demine, ok, json, freshDb, writeJson, fc, feature, square, dbDigest } from './helpers.mjs';

const P = { type: 'Point', coordinates: [46.95, 39.95] };
const HZ = { category: 'sha', hazard_type: 'minefield', land_status: 'open' };
const poly = square(46.9, 39.9, 0.002);
const gj = (type, ...features) => ({ type, body: JSON.stringify(fc(features)), ext: 'geojson' });
const raw = (type, body, ext = 'geojson') => ({ type, body, ext });

// [name, input, expected exit status, stderr pattern]
const cases = [
  ['broken JSON', raw('hazard', '{"type": "FeatureCollection", "features": [ {"type": "Feature",'), 1, /line \d+.*(invalid JSON|premature|unexpected)/i],
  ['not an object', raw('hazard', '[1, 2, 3]'), 1, /FeatureCollection/],
  ['bare geometry', raw('hazard', JSON.stringify(P)), 1, /expected a FeatureCollection or a Feature, found 'Point'/],
  ['features not an array', raw('hazard', '{"type":"FeatureCollection","features":{}}'), 1, /features/],
  ['feature type misspelled', raw('hazard', '{"type":"FeatureCollection","features":[{"type":"Featur","properties":{},"geometry":null}]}'), 1, /feature 1/],
  ['properties is an array', raw('hazard', '{"type":"FeatureCollection","features":[{"type":"Feature","properties":[1],"geometry":null}]}'), 1, /feature 1.*properties/],
  ['duplicate member', raw('hazard', '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"category":"sha","category":"cha"},"geometry":null}]}'), 1, /duplicate member 'category'/],
  ['invalid UTF-8', raw('organisation', Buffer.concat([Buffer.from('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","kind":"other"},"geometry":null}]}')])), 1, /UTF-8/],
  ['unknown field', gj('hazard', feature({ ...HZ, colour: 'red' }, poly)), 1, /feature 1.*unknown field 'colour'/],
  ['wrong type: integer as text', gj('eo_find', feature({ category: 'ap_mine', quantity: 'three' }, P)), 1, /feature 1.*quantity/],
  ['unknown enum value', gj('hazard', feature({ ...HZ, category: 'boom' }, poly)), 1, /category.*'boom' is not one of/],
  ['unknown set value', gj('hazard', feature({ ...HZ, contamination: ['ap_mine', 'lava'] }, poly)), 1, /contamination.*'lava'/],
  ['missing required field', gj('hazard', feature({ hazard_type: 'minefield', land_status: 'open' }, poly)), 1, /category: required but missing/],
  ['link to a missing record', gj('land_release', feature({ hazard: 'HAZ-XXX-00042', method: 'nts', result: 'cancelled' }, poly)), 1, /hazard.*no hazard record 'HAZ-XXX-00042'/],
  ['impossible date', gj('accident', feature({ accident_date: '2021-02-30', accident_kind: 'civilian' }, P)), 1, /accident_date.*2021-02-30/],
  ['date_of_information not a date', gj('hazard', feature({ ...HZ, date_of_information: '12/10/2021' }, poly)), 1, /date_of_information/],
  ['longitude out of range', gj('accident', feature({ accident_date: '2021-02-03', accident_kind: 'civilian' }, { type: 'Point', coordinates: [200, 40] })), 1, /geometry.*(range|longitude)/i],
  ['latitude out of range', gj('hazard', feature(HZ, square(46.9, 89.999, 0.01))), 1, /geometry.*(range|latitude)/i],
  ['unclosed ring', gj('hazard', feature(HZ, { type: 'Polygon', coordinates: [[[46.9, 39.9], [46.91, 39.9], [46.91, 39.91], [46.9, 39.91]]] })), 1, /not closed/],
  ['ring with three positions', gj('hazard', feature(HZ, { type: 'Polygon', coordinates: [[[46.9, 39.9], [46.91, 39.9], [46.9, 39.9]]] })), 1, /(at least 4|too few)/],
  ['self-intersecting polygon', gj('hazard', feature(HZ, { type: 'Polygon', coordinates: [[[46.9, 39.9], [46.92, 39.92], [46.92, 39.9], [46.9, 39.92], [46.9, 39.9]]] })), 1, /feature 1.*ring 1 \(the shell\) self-intersects at \(46\.910000 39\.910000\)/],
  ['hole outside its shell', gj('hazard', feature(HZ, { type: 'Polygon', coordinates: [[[46.9, 39.9], [46.91, 39.9], [46.91, 39.91], [46.9, 39.91], [46.9, 39.9]], [[47.0, 40.0], [47.0, 40.001], [47.001, 40.001], [47.0, 40.0]]] })), 1, /hole.*outside/],
  ['GeometryCollection', gj('hazard', feature(HZ, { type: 'GeometryCollection', geometries: [P] })), 1, /geometrycollection is not supported/i],
  ['one-number coordinate', gj('accident', feature({ accident_date: '2021-02-03', accident_kind: 'civilian' }, { type: 'Point', coordinates: [46.9] })), 1, /geometry/],
  ['geometry type not a string', gj('accident', feature({ accident_date: '2021-02-03', accident_kind: 'civilian' }, { type: 7, coordinates: [46.9, 39.9] })), 1, /type/],
  ['negative area', gj('hazard', feature({ ...HZ, estimated_area_m2: -5 }, P)), 1, /estimated_area_m2/],
  ['negative quantity', gj('eo_find', feature({ category: 'ap_mine', quantity: -1 }, P)), 1, /quantity/],
  ['zero quantity', gj('eo_find', feature({ category: 'ap_mine', quantity: 0 }, P)), 1, /quantity/],
  ['age out of range', gj('victim', feature({ outcome: 'injured', age: 150 })), 1, /age/],
  ['unknown currency', gj('disbursement', feature({ disbursement_date: '2021-10-01', amount: '10.00', currency: 'XYZ', kind: 'disbursement' })), 1, /currency.*XYZ/],
  ['rate as a JSON number', gj('exchange_rate', feature({ date: '2021-10-01', from_currency: 'EUR', to_currency: 'AZN', rate: 2.0, source: 'manual' })), 1, /rate/],
  ['money as a JSON number', gj('disbursement', feature({ disbursement_date: '2021-10-01', amount: 400000, currency: 'EUR', kind: 'disbursement' })), 1, /amount/],
  ['money with too many decimals', gj('disbursement', feature({ disbursement_date: '2021-10-01', amount: '1.234', currency: 'EUR', kind: 'disbursement' })), 1, /amount.*1\.234/],
  ['rate of zero', gj('exchange_rate', feature({ date: '2021-10-01', from_currency: 'EUR', to_currency: 'AZN', rate: '0', source: 'manual' })), 1, /rate.*0/],
  ['negative rate', gj('exchange_rate', feature({ date: '2021-10-01', from_currency: 'EUR', to_currency: 'AZN', rate: '-2.1', source: 'manual' })), 1, /rate/],
  ['rate from a currency to itself', gj('exchange_rate', feature({ date: '2021-10-01', from_currency: 'EUR', to_currency: 'EUR', rate: '1', source: 'manual' })), 1, /currenc/],
  ['method and result disagree', gj('land_release', feature({ hazard: 'SEED-H', method: 'nts', result: 'cleared' }, poly)), 1, /result/],
  ['geometry on a record type without one', gj('organisation', feature({ name: 'X', kind: 'other' }, P)), 1, /geometry.*no geometry/],
  ['a point where a polygon is needed', gj('land_release', feature({ method: 'nts', result: 'cancelled' }, P)), 1, /Polygon/],
  ['an id without a version', gj('organisation', feature({ name: 'X', kind: 'other' }, null, '0b6f3e9e-0000-4000-8000-000000000000')), 1, /version/],
  ['an update of a record that does not exist', gj('organisation', feature({ name: 'X', kind: 'other', version: 3 }, null, '0b6f3e9e-0000-4000-8000-000000000000')), 1, /no record/],
  ['a document of another type', gj('hazard', feature({ ...HZ, type: 'task' }, poly)), 1, /is a task, not a hazard/],
  ['text with a control character', gj('organisation', feature({ name: 'bad\u0007name', kind: 'other' })), 1, /name/],
  ['CSV unterminated quote', raw('organisation', 'name,kind\r\n"Open quote,other\r\n', 'csv'), 1, /line 2.*unterminated/],
  ['CSV wrong number of fields', raw('organisation', 'name,kind\r\nA,other,extra\r\n', 'csv'), 1, /line 2.*3 fields/],
  ['CSV invalid UTF-8', raw('organisation', Buffer.concat([Buffer.from('name,kind\r\nA'), Buffer.from([0xff]), Buffer.from(',other\r\n')]), 'csv'), 1, /line 2.*UTF-8/],
  ['CSV bad whole number', raw('eo_find', 'category,quantity,geometry\r\nap_mine,lots,POINT (46.9 39.9)\r\n', 'csv'), 1, /line 2.*quantity.*'lots'/],
  ['CSV bad WKT', raw('accident', 'accident_date,accident_kind,geometry\r\n2021-01-01,civilian,POINT (46.9\r\n', 'csv'), 1, /line 2.*geometry/],
  ['CSV x/y not numbers', raw('accident', 'accident_date,accident_kind,x,y\r\n2021-01-01,civilian,east,north\r\n', 'csv'), 1, /line 2.*not numbers/],
  ['unsupported CRS', { ...gj('accident', feature({ accident_date: '2021-01-01', accident_kind: 'civilian' }, P)), args: ['--crs', 'EPSG:999999'] }, 1, /crs/i],
];

test(`${cases.length} bad inputs are refused with clear errors and change nothing`, () => {
  const { db, dir, cleanup } = freshDb();
  try {
    // something to link to, so a refused import has real data to leave alone
    const seed = writeJson(dir, 'seed.geojson', fc([feature({ name: 'Mine Action Agency', kind: 'national_authority' })]));
    ok(['import', '--db', db, '--type', 'organisation', seed, '--approve', '--reason', 'seed']);
    const hz = writeJson(dir, 'seedh.geojson', fc([feature({ ...HZ, external_id: 'SEED-H' }, poly)]));
    ok(['import', '--db', db, '--type', 'hazard', hz, '--approve', '--reason', 'seed']);
    assert.ok(cases.length >= 40);
    cases.forEach(([name, input, code, pattern], i) => {
      const file = join(dir, `case${i}.${input.ext}`);
      writeFileSync(file, input.body);
      const before = dbDigest(db);
      const r = demine(['import', '--db', db, '--type', input.type, file, ...(input.args || [])]);
      assert.equal(r.code, code, `${name}: exit ${r.code}, stderr: ${r.stderr}`);
      assert.match(r.stderr, pattern, `${name}: stderr was: ${r.stderr}`);
      assert.match(r.stderr, /^demine: /, `${name}: message starts with demine:`);
      assert.equal(dbDigest(db), before, `${name}: the database changed`);
    });
  } finally { cleanup(); }
});

test('one bad feature refuses the whole file and every problem is listed', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    const f = writeJson(dir, 'mixed.geojson', fc([
      feature(HZ, poly),
      feature({ ...HZ, category: 'nope' }, poly),
      feature(HZ, poly),
      feature({ ...HZ, land_status: 'gone' }, poly),
      feature({ hazard_type: 'minefield', land_status: 'open' }, poly),
    ]));
    const before = dbDigest(db);
    const r = demine(['import', '--db', db, '--type', 'hazard', f]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /3 problems/);
    assert.match(r.stderr, /feature 2 .*category/);
    assert.match(r.stderr, /feature 4 .*land_status/);
    assert.match(r.stderr, /feature 5 .*category: required but missing/);
    assert.equal(dbDigest(db), before);
    assert.equal(json(['list', '--db', db, '--type', 'hazard', '--json']).items.length, 0);
  } finally { cleanup(); }
});

test('missing files and unknown formats', () => {
  const { db, dir, cleanup } = freshDb();
  try {
    let r = demine(['import', '--db', db, '--type', 'hazard', join(dir, 'nope.geojson')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot open/);
    const txt = join(dir, 'x.txt');
    writeFileSync(txt, 'hello');
    r = demine(['import', '--db', db, '--type', 'hazard', txt]);
    assert.equal(r.code, 2);
    r = demine(['import', '--db', db, '--type', 'dragon', txt]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown record type 'dragon'/);
    r = demine(['list', '--db', join(dir, 'missing.db'), '--type', 'hazard']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not exist/);
  } finally { cleanup(); }
});
