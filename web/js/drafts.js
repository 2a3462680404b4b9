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
