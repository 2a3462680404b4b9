// forms_engine.test.mjs: every generated form loaded in ODK's own XForms engine
// (@getodk/xforms-engine, the engine of ODK Web Forms) in Chromium, filled question by question
// as a user would, its submission built by the engine and sent to demine's /submission: the
// engine must accept the form (binds, itext, choices, media, repeats), find the filled form
// complete, and the record must come out with the same values.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, finish, newPage, signIn } from './helpers.mjs';
import { api } from './server.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await finish(env); });

const FORMS = ['demine_nts', 'demine_ts', 'demine_release', 'demine_eo', 'demine_accident', 'demine_eore'];

// Runs in the page: loads, fills and submits one form; returns what was filled and the answer.
async function fillAndSubmit({ form, token }) {
  const { createInstance } = await import('/vendor/xforms-engine.js');
  const xml = await (await fetch(`/api/v1/forms/${form}.xml`)).text();
  const media = (u) => String(u?.href ?? u).split('/').pop();
  const inst = await createInstance(xml, {
    form: { fetchFormAttachment: (u) => fetch(`/api/v1/forms/${form}/media/${media(u)}`) },
  });
  const root = inst.root;
  const languages = root.languages.map((l) => l.language);
  const filled = {};
  const victims = [];
  const shape = '40.15 46.87 0 4;40.151 46.87 0 4;40.151 46.871 0 4;40.15 46.871 0 4;40.15 46.87 0 4';
  const point = '40.1391648 46.8582301 0 5';
  const leaf = (c, name, into) => {
    if (c.nodeType === 'select') {
      const opts = c.currentState.valueOptions.map((o) => o.value);
      if (!opts.length) return;
      const v = name === 'geo_method' ? 'polygon' : opts[0];
      if (c.definition.bodyElement.type === 'select') { c.selectValues(opts.slice(0, 2)); into[name] = opts.slice(0, 2); }
      else { c.selectValue(v); into[name] = v; }
    } else if (c.nodeType === 'input') {
      const v = { int: 3, decimal: 12.5, date: '2026-11-20', geopoint: point, geoshape: shape }[c.valueType] ?? `${name} from the web form`;
      if (c.valueType === 'string' && c.currentState.readonly) return;
      c.setValue(v);
      into[name] = v;
    }
  };
  const walk = (node, into) => {
    for (const c of node.currentState.children || []) {
      if (!c.currentState.relevant) continue;
      const name = c.currentState.reference.split('/').pop().replace(/\[\d+\]$/, '');
      if (name === 'meta' || name === 'photo') continue;
      if (c.nodeType === 'group') walk(c, into);
      else if (c.nodeType.startsWith('repeat-range')) {
        if (name === 'victim') {
          c.addInstances(); // two victims
          for (const r of c.currentState.children) { const v = {}; walk(r, v); victims.push(v); }
        } else for (const r of c.currentState.children) walk(r, into);
      } else leaf(c, name, into);
    }
  };
  walk(root, filled);
  const payload = await root.prepareInstancePayload();
  const body = payload.data[0];
  const instanceXml = await body.get('xml_submission_file').text();
  const r = await fetch('/submission', { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body });
  return { languages, status: payload.status, violations: payload.violations, filled, victims, instanceXml, answer: r.status, text: await r.text() };
}

test('every form loads in ODK\'s XForms engine, is filled, and its submission makes the record with the same values', async () => {
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'operator');
  const schema = (await api(env.s, 'operator', 'GET', '/api/v1/schema')).json;
  for (const form of FORMS) {
    const r = await page.evaluate(fillAndSubmit, { form, token: env.s.tokens.operator });
    assert.deepEqual(r.languages.sort(), ['Azərbaycan dili (az)', 'English (en)', 'Русский (ru)'], form);
    assert.equal(r.status, 'ready', `${form}: the engine finds the filled form complete: ${JSON.stringify(r.violations)}`);
    assert.match(r.instanceXml, new RegExp(`<data[^>]* id="${form}"`));
    assert.equal(r.answer, 201, `${form}: ${r.text}\n${r.instanceXml}`);
    const code = r.text.match(/received: ([A-Z]+-[A-Z]{3}-\d{5})/)[1];
    const type = { EO: 'eo_find', HAZ: 'hazard', LR: 'land_release', ACC: 'accident', ERE: 'eore_session' }[code.split('-')[0]];
    const rec = (await api(env.s, 'operator', 'GET', `/api/v1/${type}/${code}`)).json;
    assert.equal(rec.status, 'submitted');
    assert.equal(rec.organisation, env.s.org);
    const fields = schema.types.find((t) => t.name === type).fields;
    let compared = 0;
    for (const [name, value] of Object.entries(r.filled)) {
      const f = fields.find((x) => x.name === name);
      if (!f) continue;
      compared++;
      if (f.type === 'link') {
        const target = (await api(env.s, 'operator', 'GET', `/api/v1/${f.link_type}/${value}`)).json;
        assert.equal(rec[name], target.id, `${form}: ${name}`);
      } else assert.deepEqual(rec[name], value, `${form}: ${name}`);
    }
    assert.ok(compared >= 3, `${form}: ${compared} values compared`);
    assert.equal(rec.date_of_information, '2026-11-20');
    if (r.filled.shape) assert.deepEqual(rec.geometry.coordinates[0][0], [46.87, 40.15]);
    else assert.deepEqual(rec.geometry, { type: 'Point', coordinates: [46.8582301, 40.1391648] });
    if (form === 'demine_accident') {
      assert.equal(r.victims.length, 2);
      const vics = (await api(env.s, 'operator', 'GET', '/api/v1/victim?limit=1000')).json.items.filter((v) => v.accident === rec.id);
      assert.equal(vics.length, 2);
      assert.deepEqual(vics[0].outcome, r.victims[0].outcome);
    }
  }
  assert.deepEqual(page.errors, []);
});
