// api.js: the JSON API with the session cookie and its CSRF token (docs/api.md).
import { t, getLang } from './i18n.js';

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code;
    this.field = e.field;
    this.details = e.details || [];
  }
}

// The server could not be reached (a cut network, the server down): status 0, code 'offline',
// a message in the user's language instead of the browser's "Failed to fetch".
export const offlineError = () => new ApiError(0, { error: { code: 'offline', message: t('err.offline') } });
export const isOffline = (e) => e?.code === 'offline' || e instanceof TypeError || !navigator.onLine;

const state = { csrf: sessionStorage.getItem('demine.csrf'), user: null, onUnauthorized: null };
export const session = state;

export async function api(method, path, { body, etag, accept, headers: extra } = {}) {
  // the server writes its messages in the language of the page (unless the user chose one)
  const headers = { Accept: accept || 'application/json', 'Accept-Language': getLang() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  if (etag) headers['If-Match'] = etag;
  Object.assign(headers, extra || {});
  let r;
  try {
    r = await fetch(path, {
      method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw offlineError();
  }
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (r.status === 401 && !path.endsWith('/login') && state.onUnauthorized) state.onUnauthorized();
  if (!r.ok) throw new ApiError(r.status, json);
  return { data: json, etag: r.headers.get('ETag'), status: r.status };
}

export const get = async (path) => (await api('GET', path)).data;

export async function login(username, password) {
  const { data } = await api('POST', '/api/v1/login', { body: { username, password } });
  state.csrf = data.csrf_token;
  state.user = data.user;
  sessionStorage.setItem('demine.csrf', data.csrf_token);
  // in localStorage, so that a link opened in a new tab asks the server for the session too
  localStorage.setItem('demine.signed_in', '1');
  return data;
}

export async function logout() {
  try { await api('POST', '/api/v1/logout'); } finally { forget(); }
}

export function forget() {
  state.csrf = null;
  state.user = null;
  sessionStorage.removeItem('demine.csrf');
  localStorage.removeItem('demine.signed_in');
}

// The signed-in user, or null; asks the server only when this browser signed in (in any tab),
// so that a fresh visit does not start with a 401. The session cookie is shared by the tabs;
// the CSRF token of a new tab comes with the answer.
export async function whoami() {
  if (!localStorage.getItem('demine.signed_in')) return null;
  try {
    const me = await get('/api/v1/me');
    state.user = me.user;
    if (me.csrf_token) {
      state.csrf = me.csrf_token;
      sessionStorage.setItem('demine.csrf', me.csrf_token);
    }
  } catch (e) {
    if (e.status === 401) { forget(); return null; }
    throw e;
  }
  return state.user;
}

// Every item of a list, following its next links (bounded).
export async function listAll(path, max = 10000) {
  const items = [];
  let url = path;
  while (url && items.length < max) {
    const d = await get(url);
    items.push(...d.items);
    url = d.next;
  }
  return items;
}
