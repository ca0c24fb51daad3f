/**
 * The notes page's browser module, served as /static/notes.js (plain ES2022, no build step). Kept as a string so it
 * bundles identically under `wrangler dev`, deployment and the Workers test pool. Written without backticks or
 * template placeholders so `String.raw` returns it verbatim.
 *
 * Design: a random 256-bit AES-GCM note key per practice, wrapped (AES-KW) under a key derived from the passphrase
 * with PBKDF2-SHA-256 (600,000 iterations, OWASP) and, separately, under a random 256-bit recovery key shown once.
 * Only the wrapped blobs, the KDF parameters, IVs and ciphertexts ever reach the server.
 */
export const NOTES_SCRIPT = String.raw`// Session notes are encrypted and decrypted only in this browser (WebCrypto). The passphrase, the recovery key and
// the note key in clear never leave this page; the server stores wrapped keys, IVs and ciphertexts it cannot read.
const root = document.getElementById('notes-app');
const CLIENT_ID = root.dataset.clientId;
const CSRF = root.dataset.csrf;
const t = JSON.parse(root.dataset.messages);

const PBKDF2_ITERATIONS = 600000; // OWASP's figure for PBKDF2-HMAC-SHA256
const MIN_PASSPHRASE = 12;
const MAX_NOTE_BYTES = 44000; // keeps one encrypted note well under the server's 64 KiB body limit
const PAD_BLOCK = 256; // plaintexts are padded to a multiple of this, so ciphertext sizes say little about notes
const SECTIONS = ['notes-setup', 'notes-recovery', 'notes-unlock', 'notes-notes'];
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const pageLang = document.documentElement.lang;
// The same English as the server's pages (day before month, 24-hour clock).
const dateFormat = new Intl.DateTimeFormat(pageLang === 'en' ? 'en-GB' : pageLang || undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The server's record of the practice key: id, KDF parameters and the two wrapped copies. */
let keyRecord = null;
/** The unwrapped note key: non-extractable, held in memory for this page's life only, never stored. */
let noteKey = null;

class UserError extends Error {}

const el = (id) => document.getElementById(id);
const notesPath = (suffix) => '/api/clients/' + encodeURIComponent(CLIENT_ID) + '/notes' + suffix;

function show(section) {
  for (const id of SECTIONS) el(id).hidden = id !== section;
}

function say(text) {
  el('notes-status').textContent = text;
  el('notes-status').hidden = !text;
}

function fail(text) {
  el('notes-error').textContent = text;
  el('notes-error').hidden = !text;
  if (text) say('');
}

function toBase64(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** RFC 4648 base32 in groups of four: 52 characters for 256 bits, readable aloud and easy to write down. */
function formatRecoveryKey(bytes) {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out.match(/.{1,4}/g).join('-');
}

function parseRecoveryKey(text) {
  // Forgiving input: any case, spaces or hyphens, and digits mistaken for the letters they resemble.
  const clean = text.toUpperCase().replace(/[\s-]/g, '').replace(/0/g, 'O').replace(/1/g, 'I').replace(/8/g, 'B');
  if (!/^[A-Z2-7]{52}$/.test(clean)) throw new UserError(t.wrongRecovery);
  let bits = 0;
  let value = 0;
  const bytes = [];
  for (const char of clean) {
    value = ((value << 5) | BASE32.indexOf(char)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return new Uint8Array(bytes.slice(0, 32));
}

function newKdf() {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return { alg: 'PBKDF2', hash: 'SHA-256', iterations: PBKDF2_ITERATIONS, salt: toBase64(salt), wrap: 'AES-KW' };
}

async function passphraseKek(passphrase, kdf) {
  // Refuse weaker parameters than we would write, whatever the server hands back.
  if (kdf.alg !== 'PBKDF2' || kdf.hash !== 'SHA-256' || kdf.wrap !== 'AES-KW' || !(kdf.iterations >= PBKDF2_ITERATIONS)) {
    throw new UserError(t.failed);
  }
  const material = await crypto.subtle.importKey('raw', encoder.encode(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: fromBase64(kdf.salt), iterations: kdf.iterations },
    material,
    { name: 'AES-KW', length: 256 },
    false,
    ['wrapKey', 'unwrapKey'],
  );
}

function recoveryKek(bytes) {
  return crypto.subtle.importKey('raw', bytes, 'AES-KW', false, ['wrapKey', 'unwrapKey']);
}

async function wrapNoteKey(key, kek) {
  return toBase64(new Uint8Array(await crypto.subtle.wrapKey('raw', key, kek, 'AES-KW')));
}

function unwrapNoteKey(wrapped, kek, extractable) {
  return crypto.subtle.unwrapKey('raw', fromBase64(wrapped), kek, 'AES-KW', { name: 'AES-GCM' }, extractable, ['encrypt', 'decrypt']);
}

/** AES-KW checks integrity on unwrap, so a wrong passphrase or recovery key fails here and nowhere later. */
async function unwrapOrExplain(wrapped, kek, extractable, message) {
  try {
    return await unwrapNoteKey(wrapped, kek, extractable);
  } catch {
    throw new UserError(message);
  }
}

/** Binds each ciphertext to its key and client, so a note moved to another client's list fails to decrypt. */
function associatedData(keyId) {
  return encoder.encode('praxisraum/session-note/v1\n' + keyId + '\n' + CLIENT_ID);
}

async function encryptNote(text) {
  const plain = encoder.encode(JSON.stringify({ v: 1, text }));
  if (plain.length > MAX_NOTE_BYTES) throw new UserError(t.tooLong);
  // Trailing spaces are valid JSON whitespace, so the padding needs no length field.
  const padded = new Uint8Array(Math.ceil(plain.length / PAD_BLOCK) * PAD_BLOCK).fill(0x20);
  padded.set(plain);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: associatedData(keyRecord.id) }, noteKey, padded);
  return { keyId: keyRecord.id, iv: toBase64(iv), ciphertext: toBase64(new Uint8Array(sealed)) };
}

async function decryptNote(note) {
  const params = { name: 'AES-GCM', iv: fromBase64(note.iv), additionalData: associatedData(note.keyId) };
  const parsed = JSON.parse(decoder.decode(await crypto.subtle.decrypt(params, noteKey, fromBase64(note.ciphertext))));
  if (typeof parsed.text !== 'string') throw new Error('unexpected note format');
  return parsed.text;
}

async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = CSRF;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  if (response.status === 401) throw new UserError(t.signedOut);
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new UserError((data && data.error && data.error.message) || t.failed);
  return data;
}

function newPassphrase(firstId, secondId) {
  const first = el(firstId).value;
  if (first.length < MIN_PASSPHRASE) throw new UserError(t.tooShort);
  if (first !== el(secondId).value) throw new UserError(t.mismatch);
  return first;
}

function clearInputs(form) {
  for (const input of form.querySelectorAll('input, textarea')) {
    if (input.type === 'checkbox') input.checked = false;
    else input.value = '';
  }
}

function appendLines(target, text) {
  text.split('\n').forEach((line, index) => {
    if (index > 0) target.append(document.createElement('br'));
    target.append(line);
  });
}

async function noteItem(note) {
  const item = document.createElement('li');
  item.dataset.noteId = note.id;
  const header = document.createElement('p');
  const time = document.createElement('time');
  time.dateTime = new Date(note.createdAt).toISOString();
  time.textContent = dateFormat.format(note.createdAt);
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'link';
  remove.textContent = t.delete;
  remove.dataset.deleteNote = note.id;
  header.append(time, ' ', remove);
  const body = document.createElement('p');
  body.dataset.testid = 'note-text';
  try {
    appendLines(body, await decryptNote(note));
  } catch {
    body.className = 'field-error';
    body.textContent = t.undecryptable;
  }
  item.append(header, body);
  return item;
}

async function openNotes() {
  const { notes } = await api('GET', notesPath(''));
  el('notes-list').replaceChildren(...(await Promise.all(notes.map(noteItem))));
  el('notes-empty').hidden = notes.length > 0;
  show('notes-notes');
  say(t.unlocked);
  el('new-note').focus();
}

async function loadKeyState() {
  keyRecord = (await api('GET', '/api/notes/key')).key;
  show(keyRecord ? 'notes-unlock' : 'notes-setup');
}

function onSubmit(formId, action) {
  const form = el(formId);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    fail('');
    say(t.working);
    try {
      await action(form);
    } catch (error) {
      fail(error instanceof UserError ? error.message : t.failed);
      // The error's name only: a message could quote input.
      if (!(error instanceof UserError)) console.error('notes:', error && error.name);
    } finally {
      button.disabled = false;
    }
  });
}

onSubmit('notes-setup-form', async (form) => {
  const passphrase = newPassphrase('setup-passphrase', 'setup-passphrase-repeat');
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
  const recovery = crypto.getRandomValues(new Uint8Array(32));
  const kdf = newKdf();
  const body = {
    kdf,
    wrappedByPassphrase: await wrapNoteKey(key, await passphraseKek(passphrase, kdf)),
    wrappedByRecovery: await wrapNoteKey(key, await recoveryKek(recovery)),
  };
  const created = await api('POST', '/api/notes/key', body).catch(async (error) => {
    await loadKeyState(); // another tab may have set the key up first
    throw error;
  });
  keyRecord = created.key;
  // From here on only a non-extractable copy of the note key stays in memory.
  noteKey = await unwrapNoteKey(keyRecord.wrappedByRecovery, await recoveryKek(recovery), false);
  el('notes-recovery-key').textContent = formatRecoveryKey(recovery);
  recovery.fill(0);
  clearInputs(form);
  say('');
  show('notes-recovery');
  el('notes-recovery-stored').focus();
});

onSubmit('notes-recovery-form', async (form) => {
  el('notes-recovery-key').textContent = '';
  clearInputs(form);
  await openNotes();
});

onSubmit('notes-unlock-form', async (form) => {
  const kek = await passphraseKek(el('unlock-passphrase').value, keyRecord.kdf);
  clearInputs(form);
  noteKey = await unwrapOrExplain(keyRecord.wrappedByPassphrase, kek, false, t.wrongPassphrase);
  await openNotes();
});

onSubmit('notes-recover-form', async (form) => {
  const recovery = parseRecoveryKey(el('recover-key').value);
  const passphrase = newPassphrase('recover-passphrase', 'recover-passphrase-repeat');
  const kek = await recoveryKek(recovery);
  recovery.fill(0);
  // Extractable only for this one re-wrap under the new passphrase.
  const rewrappable = await unwrapOrExplain(keyRecord.wrappedByRecovery, kek, true, t.wrongRecovery);
  const kdf = newKdf();
  const wrappedByPassphrase = await wrapNoteKey(rewrappable, await passphraseKek(passphrase, kdf));
  keyRecord = (await api('PUT', '/api/notes/key', { keyId: keyRecord.id, kdf, wrappedByPassphrase })).key;
  noteKey = await unwrapNoteKey(keyRecord.wrappedByRecovery, kek, false);
  clearInputs(form);
  form.closest('details').open = false;
  await openNotes();
});

onSubmit('notes-new-form', async () => {
  const text = el('new-note').value;
  if (!text.trim()) throw new UserError(t.emptyNote);
  const { note } = await api('POST', notesPath(''), await encryptNote(text));
  el('new-note').value = '';
  el('notes-list').prepend(await noteItem(note));
  el('notes-empty').hidden = true;
  say(t.saved);
});

el('notes-list').addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-delete-note]');
  if (!button || !confirm(t.confirmDelete)) return;
  button.disabled = true;
  fail('');
  try {
    await api('DELETE', notesPath('/' + encodeURIComponent(button.dataset.deleteNote)));
    button.closest('li').remove();
    el('notes-empty').hidden = el('notes-list').children.length > 0;
    say(t.deleted);
  } catch (error) {
    button.disabled = false;
    fail(error instanceof UserError ? error.message : t.failed);
  }
});

el('notes-lock').addEventListener('click', () => {
  noteKey = null;
  el('notes-list').replaceChildren();
  show('notes-unlock');
  say(t.locked);
});

if (globalThis.crypto && crypto.subtle) {
  loadKeyState().catch((error) => fail(error instanceof UserError ? error.message : t.failed));
} else {
  fail(t.noWebCrypto);
}
`;
