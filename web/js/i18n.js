// i18n.js: message catalogues (web/i18n/LANG.json) and Intl formatting for the chosen language.
export const LANGS = ['en', 'az', 'ru'];
const LOCALES = { en: 'en-GB', az: 'az-Latn-AZ', ru: 'ru-RU' };
let lang = 'en';
let cat = {};
let en = {};

async function load(l) {
  const r = await fetch(`i18n/${l}.json`);
  if (!r.ok) throw new Error(`catalogue ${l}: ${r.status}`);
  return r.json();
}

export async function setLang(l) {
  if (!LANGS.includes(l)) l = 'en';
  if (!Object.keys(en).length) en = await load('en');
  cat = l === 'en' ? en : await load(l);
  lang = l;
  localStorage.setItem('demine.lang', l);
  document.documentElement.lang = l;
  document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
}

export const getLang = () => lang;
export const locale = () => LOCALES[lang];
export const savedLang = () => localStorage.getItem('demine.lang') || 'en';

// t('key', {name: value}) with {name} placeholders; an unknown key shows itself (and is a bug).
export function t(key, vars) {
  let s = cat[key] ?? en[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] ?? m));
  return s;
}

export const has = (key) => key in cat || key in en;

// The label of an enumerated value: catalogue "v.VALUE", else the value itself.
// A reason the system wrote in English into a record's history or closure_reason ("land release
// figures recomputed", "closed: fully released") in the user's language; a reason a person
// typed stays as typed.
export const reasonText = (s) => (s && has(`reason.${s}`) ? t(`reason.${s}`) : s);
export const valueLabel = (v) => (has(`v.${v}`) ? t(`v.${v}`) : String(v).replace(/_/g, ' '));

// A {en, az, ru} labels object from the field tables.
export const label = (labels, fallback = '') => (labels && (labels[lang] || labels.en)) || fallback;

// Some browsers (Chromium's trimmed ICU) claim Azerbaijani but format it as English or with
// "2021 M11 23"; then numbers take CLDR's az separators (1.234,5) and dates the catalogue's months.
const intlKnows = (loc) => new Intl.DateTimeFormat(loc, { month: 'short', timeZone: 'UTC' }).format(Date.UTC(2021, 10, 1)) !== 'M11';
const swapSeparators = (s) => s.replace(/[.,]/g, (c) => (c === '.' ? ',' : '.'));

// An Intl.NumberFormat-like formatter for the language.
export function numberFormat(opts = {}) {
  if (intlKnows(locale())) return new Intl.NumberFormat(locale(), opts);
  const base = new Intl.NumberFormat('en-US', opts);
  return {
    format(n) {
      const parts = base.formatToParts(n);
      const num = swapSeparators(parts.filter((p) => p.type !== 'currency' && p.type !== 'literal').map((p) => p.value).join(''));
      const cur = parts.find((p) => p.type === 'currency');
      return cur ? `${num} ${cur.value}` : num;
    },
  };
}

export const fmtNum = (n, opts = {}) =>
  n === null || n === undefined || n === '' ? '' : numberFormat(opts).format(Number(n));

export const fmtArea = (m2) => (m2 === null || m2 === undefined ? '' : `${fmtNum(m2, { maximumFractionDigits: 0 })} m²`);

const monthName = (m) => t('month.short').split(',')[m - 1];
const pad = (n) => String(n).padStart(2, '0');

// YYYY-MM-DD as a calendar day (no time zone shift); full timestamps with time.
export function fmtDate(s) {
  if (!s) return '';
  const known = intlKnows(locale());
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    const [y, m, d] = s.split('-').map(Number);
    if (!known) return `${d} ${monthName(m)} ${y}`;
    return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d));
  }
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  if (!known) return `${d.getDate()} ${monthName(d.getMonth() + 1)} ${d.getFullYear()}, ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function fmtMonth(ym) {
  const [y, m] = ym.split('-').map(Number);
  if (!intlKnows(locale())) return `${monthName(m)} ${y}`;
  return new Intl.DateTimeFormat(locale(), { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, 1));
}

// MapLibre's own control labels ("Zoom in", "Map"...) from the catalogue.
export function mapLocale() {
  const out = {};
  for (const k of Object.keys(en)) if (k.startsWith('maplibre.')) out[k.slice(9)] = t(k);
  return out;
}
