// The signed-in user: name, role, organisation; change one's own password; one's API tokens.
import { h, field, toast } from '../dom.js';
import { t, setLang, LANGS } from '../i18n.js';
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
  main.append(h('h1', { text: t('account.title') }), h('div', { class: 'grid2' }, h('section', { class: 'card' }, dl, languageChoice()), form), tokensCard());
}

const LANG_NAMES = { en: 'English', az: 'Azərbaycanca', ru: 'Русский' };

// The user's language, stored with the account (PATCH /api/v1/me): the page and the server's
// messages follow it on every device; "as the browser asks" leaves it to Accept-Language.
function languageChoice() {
  const sel = h('select', { id: 'account-language', name: 'language' },
    h('option', { value: '', text: t('account.language_browser') }),
    LANGS.map((l) => h('option', { value: l, lang: l, text: LANG_NAMES[l] })));
  sel.value = session.user.language || '';
  sel.addEventListener('change', async () => {
    try {
      const { data } = await api('PATCH', '/api/v1/me', { body: { language: sel.value || null } });
      session.user = data.user;
      if (sel.value) {
        await setLang(sel.value);
        document.getElementById('lang').value = sel.value;
      }
      toast(t('account.language_saved'));
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (e) { toast(e.message, 'error'); }
  });
  return field(t('account.language'), sel, { help: t('account.language_help') });
}
