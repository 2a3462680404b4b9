// mapstyle.js: the MapLibre style for our vector tiles (/tiles/{layer}/{z}/{x}/{y}.mvt) and the
// symbology, after IMAS 07.11 land release: suspected hazardous areas (SHA) dashed, confirmed
// (CHA) solid; red while open, orange while worked on, grey when closed; released land yellow
// when cancelled (non-technical survey), blue when reduced (technical survey), green when cleared.
export const LAND_STATUS = { open: '#d7191c', worked_on: '#f28e2b', closed: '#8c8c8c' };
export const HAZARD_TYPE = {
  minefield: '#b2182b', battle_area: '#e08214', cluster_munition_strike: '#7b3294',
  ied_area: '#542788', dangerous_area: '#d6604d', stockpile: '#8c510a',
};
export const RESULT = { cancelled: '#f2cf1d', reduced: '#4a90d9', cleared: '#1a9850' };
export const POINTS = { eo_find: '#e66101', accident: '#111111', eore_session: '#0571b0' };

// Layer groups of the layer switcher: group -> the style layers it shows.
export const GROUPS = [
  { id: 'admin', layers: ['adm-fill', 'adm-line', 'settlement', 'adm-label', 'adm2-label'] },
  { id: 'hazard', layers: ['hazard-fill', 'hazard-line-sha', 'hazard-line-cha', 'hazard-point'] },
  { id: 'land_release', layers: ['release-fill', 'release-line'] },
  { id: 'eo_find', layers: ['eo_find'] },
  { id: 'accident', layers: ['accident'] },
  { id: 'eore_session', layers: ['eore_session'] },
];
export const RECORD_LAYERS = ['hazard-fill', 'hazard-point', 'release-fill', 'eo_find', 'accident', 'eore_session'];

// The layers' own filters (the map's filters are added to these): hazards reported as a point
// only are drawn as circles, SHA and CHA outlines differ.
const AREA = ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false];
export const BASE_FILTERS = {
  'hazard-fill': AREA,
  'hazard-point': ['==', ['geometry-type'], 'Point'],
  'hazard-line-sha': ['all', AREA, ['==', ['get', 'category'], 'sha']],
  'hazard-line-cha': ['all', AREA, ['!=', ['get', 'category'], 'sha']],
  'release-fill': true, 'release-line': true, eo_find: true, accident: true, eore_session: true,
};
export const FILTERED_LAYERS = Object.keys(BASE_FILTERS);

// Hazards are small at district scale: thicker outlines when zoomed out keep them visible.
const HAZARD_LINE = ['interpolate', ['linear'], ['zoom'], 8, 4, 12, 2.5, 15, 2];

const POINT_RADIUS = ['interpolate', ['linear'], ['zoom'], 8, 3, 13, 6];

const SOURCES = ['location', 'hazard', 'land_release', 'eo_find', 'accident', 'eore_session'];

export function matchColour(prop, table, fallback = '#666') {
  return ['match', ['get', prop], ...Object.entries(table).flat(), fallback];
}

