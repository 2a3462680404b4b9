// Reports: the national, Article 7, casualty and donor reports (/api/v1/reports, docs/reports.md):
// the parameters, the report's print view drawn from its model, and a download in every format.
import { h, field, option } from '../dom.js';
import { t, getLang, LANGS } from '../i18n.js';
import { get, listAll, ApiError } from '../api.js';
import { districts, placeName } from '../schema.js';

const FORMATS = ['pdf', 'xlsx', 'html'];
const LANG_NAMES = { en: 'English', az: 'Azərbaycanca', ru: 'Русский' };

function defaultPeriod() {
  const y = new Date().getFullYear() - 1;
  return { from: `${y}-01-01`, to: `${y}-12-31` };
}

// The query string of a report's URL: the parameters that are set.
function reportQuery(q, extra = {}) {
  const p = new URLSearchParams();
  for (const k of ['from', 'to', 'area', 'grant', 'lang', 'as_of']) if (q[k]) p.set(k, q[k]);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p;
}

// A cell as the report shows it: hectares for areas, whole numbers grouped, text as it is.
function cellText(col, v, lang) {
  if (typeof v !== 'number') return v === null || v === undefined ? '' : String(v);
  const nf = new Intl.NumberFormat({ az: 'az-Latn-AZ', ru: 'ru-RU', en: 'en-GB' }[lang] || 'en-GB',
    col.type === 'area' ? { minimumFractionDigits: 2, maximumFractionDigits: 2 } : { maximumFractionDigits: 0 });
  return nf.format(col.type === 'area' ? v / 10000 : v);
}

const MAP_FILL = { districts: '#eef0f3', cancelled: '#e8b903', reduced: '#4a90d9', cleared: '#1a9850' };
const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs) => {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
};

// The report's map (its layers' paths, already projected by the server) as SVG.
function mapView(map) {
  const root = svg('svg', { viewBox: `0 0 ${map.width} ${map.height}`, class: 'report-map', role: 'img' });
  for (const layer of map.layers) {
    const g = svg('g', { fill: MAP_FILL[layer.key] || '#ccc', 'fill-rule': 'evenodd', 'data-layer': layer.key,
      ...(layer.key === 'districts' ? { stroke: '#8a9099', 'stroke-width': 1 } : {}) });
    for (const poly of layer.paths) {
      const d = poly.map((ring) => ring.reduce((s, v, i) => s + (i % 2 ? ` ${v}` : `${i ? ' L' : 'M'}${v}`), '') + 'Z').join('');
      g.append(svg('path', { d }));
    }
    root.append(g);
  }
  return root;
}

function sectionView(sec, lang, name, q) {
  const csv = `/api/v1/reports/${encodeURIComponent(name)}?${reportQuery(q, { format: 'csv', table: sec.key })}`;
  const box = h('section', { class: 'card report-section', id: `report-${sec.key}` },
    h('h2', { text: sec.title }));
  if (sec.map) {
    box.append(mapView(sec.map), h('p', { class: 'legend' }, Object.entries(sec.map.legend).map(([k, v]) =>
      [h('span', { class: 'swatch', style: `background:${MAP_FILL[k]}` }), ` ${v} `])));
    if (sec.note) box.append(h('p', { class: 'muted', text: sec.note }));
    return box;
  }
  if (!sec.rows.length) {
    box.append(h('p', { class: 'muted empty', text: sec.empty }));
    return box;
  }
  box.append(h('table', { class: 'report-table', id: `table-${sec.key}` },
    h('thead', {}, h('tr', {}, sec.columns.map((c) => h('th', { scope: 'col', text: c.label })))),
    h('tbody', {}, sec.rows.map((r) => h('tr', {}, sec.columns.map((c) => h('td', {
      class: typeof r[c.key] === 'number' ? 'num' : null,
      dataset: { key: c.key, value: r[c.key] === null || r[c.key] === undefined ? '' : String(r[c.key]) },
      text: cellText(c, r[c.key], lang),
    })))))));
  if (sec.note) box.append(h('p', { class: 'muted', text: sec.note }));
  box.append(h('p', { class: 'no-print' }, h('a', { href: csv, download: '', class: 'csv-link', text: t('reports.csv') })));
  return box;
}

