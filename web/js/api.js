// api.js: the JSON API with the session cookie and its CSRF token (docs/api.md).
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

const state = { csrf: sessionStorage.getItem('demine.csrf'), user: null, onUnauthorized: null };
export const session = state;

export async function api(method, path, { body, etag, accept } = {}) {
  const headers = { Accept: accept || 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  if (etag) headers['If-Match'] = etag;
  const r = await fetch(path, {
    method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
  });
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
  sessionStorage.setItem('demine.signed_in', '1');
  return data;
}

export async function logout() {
  try { await api('POST', '/api/v1/logout'); } finally { forget(); }
}

export function forget() {
  state.csrf = null;
  state.user = null;
  sessionStorage.removeItem('demine.csrf');
  sessionStorage.removeItem('demine.signed_in');
}

// The signed-in user, or null; asks the server only when this tab signed in, so that a fresh
// visit does not start with a 401.
export async function whoami() {
  if (!sessionStorage.getItem('demine.signed_in')) return null;
  try {
    state.user = (await get('/api/v1/me')).user;
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
