// sw.js: the one service worker of the web app: the application shell for offline use, and an
// outbox of writes that must survive a cut network. What it does with each request is a row of
// the policy table; API answers (records, victims' personal data) are never cached. The outbox
// is a queue in IndexedDB replayed in order when the network returns (the page says 'flush'),
// each request once: it leaves the queue as soon as the server answered, and its
// Idempotency-Key (a form's instanceID) makes a resend after a lost answer harmless.
const SHELL = 'demine-shell-v1';
const FORMS = 'demine-forms-v1';
const DB = 'demine-outbox';

// [test(url, request), strategy, cache]
const POLICY = [
  [(u, r) => r.method === 'POST' && u.pathname === '/api/v1/submissions', 'queue'],
  [(u, r) => r.method === 'GET' && /^\/api\/v1\/forms(\/|$)/.test(u.pathname), 'network-first', FORMS],
  [(u) => /^\/(api|ogc|tiles|key|submission|formList|forms|healthz|openapi\.json)(\/|$)/.test(u.pathname), 'network'],
  [(u, r) => r.method === 'GET', 'stale-while-revalidate', SHELL],
];

self.addEventListener('install', (ev) => {
  ev.waitUntil(caches.open(SHELL).then((c) => c.addAll(['/', '/index.html', '/css/app.css', '/js/app.js'])).catch(() => {}));
  self.skipWaiting();
});
self.addEventListener('activate', (ev) => { ev.waitUntil(self.clients.claim()); });

self.addEventListener('fetch', (ev) => {
  const url = new URL(ev.request.url);
  if (url.origin !== self.location.origin) return;
  const row = POLICY.find(([test]) => test(url, ev.request));
  if (!row || row[1] === 'network') return;
  if (row[1] === 'queue') ev.respondWith(sendOrQueue(ev.request));
  else if (row[1] === 'network-first') ev.respondWith(networkFirst(ev.request, row[2]));
  else ev.respondWith(staleWhileRevalidate(ev.request, row[2], ev));
});

async function networkFirst(req, name) {
  try {
    const r = await fetch(req);
    if (r.ok) (await caches.open(name)).put(req, r.clone());
    return r;
  } catch (e) {
    const hit = await caches.match(req);
    if (hit) return hit;
    throw e;
  }
}

async function staleWhileRevalidate(req, name, ev) {
  const cache = await caches.open(name);
  const hit = await cache.match(req);
  const fresh = fetch(req).then((r) => { if (r.ok) cache.put(req, r.clone()); return r; });
  if (hit) { ev.waitUntil(fresh.catch(() => {})); return hit; }
  return fresh;
}

// ---- the outbox ----

function db() {
  return new Promise((res, rej) => {
    const o = indexedDB.open(DB, 1);
    o.onupgradeneeded = () => o.result.createObjectStore('requests', { keyPath: 'seq', autoIncrement: true });
    o.onsuccess = () => res(o.result);
    o.onerror = () => rej(o.error);
  });
}

async function store(mode, fn) {
  const d = await db();
  return new Promise((res, rej) => {
    const tx = d.transaction('requests', mode);
    const out = fn(tx.objectStore('requests'));
    tx.oncomplete = () => res(out?.result ?? out);
    tx.onerror = () => rej(tx.error);
  });
}

const all = () => store('readonly', (s) => s.getAll());
const KEPT_HEADERS = ['content-type', 'x-csrf-token', 'idempotency-key'];

async function sendOrQueue(req) {
  const body = await req.clone().blob();
  const headers = Object.fromEntries(KEPT_HEADERS.filter((h) => req.headers.has(h)).map((h) => [h, req.headers.get(h)]));
  try {
    return await fetch(req);
  } catch {
    const key = headers['idempotency-key'];
    const queued = await all();
    // the same form sent twice while offline is kept once
    if (!key || !queued.some((q) => q.headers['idempotency-key'] === key))
      await store('readwrite', (s) => s.add({ url: req.url, method: req.method, headers, body, at: Date.now() }));
    return new Response(JSON.stringify({ queued: true }), { status: 202, headers: { 'Content-Type': 'application/json', 'X-Demine-Queued': '1' } });
  }
}

let flushing = null;
function flush() {
  if (!flushing) flushing = replay().finally(() => { flushing = null; });
  return flushing;
}

async function replay() {
  for (const q of await all()) {
    let r;
    try {
      r = await fetch(q.url, { method: q.method, headers: q.headers, body: q.body, credentials: 'same-origin' });
    } catch {
      return; // still offline: the rest waits, in order
    }
    if (r.status === 401 || (r.status === 403 && /csrf/.test(await r.clone().text()))) return; // signed out: kept
    await store('readwrite', (s) => s.delete(q.seq));
    const text = await r.text();
    for (const c of await self.clients.matchAll()) c.postMessage({ type: 'sent', key: q.headers['idempotency-key'], status: r.status, text });
  }
}

self.addEventListener('message', (ev) => {
  const m = ev.data || {};
  if (m.type === 'flush') ev.waitUntil(flush());
  else if (m.type === 'count') all().then((q) => ev.ports[0]?.postMessage({ count: q.length }));
  else if (m.type === 'signout') ev.waitUntil(Promise.all([store('readwrite', (s) => s.clear()), caches.delete(FORMS)]));
});
