// The signed-in user: name, role, organisation; change one's own password; one's API tokens.
import { h, field, toast } from '../dom.js';
import { t } from '../i18n.js';
import { api, session } from '../api.js';
import { orgName } from '../schema.js';
import { tokensCard } from './account_tokens.js';

export async function render(main) {
  const u = session.user;
  const org = u.org_id ? await orgName(u.org_id) : '';
  const dl = h('dl', { class: 'props' },
    h('dt', { text: t('account.login') }), h('dd', { text: u.login }),
    h('dt', { text: t('account.full_name') }), h('dd', { text: u.full_name || '' }),
    h('dt', { text: t('account.role') }), h('dd', { text: t(`role.${u.role}`) }),
    h('dt', { text: t('account.organisation') }), h('dd', { text: org || t('account.no_org') }));
  const old = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const pw = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 12 });
  const pw2 = h('input', { type: 'password', autocomplete: 'new-password', required: true });
  const msg = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', { class: 'card' }, h('h2', { text: t('account.change_password') }),
    field(t('account.old_password'), old), field(t('account.new_password'), pw), field(t('account.repeat_password'), pw2),
    msg, h('button', { type: 'submit', class: 'primary', text: t('account.save_password') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    if (pw.value !== pw2.value) { msg.textContent = t('account.mismatch'); return; }
    try {
      await api('POST', `/api/v1/users/${encodeURIComponent(u.login)}/password`, { body: { password: pw.value, old_password: old.value } });
      form.reset();
      toast(t('account.password_changed'));
    } catch (e) { msg.textContent = e.message; }
  });
  main.append(h('h1', { text: t('account.title') }), h('div', { class: 'grid2' }, h('section', { class: 'card' }, dl), form), tokensCard());
}
