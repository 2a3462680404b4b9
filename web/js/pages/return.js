// return.js: the Return page (issue 17): settlements coloured by their readiness for return on a
// map, a table sortable by priority and remaining hazardous area, and one settlement's page with
// the hazards near it, its routes and the history of its status (GET .../readiness).
import * as maplibregl from '../../vendor/maplibre-gl.mjs';
import { h, clear } from '../dom.js';
import { t, label, valueLabel, fmtNum, fmtArea, fmtDate, mapLocale } from '../i18n.js';
import { get, listAll } from '../api.js';
import { districts, placeName } from '../schema.js';
import { buildStyle, LAND_STATUS, matchColour } from '../mapstyle.js';

export const READINESS = { blocked: '#d7191c', in_progress: '#f28e2b', cleared_for_return: '#1a9850' };
const START = [[46.3, 39.2], [47.6, 40.35]];
const nameOf = (s) => label({ en: s.name_en, az: s.name_az, ru: s.name_ru }, s.code);

function badge(status) {
  return h('span', { class: 'badge readiness', style: `--c:${READINESS[status] || '#666'}`, dataset: { readiness: status || '' },
    text: status ? valueLabel(status) : '' });
}

// The settlements' own layers over the hazards, in the map style of the Map page.
function addLayers(map) {
  map.addSource('settlement', { type: 'vector', tiles: [`${location.origin}/tiles/settlement/{z}/{x}/{y}.mvt`], minzoom: 0, maxzoom: 14 });
  map.addSource('access_route', { type: 'vector', tiles: [`${location.origin}/tiles/access_route/{z}/{x}/{y}.mvt`], minzoom: 0, maxzoom: 14 });
  const colour = matchColour('readiness_status', READINESS);
  map.addLayer({ id: 'route-line', type: 'line', source: 'access_route', 'source-layer': 'access_route',
    paint: { 'line-color': ['case', ['>', ['get', 'hazards_crossed'], 0], LAND_STATUS.open, '#4a4235'], 'line-width': 2.5, 'line-dasharray': [3, 1] } });
  map.addLayer({ id: 'settlement-fill', type: 'fill', source: 'settlement', 'source-layer': 'settlement',
    filter: ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false], paint: { 'fill-color': colour, 'fill-opacity': 0.45 } });
  map.addLayer({ id: 'settlement-point', type: 'circle', source: 'settlement', 'source-layer': 'settlement',
    paint: { 'circle-radius': ['interpolate', ['linear'], ['zoom'], 7, 5, 13, 9], 'circle-color': colour,
      'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 } });
}

// The box of every settlement, a little wider, or the demo districts when there are none.
function boundsOf(items) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') { b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]); b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]); }
    else c.forEach(walk);
  };
  for (const s of items) if (s.geometry) walk(s.geometry.coordinates);
  return b[0] === Infinity ? START : [[b[0] - 0.05, b[1] - 0.05], [b[2] + 0.05, b[3] + 0.05]];
}

function settlementMap(el, bounds, onPick) {
  const map = new maplibregl.Map({ container: el, style: buildStyle({ origin: location.origin, lang: 'en' }), bounds,
    attributionControl: false, locale: mapLocale() });
  window.__demine = { ...(window.__demine || {}), map };
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 150 }), 'bottom-left');
  map.on('load', () => addLayers(map));
  map.on('click', (e) => {
    const f = map.queryRenderedFeatures(e.point, { layers: ['settlement-point', 'settlement-fill'] })[0];
    if (f) onPick(f.properties.id);
  });
  return map;
}

function legend() {
  return h('section', { class: 'legend', 'aria-label': t('return.legend') }, h('h2', { text: t('return.legend') }),
    h('ul', {}, Object.entries(READINESS).map(([k, c]) => h('li', {}, h('span', { class: 'swatch dot', style: `--c:${c}` }), valueLabel(k)))),
    h('ul', {}, h('li', {}, h('span', { class: 'swatch line', style: `--c:${LAND_STATUS.open}` }), t('return.route_blocked'))));
}

