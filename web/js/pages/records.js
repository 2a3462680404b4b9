// Records of one type: filters, sorting, paging, CSV and GeoJSON download.
import { h, field, option, download, toCsv } from '../dom.js';
import { t, label, fmtDate } from '../i18n.js';
import { get, listAll } from '../api.js';
import { types, typeOf, typeLabel, organisations } from '../schema.js';
import { STATUSES, badge, showValue, listFields, canWrite } from '../records-util.js';

const PAGE = 25;

export async function render(main, params, query) {
  const type = typeOf(params.type || 'hazard');
  if (!type) throw new Error(t('err.no_type', { type: params.type }));
  const orgs = await organisations();
  const shown = listFields(type);
  const q = { ...query };
  const setQuery = (changes) => {
    const next = { ...q, ...changes };
    for (const k of Object.keys(next)) if (next[k] === '' || next[k] === null || next[k] === undefined) delete next[k];
    location.hash = `#/records/${type.name}?${new URLSearchParams(next)}`;
  };

  const typeSel = h('select', { id: 'record-type' }, types().map((x) => option(x.name, label(x.labels, x.name), x.name === type.name)));
  typeSel.addEventListener('change', () => { location.hash = `#/records/${typeSel.value}`; });
  const status = h('select', { name: 'status' }, option('', t('common.all')), STATUSES.map((s) => option(s, t(`status.${s}`), q.status === s)));
  const org = h('select', { name: 'organisation' }, option('', t('common.all')), orgs.map((o) => option(o.id, o.short_name || o.name, q.organisation === o.id)));
  const text = h('input', { type: 'search', name: 'q', value: q.q || '' });
  const from = h('input', { type: 'date', name: 'from', value: q.from || '' });
  const to = h('input', { type: 'date', name: 'to', value: q.to || '' });
  const form = h('form', { class: 'toolbar', role: 'search' },
    field(t('records.type'), typeSel), field(t('records.status'), status), field(t('records.organisation'), org),
    field(t('records.search'), text), field(t('records.from'), from), field(t('records.to'), to),
    h('button', { type: 'submit', text: t('records.apply') }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    setQuery({ status: status.value, organisation: org.value, q: text.value.trim(), from: from.value, to: to.value, after: '' });
  });

  const apiQuery = new URLSearchParams();
  for (const k of ['status', 'organisation', 'q', 'from', 'to', 'sort']) if (q[k]) apiQuery.set(k, q[k]);
  const sort = q.sort || '-updated_at';
  apiQuery.set('sort', sort);
  const base = `/api/v1/${type.name}?${apiQuery}`;
  const after = Number(q.after || 0);
  const page = await get(`${base}&limit=${PAGE}${after ? `&after=${after}` : ''}`);

  const cols = [{ name: 'code', text: t('field.code') }, { name: 'status', text: t('field.status') },
    ...shown.map((f) => ({ name: f.name, text: label(f.labels, f.name), f })),
    { name: 'organisation', text: t('field.organisation') },
    { name: 'date_of_information', text: t('field.date_of_information') }, { name: 'updated_at', text: t('field.updated_at') }];
  const head = h('tr', {}, cols.map((c) => {
    const dir = sort === c.name ? 'ascending' : sort === `-${c.name}` ? 'descending' : null;
    return h('th', { scope: 'col', 'aria-sort': dir },
      h('button', { type: 'button', title: t('records.sort_by', { field: c.text }),
        onclick: () => setQuery({ sort: sort === c.name ? `-${c.name}` : c.name, after: '' }) },
      c.text, dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''));
  }));
  const orgName = (id) => { const o = orgs.find((x) => x.id === id); return o ? (o.short_name || o.name) : ''; };
  const body = h('tbody', {}, page.items.map((r) => h('tr', { dataset: { id: r.id } },
    h('td', {}, h('a', { href: `#/record/${type.name}/${r.id}`, text: r.code })),
    h('td', {}, badge(r.status)),
    shown.map((f) => h('td', { class: ['area', 'int'].includes(f.type) ? 'num' : null, text: showValue(f, r[f.name]) })),
    h('td', { text: orgName(r.organisation) }),
    h('td', { text: fmtDate(r.date_of_information) }), h('td', { text: fmtDate(r.updated_at) }))));
  if (!page.items.length) body.append(h('tr', {}, h('td', { colspan: cols.length, class: 'muted', text: t('records.none') })));

  const pager = h('div', { class: 'pager' },
    h('button', { type: 'button', disabled: after === 0, text: t('records.previous'), onclick: () => setQuery({ after: Math.max(0, after - PAGE) || '' }) }),
    h('span', { text: t('records.showing', { from: page.items.length ? after + 1 : 0, to: after + page.items.length }) }),
    h('button', { type: 'button', disabled: !page.next, text: t('records.next'), onclick: () => setQuery({ after: after + PAGE }) }));

  const exportAll = async (fmt) => {
    const items = await listAll(`${base}&limit=1000`);
    const stamp = new Date().toISOString().slice(0, 10);
    if (fmt === 'csv') {
      const names = ['id', 'code', 'status', 'version', 'organisation', 'location', 'date_of_information', ...type.fields.map((f) => f.name)];
      download(`${type.name}-${stamp}.csv`, toCsv([names, ...items.map((r) => names.map((n) => r[n]))]), 'text/csv');
    } else {
      const fc = { type: 'FeatureCollection', features: items.map(({ geometry, ...props }) => ({ type: 'Feature', id: props.id, geometry: geometry || null, properties: props })) };
      download(`${type.name}-${stamp}.geojson`, JSON.stringify(fc), 'application/geo+json');
    }
  };

  main.append(h('div', { class: 'toolbar' }, h('h1', { text: typeLabel(type.name) }),
    h('div', { class: 'actions', style: 'margin-left:auto' },
      canWrite() ? h('button', { type: 'button', class: 'primary', id: 'new-record', text: t('records.new'), onclick: () => { location.hash = `#/new/${type.name}`; } }) : null,
      h('button', { type: 'button', text: t('records.download_csv'), onclick: () => exportAll('csv') }),
      type.geometry !== 'none' ? h('button', { type: 'button', text: t('records.download_geojson'), onclick: () => exportAll('geojson') }) : null)),
  form, h('div', { class: 'card scroll' }, h('table', { class: 'data', id: 'records-table' },
    h('caption', { class: 'sr', text: typeLabel(type.name) }), h('thead', {}, head), body), pager));
}
