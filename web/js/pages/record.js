// One record: every field, its links, the records linking to it, its history, and the record
// as it stood on a chosen date.
import { h, field, toast } from '../dom.js';
import { t, label, fmtDate, reasonText } from '../i18n.js';
import { api, get } from '../api.js';
import { types, typeOf, typeLabel, fieldLabel, organisations } from '../schema.js';
import { badge, showValue, canWrite, canApprove, listFields } from '../records-util.js';
import { miniMap, bbox } from '../minimap.js';

export async function render(main, params, query) {
  const type = typeOf(params.type);
  if (!type) throw new Error(t('err.no_type', { type: params.type }));
  const asOf = query.as_of || '';
  const path = `/api/v1/${type.name}/${encodeURIComponent(params.id)}`;
  let rec;
  let etag;
  try {
    ({ data: rec, etag } = await api('GET', asOf ? `${path}?as_of=${asOf}` : path));
  } catch (e) {
    if (!(asOf && e.status === 404)) throw e;
    main.append(h('p', { class: 'notice', role: 'alert', text: t('record.not_yet', { date: fmtDate(asOf) }) }),
      h('p', {}, h('a', { href: `#/record/${type.name}/${params.id}`, text: t('record.show_current') })));
    return null;
  }
  const orgs = await organisations();
  const orgLabel = (id) => { const o = orgs.find((x) => x.id === id); return o ? o.name : id; };

  // ---- header and actions ----
  const actions = h('div', { class: 'actions' });
  const writable = !asOf && canWrite() && !rec.deleted;
  if (writable) actions.append(h('button', { type: 'button', id: 'edit', text: t('record.edit'), onclick: () => { location.hash = `#/edit/${type.name}/${rec.id}`; } }));
  if (writable && ['draft', 'rejected'].includes(rec.status)) {
    actions.append(h('button', { type: 'button', class: 'primary', id: 'submit', text: t('record.submit'), onclick: async () => {
      try { await api('POST', `${path}/submit`, { etag }); toast(t('record.submitted', { code: rec.code })); location.reload(); }
      catch (e) { toast(e.message, 'error'); }
    } }));
  }
  if (!asOf && canApprove() && rec.status === 'submitted') actions.append(h('button', { type: 'button', class: 'primary', text: t('record.review'), onclick: () => { location.hash = `#/review/${type.name}/${rec.id}`; } }));
  if (rec.geometry) {
    const b = bbox([rec.geometry]);
    actions.append(h('button', { type: 'button', text: t('record.on_map'), onclick: () => { location.hash = `#/map?focus=${b.join(',')}`; } }));
  }
  const asOfIn = h('input', { type: 'date', value: asOf });
  const asOfForm = h('form', { class: 'toolbar' }, field(t('record.as_of'), asOfIn),
    h('button', { type: 'submit', text: t('record.show_as_of') }),
    asOf ? h('button', { type: 'button', class: 'link', text: t('record.show_current'), onclick: () => { location.hash = `#/record/${type.name}/${rec.id}`; } }) : null);
  asOfForm.addEventListener('submit', (ev) => { ev.preventDefault(); location.hash = `#/record/${type.name}/${rec.id}${asOfIn.value ? `?as_of=${asOfIn.value}` : ''}`; });

  main.append(h('div', { class: 'toolbar' },
    h('h1', {}, h('span', { id: 'record-code', text: rec.code }), ' ', h('span', { class: 'muted', text: `· ${typeLabel(type.name)}` }), ' ', badge(rec.status)),
    h('div', { style: 'margin-left:auto' }, actions)));
  if (asOf) main.append(h('p', { class: 'notice', text: t('record.as_of_notice', { date: fmtDate(asOf), version: rec.version }) }));
  if (rec.status === 'rejected' && rec.status_reason) main.append(h('p', { class: 'notice error', id: 'reject-reason', role: 'alert', text: t('record.rejected_because', { reason: rec.status_reason }) }));
  if (rec.deleted) main.append(h('p', { class: 'notice', text: t('record.deleted') }));
  main.append(asOfForm);

  // ---- fields ----
  const dl = h('dl', { class: 'props', id: 'record-fields' });
  const add = (name, text, node) => dl.append(h('dt', { text: name }), h('dd', { dataset: { field: text } }, node));
  add(t('field.code'), 'code', rec.code);
  add(t('field.organisation'), 'organisation', orgLabel(rec.organisation));
  if (rec.location) add(t('field.location'), 'location', linkTo('location', rec.location));
  add(t('field.date_of_information'), 'date_of_information', fmtDate(rec.date_of_information));
  if (rec.external_id) add(t('field.external_id'), 'external_id', rec.external_id);
  for (const f of type.fields) {
    const v = rec[f.name];
    if (f.type === 'link') add(label(f.labels, f.name), f.name, v ? linkTo(f.link_type, v) : '');
    else if (f.type === 'links') add(label(f.labels, f.name), f.name, (v || []).map((id) => [linkTo(f.link_type, id), ' ']));
    else if (f.type === 'money') add(label(f.labels, f.name), f.name, v === null || v === undefined ? '' : `${v} ${rec.currency || ''}`);
    else add(label(f.labels, f.name), f.name, showValue(f, v));
  }
  add(t('field.version'), 'version', `${rec.version} (${t('record.approved_version')}: ${rec.approved_version || '—'})`);
  add(t('field.updated_at'), 'updated_at', `${fmtDate(rec.updated_at)} · ${rec.updated_by}`);

  const right = h('div');
  let mini = null;
  if (rec.geometry) {
    const el = h('div', { class: 'minimap', role: 'img', 'aria-label': t('record.map_of', { code: rec.code }) });
    right.append(h('section', { class: 'card' }, h('h2', { text: t('record.geometry') }), el));
    requestAnimationFrame(() => { mini = miniMap(el, [{ id: 'new', geometry: rec.geometry }]); window.__demine = { ...(window.__demine || {}), mini }; });
  }
  const linked = h('section', { class: 'card', id: 'linked' }, h('h2', { text: t('record.linked') }));
  const history = h('section', { class: 'card' }, h('h2', { text: t('record.history') }));
  right.append(linked, history);
  main.append(h('div', { class: 'grid2' }, h('section', { class: 'card' }, h('h2', { text: t('record.fields') }), dl), right));

  // ---- records that link to this one (a hazard's tasks, releases, items, accidents) ----
  const refs = [];
  for (const other of types()) for (const f of other.fields) if ((f.type === 'link' || f.type === 'links') && f.link_type === type.name) refs.push({ other, f });
  let any = false;
  const found = await Promise.all(refs.map(async (ref) => {
    try { return { ...ref, items: (await get(`/api/v1/${ref.other.name}?${ref.f.name}=${rec.id}&limit=100`)).items }; } catch { return { ...ref, items: [] }; }
  }));
  for (const { other, items } of found) {
    if (!items.length) continue;
    any = true;
    const shown = listFields(other).slice(0, 2);
    linked.append(h('h3', { text: `${label(other.labels, other.name)} (${items.length})` }),
      h('ul', {}, items.map((r) => h('li', {}, h('a', { href: `#/record/${other.name}/${r.id}`, text: r.code }), ' ', badge(r.status), ' ',
        h('span', { class: 'muted', text: shown.map((sf) => showValue(sf, r[sf.name])).filter(Boolean).join(' · ') })))));
  }
  if (type.name === 'hazard') {
    linked.append(h('p', {}, h('strong', { text: `${fieldLabel('hazard', 'remaining_m2')}: ` }), showValue({ type: 'area' }, rec.remaining_m2)));
    any = true;
  }
  if (!any) linked.append(h('p', { class: 'muted', text: t('record.no_links') }));

  // ---- history ----
  const versions = (await get(`${path}/history`)).items;
  history.append(h('ol', { class: 'timeline', id: 'history' }, versions.slice().reverse().map((v) => h('li', { class: v.status },
    h('strong', { text: t('record.version_n', { n: v.version }) }), ' ', badge(v.status), v.deleted ? ` ${t('record.deleted_short')}` : '',
    h('div', { class: 'muted', text: `${fmtDate(v.updated_at)} · ${v.updated_by}` }),
    v.change_reason ? h('div', { text: reasonText(v.change_reason) }) : null,
    v.status_reason && v.status_reason !== v.change_reason ? h('div', { class: 'old', text: reasonText(v.status_reason) }) : null))));

  return () => { if (mini) mini.remove(); };
}

// A link to another record, showing its code once fetched.
function linkTo(type, id) {
  const a = h('a', { href: `#/record/${type}/${id}`, text: id.slice(0, 8) });
  get(`/api/v1/${type}/${id}`).then((r) => {
    a.textContent = type === 'location' ? [r.name_en && (r[`name_${document.documentElement.lang}`] || r.name_en), r.code].filter(Boolean).join(' · ')
      : [r.code, r.name || r.title].filter(Boolean).join(' · ');
  }).catch(() => {});
  return a;
}
