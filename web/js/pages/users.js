// Admin: the users, add one, disable one, reset a password.
import { h, field, option, toast, clear } from '../dom.js';
import { t, fmtDate } from '../i18n.js';
import { api, get } from '../api.js';
import { organisations } from '../schema.js';

const ROLES = ['admin', 'im_officer', 'operator', 'va_officer', 'donor', 'viewer'];

export async function render(main) {
  const orgs = await organisations();
  const orgLabel = (id) => { const o = orgs.find((x) => x.id === id); return o ? (o.short_name || o.name) : ''; };
  const tbody = h('tbody');
  const table = h('table', { class: 'data' }, h('caption', { class: 'sr', text: t('users.title') }),
    h('thead', {}, h('tr', {}, ['users.login', 'users.full_name', 'users.role', 'users.organisation', 'users.state', 'users.actions']
      .map((k) => h('th', { scope: 'col', text: t(k) })))), tbody);

  async function refresh() {
    const { items } = await get('/api/v1/users');
    clear(tbody);
    for (const u of items) {
      const reset = h('button', { type: 'button', text: t('users.reset'), onclick: () => resetPassword(u) });
      const disable = u.disabled ? null : h('button', { type: 'button', class: 'danger', text: t('users.disable'), onclick: () => disableUser(u) });
      tbody.append(h('tr', { dataset: { login: u.login } }, h('td', { text: u.login }), h('td', { text: u.full_name || '' }),
        h('td', { text: t(`role.${u.role}`) }), h('td', { text: orgLabel(u.org_id) }),
        h('td', { text: u.disabled ? t('users.disabled') : t('users.active'), title: fmtDate(u.created_at) }),
        h('td', { class: 'actions' }, reset, disable)));
    }
  }

  async function disableUser(u) {
    if (!confirm(t('users.confirm_disable', { login: u.login }))) return;
    try { await api('POST', `/api/v1/users/${encodeURIComponent(u.login)}/disable`); toast(t('users.disabled_ok', { login: u.login })); }
    catch (e) { toast(e.message, 'error'); }
    refresh();
  }

  async function resetPassword(u) {
    const pw = prompt(t('users.new_password_for', { login: u.login }));
    if (!pw) return;
    try { await api('POST', `/api/v1/users/${encodeURIComponent(u.login)}/password`, { body: { password: pw } }); toast(t('users.reset_ok', { login: u.login })); }
    catch (e) { toast(e.message, 'error'); }
  }

  const login = h('input', { required: true, autocomplete: 'off' });
  const full = h('input', {});
  const role = h('select', {}, ROLES.map((r) => option(r, t(`role.${r}`))));
  const org = h('select', {}, option('', t('users.no_org')), orgs.map((o) => option(o.id, o.name)));
  const pw = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 12 });
  const msg = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', { class: 'card' }, h('h2', { text: t('users.add') }),
    field(t('users.login'), login), field(t('users.full_name'), full), field(t('users.role'), role),
    field(t('users.organisation'), org), field(t('users.password'), pw), msg,
    h('button', { type: 'submit', class: 'primary', text: t('users.add') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    try {
      await api('POST', '/api/v1/users', { body: { login: login.value.trim(), full_name: full.value || null, role: role.value, org_id: org.value || null, password: pw.value } });
      toast(t('users.added', { login: login.value }));
      form.reset();
      refresh();
    } catch (e) { msg.textContent = e.message; }
  });
  main.append(h('h1', { text: t('users.title') }), h('div', { class: 'grid2 wide-left' }, h('section', { class: 'card scroll' }, table), form));
  await refresh();
}
