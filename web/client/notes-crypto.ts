/**
 * The notes page's key handling (WebCrypto), used by notes.ts. Design: a random 256-bit AES-GCM note key per
 * practice, wrapped (AES-KW) under a key derived from the passphrase with PBKDF2-SHA-256 (600,000 iterations, OWASP)
 * and, separately, under a random 256-bit recovery key shown once. Only the wrapped blobs, the KDF parameters, IVs and
 * ciphertexts ever reach the server.
 */
export const PBKDF2_ITERATIONS = 600000; // OWASP's figure for PBKDF2-HMAC-SHA256
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const encoder = new TextEncoder();

/** A refusal the page shows as it is; its message comes from the page's catalogue. */
export class UserError extends Error {}

export type Kdf = { alg: string; hash: string; iterations: number; salt: string; wrap: string };

export function toBase64(bytes: Uint8Array) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function fromBase64(text: string) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** RFC 4648 base32 in groups of four: 52 characters for 256 bits, readable aloud and easy to write down. */
export function formatRecoveryKey(bytes: Uint8Array) {
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
  return (out.match(/.{1,4}/g) ?? []).join('-');
}

export function parseRecoveryKey(text: string, wrongRecovery: string) {
  // Forgiving input: any case, spaces or hyphens, and digits mistaken for the letters they resemble.
  const clean = text.toUpperCase().replace(/[\s-]/g, '').replace(/0/g, 'O').replace(/1/g, 'I').replace(/8/g, 'B');
  if (!/^[A-Z2-7]{52}$/.test(clean)) throw new UserError(wrongRecovery);
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
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

export function newKdf(): Kdf {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return { alg: 'PBKDF2', hash: 'SHA-256', iterations: PBKDF2_ITERATIONS, salt: toBase64(salt), wrap: 'AES-KW' };
}

export async function passphraseKek(passphrase: string, kdf: Kdf, failed: string) {
  // Refuse weaker parameters than we would write, whatever the server hands back.
  if (kdf.alg !== 'PBKDF2' || kdf.hash !== 'SHA-256' || kdf.wrap !== 'AES-KW' || !(kdf.iterations >= PBKDF2_ITERATIONS)) {
    throw new UserError(failed);
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

export function recoveryKek(bytes: Uint8Array<ArrayBuffer>) {
  return crypto.subtle.importKey('raw', bytes, 'AES-KW', false, ['wrapKey', 'unwrapKey']);
}

export async function wrapNoteKey(key: CryptoKey, kek: CryptoKey) {
  return toBase64(new Uint8Array(await crypto.subtle.wrapKey('raw', key, kek, 'AES-KW')));
}

export function unwrapNoteKey(wrapped: string, kek: CryptoKey, extractable: boolean) {
  return crypto.subtle.unwrapKey('raw', fromBase64(wrapped), kek, 'AES-KW', { name: 'AES-GCM' }, extractable, ['encrypt', 'decrypt']);
}

/** AES-KW checks integrity on unwrap, so a wrong passphrase or recovery key fails here and nowhere later. */
export async function unwrapOrExplain(wrapped: string, kek: CryptoKey, extractable: boolean, message: string) {
  try {
    return await unwrapNoteKey(wrapped, kek, extractable);
  } catch {
    throw new UserError(message);
  }
}
