// Dashboard: the official figures (/api/v1/stats/*) as charts, each with a table and a CSV.
import { h, field, option, download, toCsv } from '../dom.js';
import { t, valueLabel, fmtNum, fmtMonth, locale, getLang, numberFormat } from '../i18n.js';
import { get } from '../api.js';
import { organisations, districts, placeName } from '../schema.js';

const PALETTE = ['#b3261e', '#1a9850', '#4a90d9', '#f2a81d', '#7b3294', '#8c510a', '#0571b0', '#e66101', '#5e6b7a'];
// Methods in the map's land release colours; beneficiaries in steady colours across charts.
const KEY_COLOURS = { nts: '#e8b903', ts: '#4a90d9', clearance: '#1a9850', girls: '#d6609c', boys: '#4a90d9', women: '#9c2a5c', men: '#1f4e79' };
const colourOf = (k, i) => KEY_COLOURS[k] || PALETTE[i % PALETTE.length];
const CURRENCIES = ['EUR', 'USD', 'AZN', 'GBP'];
const prefs = () => JSON.parse(localStorage.getItem('demine.dashboard') || '{}');

const area = (v) => `${fmtNum(v, { maximumFractionDigits: 0 })} m²`;
const int = (v) => fmtNum(v, { maximumFractionDigits: 0 });
const uniq = (xs) => [...new Set(xs)];
const sum = (xs) => xs.reduce((a, b) => a + (Number(b) || 0), 0);

// Each chart: which endpoint, its table columns [key, label, format], and how to chart it.
const CHARTS = [
  { id: 'released', path: 'released', unit: 'm²', cols: [['month', 'dash.month', fmtMonth], ['method', 'dash.method', valueLabel], ['result', 'dash.result', valueLabel], ['area_m2', 'dash.area', area], ['releases', 'dash.releases', int]],
    chart: (d) => stacked(uniq(d.items.map((i) => i.month)).sort(), uniq(d.items.map((i) => i.method)), (m, k) => sum(d.items.filter((i) => i.month === m && i.method === k).map((i) => i.area_m2)), fmtMonth, valueLabel, 'bar', area) },
  { id: 'remaining', path: 'remaining', unit: 'm²', cols: [['adm2', 'dash.pcode'], ['name', 'dash.district'], ['hazards', 'dash.hazards', int], ['remaining_m2', 'dash.remaining', area]],
    rows: (d) => d.items.map((i) => ({ ...i, name: i[`name_${getLang()}`] || i.name_en || i.adm2 })),
    chart: (d, rows) => single(rows.map((i) => i.name), rows.map((i) => i.remaining_m2), t('dash.remaining'), area, 'y') },
  { id: 'items', path: 'items', cols: [['category', 'dash.category', valueLabel], ['quantity', 'dash.quantity', int], ['finds', 'dash.finds', int]],
    chart: (d) => single(d.items.map((i) => valueLabel(i.category)), d.items.map((i) => i.quantity), t('dash.quantity'), int, 'y') },
  { id: 'casualties', path: 'casualties', cols: [['year', 'dash.year', String], ['sex', 'dash.sex', valueLabel], ['age_group', 'dash.age_group', valueLabel], ['killed', 'dash.killed', int], ['injured', 'dash.injured', int], ['total', 'dash.total', int]],
    chart: (d) => stacked(uniq(d.items.map((i) => i.year)).sort(), uniq(d.items.map((i) => `${i.sex}|${i.age_group}`)),
      (y, k) => sum(d.items.filter((i) => i.year === y && `${i.sex}|${i.age_group}` === k).map((i) => i.total)), String,
      (k) => k.split('|').map(valueLabel).join(', '), 'bar', int) },
  { id: 'eore', path: 'eore', cols: [['month', 'dash.month', fmtMonth], ['sessions', 'dash.sessions', int], ['girls', 'dash.girls', int], ['boys', 'dash.boys', int], ['women', 'dash.women', int], ['men', 'dash.men', int]],
    chart: (d) => stacked(d.items.map((i) => i.month), ['girls', 'boys', 'women', 'men'], (m, k) => d.items.find((i) => i.month === m)[k], fmtMonth, (k) => t(`dash.${k}`), 'bar', int) },
  { id: 'funding', path: 'funding', cols: [['donor_name', 'dash.donor'], ['grants', 'dash.grants', int], ['amount', 'dash.amount']],
    rows: (d) => d.items.map((i) => ({ ...i, amount_fmt: i.amount })),
    show: { amount: (v, d) => numberFormat({ style: 'currency', currency: d.currency }).format(Number(v)) },
    chart: (d) => single(d.items.map((i) => i.donor_name), d.items.map((i) => Number(i.amount)), d.currency,
      (v) => numberFormat({ style: 'currency', currency: d.currency, maximumFractionDigits: 0 }).format(v), 'y') },
];