export function buildStyle({ origin, lang, rasterUrl, fontUrl, districtLabels }) {
  const sources = {};
  for (const s of SOURCES) {
    sources[s] = { type: 'vector', tiles: [`${origin}/tiles/${s}/{z}/{x}/{y}.mvt`], minzoom: 0, maxzoom: 14 };
  }
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': '#f3f1ea' } }];
  if (rasterUrl) {
    sources.raster = { type: 'raster', tiles: [rasterUrl], tileSize: 256, attribution: rasterUrl.replace(/^https?:\/\/([^/]+).*/, '$1') };
    layers.push({ id: 'raster', type: 'raster', source: 'raster' });
  }
  const adm = ['match', ['get', 'kind'], ['adm1', 'adm2', 'adm3'], true, false];
  layers.push(
    { id: 'adm-fill', type: 'fill', source: 'location', 'source-layer': 'location', filter: ['==', ['get', 'kind'], 'adm2'],
      paint: { 'fill-color': '#ffffff', 'fill-opacity': rasterUrl ? 0 : 0.55 } },
    { id: 'adm-line', type: 'line', source: 'location', 'source-layer': 'location', filter: adm,
      paint: { 'line-color': '#7a6f5d', 'line-width': ['match', ['get', 'kind'], 'adm1', 2, 1], 'line-dasharray': [3, 2] } },
    { id: 'settlement', type: 'circle', source: 'location', 'source-layer': 'location', filter: ['==', ['get', 'kind'], 'settlement'],
      paint: { 'circle-radius': 2.5, 'circle-color': '#5b5347' } },
    { id: 'hazard-fill', type: 'fill', source: 'hazard', 'source-layer': 'hazard', filter: BASE_FILTERS['hazard-fill'],
      paint: { 'fill-color': matchColour('land_status', LAND_STATUS), 'fill-opacity': 0.4 } },
    { id: 'release-fill', type: 'fill', source: 'land_release', 'source-layer': 'land_release',
      paint: { 'fill-color': matchColour('result', RESULT), 'fill-opacity': 0.55 } },
    { id: 'release-line', type: 'line', source: 'land_release', 'source-layer': 'land_release',
      paint: { 'line-color': matchColour('result', RESULT), 'line-width': 1 } },
    { id: 'hazard-line-sha', type: 'line', source: 'hazard', 'source-layer': 'hazard', filter: BASE_FILTERS['hazard-line-sha'],
      paint: { 'line-color': matchColour('land_status', LAND_STATUS), 'line-width': HAZARD_LINE, 'line-dasharray': [2, 1.5] } },
    { id: 'hazard-line-cha', type: 'line', source: 'hazard', 'source-layer': 'hazard', filter: BASE_FILTERS['hazard-line-cha'],
      paint: { 'line-color': matchColour('land_status', LAND_STATUS), 'line-width': HAZARD_LINE } },
    { id: 'hazard-point', type: 'circle', source: 'hazard', 'source-layer': 'hazard', filter: BASE_FILTERS['hazard-point'],
      paint: { 'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 4, 13, 8], 'circle-color': matchColour('land_status', LAND_STATUS),
        'circle-opacity': 0.5, 'circle-stroke-color': matchColour('land_status', LAND_STATUS), 'circle-stroke-width': 2 } },
    { id: 'eo_find', type: 'circle', source: 'eo_find', 'source-layer': 'eo_find',
      paint: { 'circle-radius': POINT_RADIUS, 'circle-color': POINTS.eo_find, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 } },
    { id: 'accident', type: 'circle', source: 'accident', 'source-layer': 'accident',
      paint: { 'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 4, 13, 7], 'circle-color': POINTS.accident, 'circle-stroke-color': '#d7191c', 'circle-stroke-width': 2 } },
    { id: 'eore_session', type: 'circle', source: 'eore_session', 'source-layer': 'eore_session',
      paint: { 'circle-radius': POINT_RADIUS, 'circle-color': POINTS.eore_session, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 } },
  );
  const style = { version: 8, sources, layers };
  if (fontUrl) {
    style['font-faces'] = { 'DejaVu Sans': fontUrl };
    layers.push({
      id: 'adm-label', type: 'symbol', source: 'location', 'source-layer': 'location',
      filter: ['==', ['get', 'kind'], 'settlement'],
      layout: {
        'text-field': ['coalesce', ['get', `name_${lang}`], ['get', 'name_en']], 'text-font': ['DejaVu Sans'],
        'text-size': 11, 'text-offset': [0, 0.6], 'text-anchor': 'top',
      },
      paint: { 'text-color': '#5b5347', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
    });
    if (districtLabels) {
      // One label per district from its own point: tile-clipped polygons would repeat it per tile.
      sources['adm-names'] = { type: 'geojson', data: districtLabels };
      layers.push({
        id: 'adm2-label', type: 'symbol', source: 'adm-names',
        layout: { 'text-field': ['coalesce', ['get', `name_${lang}`], ['get', 'name_en']], 'text-font': ['DejaVu Sans'], 'text-size': 13 },
        paint: { 'text-color': '#4a4235', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
      });
    }
  }
  return style;
}

// A label point per admin area: the area-weighted centroid of its largest ring.
export function labelPoints(areas, nameOf) {
  const ringArea = (r) => r.reduce((a, p, i) => { const q = r[(i + 1) % r.length]; return a + (p[0] * q[1] - q[0] * p[1]); }, 0) / 2;
  const centroid = (r) => {
    const a = ringArea(r);
    let x = 0;
    let y = 0;
    r.forEach((p, i) => { const q = r[(i + 1) % r.length]; const c = p[0] * q[1] - q[0] * p[1]; x += (p[0] + q[0]) * c; y += (p[1] + q[1]) * c; });
    return a ? [x / (6 * a), y / (6 * a)] : r[0];
  };
  const features = [];
  for (const ar of areas) {
    const g = ar.geometry;
    if (!g) continue;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    const ring = polys.map((p) => p[0]).sort((a, b) => Math.abs(ringArea(b)) - Math.abs(ringArea(a)))[0];
    if (ring) features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: centroid(ring) }, properties: nameOf(ar) });
  }
  return { type: 'FeatureCollection', features };
}
