// minimap.js: a small map of one or two geometries (a record, or old and new in a review).
import * as maplibregl from '../vendor/maplibre-gl.mjs';
import { buildStyle } from './mapstyle.js';
import { getLang, mapLocale } from './i18n.js';
import { session } from './api.js';

function bbox(geoms) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]); b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]);
    } else c.forEach(walk);
  };
  for (const g of geoms) if (g) (g.type === 'GeometryCollection' ? g.geometries : [g]).forEach((x) => walk(x.coordinates));
  return b[0] === Infinity ? null : b;
}

const LOOK = {
  old: { fill: '#8c8c8c', line: '#555555', dash: [2, 2] },
  new: { fill: '#d7191c', line: '#b3261e', dash: [1, 0] },
  draft: { fill: '#1a5fb4', line: '#1a5fb4', dash: [2, 1] },
};

const asData = (geometry) => (geometry ? { type: 'Feature', properties: {}, geometry } : { type: 'FeatureCollection', features: [] });

// Replaces the geometry of one of the map's shapes (null empties it).
export function setShape(map, id, geometry) {
  map.getSource(id)?.setData(asData(geometry));
}

// shapes: [{id: 'old'|'new', geometry}]; returns the map (caller removes it).
export function miniMap(el, shapes) {
  const style = buildStyle({ origin: location.origin, lang: getLang() });
  style.layers = style.layers.filter((l) => ['background', 'adm-fill', 'adm-line', 'settlement'].includes(l.id));
  for (const s of shapes) {
    style.sources[s.id] = { type: 'geojson', data: asData(s.geometry) };
    const look = LOOK[s.id] || LOOK.new;
    style.layers.push(
      { id: `${s.id}-fill`, type: 'fill', source: s.id, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': look.fill, 'fill-opacity': 0.3 } },
      { id: `${s.id}-line`, type: 'line', source: s.id, paint: { 'line-color': look.line, 'line-width': 2, 'line-dasharray': look.dash } },
      { id: `${s.id}-point`, type: 'circle', source: s.id, filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-color': look.line, 'circle-radius': 5 } });
  }
  const b = bbox(shapes.map((s) => s.geometry));
  const map = new maplibregl.Map({
    container: el, style, attributionControl: false, locale: mapLocale(),
    bounds: b ? [[b[0], b[1]], [b[2], b[3]]] : [[46.3, 39.2], [47.6, 40.35]],
    fitBoundsOptions: { padding: 30, maxZoom: 15 },
  });
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  // Tiles of the background that fail (a session ending meanwhile) do not stop the record page.
  map.on('error', (e) => { if (e.error?.status === 401 && session.onUnauthorized) session.onUnauthorized(); });
  return map;
}

export { bbox };
