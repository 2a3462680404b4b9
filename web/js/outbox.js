// outbox.js: the page's side of the service worker's outbox (web/sw.js): writes that must not
// be lost to a cut network (a field form's submission) are posted through it; when the network
// is down the worker keeps them in IndexedDB and sends each once when it returns. This module
// asks it to send on 'online', tells it to empty at sign-out, and reports what was sent.
import { session } from './api.js';

const listeners = new Set();
export const onSent = (fn) => { listeners.add(fn); return () => listeners.delete(fn); };

const worker = () => navigator.serviceWorker?.controller || null;

export function startOutbox() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/sw.js').catch(() => { /* the app works without it, online */ });
  navigator.serviceWorker.addEventListener('message', (ev) => {
    if (ev.data?.type === 'sent') for (const fn of listeners) fn(ev.data);
  });
  const flush = () => worker()?.postMessage({ type: 'flush' });
  window.addEventListener('online', flush);
  navigator.serviceWorker.ready.then(flush).catch(() => {});
}

// Empties the outbox and the worker's caches (a shared office computer keeps nothing).
export function clearOutbox() {
  worker()?.postMessage({ type: 'signout' });
}

export async function pending() {
  const w = worker();
  if (!w) return 0;
  return new Promise((res) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = (ev) => res(ev.data.count);
    w.postMessage({ type: 'count' }, [ch.port2]);
    setTimeout(() => res(0), 2000);
  });
}

const message = (text) => text.match(/<message[^>]*>([^<]*)<\/message>/)?.[1] ?? text;

// Sends an OpenRosa submission (FormData with xml_submission_file); its instanceID is the
// Idempotency-Key, so a resend is answered from the server's store and writes nothing twice.
export async function sendSubmission(body) {
  const xml = await body.get('xml_submission_file').text();
  const key = xml.match(/<(?:\w+:)?instanceID>([^<]+)</)?.[1] || crypto.randomUUID();
  let r;
  try {
    r = await fetch('/api/v1/submissions', {
      method: 'POST', body, credentials: 'same-origin',
      headers: { 'X-CSRF-Token': session.csrf || '', 'Idempotency-Key': key },
    });
  } catch {
    return { ok: false, message: 'offline' };
  }
  if (r.status === 202 && r.headers.get('X-Demine-Queued')) return { queued: true, key };
  return { ok: r.status === 201, status: r.status, message: message(await r.text()), key };
}
