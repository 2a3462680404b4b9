// Sign in with a user name and password; the session cookie and CSRF token come back.
import { h, field } from '../dom.js';
import { t } from '../i18n.js';
import { login, session } from '../api.js';
import { signedIn, afterSignIn } from '../app.js';

export async function render(main) {
  if (session.user) { afterSignIn(); return; }
  // the session ended under the user: say so, and that what was typed is kept
  const expired = sessionStorage.getItem('demine.expired');
  sessionStorage.removeItem('demine.expired');
  const user = h('input', { name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', { class: 'card login', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title', text: t('login.title') }),
    expired ? h('p', { class: 'notice', id: 'login-expired', role: 'status', text: t('login.expired_kept') }) : null,
    h('p', { class: 'muted', text: t('login.intro') }),
    field(t('login.username'), user), field(t('login.password'), pass), msg);
  // shown at once: on a slow network signing in and loading the first page takes seconds
  const busy = h('p', { class: 'busy', id: 'login-busy', role: 'status', hidden: true }, h('progress', { 'aria-label': t('login.busy') }), ' ', t('login.busy'));
  const button = h('button', { type: 'submit', class: 'primary', text: t('login.submit') });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    busy.hidden = false;
    button.disabled = true;
    document.getElementById('main').setAttribute('aria-busy', 'true');
    try {
      await login(user.value.trim(), pass.value);
      await signedIn();
      afterSignIn();
    } catch (e) {
      busy.hidden = true;
      button.disabled = false;
      document.getElementById('main').setAttribute('aria-busy', 'false');
      msg.textContent = e.status === 429 ? t('login.too_many') : e.status === 401 ? t('login.bad') : e.message;
    }
  });
  form.append(button, busy);
  main.append(h('div', { class: 'center' }, form));
  user.focus();
}
