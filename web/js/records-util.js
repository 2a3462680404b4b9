// records-util.js: how records and their values are shown, shared by the record pages.
import { h } from './dom.js';
import { t, valueLabel, fmtNum, fmtDate, fmtArea, reasonText } from './i18n.js';
import { session } from './api.js';

export const STATUSES = ['draft', 'submitted', 'approved', 'rejected'];
export const badge = (status) => h('span', { class: `badge ${status}`, text: t(`status.${status}`) });

// Roles that create and edit records (the library decides per record; this only hides buttons).
export const canWrite = () => ['im_officer', 'operator', 'va_officer'].includes(session.user?.role);
export const canApprove = () => session.user?.role === 'im_officer';

// A field value as text for tables and record pages; links are resolved by the caller.
export function showValue(f, v) {
  if (v === null || v === undefined || v === '') return '';
  switch (f?.type) {
    case 'enum': return valueLabel(v);
    case 'set': return (Array.isArray(v) ? v : [v]).map(valueLabel).join(', ');
    case 'date': return fmtDate(v);
    case 'area': return fmtArea(v);
    case 'int': case 'decimal': return fmtNum(v);
    case 'json': return JSON.stringify(v);
    case 'boolean': return v ? t('common.yes') : t('common.no');
    default:
      if (/_at$/.test(f?.name || '')) return fmtDate(v);
      if (f?.name === 'closure_reason') return reasonText(v);
      return Array.isArray(v) ? v.join(', ') : String(v);
  }
}

// The few fields a list shows for a type: its first enum, text and date fields.
export function listFields(type) {
  const fs = type.fields.filter((f) => !f.personal && !f.extra && ['text', 'enum', 'date', 'area', 'int'].includes(f.type));
  const pick = [];
  for (const f of fs) if (pick.length < 4 && !(f.type === 'text' && pick.some((p) => p.type === 'text'))) pick.push(f);
  return pick;
}
