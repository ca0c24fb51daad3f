import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { book, bookablePractice, Client, countRows, freeSlots, type Therapist } from './harness';

// The browser's side of the protocol, done here with the same WebCrypto calls, so the server sees what it would see.
const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const randomBase64 = (bytes: number) => toBase64(crypto.getRandomValues(new Uint8Array(bytes)));
const MARKER = 'Klientin berichtet über Schlafstörungen seit März';

type NoteKeyRecord = { id: string; kdf: Record<string, string | number>; wrappedByPassphrase: string; wrappedByRecovery: string };
type Note = { id: string; keyId: string; iv: string; ciphertext: string; createdAt: number };

function kdf(overrides: Record<string, unknown> = {}) {
  return { alg: 'PBKDF2', hash: 'SHA-256', iterations: 600_000, salt: randomBase64(16), wrap: 'AES-KW', ...overrides };
}

/** A fresh AES key (generateKey is typed for key pairs too, which these algorithms never return). */
async function secretKey(name: 'AES-KW' | 'AES-GCM', usages: string[]): Promise<CryptoKey> {
  const key = await crypto.subtle.generateKey({ name, length: 256 }, true, usages);
  if ('privateKey' in key) throw new Error('expected a secret key');
  return key;
}

async function wrapUnderRandomKek(noteKey: CryptoKey): Promise<string> {
  const kek = await secretKey('AES-KW', ['wrapKey']);
  return toBase64(new Uint8Array(await crypto.subtle.wrapKey('raw', noteKey, kek, 'AES-KW')));
}

/** A practice with one client (created by a public booking) and a signed-in therapist. */
async function practiceWithClient(): Promise<Therapist & { clientId: string }> {
  const practice = await bookablePractice();
  const [slot] = await freeSlots(practice.slug, practice.video.id);
  expect((await book(practice.slug, { typeId: practice.video.id, start: slot?.start ?? '' })).status).toBe(201);
  const row = await env.DB.prepare('SELECT id FROM clients WHERE practice_id = ?').bind(practice.practiceId).first<{ id: string }>();
  if (!row) throw new Error('booking created no client');
  return { ...practice, clientId: row.id };
}

/** Sets up a practice key as the browser would and returns the note key the browser would hold in memory. */
async function setUpKey(client: Client) {
  const noteKey = await secretKey('AES-GCM', ['encrypt', 'decrypt']);
  const body = { kdf: kdf(), wrappedByPassphrase: await wrapUnderRandomKek(noteKey), wrappedByRecovery: await wrapUnderRandomKek(noteKey) };
  const response = await client.json('/api/notes/key', body);
  expect(response.status).toBe(201);
  const { key } = await response.json<{ key: NoteKeyRecord }>();
  return { noteKey, key, body };
}

async function encrypt(noteKey: CryptoKey, keyId: string, text: string) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, noteKey, new TextEncoder().encode(text));
  return { keyId, iv: toBase64(iv), ciphertext: toBase64(new Uint8Array(sealed)) };
}

async function decrypt(noteKey: CryptoKey, note: Note): Promise<string> {
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(note.iv) }, noteKey, fromBase64(note.ciphertext));
  return new TextDecoder().decode(plain);
}

async function auditActions(practiceId: string): Promise<string[]> {
  const rows = await env.DB.prepare('SELECT action FROM audit_events WHERE practice_id = ? ORDER BY at').bind(practiceId).all<{ action: string }>();
  return rows.results.map((r) => r.action);
}

describe('the practice notes key', () => {
  it('stores exactly the wrapped blobs and KDF parameters it was sent, and nothing else', async () => {
    const practice = await practiceWithClient();
    const { key, body } = await setUpKey(practice.client);
    const row = await env.DB.prepare('SELECT * FROM note_keys WHERE practice_id = ?').bind(practice.practiceId).first<Record<string, unknown>>();
    expect(Object.keys(row ?? {}).sort()).toEqual(['created_at', 'id', 'kdf', 'practice_id', 'wrapped_by_passphrase', 'wrapped_by_recovery']);
    expect(JSON.parse(String(row?.kdf))).toEqual(body.kdf);
    expect(row?.wrapped_by_passphrase).toBe(body.wrappedByPassphrase);
    expect(row?.wrapped_by_recovery).toBe(body.wrappedByRecovery);
    expect(key.id).toBe(row?.id);
    expect(await auditActions(practice.practiceId)).toContain('notes.key_created');

    const read = await practice.client.fetch('/api/notes/key');
    expect(await read.json()).toEqual({ key: { ...body, id: key.id, createdAt: row?.created_at } });
  });

  it('refuses a second key for the same practice with 409 and keeps the first', async () => {
    const practice = await practiceWithClient();
    const { body } = await setUpKey(practice.client);
    const again = await practice.client.json('/api/notes/key', { kdf: kdf(), wrappedByPassphrase: randomBase64(40), wrappedByRecovery: randomBase64(40) });
    expect(again.status).toBe(409);
    const rows = await env.DB.prepare('SELECT wrapped_by_passphrase FROM note_keys WHERE practice_id = ?').bind(practice.practiceId).all();
    expect(rows.results).toEqual([{ wrapped_by_passphrase: body.wrappedByPassphrase }]);
  });

  it('replaces only the passphrase wrap after a recovery, leaving the recovery wrap as it was', async () => {
    const practice = await practiceWithClient();
    const { key, body } = await setUpKey(practice.client);
    const replacement = { keyId: key.id, kdf: kdf(), wrappedByPassphrase: randomBase64(40) };
    const response = await practice.client.json('/api/notes/key', replacement, 'PUT');
    expect(response.status).toBe(200);
    const row = await env.DB.prepare('SELECT * FROM note_keys WHERE id = ?').bind(key.id).first<Record<string, string>>();
    expect(row?.wrapped_by_passphrase).toBe(replacement.wrappedByPassphrase);
    expect(JSON.parse(row?.kdf ?? '')).toEqual(replacement.kdf);
    expect(row?.wrapped_by_recovery).toBe(body.wrappedByRecovery);
    expect(await auditActions(practice.practiceId)).toContain('notes.passphrase_rewrapped');
  });
});

