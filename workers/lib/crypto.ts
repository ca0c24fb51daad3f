// Thin helpers over WebCrypto; nothing here implements a primitive itself.

const encoder = new TextEncoder();

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A random token with `bytes` bytes of entropy (32 bytes = 256 bits) from the platform CSPRNG. */
export function randomToken(bytes = 32): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text))));
}

/** Tokens are stored only as this hash, so a database leak does not hand out sessions or links. */
export function hashToken(token: string): Promise<string> {
  return sha256Hex(`token:${token}`);
}

export function newId(): string {
  return crypto.randomUUID();
}

/** HMAC-SHA-256 of `message` under `secret`, hex-encoded: a keyed hash that cannot be reversed without the secret. */
export async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return toHex(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message))));
}
