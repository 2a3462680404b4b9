// The Account page's API tokens: users make named, expiring tokens (read-only ones for QGIS,
// GDAL and ArcGIS: HTTP Basic with any user name and the token as the password), see them and
// revoke them. The secret is shown once, when it is made.
import { h, field, clear, toast } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';

function row(tok, refresh) {
  const revoke = h('button', { type: 'button', class: 'small', text: t('tokens.revoke'), 'aria-label': `${t('tokens.revoke')} ${tok.name || tok.id}` });
  revoke.addEventListener('click', async () => {
    try {
      await api('DELETE', `/api/v1/tokens/${tok.id}`);
      toast(t('tokens.revoked'));
      await refresh();
    } catch (e) { toast(e.message, 'error'); }
  });
  return h('tr', { dataset: { token: tok.id } },
    h('td', { text: tok.name || t('tokens.unnamed') }),
    h('td', { text: t(tok.scope === 'read' ? 'tokens.scope_read' : 'tokens.scope_full') }),
    h('td', { text: tok.expires_at.slice(0, 10) }),
    h('td', {}, revoke));
}

export function tokensCard() {
  const body = h('tbody');
  const table = h('table', { class: 'tokens' },
    h('thead', {}, h('tr', {}, ...['tokens.name', 'tokens.scope', 'tokens.expires', ''].map((k) => h('th', { text: k ? t(k) : '' })))),
    body);
  const empty = h('p', { class: 'muted', text: t('tokens.none') });
  const refresh = async () => {
    const { data } = await api('GET', '/api/v1/tokens');
    clear(body).append(...data.items.map((tok) => row(tok, refresh)));
    empty.hidden = data.items.length > 0;
    table.hidden = !empty.hidden;
  };
  const name = h('input', { type: 'text', maxlength: 100, required: true, placeholder: 'QGIS' });
  const days = h('input', { type: 'number', min: 1, max: 365, value: 90, required: true });
  const readOnly = h('input', { type: 'checkbox', checked: true });
  const shown = h('div', { class: 'token-secret', hidden: true });
  const msg = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', {}, field(t('tokens.name'), name), field(t('tokens.days'), days),
    h('label', { class: 'check' }, readOnly, ' ', t('tokens.read_only')),
    msg, h('button', { type: 'submit', class: 'primary', text: t('tokens.create') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    try {
      const { data } = await api('POST', '/api/v1/tokens', {
        body: { name: name.value, expires_in_days: Number(days.value), scope: readOnly.checked ? 'read' : 'full' },
      });
      const secret = h('input', { type: 'text', readonly: true, value: data.token, class: 'mono', size: 70, 'aria-label': t('tokens.secret') });
      clear(shown).append(h('p', { text: t('tokens.copy_now') }), secret, h('p', { class: 'help', text: t('tokens.how_to_use') }));
      shown.hidden = false;
      secret.select();
      form.reset();
      days.value = 90;
      readOnly.checked = true;
      await refresh();
    } catch (e) { msg.textContent = e.message; }
  });
  const card = h('section', { class: 'card tokens-card' }, h('h2', { text: t('tokens.title') }),
    h('p', { class: 'help', text: t('tokens.intro') }), table, empty, shown, form);
  refresh().catch((e) => { msg.textContent = e.message; });
  return card;
}
