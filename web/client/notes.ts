import { intlTag, isLocale } from '../../workers/domain/locale';
import type { NotesMessages } from '../i18n/notes';
import { api, field, readKeyRecord, readNote, type KeyRecord, type StoredNote } from './notes-api';
import {
  formatRecoveryKey, fromBase64, newKdf, parseRecoveryKey, passphraseKek, recoveryKek, toBase64, unwrapNoteKey, unwrapOrExplain, UserError, wrapNoteKey,
} from './notes-crypto';
import { byId, pageRoot, readMessages } from './page-data';

// /static/notes.js. Session notes are encrypted and decrypted only in this browser (WebCrypto, notes-crypto.ts). The
// passphrase, the recovery key and the note key in clear never leave this page; the server stores wrapped keys, IVs
// and ciphertexts it cannot read.
const root = pageRoot('notes-app');
const CLIENT_ID = root.dataset.clientId || '';
const CSRF = root.dataset.csrf || '';
const t = readMessages<NotesMessages>(root.dataset.messages);

const MIN_PASSPHRASE = 12;
const MAX_NOTE_BYTES = 44000; // keeps one encrypted note well under the server's 64 KiB body limit
const PAD_BLOCK = 256; // plaintexts are padded to a multiple of this, so ciphertext sizes say little about notes
const SECTIONS = ['notes-setup', 'notes-recovery', 'notes-unlock', 'notes-notes'];
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const pageLang = document.documentElement.lang;
// The same English as the server's pages (day before month, 24-hour clock).
const dateFormat = new Intl.DateTimeFormat(isLocale(pageLang) ? intlTag(pageLang) : undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The server's record of the practice key: id, KDF parameters and the two wrapped copies. */
let keyRecord: KeyRecord | null = null;
/** The unwrapped note key: non-extractable, held in memory for this page's life only, never stored. */
let noteKey: CryptoKey | null = null;

const el = (id: string) => byId(id, HTMLElement);
const input = (id: string) => byId(id, HTMLInputElement);
const notesPath = (suffix: string) => '/api/clients/' + encodeURIComponent(CLIENT_ID) + '/notes' + suffix;
const call = (method: string, path: string, body?: unknown) => api(t, CSRF, method, path, body);

function show(section: string) {
  for (const id of SECTIONS) el(id).hidden = id !== section;
}

function say(text: string) {
  el('notes-status').textContent = text;
  el('notes-status').hidden = !text;
}

function fail(text: string) {
  el('notes-error').textContent = text;
  el('notes-error').hidden = !text;
  if (text) say('');
}

/** The key record the unlock and recovery forms work with; set up by loadKeyState before they are shown. */
function currentKey(): KeyRecord {
  if (!keyRecord) throw new UserError(t.failed);
  return keyRecord;
}

function unlockedKey(): CryptoKey {
  if (!noteKey) throw new UserError(t.failed);
  return noteKey;
}

/** Binds each ciphertext to its key and client, so a note moved to another client's list fails to decrypt. */
function associatedData(keyId: string) {
  return encoder.encode('praxisraum/session-note/v1\n' + keyId + '\n' + CLIENT_ID);
}

async function encryptNote(text: string) {
  const plain = encoder.encode(JSON.stringify({ v: 1, text }));
  if (plain.length > MAX_NOTE_BYTES) throw new UserError(t.tooLong);
  // Trailing spaces are valid JSON whitespace, so the padding needs no length field.
  const padded = new Uint8Array(Math.ceil(plain.length / PAD_BLOCK) * PAD_BLOCK).fill(0x20);
  padded.set(plain);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = currentKey();
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: associatedData(key.id) }, unlockedKey(), padded);
  return { keyId: key.id, iv: toBase64(iv), ciphertext: toBase64(new Uint8Array(sealed)) };
}

async function decryptNote(note: StoredNote) {
  const params = { name: 'AES-GCM', iv: fromBase64(note.iv), additionalData: associatedData(note.keyId) };
  const parsed: unknown = JSON.parse(decoder.decode(await crypto.subtle.decrypt(params, unlockedKey(), fromBase64(note.ciphertext))));
  const text = field(parsed, 'text');
  if (typeof text !== 'string') throw new Error('unexpected note format');
  return text;
}

function newPassphrase(firstId: string, secondId: string) {
  const first = input(firstId).value;
  if (first.length < MIN_PASSPHRASE) throw new UserError(t.tooShort);
  if (first !== input(secondId).value) throw new UserError(t.mismatch);
  return first;
}

