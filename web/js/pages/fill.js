// Fill a field form in the browser with ODK's XForms engine (the engine of ODK Web Forms): the
// questions the engine says are relevant, in the user's language; on send, the engine builds the
// OpenRosa submission and the outbox (outbox.js) sends it now, or keeps it until the network is
// back. The form, its choices and its rules are the same bytes ODK Collect gets.
import { h, field, toast } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { get } from '../api.js';
import { sendSubmission } from '../outbox.js';

const TYPES = { int: 'number', decimal: 'number', date: 'date', dateTime: 'datetime-local' };

const text = (r) => r?.asString ?? '';
const nameOf = (node) => node.currentState.reference.split('/').pop().replace(/\[\d+\]$/, '');

function control(node, redraw) {
  const st = node.currentState;
  const id = `q-${st.reference.replace(/[^a-z0-9]+/gi, '-')}`;
  const lbl = `${text(st.label) || nameOf(node)}${st.required ? ' *' : ''}`;
  const help = text(st.hint) || undefined;
  let el;
  if (node.nodeType === 'select' && node.definition.bodyElement.type === 'select') {
    const chosen = new Set(st.value);
    el = h('fieldset', { class: 'choices', id, dataset: { q: nameOf(node) } }, h('legend', { text: lbl }),
      st.valueOptions.map((o) => h('label', { class: 'check' }, h('input', {
        type: 'checkbox', value: o.value, checked: chosen.has(o.value),
        onchange: (ev) => {
          const now = [...ev.target.closest('fieldset').querySelectorAll('input:checked')].map((i) => i.value);
          node.selectValues(now); redraw();
        },
      }), text(o.label))));
    return el;
  }
  if (node.nodeType === 'select') {
    const cur = st.value[0] ?? '';
    el = h('select', { id, name: nameOf(node), onchange: (ev) => { node.selectValue(ev.target.value || null); redraw(); } },
      h('option', { value: '', text: '' }), st.valueOptions.map((o) => h('option', { value: o.value, selected: o.value === cur, text: text(o.label) })));
  } else if (node.nodeType === 'upload') {
    el = h('input', { id, name: nameOf(node), type: 'file', accept: node.definition.bodyElement.mediaType || 'image/*',
      onchange: (ev) => { node.setValue(ev.target.files[0] || null); } });
  } else if (node.nodeType === 'input') {
    const geo = ['geopoint', 'geoshape', 'geotrace'].includes(node.valueType);
    const v = st.value === null || st.value === undefined ? '' : typeof st.value === 'object' ? node.currentState.instanceValue : String(st.value);
    const attrs = { id, name: nameOf(node), value: v, readonly: st.readonly || null, onchange: (ev) => { node.setValue(ev.target.value); redraw(); } };
    if (geo) el = h('textarea', { ...attrs, rows: node.valueType === 'geopoint' ? 1 : 3, placeholder: t(`forms.${node.valueType}_hint`) });
    else el = h('input', { ...attrs, type: TYPES[node.valueType] || 'text', step: node.valueType === 'decimal' ? 'any' : null });
  } else return null;
  return field(lbl, el, { help });
}

function draw(node, redraw) {
  const out = [];
  for (const c of node.currentState.children || []) {
    if (!c.currentState.relevant || nameOf(c) === 'meta') continue;
    if (c.nodeType === 'group') out.push(h('fieldset', { class: 'group' }, h('legend', { text: text(c.currentState.label) || nameOf(c) }), draw(c, redraw)));
    else if (c.nodeType.startsWith('repeat-range')) {
      const items = c.currentState.children.map((r, i) => h('fieldset', { class: 'repeat' },
        h('legend', { text: `${text(c.currentState.label) || nameOf(c)} ${i + 1}` }), draw(r, redraw),
        h('button', { type: 'button', class: 'link', text: t('forms.remove'), onclick: () => { c.removeInstances(i, 1); redraw(); } })));
      out.push(h('div', { class: 'repeat-range', dataset: { repeat: nameOf(c) } }, items,
        h('button', { type: 'button', class: 'add-repeat', text: t('forms.add', { what: text(c.currentState.label) || nameOf(c) }), onclick: () => { c.addInstances(); redraw(); } })));
    } else {
      const el = control(c, redraw);
      if (el) out.push(el);
    }
  }
  return out;
}

export async function render(main, params) {
  const { forms } = await get('/api/v1/forms');
  const meta = forms.find((f) => f.id === params.id);
  if (!meta) { main.append(h('p', { class: 'notice', text: t('forms.none') })); return null; }
  const { createInstance } = await import('../../vendor/xforms-engine.js');
  const xml = await (await fetch(`/api/v1/forms/${meta.id}.xml`, { credentials: 'same-origin' })).text();
  const media = (u) => String(u?.href ?? u).split('/').pop();
  const { root } = await createInstance(xml, {
    form: { fetchFormAttachment: (u) => fetch(`/api/v1/forms/${meta.id}/media/${media(u)}`, { credentials: 'same-origin' }) },
  });
  const lang = root.languages.find((l) => l.language.endsWith(`(${getLang()})`));
  if (lang) root.setLanguage(lang);
  const body = h('div', { id: 'form-body' });
  const msg = h('div', { class: 'form-error', role: 'alert', id: 'fill-error' });
  const redraw = () => body.replaceChildren(...draw(root, redraw));
  redraw();
  const send = async (ev) => {
    ev.preventDefault();
    msg.replaceChildren();
    // the engine's own check of required answers and constraints, with its messages
    const payload = await root.prepareInstancePayload();
    if (payload.status !== 'ready') {
      msg.append(h('p', { text: t('forms.incomplete') }), h('ul', {}, (payload.violations || []).map((v) =>
        h('li', { text: `${v.reference.split('/').pop()}: ${text(v.violation?.message) || v.violation?.condition || ''}` }))));
      return;
    }
    const r = await sendSubmission(payload.data[0], payload.submissionMeta?.instanceID);
    if (r.queued) toast(t('forms.queued'));
    else if (r.ok) toast(r.message);
    else { msg.append(h('p', { text: r.message })); return; }
    location.hash = '#/forms';
  };
  main.append(h('h1', { text: meta[`title_${getLang()}`] || meta.title_en }),
    h('form', { class: 'card xform', id: 'fill', onsubmit: send, novalidate: true }, body, msg,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'send-form', text: t('forms.send') }))));
  return null;
}
