// Review one submitted record: field-by-field against the approved version, old and new
// geometry on a small map, approve, or reject with a reason.
import { h, field, toast } from '../dom.js';
import { t, label, fmtDate, fmtArea, reasonText } from '../i18n.js';
import { api } from '../api.js';
import { typeOf, typeLabel, organisations } from '../schema.js';
import { badge, showValue, canApprove } from '../records-util.js';
import { miniMap } from '../minimap.js';

export async function render(main, params) {
  const type = typeOf(params.type);
  const path = `/api/v1/${type.name}/${encodeURIComponent(params.id)}`;
  const { data: rec, etag } = await api('GET', path);
  let old = null;
  if (rec.approved_version) old = (await api('GET', `${path}?version=approved`)).data;
  const orgs = await organisations();
  const orgLabel = (id) => orgs.find((o) => o.id === id)?.name || id || '';

  const rows = [
    { name: 'organisation', text: t('field.organisation'), show: orgLabel },
    { name: 'date_of_information', text: t('field.date_of_information'), show: fmtDate },
    ...type.fields.filter((f) => !f.computed).map((f) => ({ name: f.name, text: label(f.labels, f.name), show: (v) => showValue(f, v) })),
  ];
  // Sets compare without their order.
  const norm = (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? [...v].sort() : v ?? null);
  const same = (a, b) => JSON.stringify(norm(a)) === JSON.stringify(norm(b));
  const empty = (v) => v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length);
  const tbody = h('tbody', {}, rows.filter((r) => !empty(rec[r.name]) || (old && !empty(old[r.name]))).map((r) => {
    const changed = !old || !same(old[r.name], rec[r.name]);
    return h('tr', { class: changed ? 'changed' : null, dataset: { field: r.name } }, h('th', { scope: 'row', text: r.text }),
      h('td', { class: changed && old ? 'old' : null, text: old ? r.show(old[r.name]) : '' }),
      h('td', { class: changed ? 'new' : null, text: r.show(rec[r.name]) }));
  }));
  // what the geometry row says: no outline is never "new outline"
  const geomChanged = !old || !same(old.geometry, rec.geometry);
  const shapeWord = (g) => (!g ? t('review.no_geometry') : g.type === 'Point' ? t('review.new_point') : t('review.new_shape'));
  const oldWord = !old ? '' : !geomChanged ? t('review.same') : old.geometry ? t('review.old_shape') : t('review.no_geometry');
  const newWord = old && !geomChanged ? t('review.same') : old?.geometry && !rec.geometry ? t('review.removed_shape') : shapeWord(rec.geometry);
  tbody.append(h('tr', { class: geomChanged ? 'changed' : null, dataset: { field: 'geometry' } }, h('th', { scope: 'row', text: t('form.geometry') }),
    h('td', { text: oldWord }), h('td', { text: newWord })));

  const reason = h('textarea', { name: 'reason', id: 'reject-reason-input' });
  const msg = h('p', { class: 'form-error', role: 'alert' });
  const decide = async (what) => {
    msg.textContent = '';
    if (what === 'reject' && !reason.value.trim()) { msg.textContent = t('review.reason_needed'); reason.focus(); return; }
    try {
      await api('POST', `${path}/${what}`, { etag, body: what === 'reject' ? { reason: reason.value.trim() } : undefined });
      toast(t(what === 'approve' ? 'review.approved' : 'review.rejected', { code: rec.code }));
      location.hash = '#/inbox';
    } catch (e) { msg.textContent = e.message; }
  };
  const decision = canApprove() && rec.status === 'submitted'
    ? h('section', { class: 'card', id: 'decision' }, h('h2', { text: t('review.decision') }),
      field(t('review.reason'), reason, { help: t('review.reason_help') }), msg,
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', id: 'approve', text: t('review.approve'), onclick: () => decide('approve') }),
        h('button', { type: 'button', class: 'danger', id: 'reject', text: t('review.reject'), onclick: () => decide('reject') })))
    : h('p', { class: 'notice', text: t('review.not_submitted') });

  const mapEl = h('div', { class: 'minimap', role: 'img', 'aria-label': t('review.map_label') });
  // a field form's photos, and the hazard the record touches beside it on the map
  const files = (await api('GET', `${path}/attachments`).catch(() => ({ data: { attachments: [] } }))).data.attachments;
  const photos = files.length ? h('section', { class: 'card', id: 'photos' }, h('h2', { text: t('review.photos') }),
    h('div', { class: 'photos' }, files.filter((f) => f.media_type.startsWith('image/')).map((f) => h('a', { href: `${path}/attachments/${encodeURIComponent(f.name)}`, target: '_blank', rel: 'noopener' },
      h('img', { src: `${path}/attachments/${encodeURIComponent(f.name)}`, alt: f.name, loading: 'lazy', width: 160 }))))) : null;
  let hazard = null;
  if (rec.hazard && type.name !== 'hazard') hazard = (await api('GET', `/api/v1/hazard/${encodeURIComponent(rec.hazard)}`).catch(() => null))?.data || null;
  // a release against a hazard without an outline cannot reduce it: say so before approving
  const outside = outsideNote(type, rec, hazard);
  main.append(h('h1', {}, t('review.title', { code: rec.code }), ' ', badge(rec.status)), outside,
    h('p', { class: 'muted', text: `${typeLabel(type.name)} · ${t('record.version_n', { n: rec.version })} · ${rec.updated_by} · ${fmtDate(rec.updated_at)}${rec.change_reason ? ` · ${reasonText(rec.change_reason)}` : ''}` }),
    h('div', { class: 'grid2 wide-left' },
      h('section', { class: 'card scroll' }, h('table', { class: 'data', id: 'diff' },
        h('caption', { class: 'sr', text: t('review.diff') }),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: t('review.field') }),
          h('th', { scope: 'col', text: old ? t('review.approved_v', { n: old.version }) : t('review.no_approved') }),
          h('th', { scope: 'col', text: t('review.submitted_v', { n: rec.version }) }))), tbody)),
      h('div', {}, type.geometry !== 'none' ? h('section', { class: 'card' }, h('h2', { text: t('form.geometry') }), mapEl,
        h('ul', { class: 'legend-inline' }, h('li', {}, h('span', { class: 'swatch line dashed grey' }), t('review.legend_old')), h('li', {}, h('span', { class: 'swatch', style: '--c:#d7191c' }), t('review.legend_new')),
          hazard ? h('li', {}, h('span', { class: 'swatch', style: '--c:#1a5fb4' }), `${t('review.legend_hazard')} ${hazard.code}`) : null)) : null,
      photos, decision)));
  let mini = null;
  if (type.geometry !== 'none') requestAnimationFrame(() => { mini = miniMap(mapEl, [...(hazard ? [{ id: 'draft', geometry: hazard.geometry }] : []), { id: 'old', geometry: old?.geometry }, { id: 'new', geometry: rec.geometry }]); window.__demine = { ...(window.__demine || {}), mini }; });
  return () => { if (mini) mini.remove(); };
}

// The notice of a release whose hazard has no polygon: its area counts as released outside the
// hazard and does not close it (docs/data-model.md); null for anything else.
function outsideNote(type, rec, hazard) {
  if (type.name !== 'land_release' || !hazard || (hazard.geometry && hazard.geometry.type !== 'Point')) return null;
  return h('p', { class: 'notice', id: 'outside-note', role: 'note',
    text: t('review.outside_no_polygon', { code: hazard.code, area: fmtArea(rec.area_m2) }) });
}
