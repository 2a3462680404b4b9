// Approval inbox: IM officers see every submitted record; operators see the state of their own
// organisation's drafts, submissions and rejections (with the reason).
import { h } from '../dom.js';
import { t, fmtDate } from '../i18n.js';
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
    h('td', { class: 'reason', text: r.status === 'rejected' ? (r.status_reason || '') : (r.change_reason || '') }))));
  if (!rows.length) tbody.append(h('tr', {}, h('td', { colspan: 6, class: 'muted', text: t('inbox.empty') })));
  main.append(h('div', { class: 'card scroll' }, h('table', { class: 'data', id: 'inbox' },
    h('caption', { class: 'sr', text: t('inbox.title') }),
    h('thead', {}, h('tr', {}, ['field.code', 'inbox.type', 'field.status', 'inbox.kind', 'field.updated_at', 'inbox.reason'].map((k) => h('th', { scope: 'col', text: t(k) })))),
    tbody)));
}