function clearInputs(form: HTMLFormElement) {
  for (const control of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')) {
    if (control instanceof HTMLInputElement && control.type === 'checkbox') control.checked = false;
    else control.value = '';
  }
}

function appendLines(target: HTMLElement, text: string) {
  text.split('\n').forEach((line, index) => {
    if (index > 0) target.append(document.createElement('br'));
    target.append(line);
  });
}

async function noteItem(note: StoredNote) {
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
  const list = field(await call('GET', notesPath('')), 'notes');
  const notes = (Array.isArray(list) ? list : []).map((note: unknown) => readNote(note, t.failed));
  el('notes-list').replaceChildren(...(await Promise.all(notes.map(noteItem))));
  el('notes-empty').hidden = notes.length > 0;
  show('notes-notes');
  say(t.unlocked);
  el('new-note').focus();
}

async function loadKeyState() {
  keyRecord = readKeyRecord(await call('GET', '/api/notes/key'), t.failed);
  show(keyRecord ? 'notes-unlock' : 'notes-setup');
}

function onSubmit(formId: string, action: (form: HTMLFormElement) => Promise<void>) {
  const form = byId(formId, HTMLFormElement);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type=submit]');
    if (button) button.disabled = true;
    fail('');
    say(t.working);
    try {
      await action(form);
    } catch (error) {
      fail(error instanceof UserError ? error.message : t.failed);
      // The error's name only: a message could quote input.
      if (!(error instanceof UserError)) console.error('notes:', error instanceof Error ? error.name : undefined);
    } finally {
      if (button) button.disabled = false;
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
    wrappedByPassphrase: await wrapNoteKey(key, await passphraseKek(passphrase, kdf, t.failed)),
    wrappedByRecovery: await wrapNoteKey(key, await recoveryKek(recovery)),
  };
  const created = await call('POST', '/api/notes/key', body).catch(async (error: unknown) => {
    await loadKeyState(); // another tab may have set the key up first
    throw error;
  });
  keyRecord = readKeyRecord(created, t.failed);
  // From here on only a non-extractable copy of the note key stays in memory.
  noteKey = await unwrapNoteKey(currentKey().wrappedByRecovery, await recoveryKek(recovery), false);
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
  const key = currentKey();
  const kek = await passphraseKek(input('unlock-passphrase').value, key.kdf, t.failed);
  clearInputs(form);
  noteKey = await unwrapOrExplain(key.wrappedByPassphrase, kek, false, t.wrongPassphrase);
  await openNotes();
});

onSubmit('notes-recover-form', async (form) => {
  const key = currentKey();
  const recovery = parseRecoveryKey(input('recover-key').value, t.wrongRecovery);
  const passphrase = newPassphrase('recover-passphrase', 'recover-passphrase-repeat');
  const kek = await recoveryKek(recovery);
  recovery.fill(0);
  // Extractable only for this one re-wrap under the new passphrase.
  const rewrappable = await unwrapOrExplain(key.wrappedByRecovery, kek, true, t.wrongRecovery);
  const kdf = newKdf();
  const wrappedByPassphrase = await wrapNoteKey(rewrappable, await passphraseKek(passphrase, kdf, t.failed));
  keyRecord = readKeyRecord(await call('PUT', '/api/notes/key', { keyId: key.id, kdf, wrappedByPassphrase }), t.failed);
  noteKey = await unwrapNoteKey(currentKey().wrappedByRecovery, kek, false);
  clearInputs(form);
  const details = form.closest('details');
  if (details) details.open = false;
  await openNotes();
});

onSubmit('notes-new-form', async () => {
  const text = byId('new-note', HTMLTextAreaElement).value;
  if (!text.trim()) throw new UserError(t.emptyNote);
  const note = readNote(field(await call('POST', notesPath(''), await encryptNote(text)), 'note'), t.failed);
  byId('new-note', HTMLTextAreaElement).value = '';
  el('notes-list').prepend(await noteItem(note));
  el('notes-empty').hidden = true;
  say(t.saved);
});

el('notes-list').addEventListener('click', async (event) => {
  const button = event.target instanceof Element ? event.target.closest<HTMLButtonElement>('button[data-delete-note]') : null;
  if (!button || !confirm(t.confirmDelete)) return;
  button.disabled = true;
  fail('');
  try {
    await call('DELETE', notesPath('/' + encodeURIComponent(button.dataset.deleteNote || '')));
    button.closest('li')?.remove();
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
  loadKeyState().catch((error: unknown) => fail(error instanceof UserError ? error.message : t.failed));
} else {
  fail(t.noWebCrypto);
}