describe('encrypted session notes', () => {
  it('round-trips a note as opaque ciphertext that only the key holder can decrypt', async () => {
    const practice = await practiceWithClient();
    const { noteKey, key } = await setUpKey(practice.client);
    const sent = await encrypt(noteKey, key.id, MARKER);
    const created = await practice.client.json(`/api/clients/${practice.clientId}/notes`, sent);
    expect(created.status).toBe(201);
    const { note } = await created.json<{ note: Note }>();

    const stored = await env.DB.prepare('SELECT * FROM session_notes WHERE id = ?').bind(note.id).first<Record<string, unknown>>();
    expect(stored).toMatchObject({ practice_id: practice.practiceId, client_id: practice.clientId, key_id: key.id, iv: sent.iv, ciphertext: sent.ciphertext });
    expect(JSON.stringify(stored)).not.toContain('Schlafstörungen');

    const listed = await (await practice.client.fetch(`/api/clients/${practice.clientId}/notes`)).json<{ notes: Note[] }>();
    expect(listed.notes).toEqual([note]);
    expect(await decrypt(noteKey, listed.notes[0] as Note)).toBe(MARKER);
    expect(await auditActions(practice.practiceId)).toContain('note.created');
  });

  it('deletes a note of its own client and records it', async () => {
    const practice = await practiceWithClient();
    const { noteKey, key } = await setUpKey(practice.client);
    const created = await practice.client.json(`/api/clients/${practice.clientId}/notes`, await encrypt(noteKey, key.id, MARKER));
    const { note } = await created.json<{ note: Note }>();
    const deleted = await practice.client.fetch(`/api/clients/${practice.clientId}/notes/${note.id}`, {
      method: 'DELETE',
      headers: { 'x-csrf-token': practice.client.csrfToken ?? '' },
    });
    expect(deleted.status).toBe(204);
    expect(await env.DB.prepare('SELECT id FROM session_notes WHERE id = ?').bind(note.id).first()).toBeNull();
    expect(await auditActions(practice.practiceId)).toContain('note.deleted');
  });

  it('refuses a note encrypted under a key the practice does not have', async () => {
    const practice = await practiceWithClient();
    const { noteKey } = await setUpKey(practice.client);
    const before = await countRows('session_notes');
    const response = await practice.client.json(`/api/clients/${practice.clientId}/notes`, await encrypt(noteKey, 'someone-elses-key', MARKER));
    expect(response.status).toBe(422);
    expect(await countRows('session_notes')).toBe(before);
  });
});

