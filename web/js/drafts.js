// drafts.js: what a user typed into a form and has not saved, kept on this device (localStorage)
// so that an expired session or a cut network loses nothing. A draft belongs to one user and
// one page (#/new/TYPE, #/edit/TYPE/ID); it never holds personal fields (victims' names,
// contacts: the caller leaves them out), and it is dropped once the record is saved.
const PREFIX = 'demine.draft:';

const keyOf = (login, hash) => `${PREFIX}${login}:${hash}`;

// Keeps values ({member: value}, geometry included) for login's page hash.
export function keepDraft(login, hash, values) {
  try {
    localStorage.setItem(keyOf(login, hash), JSON.stringify({ at: new Date().toISOString(), values }));
  } catch { /* storage full or disabled: the form still works, only unkept */ }
}

// The draft of login's page hash, or null.
export function draftOf(login, hash) {
  try {
    const d = JSON.parse(localStorage.getItem(keyOf(login, hash)) || 'null');
    return d && typeof d.values === 'object' ? d : null;
  } catch {
    return null;
  }
}

export function dropDraft(login, hash) {
  localStorage.removeItem(keyOf(login, hash));
}

// The Idempotency-Key of sending this body from login's page: the same while the body is the
// same (a resend after a lost answer creates nothing twice: the server answers as the first
// time), a new one once the body changed. Kept beside the draft, dropped with it.
export function sendKey(login, hash, body) {
  const k = `${PREFIX}${login}:${hash}:send`;
  const text = JSON.stringify(body);
  try {
    const kept = JSON.parse(localStorage.getItem(k) || 'null');
    if (kept && kept.body === text) return kept.key;
    const key = crypto.randomUUID();
    localStorage.setItem(k, JSON.stringify({ key, body: text }));
    return key;
  } catch {
    return crypto.randomUUID();
  }
}

export function dropSendKey(login, hash) {
  localStorage.removeItem(`${PREFIX}${login}:${hash}:send`);
}