function stacked(labels, keys, value, fmtLabel, fmtKey, type, fmtValue) {
  return { type, data: { labels: labels.map(fmtLabel), datasets: keys.map((k, i) => ({ label: fmtKey(k), data: labels.map((l) => value(l, k) || 0), backgroundColor: colourOf(k, i) })) },
    options: { scales: { x: { stacked: true }, y: { stacked: true, ticks: { precision: 0, callback: (v) => fmtNum(v) } } }, plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${fmtValue(c.raw)}` } } } } };
}

function single(labels, values, name, fmtValue, axis = 'x') {
  return { type: 'bar', data: { labels, datasets: [{ label: name, data: values, backgroundColor: labels.map((_, i) => PALETTE[i % PALETTE.length]) }] },
    options: { indexAxis: axis, plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => fmtValue(c.raw) } } },
      scales: { [axis === 'y' ? 'x' : 'y']: { ticks: { precision: 0, callback: (v) => fmtNum(v) } } } } };
}

export async function render(main, params, query) {
  const p = prefs();
  const from = h('input', { type: 'date', value: query.from || '' });
  const to = h('input', { type: 'date', value: query.to || '' });
  const currency = h('select', { id: 'currency' }, CURRENCIES.map((c) => option(c, c, (query.currency || p.currency || 'EUR') === c)));
  const [orgs, dists] = await Promise.all([organisations(), districts()]);
  const district = h('select', { name: 'adm2' }, option('', t('common.all')),
    dists.map((d) => [d, placeName(d)]).sort((a, b) => a[1].localeCompare(b[1])).map(([d, n]) => option(d.pcode, n, query.adm2 === d.pcode)));
  const org = h('select', { name: 'organisation' }, option('', t('common.all')), orgs.map((o) => option(o.id, o.short_name || o.name, query.organisation === o.id)));
  const form = h('form', { class: 'toolbar' }, field(t('dash.from'), from), field(t('dash.to'), to),
    field(t('map.f_district'), district), field(t('records.organisation'), org), field(t('dash.currency'), currency),
    h('button', { type: 'submit', text: t('records.apply') }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    localStorage.setItem('demine.dashboard', JSON.stringify({ currency: currency.value }));
    const q = { from: from.value, to: to.value, adm2: district.value, organisation: org.value, currency: currency.value };
    location.hash = `#/dashboard?${new URLSearchParams(Object.entries(q).filter(([, v]) => v))}`;
  });
  currency.addEventListener('change', () => form.requestSubmit());
  const grid = h('div', { class: 'charts' });
  main.append(h('h1', { text: t('dash.title') }), h('p', { class: 'muted', text: t('dash.intro') }), form, grid);

  const qs = new URLSearchParams();
  for (const k of ['from', 'to', 'adm2', 'organisation']) if (query[k]) qs.set(k, query[k]);
  const charts = [];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;
  await Promise.all(CHARTS.map(async (c) => {
    const card = h('section', { class: 'card chart-card', id: `chart-${c.id}`, 'aria-labelledby': `h-${c.id}` });
    grid.append(card);
    const q = new URLSearchParams(qs);
    if (c.id === 'funding') q.set('currency', currency.value);
    let d;
    try { d = await get(`/api/v1/stats/${c.path}?${q}`); }
    catch (e) { card.append(h('h2', { id: `h-${c.id}`, text: t(`dash.${c.id}`) }), h('p', { class: 'notice error', text: e.message })); return; }
    const rows = c.rows ? c.rows(d) : d.items;
    const canvas = h('canvas', { role: 'img', 'aria-label': t(`dash.${c.id}`) });
    const box = h('div', { class: 'chart-box' }, canvas);
    const table = tableOf(c, rows, d);
    // focusable so keyboard users can scroll a long table (WCAG 2.1.1)
    const tableView = h('div', { class: 'table-view', hidden: true, tabindex: '0', role: 'region', 'aria-label': t(`dash.${c.id}`) }, table);
    const toggle = h('button', { type: 'button', 'aria-pressed': 'false', text: t('dash.show_table') });
    toggle.addEventListener('click', () => {
      const showTable = tableView.hidden;
      tableView.hidden = !showTable; box.hidden = showTable;
      toggle.setAttribute('aria-pressed', String(showTable));
      toggle.textContent = showTable ? t('dash.show_chart') : t('dash.show_table');
    });
    const csv = h('button', { type: 'button', text: 'CSV', title: t('dash.csv'), onclick: () => download(`${c.id}.csv`,
      toCsv([c.cols.map(([k]) => k), ...rows.map((r) => c.cols.map(([k]) => r[k]))]), 'text/csv') });
    card.append(h('header', {}, h('h2', { id: `h-${c.id}`, text: c.id === 'funding' ? t('dash.funding_in', { currency: d.currency }) : t(`dash.${c.id}`) }),
      h('div', { class: 'actions' }, toggle, csv)), box, tableView);
    if (c.id === 'funding' && d.unconverted?.length) {
      card.append(h('div', { class: 'notice unconverted' }, t('dash.unconverted'),
        h('ul', {}, d.unconverted.map((u) => h('li', {}, h('a', { href: `#/record/grant/${u.grant}`, text: u.code }), ` (${u.currency}): ${u.reason}`)))));
    }
    if (!rows.length) { box.replaceChildren(h('p', { class: 'muted', text: t('dash.no_data') })); return; }
    const cfg = c.chart(d, rows);
    cfg.options = { ...cfg.options, responsive: true, maintainAspectRatio: false, locale: locale() };
    if (c.unit) {
      const valueAxis = cfg.options.indexAxis === 'y' ? 'x' : 'y';
      cfg.options.scales[valueAxis] = { ...cfg.options.scales[valueAxis], title: { display: true, text: c.unit } };
    }
    charts.push(new Chart(canvas, cfg));
  }));
  return () => charts.forEach((ch) => ch.destroy());
}

function tableOf(c, rows, d) {
  return h('table', { class: 'data', id: `table-${c.id}` }, h('caption', { class: 'sr', text: t(`dash.${c.id}`) }),
    h('thead', {}, h('tr', {}, c.cols.map(([k, key, f]) => h('th', { scope: 'col', class: f === int || f === area ? 'num' : null, text: t(key) })))),
    h('tbody', {}, rows.map((r) => h('tr', {}, c.cols.map(([k, , f]) => {
      const v = r[k];
      const text = c.show?.[k] ? c.show[k](v, d) : f ? f(v) : (v ?? '');
      return h('td', { class: f === int || f === area ? 'num' : null, dataset: { key: k, value: v ?? '' }, text });
    })))));
}