const COLUMNS = [
  { key: 'name', text: () => t('return.settlement'), value: (s) => nameOf(s) },
  { key: 'district', text: () => t('return.district'), value: (s, d) => placeName(d.get(s.location)) },
  { key: 'readiness_status', text: () => t('return.status'), value: (s) => s.readiness_status, show: (s) => badge(s.readiness_status) },
  { key: 'return_priority', text: () => t('return.priority'), value: (s) => s.return_priority ?? Infinity, num: true, show: (s) => (s.return_priority ?? '') },
  { key: 'hazard_within_m2', text: () => t('return.remaining'), value: (s) => s.hazard_within_m2 || 0, num: true, show: (s) => fmtArea(s.hazard_within_m2) },
  { key: 'open_hazards', text: () => t('return.hazards'), value: (s) => s.open_hazards || 0, num: true, show: (s) => fmtNum(s.open_hazards || 0) },
  { key: 'routes_blocked', text: () => t('return.routes_blocked'), value: (s) => s.routes_blocked || 0, num: true, show: (s) => fmtNum(s.routes_blocked || 0) },
  { key: 'planned_returnees', text: () => t('return.returnees'), value: (s) => s.planned_returnees || 0, num: true, show: (s) => fmtNum(s.planned_returnees || 0) },
];

async function listPage(main, query) {
  const [items, dists] = await Promise.all([listAll('/api/v1/settlement?limit=1000'), districts()]);
  if (!main.isConnected) return null;
  const byId = new Map(dists.map((d) => [d.id, d]));
  let sort = query.sort || 'return_priority';
  const tbody = h('tbody');
  const thead = h('thead');
  const counts = h('p', { class: 'muted', id: 'return-counts' });
  function draw() {
    const desc = sort.startsWith('-');
    const col = COLUMNS.find((c) => c.key === sort.replace(/^-/, '')) || COLUMNS[3];
    const rows = [...items].sort((a, b) => {
      const x = col.value(a, byId), y = col.value(b, byId);
      const c = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
      return desc ? -c : c;
    });
    clear(thead).append(h('tr', {}, COLUMNS.map((c) => {
      const dir = sort === c.key ? 'ascending' : sort === `-${c.key}` ? 'descending' : null;
      return h('th', { scope: 'col', 'aria-sort': dir }, h('button', { type: 'button', dataset: { sort: c.key },
        onclick: () => { sort = sort === c.key ? `-${c.key}` : c.key; draw(); } }, c.text(), dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''));
    })));
    clear(tbody).append(...rows.map((s) => h('tr', { dataset: { id: s.id, code: s.code } }, COLUMNS.map((c, i) => h('td', { class: c.num ? 'num' : null },
      i === 0 ? h('a', { href: `#/return/${s.id}`, text: nameOf(s) }) : c.show ? c.show(s) : c.value(s, byId))))));
    if (!rows.length) tbody.append(h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'muted', text: t('return.none') })));
  }
  draw();
  const n = (st) => items.filter((s) => s.readiness_status === st).length;
  counts.textContent = t('return.counts', { blocked: n('blocked'), in_progress: n('in_progress'), cleared: n('cleared_for_return'), total: items.length });
  const mapEl = h('div', { class: 'map return-map', id: 'return-map', role: 'region', 'aria-label': t('return.map') });
  main.append(h('h1', { text: t('return.title') }), counts,
    h('div', { class: 'return-top' }, h('div', { class: 'map-wrap' }, mapEl), legend()),
    h('div', { class: 'card scroll' }, h('table', { class: 'data', id: 'return-table' }, h('caption', { class: 'sr', text: t('return.title') }), thead, tbody)));
  const map = settlementMap(mapEl, boundsOf(items), (id) => { location.hash = `#/return/${id}`; });
  return () => map.remove();
}

