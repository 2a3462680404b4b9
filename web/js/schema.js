// schema.js: the field tables (GET /api/v1/schema) and the names of organisations and places,
// loaded once per sign-in.
import { get, listAll } from './api.js';
import { label, t } from './i18n.js';

let schema = null;
let orgs = null;
let places = null;

export async function loadSchema() {
  if (!schema) schema = await get('/api/v1/schema');
  return schema;
}

export function resetCaches() { schema = null; orgs = null; places = null; }

export const types = () => schema.types;
export const typeOf = (name) => schema.types.find((x) => x.name === name);
export const typeLabel = (name) => label(typeOf(name)?.labels, name);

const COMMON = ['code', 'status', 'organisation', 'location', 'date_of_information', 'external_id',
  'version', 'created_by', 'created_at', 'updated_by', 'updated_at', 'change_reason', 'status_reason'];
export const commonFields = COMMON;

export function fieldLabel(type, name) {
  const f = typeOf(type)?.fields.find((x) => x.name === name);
  return f ? label(f.labels, name) : t(`field.${name}`);
}

export async function organisations() {
  if (!orgs) orgs = await listAll('/api/v1/organisation?limit=1000&sort=name');
  return orgs;
}

export async function orgName(id) {
  const o = (await organisations()).find((x) => x.id === id);
  return o ? (o.short_name || o.name) : '';
}

// Admin areas of level 2 (districts): [{id, pcode, name_en, name_az, name_ru, geometry?}]
export async function districts() {
  if (!places) places = await listAll('/api/v1/location?kind=adm2&limit=1000&sort=pcode');
  return places;
}

export const placeName = (p) => (p ? label({ en: p.name_en, az: p.name_az, ru: p.name_ru }, p.pcode) : '');