describe('validation', () => {
  const validNote = { keyId: 'k', iv: randomBase64(12), ciphertext: randomBase64(64) };
  const noteCases: [string, Record<string, unknown>][] = [
    ['a ciphertext that is not base64', { ...validNote, ciphertext: 'not base64!' }],
    ['a ciphertext above 44,048 bytes', { ...validNote, ciphertext: randomBase64(44_049) }],
    ['an IV that is not 96 bits', { ...validNote, iv: randomBase64(16) }],
    ['note text sent alongside the ciphertext', { ...validNote, text: MARKER }],
    ['a missing key id', { iv: validNote.iv, ciphertext: validNote.ciphertext }],
  ];

  it.each(noteCases)('answers 422 and writes nothing for %s', async (_name, body) => {
    const practice = await practiceWithClient();
    const { key } = await setUpKey(practice.client);
    const before = await countRows('session_notes');
    const response = await practice.client.json(`/api/clients/${practice.clientId}/notes`, { ...body, ...('keyId' in body ? { keyId: key.id } : {}) });
    expect(response.status).toBe(422);
    expect(await countRows('session_notes')).toBe(before);
  });

  const keyCases: [string, Record<string, unknown>][] = [
    ['fewer than 600,000 PBKDF2 iterations', { kdf: kdf({ iterations: 100_000 }) }],
    ['another key-derivation function', { kdf: kdf({ alg: 'scrypt' }) }],
    ['a short salt', { kdf: kdf({ salt: randomBase64(8) }) }],
    ['a wrapped key of the wrong length', { wrappedByRecovery: randomBase64(48) }],
    ['the passphrase itself', { passphrase: 'correct horse battery staple' }],
  ];

  it.each(keyCases)('answers 422 and stores no key for %s', async (_name, override) => {
    const practice = await practiceWithClient();
    const before = await countRows('note_keys');
    const response = await practice.client.json('/api/notes/key', { kdf: kdf(), wrappedByPassphrase: randomBase64(40), wrappedByRecovery: randomBase64(40), ...override });
    expect(response.status).toBe(422);
    expect(await countRows('note_keys')).toBe(before);
  });

  it('refuses a write without the CSRF header and stores nothing', async () => {
    const practice = await practiceWithClient();
    const before = await countRows('note_keys');
    const response = await practice.client.fetch('/api/notes/key', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kdf: kdf(), wrappedByPassphrase: randomBase64(40), wrappedByRecovery: randomBase64(40) }),
    });
    expect(response.status).toBe(403);
    expect(await countRows('note_keys')).toBe(before);
  });
});

describe('access', () => {
  it('answers another practice’s therapist with 404 for every notes route of this client, and changes nothing', async () => {
    const owner = await practiceWithClient();
    const { noteKey, key } = await setUpKey(owner.client);
    const created = await owner.client.json(`/api/clients/${owner.clientId}/notes`, await encrypt(noteKey, key.id, MARKER));
    const { note } = await created.json<{ note: Note }>();
    const intruder = await practiceWithClient();
    const intruderKey = await setUpKey(intruder.client);
    const before = await countRows('session_notes');

    expect((await intruder.client.fetch(`/dashboard/clients/${owner.clientId}/notes`)).status).toBe(404);
    expect((await intruder.client.fetch(`/api/clients/${owner.clientId}/notes`)).status).toBe(404);
    const write = await intruder.client.json(`/api/clients/${owner.clientId}/notes`, await encrypt(intruderKey.noteKey, intruderKey.key.id, 'x'));
    expect(write.status).toBe(404);
    // Even a malformed body learns nothing beyond "not found": the tenant check comes before validation.
    expect((await intruder.client.json(`/api/clients/${owner.clientId}/notes`, {})).status).toBe(404);
    const remove = await intruder.client.fetch(`/api/clients/${owner.clientId}/notes/${note.id}`, {
      method: 'DELETE',
      headers: { 'x-csrf-token': intruder.client.csrfToken ?? '' },
    });
    expect(remove.status).toBe(404);
    // Its own client id does not open someone else's note either.
    const crossed = await intruder.client.fetch(`/api/clients/${intruder.clientId}/notes/${note.id}`, {
      method: 'DELETE',
      headers: { 'x-csrf-token': intruder.client.csrfToken ?? '' },
    });
    expect(crossed.status).toBe(404);
    expect(await countRows('session_notes')).toBe(before);
    const replaced = await intruder.client.json('/api/notes/key', { keyId: key.id, kdf: kdf(), wrappedByPassphrase: randomBase64(40) }, 'PUT');
    expect(replaced.status).toBe(404);
  });

  it('sends anonymous visitors to sign-in and answers the API with 401', async () => {
    const owner = await practiceWithClient();
    const anonymous = new Client();
    const page = await anonymous.fetch(`/dashboard/clients/${owner.clientId}/notes`);
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/dashboard/clients/${owner.clientId}/notes`)}`);
    expect((await anonymous.fetch(`/api/clients/${owner.clientId}/notes`)).status).toBe(401);
    expect((await anonymous.fetch('/api/notes/key')).status).toBe(401);
    expect((await anonymous.json(`/api/clients/${owner.clientId}/notes`, { keyId: 'k', iv: randomBase64(12), ciphertext: randomBase64(32) })).status).toBe(401);
  });
});

describe('the notes page', () => {
  it('says plainly that nobody can read notes without the passphrase and loads its script under the CSP nonce', async () => {
    const practice = await practiceWithClient();
    const response = await practice.client.fetch(`/dashboard/clients/${practice.clientId}/notes?lang=en`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Without the passphrase or the recovery key nobody can read the notes — not the platform');
    const nonce = /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`<script type="module" nonce="${nonce}" src="/static/notes.js"></script>`);
    expect(html).toContain(`data-csrf="${practice.client.csrfToken}"`);

    const script = await practice.client.fetch('/static/notes.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const source = await script.text();
    expect(source).toContain("iterations: PBKDF2_ITERATIONS");
    // Bundled by esbuild, which prints every string in double quotes.
    expect(source).toMatch(/['"]x-csrf-token['"]/);
  });
});
