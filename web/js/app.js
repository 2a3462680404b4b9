// app.js: the application shell: sign-in state, navigation, language and the hash router.
import { h, clear, toast } from './dom.js';
import { t, setLang, savedLang, getLang } from './i18n.js';
import { api, session, whoami, logout, forget, isOffline } from './api.js';
import { loadSchema, resetCaches, orgName } from './schema.js';
import { startOutbox, clearOutbox, onSent } from './outbox.js';

// path pattern -> page module; roles limits who may open it.
const ROUTES = [
  { path: 'login', page: 'login', open: true },
  { path: 'map', page: 'map', nav: 'nav.map' },
  { path: 'records', page: 'records', nav: 'nav.records' },
  { path: 'records/:type', page: 'records' },
  { path: 'record/:type/:id', page: 'record' },
  { path: 'new/:type', page: 'form' },
  { path: 'edit/:type/:id', page: 'form' },
  { path: 'inbox', page: 'inbox', nav: 'nav.inbox', roles: ['im_officer', 'operator', 'va_officer', 'admin'] },
  { path: 'review/:type/:id', page: 'review' },
  { path: 'dashboard', page: 'dashboard', nav: 'nav.dashboard' },
  { path: 'reports', page: 'reports', nav: 'nav.reports', roles: ['admin', 'im_officer', 'operator', 'va_officer', 'donor', 'viewer'] },
  { path: 'return', page: 'return', nav: 'nav.return' },
  { path: 'return/:id', page: 'return' },
  { path: 'account', page: 'account' },
  { path: 'users', page: 'users', nav: 'nav.users', roles: ['admin'] },
  { path: 'forms', page: 'forms', nav: 'nav.forms', roles: ['admin', 'im_officer', 'operator', 'va_officer'] },
  { path: 'fill/:id', page: 'fill', roles: ['admin', 'im_officer', 'operator', 'va_officer'] },
];

let cleanup = null;
let generation = 0; // a newer navigation makes an older, still loading page stale
let navigated = false;

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs] = raw.split('?');
  const parts = path.split('/').filter(Boolean);
  const query = Object.fromEntries(new URLSearchParams(qs || ''));
  for (const r of ROUTES) {
    const pat = r.path.split('/');
    if (pat.length !== parts.length) continue;
    const params = {};
    if (pat.every((p, i) => (p.startsWith(':') ? (params[p.slice(1)] = decodeURIComponent(parts[i])) : p === parts[i])))
      return { route: r, params, query };
  }
  return null;
}

