// The map: our vector tiles over our own admin areas (works offline), an optional raster base
// map, layer switcher, legend, filters, search, scale bar, cursor coordinates (WGS84, UTM 38N).
import * as maplibregl from '../../vendor/maplibre-gl.mjs';
import { h, field, option, clear } from '../dom.js';
import { t, getLang, valueLabel, fmtNum, mapLocale } from '../i18n.js';
import { get, session } from '../api.js';
import { organisations, districts, placeName, typeLabel } from '../schema.js';
import { toUtm } from '../utm.js';
import { buildStyle, labelPoints, GROUPS, RECORD_LAYERS, FILTERED_LAYERS, BASE_FILTERS, LAND_STATUS, HAZARD_TYPE, RESULT, POINTS, matchColour } from '../mapstyle.js';

const START = [[46.3, 39.2], [47.6, 40.35]];
const LAYER_TYPE = { 'hazard-fill': 'hazard', 'hazard-point': 'hazard', 'release-fill': 'land_release', eo_find: 'eo_find', accident: 'accident', eore_session: 'eore_session' };
const prefs = () => JSON.parse(localStorage.getItem('demine.map') || '{}');
const savePrefs = (p) => localStorage.setItem('demine.map', JSON.stringify({ ...prefs(), ...p }));

export async function render(main, params, query) {
  const [orgs, dists] = await Promise.all([organisations(), districts()]);
  if (!main.isConnected) return null; // the user went elsewhere meanwhile
  const p = prefs();
  const hidden = new Set(p.hidden || []);
  let colourBy = p.colourBy || 'land_status';

  const mapEl = h('div', { class: 'map', id: 'map', role: 'region', 'aria-label': t('map.title') });
  const coords = h('div', { class: 'coords', 'aria-live': 'off' }, t('map.coords_hint'));
  const panel = h('aside', { class: 'panel', 'aria-label': t('map.panel') });
  main.append(h('h1', { class: 'sr', text: t('map.title') }), h('div', { class: 'map-page' }, panel, h('div', { class: 'map-wrap' }, mapEl, coords)));

  const map = new maplibregl.Map({
    container: mapEl,
    style: buildStyle({ origin: location.origin, lang: getLang(), rasterUrl: p.rasterUrl, fontUrl: `${location.origin}/vendor/DejaVuSans.ttf`,
      districtLabels: labelPoints(dists, (d) => ({ name_en: d.name_en, name_az: d.name_az, name_ru: d.name_ru })) }),
    bounds: START, attributionControl: false, locale: mapLocale(),
  });
  window.__demine = { ...(window.__demine || {}), map };
  map.on('error', (e) => mapError(e, coords));
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 150 }), 'bottom-left');
  map.addControl(new maplibregl.AttributionControl({ compact: true }), 'bottom-right');

  map.on('mousemove', (e) => {
    const { lng, lat } = e.lngLat;
    const u = toUtm(lng, lat, 38);
    coords.textContent = `WGS84 ${lat.toFixed(6)}° ${lng.toFixed(6)}°  ·  UTM 38N ${Math.round(u.easting)} E ${Math.round(u.northing)} N`;
  });

  // ---- search ----
  const q = h('input', { type: 'search', placeholder: t('map.search_placeholder'), autocomplete: 'off' });
  const results = h('ul', { class: 'search-results', id: 'search-results' });
  let timer;
  q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, 250); });
  q.addEventListener('keydown', (e) => { if (e.key === 'ArrowDown') results.querySelector('button')?.focus(); });
  async function search() {
    clear(results);
    const text = q.value.trim();
    if (text.length < 2) return;
    let items;
    try { items = (await get(`/api/v1/search?q=${encodeURIComponent(text)}&limit=10`)).items; }
    catch (e) { results.append(h('li', { class: 'muted', text: e.message })); return; }
    if (!items.length) results.append(h('li', { class: 'muted', text: t('map.no_results') }));
    for (const it of items) {
      const name = it.names ? (it.names[getLang()] || it.names.en) : it.label;
      results.append(h('li', {}, h('button', { type: 'button', class: 'result', onclick: () => pick(it) },
        h('strong', { text: it.kind === 'place' ? name : it.code }),
        h('span', { class: 'muted', text: ` ${it.kind === 'place' ? t('map.place') : typeLabel(it.type)}${it.kind === 'record' && it.label && it.label !== it.code ? ` · ${it.label}` : ''}` }))));
    }
  }
  function pick(it) {
    const point = it.bbox && it.bbox[0] === it.bbox[2] && it.bbox[1] === it.bbox[3];
    if (it.bbox) map.fitBounds([[it.bbox[0], it.bbox[1]], [it.bbox[2], it.bbox[3]]], { padding: 60, maxZoom: point ? 13 : 15 });
    if (it.kind === 'record' && !it.bbox) location.hash = `#/record/${it.type}/${it.id}`;
    if (it.kind === 'record' && it.bbox) showRecordPopup(it);
  }
  function showRecordPopup(it) {
    new maplibregl.Popup().setLngLat([(it.bbox[0] + it.bbox[2]) / 2, (it.bbox[1] + it.bbox[3]) / 2])
      .setDOMContent(h('a', { href: `#/record/${it.type}/${it.id}`, text: `${it.code}` })).addTo(map);
  }

  // ---- layers ----
  const layerBox = h('fieldset', { class: 'layers' }, h('legend', { text: t('map.layers') }));
  for (const g of GROUPS) {
    const cb = h('input', { type: 'checkbox', checked: !hidden.has(g.id), dataset: { group: g.id } });
    cb.addEventListener('change', () => {
      if (cb.checked) hidden.delete(g.id); else hidden.add(g.id);
      savePrefs({ hidden: [...hidden] });
      applyVisibility();
    });
    layerBox.append(h('label', { class: 'check' }, cb, ` ${g.id === 'admin' ? t('map.admin_layer') : typeLabel(g.id)}`));
  }
  const colourSel = h('select', {}, option('land_status', t('map.colour_status'), colourBy === 'land_status'),
    option('hazard_type', t('map.colour_type'), colourBy === 'hazard_type'));
  colourSel.addEventListener('change', () => { colourBy = colourSel.value; savePrefs({ colourBy }); applyColour(); renderLegend(); });
  layerBox.append(field(t('map.colour_by'), colourSel));

  function applyVisibility() {
    for (const g of GROUPS) for (const id of g.layers) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', hidden.has(g.id) ? 'none' : 'visible');
  }
  function applyColour() {
    const c = colourBy === 'hazard_type' ? matchColour('hazard_type', HAZARD_TYPE) : matchColour('land_status', LAND_STATUS);
    map.setPaintProperty('hazard-fill', 'fill-color', c);
    map.setPaintProperty('hazard-line-sha', 'line-color', c);
    map.setPaintProperty('hazard-line-cha', 'line-color', c);
    map.setPaintProperty('hazard-point', 'circle-color', c);
    map.setPaintProperty('hazard-point', 'circle-stroke-color', c);
  }

  // ---- filters ----
  const status = h('select', {}, option('', t('map.any')), Object.keys(LAND_STATUS).map((s) => option(s, valueLabel(s))));
  const org = h('select', {}, option('', t('map.any')), orgs.filter((o) => /^operator|national/.test(o.kind)).map((o) => option(o.id, o.short_name || o.name)));
  const dist = h('select', {}, option('', t('map.any')), dists.map((d) => option(d.pcode, placeName(d))));
  const from = h('input', { type: 'date' });
  const to = h('input', { type: 'date' });
  const filters = h('fieldset', { class: 'filters' }, h('legend', { text: t('map.filters') }),
    field(t('map.f_status'), status), field(t('map.f_operator'), org), field(t('map.f_district'), dist),
    h('div', { class: 'row2' }, field(t('map.f_from'), from), field(t('map.f_to'), to)),
    h('button', { type: 'button', class: 'link', text: t('map.clear_filters'), onclick: () => { for (const c of [status, org, dist, from, to]) c.value = ''; applyFilters(); } }));
  for (const c of [status, org, dist, from, to]) c.addEventListener('change', applyFilters);
  function applyFilters() {
    const common = [];
    if (org.value) common.push(['==', ['get', 'organisation'], org.value]);
    if (dist.value) common.push(['==', ['get', 'adm2'], dist.value]);
    if (from.value) common.push(['>=', ['to-string', ['get', 'date_of_information']], from.value]);
    if (to.value) common.push(['<=', ['to-string', ['get', 'date_of_information']], to.value]);
    for (const id of FILTERED_LAYERS) {
      const own = BASE_FILTERS[id] === true ? [...common] : [BASE_FILTERS[id], ...common];
      if (id.startsWith('hazard') && status.value) own.push(['==', ['get', 'land_status'], status.value]);
      map.setFilter(id, own.length ? ['all', ...own] : null);
    }
  }

  // ---- legend ----
  const legend = h('section', { class: 'legend', 'aria-label': t('map.legend') });
  function renderLegend() {
    clear(legend).append(h('h2', { text: t('map.legend') }));
    const list = (title, table, shape = 'box', name = valueLabel) => h('div', {}, h('h3', { text: title }),
      h('ul', {}, Object.entries(table).map(([k, c]) => h('li', {}, h('span', { class: `swatch ${shape}`, style: `--c:${c}` }), name(k)))));
    legend.append(list(typeLabel('hazard'), colourBy === 'hazard_type' ? HAZARD_TYPE : LAND_STATUS),
      h('ul', {}, h('li', {}, h('span', { class: 'swatch line dashed' }), t('map.sha')), h('li', {}, h('span', { class: 'swatch line' }), t('map.cha')),
        h('li', {}, h('span', { class: 'swatch dot ring' }), t('map.hazard_point'))),
      list(typeLabel('land_release'), RESULT),
      list(t('map.points'), POINTS, 'dot', typeLabel));
  }
  renderLegend();

  // ---- base map ----
  const raster = h('input', { type: 'url', value: p.rasterUrl || '', placeholder: 'https://tile.example.org/{z}/{x}/{y}.png' });
  const base = h('details', { class: 'basemap' }, h('summary', { text: t('map.basemap') }),
    field(t('map.raster_url'), raster, { help: t('map.raster_help') }),
    h('button', { type: 'button', text: t('map.apply'), onclick: () => { savePrefs({ rasterUrl: raster.value.trim() || null }); location.reload(); } }));

  panel.append(field(t('map.search'), q), results, layerBox, filters, legend, base);

  // ---- click a feature ----
  const popup = new maplibregl.Popup({ maxWidth: '320px' });
  map.on('click', (e) => {
    const feats = map.queryRenderedFeatures(e.point, { layers: RECORD_LAYERS.filter((id) => map.getLayer(id)) });
    if (!feats.length) return;
    feats.sort((a, b) => RECORD_LAYERS.indexOf(a.layer.id) - RECORD_LAYERS.indexOf(b.layer.id));
    const seen = new Set();
    const list = h('ul', { class: 'popup-list' });
    for (const f of feats) {
      const type = LAYER_TYPE[f.layer.id];
      if (seen.has(f.properties.id)) continue;
      seen.add(f.properties.id);
      const pr = f.properties;
      const detail = type === 'hazard' ? `${valueLabel(pr.land_status)} · ${valueLabel(pr.hazard_type)} · ${fmtNum(pr.remaining_m2, { maximumFractionDigits: 0 })} m²`
        : type === 'land_release' ? `${valueLabel(pr.result)} · ${fmtNum(pr.area_m2, { maximumFractionDigits: 0 })} m²`
        : type === 'eo_find' ? `${valueLabel(pr.category)} × ${fmtNum(pr.quantity)}` : typeLabel(type);
      list.append(h('li', {}, h('a', { href: `#/record/${type}/${pr.id}`, class: 'popup-link', text: pr.code }), h('br'), h('span', { class: 'muted', text: detail })));
    }
    popup.setLngLat(e.lngLat).setDOMContent(list).addTo(map);
  });
  for (const id of RECORD_LAYERS) {
    map.on('mouseenter', id, () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', id, () => { map.getCanvas().style.cursor = ''; });
  }

  map.on('load', () => {
    applyVisibility();
    applyColour();
    if (query.focus) {
      const [w, s, e2, n] = query.focus.split(',').map(Number);
      map.fitBounds([[w, s], [e2, n]], { padding: 80, maxZoom: 15, duration: 0 });
    }
  });
  return () => { popup.remove(); map.remove(); };
}

// A tile or style that did not load: an ended session leads to the sign-in page, anything else
// is said under the map (MapLibre would otherwise only write it to the console).
export function mapError(e, where) {
  const status = e.error?.status;
  if (status === 401 && session.onUnauthorized) { session.onUnauthorized(); return; }
  if (e.error?.name === 'AbortError') return;
  if (where) where.textContent = t('map.tiles_failed', { message: e.error?.message || String(status || '') });
}
