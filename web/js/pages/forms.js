// Forms: the field forms the user may fill (generated from the field tables), to download as
// XForms, to fill here in the browser (kept and sent later when the network is down), and a QR
// code that sets up ODK Collect on a tablet with a device key (docs/field.md).
import { h, field, toast } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { api, get } from '../api.js';
import qrcode from '../../vendor/qrcode.mjs';

// The QR code of text as an SVG element, drawn from the module matrix through the DOM.
function qrSvg(text) {
  const qr = qrcode(0, 'L');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount(), q = 4, ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${n + 2 * q} ${n + 2 * q}`);
  svg.setAttribute('width', '260');
  svg.setAttribute('height', '260');
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('forms.qr_label'));
  const bg = document.createElementNS(ns, 'rect');
  bg.setAttribute('width', '100%'); bg.setAttribute('height', '100%'); bg.setAttribute('fill', '#fff');
  svg.append(bg);
  let d = '';
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) if (qr.isDark(y, x)) d += `M${x + q} ${y + q}h1v1h-1z`;
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.append(path);
  return svg;
}

function setupTablet() {
  const name = h('input', { name: 'device', id: 'device-name', maxlength: 60, required: true });
  const out = h('div', { id: 'device-qr' });
  const msg = h('p', { class: 'form-error', role: 'alert' });
  const make = async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    try {
      const { data } = await api('POST', '/api/v1/forms/devices', { body: { device: name.value.trim() || 'tablet' } });
      out.replaceChildren(qrSvg(data.qr_text),
        h('p', { text: t('forms.qr_help') }),
        h('p', { class: 'muted' }, t('forms.server_url'), ' ', h('code', { id: 'device-url', text: data.server_url })));
      toast(t('forms.device_made'));
    } catch (e) { msg.textContent = e.message; }
  };
  return h('section', { class: 'card', id: 'setup-tablet' }, h('h2', { text: t('forms.setup') }),
    h('p', { class: 'muted', text: t('forms.setup_intro') }),
    h('form', { onsubmit: make }, field(t('forms.device'), name), msg,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'make-qr', text: t('forms.make_qr') }))),
    out);
}

export async function render(main) {
  const { forms } = await get('/api/v1/forms');
  const title = (f) => f[`title_${getLang()}`] || f.title_en;
  const rows = forms.map((f) => h('tr', { dataset: { form: f.id } },
    h('th', { scope: 'row' }, h('a', { href: `#/fill/${f.id}`, text: title(f) })),
    h('td', {}, h('code', { text: f.id })), h('td', {}, h('code', { text: f.version })),
    h('td', {}, h('a', { href: `/api/v1/forms/${f.id}.xml`, download: `${f.id}.xml`, text: t('forms.download') }))));
  if (!rows.length) rows.push(h('tr', {}, h('td', { colspan: 4, class: 'muted', text: t('forms.none') })));
  main.append(h('h1', { text: t('forms.title') }), h('p', { class: 'muted', text: t('forms.intro') }),
    h('div', { class: 'grid2 wide-left' },
      h('section', { class: 'card scroll' }, h('table', { class: 'data', id: 'forms' },
        h('caption', { class: 'sr', text: t('forms.title') }),
        h('thead', {}, h('tr', {}, ['forms.form', 'forms.id', 'forms.version', 'forms.file'].map((k) => h('th', { scope: 'col', text: t(k) })))),
        h('tbody', {}, rows))),
      forms.length ? setupTablet() : null));
}
