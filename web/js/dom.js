// dom.js: build elements through the DOM API (never HTML strings with data in them).

// h('a', {href, class, onclick, text}, ...children): children may be strings, nodes, arrays or null.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value' || k === 'checked' || k === 'selected') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) { while (el.firstChild) el.firstChild.remove(); return el; }

let uid = 0;
export const nextId = (p = 'f') => `${p}-${++uid}`;

// A labelled control: <div class=field><label for=id>label</label>control<span class=err></span></div>
export function field(labelText, control, { help, name } = {}) {
  if (!control.id) control.id = nextId('in');
  const err = h('span', { class: 'field-error', id: control.id + '-err', role: 'alert' });
  control.setAttribute('aria-describedby', err.id);
  return h('div', { class: 'field', dataset: name ? { field: name } : {} },
    h('label', { for: control.id, text: labelText }), control,
    help ? h('small', { class: 'help', text: help }) : null, err);
}

export function option(value, text, selected) {
  return h('option', { value, selected: !!selected, text });
}

// Saves text as a file in the browser.
export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// RFC 4180 CSV from rows of cells.
export function toCsv(rows) {
  const cell = (v) => {
    const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function toast(text, kind = 'info') {
  const t = document.getElementById('toast');
  clear(t).append(h('div', { class: `toast ${kind}`, text }));
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => clear(t), 5000);
}
