import { and, desc, eq } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors';
import { noteKeys, sessionNotes } from '../../db/schema';
import { newId } from '../lib/crypto';
import { AppError } from '../lib/errors';
import type { TherapistActor } from '../lib/actor';
import { auditInsert } from './audit';
import { clientOfPractice, type Client } from './clients';
import type { Deps } from './deps';

// Zero-knowledge session notes: the browser encrypts, this service stores opaque strings. Nothing here decodes,
// inspects or logs a ciphertext, IV or wrapped key (Art. 9 and 32 GDPR: health data, encryption as a safeguard).

export type KdfParams = { alg: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string; wrap: 'AES-KW' };
export type NoteKeyInput = { kdf: KdfParams; wrappedByPassphrase: string; wrappedByRecovery: string };
export type PassphraseWrapInput = { keyId: string; kdf: KdfParams; wrappedByPassphrase: string };
export type EncryptedNote = { keyId: string; iv: string; ciphertext: string };
export type StoredNote = EncryptedNote & { id: string; createdAt: number };
export type NoteKey = { id: string; kdf: Record<string, string | number>; wrappedByPassphrase: string; wrappedByRecovery: string; createdAt: number };

/**
 * The first key of a practice has a fixed id, so the primary key itself admits one key per practice: two
 * concurrent set-ups cannot both succeed, and the loser's audit entry rolls back with its insert.
 */
function firstKeyId(practiceId: string): string {
  return `${practiceId}.k1`;
}

export async function getKey(deps: Deps, practiceId: string): Promise<NoteKey | null> {
  const key = await deps.db.query.noteKeys.findFirst({ where: eq(noteKeys.practiceId, practiceId), orderBy: desc(noteKeys.createdAt) });
  return key ? { id: key.id, kdf: key.kdf, wrappedByPassphrase: key.wrappedByPassphrase, wrappedByRecovery: key.wrappedByRecovery, createdAt: key.createdAt } : null;
}

/** Stores the practice's wrapped note key, once. Replacing the passphrase wrap goes through `replacePassphraseWrap`. */
export async function setKey(deps: Deps, actor: TherapistActor, input: NoteKeyInput): Promise<NoteKey> {
  const now = deps.now();
  const key = { id: firstKeyId(actor.practiceId), kdf: input.kdf, wrappedByPassphrase: input.wrappedByPassphrase, wrappedByRecovery: input.wrappedByRecovery, createdAt: now };
  try {
    await deps.db.batch([
      deps.db.insert(noteKeys).values({ ...key, practiceId: actor.practiceId }),
      auditInsert(deps.db, { action: 'notes.key_created', actor, practiceId: actor.practiceId, targetId: key.id }, now),
    ]);
  } catch (error) {
    if (isUniqueViolation(error, 'note_keys.id')) throw new AppError('CONFLICT', 'notes.keyExists');
    throw error;
  }
  return key;
}

/** After unlocking with the recovery key, the browser wraps the same note key under a new passphrase. */
export async function replacePassphraseWrap(deps: Deps, actor: TherapistActor, input: PassphraseWrapInput): Promise<NoteKey> {
  const key = await getKey(deps, actor.practiceId);
  if (!key || key.id !== input.keyId) throw new AppError('NOT_FOUND', 'notes.noSuchKey');
  const now = deps.now();
  await deps.db.batch([
    deps.db
      .update(noteKeys)
      .set({ kdf: input.kdf, wrappedByPassphrase: input.wrappedByPassphrase })
      .where(and(eq(noteKeys.id, key.id), eq(noteKeys.practiceId, actor.practiceId))),
    auditInsert(deps.db, { action: 'notes.passphrase_rewrapped', actor, practiceId: actor.practiceId, targetId: key.id }, now),
  ]);
  return { ...key, kdf: input.kdf, wrappedByPassphrase: input.wrappedByPassphrase };
}

/** What the notes page needs to render: the client (404 for another practice's id) and whether a key exists. */
export async function openNotes(deps: Deps, practiceId: string, clientId: string): Promise<{ client: Client; hasKey: boolean }> {
  const [client, key] = await Promise.all([clientOfPractice(deps, practiceId, clientId), getKey(deps, practiceId)]);
  return { client, hasKey: key !== null };
}

const noteColumns = { id: sessionNotes.id, keyId: sessionNotes.keyId, iv: sessionNotes.iv, ciphertext: sessionNotes.ciphertext, createdAt: sessionNotes.createdAt };

export async function listNotes(deps: Deps, practiceId: string, clientId: string): Promise<StoredNote[]> {
  await clientOfPractice(deps, practiceId, clientId);
  return deps.db
    .select(noteColumns)
    .from(sessionNotes)
    .where(and(eq(sessionNotes.practiceId, practiceId), eq(sessionNotes.clientId, clientId)))
    .orderBy(desc(sessionNotes.createdAt), desc(sessionNotes.id));
}

export async function addNote(deps: Deps, actor: TherapistActor, clientId: string, note: EncryptedNote): Promise<StoredNote> {
  const [, key] = await Promise.all([clientOfPractice(deps, actor.practiceId, clientId), getKey(deps, actor.practiceId)]);
  if (!key || key.id !== note.keyId) {
    throw new AppError('VALIDATION_FAILED', 'notes.wrongKey', { keyId: 'notes.unknownKeyField' });
  }
  const now = deps.now();
  const stored: StoredNote = { id: newId(), keyId: note.keyId, iv: note.iv, ciphertext: note.ciphertext, createdAt: now };
  await deps.db.batch([
    deps.db.insert(sessionNotes).values({ ...stored, practiceId: actor.practiceId, clientId }),
    auditInsert(deps.db, { action: 'note.created', actor, practiceId: actor.practiceId, targetId: stored.id }, now),
  ]);
  return stored;
}

export async function deleteNote(deps: Deps, actor: TherapistActor, clientId: string, noteId: string): Promise<void> {
  await clientOfPractice(deps, actor.practiceId, clientId);
  const scope = and(eq(sessionNotes.id, noteId), eq(sessionNotes.practiceId, actor.practiceId), eq(sessionNotes.clientId, clientId));
  const existing = await deps.db.select({ id: sessionNotes.id }).from(sessionNotes).where(scope).limit(1);
  if (existing.length === 0) throw new AppError('NOT_FOUND', 'notes.noSuchNote');
  const now = deps.now();
  await deps.db.batch([
    deps.db.delete(sessionNotes).where(scope),
    auditInsert(deps.db, { action: 'note.deleted', actor, practiceId: actor.practiceId, targetId: noteId }, now),
  ]);
}
