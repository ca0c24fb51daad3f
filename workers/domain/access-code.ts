import { toBase64Url, toHex } from '../lib/crypto';

/**
 * Access codes of video appointments: how they are made, stored and throttled. A code is 9 characters from a
 * 32-letter alphabet (45 bits). It is stored as an HMAC-SHA-256 under the deployment's secret with a random
 * per-appointment salt, so a copy of the database alone cannot test guesses offline, and the same code in two
 * appointments gives two different values (Art. 32 GDPR). Older rows hold a bare SHA-256; they still verify and are
 * rewritten in the keyed form on the first right code (see accessCodeMatches).
 */
const PREFIX = 'hmac1';
const encoder = new TextEncoder();

/**
 * Guessing is slowed, never locked: at most this many attempts per appointment in a window, counted in one
 * conditional UPDATE (see claimAttempt in services/calls.ts). A stranger who fills the public window cannot keep out a
 * client who brings the link key (below), which has a window of its own; at 10 a minute a whole year of guessing
 * covers about 2^22 of the 2^45 codes.
 */
export const ACCESS_CODE_ATTEMPTS_PER_WINDOW = 10;
export const ACCESS_CODE_WINDOW_MS = 60_000;

const ACCESS_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A code a person can read out and type: 9 characters from an alphabet without look-alikes, grouped by three. */
export function accessCodeFrom(bytes: Uint8Array): string {
  const chars = Array.from(bytes.subarray(0, 9), (b) => ACCESS_CODE_ALPHABET[b % ACCESS_CODE_ALPHABET.length]).join('');
  return `${chars.slice(0, 3)}-${chars.slice(3, 6)}-${chars.slice(6)}`;
}

export function newAccessCode(): string {
  return accessCodeFrom(crypto.getRandomValues(new Uint8Array(9)));
}

/** What a person typed, without case, spaces and dashes. */
export function normaliseAccessCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

async function mac(secret: string, salt: string, code: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return toHex(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`access-code:${salt}:${normaliseAccessCode(code)}`))));
}

/** The stored form: `hmac1$<salt>$<mac>`. */
export async function hashAccessCode(code: string, secret: string): Promise<string> {
  const salt = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  return `${PREFIX}$${salt}$${await mac(secret, salt, code)}`;
}

async function legacyHash(code: string): Promise<string> {
  // The form before keyed hashes: SHA-256 of `token:<code>` (hashToken in lib/crypto.ts).
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(`token:${normaliseAccessCode(code)}`))));
}

function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** Whether `code` is the one `stored` was made from; `legacy` tells the caller to store the keyed form instead. */
export async function accessCodeMatches(code: string, stored: string, secret: string): Promise<{ ok: boolean; legacy: boolean }> {
  const [prefix, salt, expected] = stored.split('$');
  if (prefix === PREFIX && salt && expected) return { ok: sameText(await mac(secret, salt, code), expected), legacy: false };
  const ok = sameText(await legacyHash(code), stored);
  return { ok, legacy: ok };
}

/**
 * Link keys: a per-appointment secret that only the emailed call link carries, in its fragment (`/call/<id>#k=<key>`,
 * which never reaches a server or a log). A join that brings the right key counts its code attempts in a window of its
 * own, so a stranger who knows only the appointment id and fills the public window cannot keep the client out. The
 * row keeps a random seed; the key is an HMAC of it under the deployment's secret, so a copy of the database alone
 * does not give the key, while reminders can still rebuild the link. A new seed (access-code re-issue) retires the key.
 */
export function newLinkKeySeed(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

export async function linkKeyOf(appointmentId: string, seed: string, secret: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`call-link-key:${appointmentId}:${seed}`)))).slice(0, 32);
}

/** Whether `offered` is the link key of the appointment's current seed (false when either is missing). */
export async function linkKeyMatches(appointmentId: string, offered: string | undefined, seed: string | null, secret: string): Promise<boolean> {
  if (!offered || seed === null) return false;
  return sameText(await linkKeyOf(appointmentId, seed, secret), offered);
}
