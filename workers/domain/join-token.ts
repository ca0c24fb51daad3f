import { z } from 'zod';
import { toBase64Url } from '../lib/crypto';

/**
 * Join tokens open a call room's WebSocket. They are HMAC-SHA-256 signed (WebCrypto), live two minutes, are bound
 * to one room and one role, and carry a random id (`jti`) that the room accepts once: a replayed token is refused.
 * They carry no name (the typed name travels once, in the socket's handshake header, see call-routes.tsx), and they
 * travel in the Sec-WebSocket-Protocol header, never in a URL that request logs keep.
 */
export const JOIN_TOKEN_TTL_MS = 2 * 60_000;

export const joinClaims = z
  .object({
    /** 'join' opens the socket (two minutes, once); 'report' only posts call metrics, until the room closes. */
    use: z.enum(['join', 'report']),
    room: z.string().min(1).max(64),
    role: z.enum(['therapist', 'client']),
    /** `therapist:<user id>` for the therapist; `client` for every client (the room tells clients apart by browser key). */
    participant: z.string().min(1).max(128),
    jti: z.string().min(16).max(64),
    exp: z.number().int(),
  })
  .strict();
export type JoinClaims = z.infer<typeof joinClaims>;

const encoder = new TextEncoder();

function importKey(secret: string) {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

function fromBase64Url(text: string): Uint8Array {
  const padded = text.replaceAll('-', '+').replaceAll('_', '/');
  return Uint8Array.from(atob(padded + '='.repeat((4 - (padded.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

export async function signJoinToken(claims: JoinClaims, secret: string): Promise<string> {
  const payload = toBase64Url(encoder.encode(JSON.stringify(claims)));
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', await importKey(secret), encoder.encode(payload)));
  return `${payload}.${toBase64Url(signature)}`;
}

export type TokenCheck = { ok: true; claims: JoinClaims } | { ok: false; reason: 'malformed' | 'forged' | 'expired' | 'wrong-room' };

export async function verifyJoinToken(token: string, secret: string, expected: { room: string; now: number; use?: 'join' | 'report' }): Promise<TokenCheck> {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined || token.length > 2048) return { ok: false, reason: 'malformed' };
  let valid = false;
  try {
    valid = await crypto.subtle.verify('HMAC', await importKey(secret), fromBase64Url(signature), encoder.encode(payload));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!valid) return { ok: false, reason: 'forged' };
  let parsed: ReturnType<typeof joinClaims.safeParse>;
  try {
    parsed = joinClaims.safeParse(JSON.parse(new TextDecoder().decode(fromBase64Url(payload))));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  if (parsed.data.exp <= expected.now) return { ok: false, reason: 'expired' };
  if (parsed.data.room !== expected.room) return { ok: false, reason: 'wrong-room' };
  if (parsed.data.use !== (expected.use ?? 'join')) return { ok: false, reason: 'forged' };
  return { ok: true, claims: parsed.data };
}
