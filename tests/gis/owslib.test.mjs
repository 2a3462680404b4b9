// owslib.test.mjs: OWSLib (Debian's python3-owslib) reads demine's OGC API with a token as the
// Basic password: conformance, the OpenAPI 3.0 document of api(), collections, queryables and
// items with a bbox; the counts equal the API's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, api } from '../api/helpers.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); });

const SCRIPT = `
import json, sys
from owslib.ogcapi.features import Features
from owslib.util import Authentication
w = Features(sys.argv[1] + '/ogc', auth=Authentication('gis', sys.argv[2]))
out = {
  'conformance': w.conformance()['conformsTo'],
  'openapi': w.api().get('openapi'),
  'collections': [c['id'] for c in w.collections()['collections']],
  'queryables': sorted(w.collection_queryables('hazard')['properties']),
  'matched': w.collection_items('hazard', limit=1000, bbox=[46.5, 39.5, 47.0, 40.0])['numberMatched'],
}
print(json.dumps(out))
`;

test('OWSLib reads the OGC API with Basic auth: api() is OpenAPI 3.0, counts equal the API\'s', async () => {
  const r = spawnSync('/usr/bin/python3', ['-c', SCRIPT, s.url, s.tokens.viewer], { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.ok(o.conformance.includes('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30'));
  assert.equal(o.openapi, '3.0.3');
  const cols = (await api(s, 'viewer', 'GET', '/ogc/collections')).json.collections.map((c) => c.id);
  assert.deepEqual(o.collections, cols);
  assert.ok(o.queryables.includes('category'));
  const mine = await api(s, 'viewer', 'GET', '/ogc/collections/hazard/items?limit=1000&bbox=46.5,39.5,47.0,40.0');
  assert.equal(o.matched, mine.json.numberMatched);
});
