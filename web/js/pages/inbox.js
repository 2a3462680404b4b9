// Approval inbox: IM officers see every submitted record; operators see the state of their own
// organisation's drafts, submissions and rejections (with the reason).
import { h } from '../dom.js';
import { t, fmtDate, reasonText } from '../i18n.js';
import { get, session } from '../api.js';
import { types, typeLabel } from '../schema.js';
import { badge, canApprove } from '../records-util.js';

export async function render(main) {
  const reviewer = canApprove();
  const statuses = reviewer ? ['submitted'] : ['draft', 'submitted', 'rejected'];
  main.append(h('h1', { text: reviewer ? t('inbox.title') : t('inbox.mine') }),
    h('p', { class: 'muted', text: reviewer ? t('inbox.intro') : t('inbox.intro_mine') }));
  const rows = [];
  await Promise.all(types().flatMap((ty) => statuses.map(async (st) => {
    let items;
    try { items = (await get(`/api/v1/${ty.name}?status=${st}&limit=1000&sort=-updated_at`)).items; } catch { return; }
    for (const r of items) if (reviewer || !session.user.org_id || r.organisation === session.user.org_id) rows.push({ ty, r });
  })));
  rows.sort((a, b) => (a.r.updated_at < b.r.updated_at ? 1 : -1));
  const tbody = h('tbody', {}, rows.map(({ ty, r }) => h('tr', { dataset: { id: r.id, code: r.code } },
    h('td', {}, h('a', { href: reviewer ? `#/review/${ty.name}/${r.id}` : `#/record/${ty.name}/${r.id}`, text: r.code })),
    h('td', { text: typeLabel(ty.name) }), h('td', {}, badge(r.status)),
    h('td', { text: r.approved_version ? t('inbox.change') : t('inbox.new') }),
    h('td', { text: `${fmtDate(r.updated_at)} · ${r.updated_by}` }),
    h('td', { class: 'reason', text: r.status === 'rejected' ? (r.status_reason || '') : reasonText(r.change_reason || '') }))));
  if (!rows.length) tbody.append(h('tr', {}, h('td', { colspan: 6, class: 'muted', text: t('inbox.empty') })));
  main.append(h('div', { class: 'card scroll' }, h('table', { class: 'data', id: 'inbox' },
    h('caption', { class: 'sr', text: t('inbox.title') }),
    h('thead', {}, h('tr', {}, ['field.code', 'inbox.type', 'field.status', 'inbox.kind', 'field.updated_at', 'inbox.reason'].map((k) => h('th', { scope: 'col', text: t(k) })))),
    tbody)));
  if (reviewer) main.append(await rejectedField());
}

// Field forms that could not become records (a polygon crossing itself, a point outside the
// country...): kept with the reason, never dropped or fixed (docs/field.md).
async function rejectedField() {
  let list = [];
  try { list = (await get('/api/v1/field/submissions?state=rejected')).submissions; } catch { return null; }
  if (!list.length) return null;
  return h('section', { class: 'card scroll', id: 'field-rejected' }, h('h2', { text: t('inbox.field_rejected') }),
    h('p', { class: 'muted', text: t('inbox.field_intro') }),
    h('table', { class: 'data' }, h('thead', {}, h('tr', {}, ['inbox.form', 'inbox.sender', 'field.updated_at', 'inbox.reason'].map((k) => h('th', { scope: 'col', text: t(k) })))),
      h('tbody', {}, list.map((x) => h('tr', { dataset: { instance: x.instance_id } }, h('td', {}, h('code', { text: x.form })),
        h('td', { text: x.user }), h('td', { text: fmtDate(x.received_at) }), h('td', { class: 'reason', text: x.reason }))))));
}