function showError(form, out, e) {
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  form.querySelectorAll('.field-error').forEach((el) => { el.textContent = ''; });
  const f = e instanceof ApiError && e.field ? form.querySelector(`[name="${e.field}"]`) : null;
  if (f) {
    f.setAttribute('aria-invalid', 'true');
    const err = document.getElementById(`${f.id}-err`);
    if (err) err.textContent = e.message;
  }
  out.append(h('p', { class: 'notice error', role: 'alert', id: 'report-error', text: e.message }));
}

export async function render(main, params, query) {
  const period = defaultPeriod();
  const [list, dists, grants] = await Promise.all([
    get(`/api/v1/reports?lang=${getLang()}`),
    districts(),
    listAll('/api/v1/grant?version=approved&limit=200', 1000).catch(() => []),
  ]);
  const report = h('select', { name: 'report' }, list.items.map((r) => option(r.name, r.title, (query.report || 'national') === r.name)));
  const from = h('input', { type: 'date', name: 'from', value: query.from || period.from, required: true });
  const to = h('input', { type: 'date', name: 'to', value: query.to || period.to, required: true });
  const area = h('select', { name: 'area' }, option('', t('reports.country')),
    dists.map((d) => [d, placeName(d)]).sort((a, b) => a[1].localeCompare(b[1])).map(([d, n]) => option(d.pcode, n, query.area === d.pcode)));
  const grant = h('select', { name: 'grant' }, option('', t('reports.no_grant')),
    grants.map((g) => option(g.code, [g.code, g.title].filter(Boolean).join(' · '), query.grant === g.code)));
  const lang = h('select', { name: 'lang' }, LANGS.map((l) => option(l, LANG_NAMES[l] || l, (query.lang || getLang()) === l)));
  const asOf = h('input', { type: 'date', name: 'as_of', value: query.as_of || '' });
  const grantField = field(t('reports.grant'), grant);
  const form = h('form', { class: 'toolbar no-print', id: 'report-form' },
    field(t('reports.report'), report), field(t('dash.from'), from), field(t('dash.to'), to),
    field(t('reports.area'), area), grantField, field(t('reports.lang'), lang),
    field(t('reports.as_of'), asOf, { help: t('reports.as_of_help') }),
    h('button', { type: 'submit', text: t('reports.show') }));
  const needsGrant = () => (list.items.find((r) => r.name === report.value)?.requires || []).includes('grant');
  const syncGrant = () => { grantField.style.display = needsGrant() ? '' : 'none'; };
  report.addEventListener('change', syncGrant);
  syncGrant();
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = { report: report.value, from: from.value, to: to.value, area: area.value, grant: needsGrant() ? grant.value : '', lang: lang.value, as_of: asOf.value };
    location.hash = `#/reports?${new URLSearchParams(Object.entries(q).filter(([, v]) => v))}`;
  });
  const out = h('div', { id: 'report-view' });
  main.append(h('h1', { class: 'no-print', text: t('reports.title') }), h('p', { class: 'muted no-print', text: t('reports.intro') }), form, out);
  if (!query.report) return;

  const q = { from: query.from, to: query.to, area: query.area, grant: query.grant, lang: query.lang || getLang(), as_of: query.as_of };
  const name = query.report;
  let model;
  try {
    model = await get(`/api/v1/reports/${encodeURIComponent(name)}?${reportQuery(q, { format: 'json' })}`);
  } catch (e) {
    showError(form, out, e);
    return;
  }
  const links = h('p', { class: 'downloads no-print' }, h('span', { text: `${t('reports.download')} ` }),
    FORMATS.map((f) => [h('a', { href: `/api/v1/reports/${encodeURIComponent(name)}?${reportQuery(q, { format: f })}`,
      download: '', class: `download-${f}`, text: f.toUpperCase() }), ' ']),
    h('button', { type: 'button', class: 'link', onclick: () => window.print(), text: t('reports.print') }));
  out.append(links, h('article', { class: 'report', lang: model.lang },
    h('h1', { text: model.title }),
    h('p', { text: `${model.labels.period} · ${model.labels.area}` }),
    model.empty ? h('p', { class: 'notice', id: 'empty-period', text: model.labels.empty }) : null,
    model.sections.map((s) => sectionView(s, model.lang, name, q)),
    h('footer', { class: 'muted', text: `${model.labels.as_of} · ${model.labels.generated_by}` })));
}