// The page a user asked for before signing in (a deep link, a form when the session expired),
// where sign-in returns to.
const NEXT = 'demine.next';
export function afterSignIn() {
  clear(document.getElementById('toast')); // "your session has expired" is over
  const next = sessionStorage.getItem(NEXT);
  sessionStorage.removeItem(NEXT);
  go(next && !next.startsWith('#/login') ? next : '#/map');
}
function signInFirst() {
  if (location.hash && !location.hash.startsWith('#/login')) sessionStorage.setItem(NEXT, location.hash);
  go('#/login');
}

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// The navigation is built once per user and language; a route change only moves aria-current
// (rebuilding it would drop the keyboard focus from the link just followed).
let navFor = '';
function renderNav() {
  const nav = document.getElementById('nav');
  const user = session.user;
  const key = user ? `${user.login}|${getLang()}` : '';
  if (key !== navFor) {
    navFor = key;
    clear(nav);
    if (!user) return;
    nav.append(h('ul', {}, ROUTES.filter((r) => r.nav && (!r.roles || r.roles.includes(user.role)))
      .map((r) => h('li', {}, h('a', { href: `#/${r.path}`, dataset: { route: r.path }, text: t(r.nav) })))));
  }
  const here = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  const section = { record: 'records', new: 'records', edit: 'records', review: 'inbox' }[here] || here;
  nav.querySelectorAll('a').forEach((a) => {
    if (a.dataset.route === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
}

async function renderUser() {
  const box = clear(document.getElementById('userbox'));
  const u = session.user;
  if (!u) return;
  const org = u.org_id ? await orgName(u.org_id) : '';
  box.append(
    h('a', { href: '#/account', class: 'who', title: t('nav.account') },
      h('span', { class: 'who-name', text: u.full_name || u.login }),
      h('span', { class: 'who-role', text: [t(`role.${u.role}`), org].filter(Boolean).join(' · ') })),
    h('button', { type: 'button', class: 'link', id: 'signout', text: t('nav.signout'), onclick: signOut }));
}

async function signOut() {
  clearOutbox();
  await logout().catch(() => forget());
  resetCaches();
  go('#/login');
}

export async function signedIn() {
  // the language stored with the user (Account page) wins over this browser's last choice
  const mine = session.user?.language;
  if (mine && mine !== getLang()) {
    await setLang(mine);
    document.getElementById('lang').value = mine;
  }
  await loadSchema();
  await renderUser();
}

async function route() {
  if (cleanup) { try { cleanup(); } catch { /* page already gone */ } cleanup = null; }
  const mine = ++generation;
  const main = clear(document.getElementById('main'));
  const m = parseHash();
  if (!m) { go(session.user ? '#/map' : '#/login'); return; }
  if (!m.route.open && !session.user) { signInFirst(); return; }
  if (m.route.roles && !m.route.roles.includes(session.user.role)) {
    main.append(h('p', { class: 'notice', text: t('err.forbidden') }));
    return;
  }
  renderNav();
  main.dataset.page = m.route.page;
  // Each page draws into its own view; a stale page's view is never attached.
  const view = h('div', { class: 'view' });
  main.append(view);
  main.setAttribute('aria-busy', 'true');
  main.dataset.hash = location.hash;
  try {
    const mod = await import(`./pages/${m.route.page}.js`);
    const done = (await mod.render(view, m.params, m.query)) || null;
    if (mine === generation) cleanup = done;
    else if (done) done();
  } catch (e) {
    if (e.status === 401 || mine !== generation) return;
    // a page module or its data that could not be fetched: say so in the user's language, not
    // the browser's "Failed to fetch dynamically imported module"
    const text = isOffline(e) ? t('err.offline') : t('err.load', { message: e.message });
    view.append(h('p', { class: 'notice error', role: 'alert', id: 'load-error', text }));
  } finally {
    if (mine === generation) {
      main.setAttribute('aria-busy', 'false');
      // Keyboard and screen reader users continue from the new page, not from a removed button.
      // (Not on the first page of a visit, where Tab should reach the skip link first.)
      const a = document.activeElement;
      if (navigated && (!a || a === document.body || !a.isConnected)) main.focus({ preventScroll: true });
      navigated = true;
    }
  }
}

async function start() {
  await setLang(savedLang());
  const sel = document.getElementById('lang');
  sel.value = getLang();
  sel.addEventListener('change', async () => {
    await setLang(sel.value);
    // a user who chose a language of their own keeps it everywhere: the choice here updates it
    if (session.user?.language && session.user.language !== sel.value)
      session.user = (await api('PATCH', '/api/v1/me', { body: { language: sel.value } }).catch(() => ({ data: session }))).data.user;
    await renderUser();
    route();
  });
  session.onUnauthorized = () => {
    if (!session.user) return;
    forget();
    resetCaches();
    clear(document.getElementById('userbox'));
    sessionStorage.setItem('demine.expired', '1');
    toast(t('login.expired'), 'error');
    signInFirst();
  };
  // The skip link moves the focus; following its #main would confuse the hash router.
  document.querySelector('.skip').addEventListener('click', (ev) => {
    ev.preventDefault();
    document.getElementById('main').focus();
  });
  startOutbox();
  // a form kept offline and sent when the network came back: say what the server answered
  onSent((m) => toast(m.text.match(/<message[^>]*>([^<]*)</)?.[1] || String(m.status), m.status === 201 ? undefined : 'error'));
  const user = await whoami();
  if (user) await signedIn();
  window.addEventListener('hashchange', route);
  route();
}

start();