async function settlementPage(main, id) {
  const [r, rec] = await Promise.all([get(`/api/v1/settlement/${encodeURIComponent(id)}/readiness`), get(`/api/v1/settlement/${encodeURIComponent(id)}`)]);
  if (!main.isConnected) return null;
  const figures = [
    ['return.status', badge(r.readiness_status)], ['return.hazards', fmtNum(r.open_hazards)],
    ['return.inside', fmtArea(r.hazard_inside_m2)], ['return.remaining_buffer', fmtArea(r.hazard_within_m2)],
    ['return.routes_blocked', fmtNum(r.routes_blocked)], ['return.released', fmtArea(r.released_within_m2)],
    ['return.accidents', fmtNum(r.accidents_within)], ['return.returnees', fmtNum(rec.planned_returnees || 0)],
  ];
  const hz = h('table', { class: 'data', id: 'readiness-hazards' }, h('caption', { text: t('return.hazards_near', { m: fmtNum(r.buffer_m) }) }),
    h('thead', {}, h('tr', {}, ['return.hazard', 'return.category', 'return.land_status', 'return.distance', 'return.within'].map((k) => h('th', { scope: 'col', text: t(k) })))),
    h('tbody', {}, r.hazards.length ? r.hazards.map((x) => h('tr', {}, h('td', {}, h('a', { href: `#/record/hazard/${x.id}`, text: x.code })),
      h('td', { text: x.category.toUpperCase() }), h('td', { text: valueLabel(x.land_status) }),
      h('td', { class: 'num', text: `${fmtNum(x.distance_m, { maximumFractionDigits: 0 })} m` }), h('td', { class: 'num', text: fmtArea(x.within_m2) })))
      : h('tr', {}, h('td', { colspan: 5, class: 'muted', text: t('return.no_hazards') }))));
  const routes = h('ul', { id: 'readiness-routes' }, r.routes.length ? r.routes.map((x) => h('li', {}, h('strong', { text: `${x.name} ` }),
    h('span', { class: 'muted', text: x.code }), ' ', x.crosses.length ? t('return.crosses', { codes: x.crosses.join(', ') }) : t('return.clear_route')))
    : h('li', { class: 'muted', text: t('return.no_routes') }));
  const tasks = h('ul', { id: 'readiness-tasks' }, r.tasks.length ? r.tasks.map((x) => h('li', {},
    h('a', { href: `#/record/task/${x.id}`, text: x.code }), ` ${valueLabel(x.task_status || '')}`,
    x.planned_end ? h('span', { class: 'muted', text: ` · ${fmtDate(x.planned_start)} – ${fmtDate(x.planned_end)}` }) : null))
    : h('li', { class: 'muted', text: t('return.no_tasks') }));
  const p = r.projection;
  const projection = h('p', { id: 'readiness-projection' }, p.cleared_by
    ? t('return.projection', { date: fmtDate(p.cleared_by), rate: fmtNum(p.rate_m2_per_day, { maximumFractionDigits: 0 }), since: fmtDate(p.since) })
    : t('return.no_projection', { since: fmtDate(p.since) }));
  const history = h('ol', { id: 'readiness-history' }, r.history.map((v) => h('li', {}, badge(v.readiness_status), ` ${fmtDate(v.at)} · ${v.by}`,
    v.reason ? h('div', { class: 'muted', text: v.reason }) : null)));
  main.append(h('p', {}, h('a', { href: '#/return', text: t('return.back') })),
    h('h1', { text: `${nameOf(rec)} (${r.code})` }),
    h('ul', { class: 'reasons', id: 'readiness-reasons' }, r.readiness_reasons.map((s) => h('li', { text: s }))),
    h('dl', { class: 'figures' }, figures.flatMap(([k, v]) => [h('dt', { text: t(k) }), h('dd', {}, v)])),
    h('div', { class: 'card' }, hz), h('h2', { text: t('return.tasks') }), tasks, projection,
    h('h2', { text: t('return.routes') }), routes,
    h('h2', { text: t('return.history') }), history,
    h('p', {}, h('a', { href: `#/record/settlement/${r.id}`, text: t('return.record') })));
  return null;
}

export async function render(main, params, query) {
  return params.id ? settlementPage(main, params.id) : listPage(main, query);
}
