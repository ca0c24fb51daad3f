import { UserError, type Kdf } from './notes-crypto';

/**
 * The notes page's calls to its JSON API (workers/routes/notes-routes.tsx). Answers are checked for the fields the
 * page uses before use; the notes themselves are ciphertext the server cannot read.
 */
export type KeyRecord = { id: string; kdf: Kdf; wrappedByPassphrase: string; wrappedByRecovery: string };
export type StoredNote = { id: string; keyId: string; iv: string; ciphertext: string; createdAt: number };

type Texts = { signedOut: string; failed: string };
type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => !!value && typeof value === 'object' && !Array.isArray(value);
const hasStrings = (value: Json, keys: string[]) => keys.every((key) => typeof value[key] === 'string');

function readKdf(value: unknown): Kdf | null {
  if (!isObject(value) || !hasStrings(value, ['alg', 'hash', 'salt', 'wrap']) || typeof value.iterations !== 'number') return null;
  return { alg: String(value.alg), hash: String(value.hash), iterations: value.iterations, salt: String(value.salt), wrap: String(value.wrap) };
}

/** `{ key }` from GET, POST and PUT /api/notes/key: the practice's wrapped note key, or null before set-up. */
export function readKeyRecord(data: unknown, failed: string): KeyRecord | null {
  const key = isObject(data) ? data.key : undefined;
  if (key === null) return null;
  const kdf = isObject(key) ? readKdf(key.kdf) : null;
  if (!isObject(key) || !kdf || !hasStrings(key, ['id', 'wrappedByPassphrase', 'wrappedByRecovery'])) throw new UserError(failed);
  return { id: String(key.id), kdf, wrappedByPassphrase: String(key.wrappedByPassphrase), wrappedByRecovery: String(key.wrappedByRecovery) };
}

export function readNote(value: unknown, failed: string): StoredNote {
  if (!isObject(value) || !hasStrings(value, ['id', 'keyId', 'iv', 'ciphertext']) || typeof value.createdAt !== 'number') throw new UserError(failed);
  return { id: String(value.id), keyId: String(value.keyId), iv: String(value.iv), ciphertext: String(value.ciphertext), createdAt: value.createdAt };
}

export function field(data: unknown, name: string): unknown {
  return isObject(data) ? data[name] : undefined;
}

export async function api(texts: Texts, csrf: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  if (response.status === 401) throw new UserError(texts.signedOut);
  if (response.status === 204) return null;
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = field(field(data, 'error'), 'message');
    throw new UserError((typeof message === 'string' && message) || texts.failed);
  }
  return data;
}
