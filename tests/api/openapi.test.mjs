// openapi.test.mjs: GET /openapi.json describes every route and record type, without credentials.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api } from './helpers.mjs';

let s;
before(async () => { s = await startServer({ login: false }); });
after(async () => { await s.stop(); });

const cap = (n) => n.split(/[_-]/).map((w) => w[0].toUpperCase() + w.slice(1)).join('');

test('the OpenAPI document covers every record type and resolves', async () => {
  const r = await api(s, null, 'GET', '/openapi.json');
  assert.equal(r.status, 200, r.text.slice(0, 300));
  assert.match(r.headers.get('content-type'), /^application\/json/);
  const doc = r.json;
  assert.ok(doc.openapi.startsWith('3.1'), doc.openapi);
  const ops = new Map();
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(item)) {
      assert.ok(op.operationId, `${m} ${p} has an operationId`);
      assert.ok(!ops.has(op.operationId), `duplicate operationId ${op.operationId}`);
      ops.set(op.operationId, `${m} ${p}`);
    }
  }
  const schema = (await api(s, null, 'GET', '/openapi.json')).json; // served twice alike
  assert.deepEqual(schema, doc);
  const types = Object.keys(doc.components.schemas).filter((n) => n !== 'Error');
  assert.ok(types.includes('Hazard'));
  for (const t of types) {
    for (const v of ['list', 'get', 'create', 'update', 'delete', 'submit']) assert.ok(ops.has(`${v}${t}`), `${v}${t}`);
  }
  assert.equal(ops.get('listHazard'), 'get /api/v1/hazard');
  assert.equal(ops.get('updateHazard'), 'put /api/v1/hazard/{id}');
  assert.deepEqual(doc.components.schemas.Hazard.properties.category.enum, ['sha', 'cha']);
  for (const id of ['login', 'getMe', 'createToken', 'listUsers', 'getSchema', 'listAudit', 'healthz', 'getOpenApi']) assert.ok(ops.has(id), id);
  assert.equal(doc.components.securitySchemes.bearerAuth.scheme, 'bearer');
  assert.equal(doc.components.securitySchemes.cookieAuth.name, 'demine_session');
  assert.ok(doc.paths['/api/v1/hazard/{id}'].put.parameters.some((p) => p.in === 'header' && p.name === 'If-Match'));
  assert.ok(doc.paths['/api/v1/hazard'].get.responses['404']);
  // every $ref resolves within the document
  let refs = 0;
  const walk = (v) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      if (typeof v.$ref === 'string') {
        refs++;
        assert.ok(v.$ref.startsWith('#/'), v.$ref);
        let at = doc;
        for (const part of v.$ref.slice(2).split('/')) at = at?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
        assert.ok(at !== undefined, `unresolved ${v.$ref}`);
      }
      Object.values(v).forEach(walk);
    }
  };
  walk(doc);
  assert.ok(refs > 0);
});
