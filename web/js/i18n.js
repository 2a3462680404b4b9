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
export const valueLabel = (v) => (has(`v.${v}`) ? t(`v.${v}`) : String(v).replace(/_/g, ' '));

// A {en, az, ru} labels object from the field tables.
export const label = (labels, fallback = '') => (labels && (labels[lang] || labels.en)) || fallback;

export const fmtNum = (n, opts = {}) =>
  n === null || n === undefined || n === '' ? '' : new Intl.NumberFormat(locale(), opts).format(Number(n));

export const fmtArea = (m2) => (m2 === null || m2 === undefined ? '' : `${fmtNum(m2, { maximumFractionDigits: 0 })} m²`);

// YYYY-MM-DD as a calendar day (no time zone shift); full timestamps with time.
export function fmtDate(s) {
  if (!s) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    const [y, m, d] = s.split('-').map(Number);
    return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d));
  }
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function fmtMonth(ym) {
  const [y, m] = ym.split('-').map(Number);
  return new Intl.DateTimeFormat(locale(), { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, 1));
}
