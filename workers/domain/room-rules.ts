import { z } from 'zod';
import { clientMessage, MAX_MESSAGE_BYTES, RATE_BURST, RATE_PER_SECOND, type ClientMessage, type RoomMessage } from '../rooms/protocol';

/**
 * The rules of a call room, as pure functions over plain data. The room holds one therapist seat and one client
 * seat; what it knows about each socket lives in that socket's attachment (runtime memory, never storage). The one
 * thing it stores besides its closing time is which client participants the therapist admitted, so that a restarted
 * room still knows them (see readAdmissions).
 */
export type Role = 'therapist' | 'client';

/** One socket's state, kept in its attachment so that it survives hibernation. */
export const participantState = z.object({
  role: z.enum(['therapist', 'client']),
  participant: z.string().min(1),
  /** As the participant typed it; shown to the therapist in the waiting room and never written to storage. */
  name: z.string(),
  admitted: z.boolean(),
  tokens: z.number(),
  refilledAt: z.number(),
  /** Rate-limited messages in a row; reset by any message within the limit. */
  strikes: z.number().int().min(0),
});
export type ParticipantState = z.infer<typeof participantState>;

export type Seat = Pick<ParticipantState, 'role' | 'participant' | 'admitted'>;

/**
 * Admitted client participants remembered per room. A client's participant id is `client:` and the SHA-256 of its
 * browser key (see clientParticipantOf): the key is a random secret the room handed that browser, so only the browser
 * the therapist admitted can come back without a new admission; a name typed the same way proves nothing. No key, name,
 * address or SDP is ever stored (Art. 5(1)(c) GDPR). The therapist is always admitted and so never listed. The cap
 * bounds storage if the therapist admits several browsers in one room; the oldest admission goes first.
 */
export const MAX_REMEMBERED_ADMISSIONS = 8;
const admissions = z.array(z.string().min(1).max(128)).max(MAX_REMEMBERED_ADMISSIONS);

/** The pseudonymous participant id of the browser holding `key`. */
export async function clientParticipantOf(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`browser-key:${key}`)));
  return `client:${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Join tokens the room has opened a socket for, by id, with when they can be forgotten (a token is worthless after
 * its two minutes, so its id is too). Anything unreadable counts as none used: the ids carry no rights of their own.
 */
const usedJoins = z.record(z.string(), z.number()).catch({});

/** Records `jti` unless it was used already; returns the list to store (expired ids dropped) or 'replayed'. */
export function spendJoin(stored: unknown, jti: string, now: number, ttlMs: number): Record<string, number> | 'replayed' {
  const used = usedJoins.parse(stored ?? {});
  if (jti in used && (used[jti] ?? 0) > now) return 'replayed';
  const kept = Object.fromEntries(Object.entries(used).filter(([, until]) => until > now));
  return { ...kept, [jti]: now + ttlMs };
}

/** Reads the stored admissions; anything that is not a valid list counts as nobody admitted, so in doubt a client waits. */
export function readAdmissions(stored: unknown): string[] {
  const parsed = admissions.safeParse(stored ?? []);
  return parsed.success ? parsed.data : [];
}

/** The therapist admitted `participant`: remembered until the room closes, without duplicates, newest last. */
export function rememberAdmission(admitted: readonly string[], participant: string): string[] {
  return [...admitted.filter((id) => id !== participant), participant].slice(-MAX_REMEMBERED_ADMISSIONS);
}

/** The therapist denied `participant`: a denied client must not come back straight into the call. */
export function revokeAdmission(admitted: readonly string[], participant: string): string[] {
  return admitted.filter((id) => id !== participant);
}

export type JoinDecision = { action: 'accept'; admitted: boolean; replace?: number; displace?: boolean } | { action: 'refuse-full' };

/**
 * Who may take a seat, given the seats taken and the admissions the room remembers.
 * - A free seat is taken. The therapist is admitted at once; a client whose browser the therapist admitted earlier in
 *   this room is admitted again (a reload, a dropped socket, a restarted room); any other client starts in the
 *   waiting room.
 * - The same participant again (a second tab of the same browser session, a reload) replaces their own earlier socket
 *   and keeps its admission, so reloading the page never sends an admitted client back to the waiting room.
 * - The admitted client's own browser displaces someone else who only waits in the client seat, so a stranger with
 *   the access code cannot keep the client out by sitting in the waiting room.
 * - Anyone else for a taken seat is refused: whoever holds the seat keeps it, so neither a forwarded link nor the
 *   client's name typed again can push the real client out of the call.
 */
export function decideJoin(existing: readonly Seat[], joining: Pick<Seat, 'role' | 'participant'>, admitted: readonly string[]): JoinDecision {
  const index = existing.findIndex((seat) => seat.role === joining.role);
  const known = joining.role === 'therapist' || admitted.includes(joining.participant);
  if (index === -1) return { action: 'accept', admitted: known };
  const seat = existing[index];
  if (!seat) return { action: 'refuse-full' };
  if (seat.participant === joining.participant) return { action: 'accept', admitted: known || seat.admitted, replace: index };
  if (joining.role === 'client' && known && !seat.admitted) return { action: 'accept', admitted: true, replace: index, displace: true };
  return { action: 'refuse-full' };
}

/** What the newcomer and the one already in the room are told when a socket takes a seat, in this order. */
export function announceArrival(
  joining: Pick<ParticipantState, 'role' | 'admitted' | 'name'>,
  peer: Pick<ParticipantState, 'role' | 'admitted' | 'name'> | undefined,
  closesAt: number,
  browserKey?: string,
): { toJoining: RoomMessage[]; toPeer: RoomMessage[] } {
  const welcome: RoomMessage = { type: 'welcome', role: joining.role, admitted: joining.admitted, peerPresent: peer !== undefined, closesAt };
  const toJoining: RoomMessage[] = [browserKey === undefined ? welcome : { ...welcome, browserKey }];
  const toPeer: RoomMessage[] = [];
  if (!peer) return { toJoining, toPeer };
  const client = joining.role === 'client' ? joining : peer;
  // The therapist always learns where the client stands: waiting (with the name to recognise them) or admitted,
  // which is the therapist's cue to make an offer - also after either side reloaded.
  const notice: RoomMessage = client.admitted ? { type: 'admitted' } : { type: 'waiting', name: client.name };
  (joining.role === 'therapist' ? toJoining : toPeer).push(notice);
  return { toJoining, toPeer };
}

export type ReadResult = { ok: true; message: ClientMessage } | { ok: false; code: 'too-large' | 'invalid-message' };

/** Reads one incoming frame: size first (before any parsing), then JSON, then the protocol schema. Never throws. */
export function readClientMessage(raw: string | ArrayBuffer): ReadResult {
  const bytes = typeof raw === 'string' ? new TextEncoder().encode(raw).byteLength : raw.byteLength;
  if (bytes > MAX_MESSAGE_BYTES) return { ok: false, code: 'too-large' };
  // The protocol is JSON text; binary frames are not part of it.
  if (typeof raw !== 'string') return { ok: false, code: 'invalid-message' };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'invalid-message' };
  }
  const parsed = clientMessage.safeParse(json);
  return parsed.success ? { ok: true, message: parsed.data } : { ok: false, code: 'invalid-message' };
}

export type Route =
  | { action: 'reply'; message: RoomMessage }
  | { action: 'relay'; message: RoomMessage }
  | { action: 'admit' }
  | { action: 'deny' }
  | { action: 'ignore' }
  | { action: 'refuse'; code: 'not-admitted' | 'not-allowed'; message: string };

/**
 * What to do with a valid message from `sender`, given the other seat's holder (if any). Signaling passes only
 * between two present participants once the client is admitted; until then the waiting client cannot reach the
 * therapist with anything but their arrival. Only the therapist admits or denies. Relayed messages are the parsed
 * ones, so nothing the schema does not know about ever reaches the peer.
 */
export function routeMessage(message: ClientMessage, sender: Seat, peer: Seat | undefined): Route {
  const inCall = peer !== undefined && sender.admitted && peer.admitted;
  switch (message.type) {
    case 'ping':
      return { action: 'reply', message: { type: 'pong' } };
    case 'admit':
    case 'deny':
      if (sender.role !== 'therapist') return { action: 'refuse', code: 'not-allowed', message: 'Only the therapist can admit or deny' };
      if (!peer) return { action: 'refuse', code: 'not-allowed', message: 'No client is in the room' };
      if (message.type === 'deny') return { action: 'deny' };
      return peer.admitted ? { action: 'ignore' } : { action: 'admit' };
    case 'hangup':
      // Hanging up when there is no call has nothing to end; it is not an error.
      return inCall ? { action: 'relay', message } : { action: 'ignore' };
    case 'offer':
    case 'answer':
    case 'ice':
      if (inCall) return { action: 'relay', message };
      return { action: 'refuse', code: 'not-admitted', message: peer ? 'The client has not been admitted yet' : 'The other participant is not here' };
  }
}

export type Bucket = Pick<ParticipantState, 'tokens' | 'refilledAt' | 'strikes'>;
export type RateLimits = { burst: number; perSecond: number; maxStrikes: number };

/** After this many rate-limited messages in a row the room closes the socket: the sender is not listening. */
export const MAX_STRIKES = 3;
export const DEFAULT_LIMITS: RateLimits = { burst: RATE_BURST, perSecond: RATE_PER_SECOND, maxStrikes: MAX_STRIKES };

export function fullBucket(now: number, limits: RateLimits = DEFAULT_LIMITS): Bucket {
  return { tokens: limits.burst, refilledAt: now, strikes: 0 };
}

/**
 * Token bucket per socket: every message takes a token, tokens come back at `perSecond` up to `burst`. A message
 * without a token is dropped ('limit'); `maxStrikes` dropped messages in a row end the connection ('disconnect').
 */
export function takeToken(
  bucket: Bucket,
  now: number,
  limits: RateLimits = DEFAULT_LIMITS,
): { verdict: 'allow' | 'limit' | 'disconnect'; bucket: Bucket } {
  const elapsed = Math.max(0, now - bucket.refilledAt);
  const tokens = Math.min(limits.burst, bucket.tokens + (elapsed / 1000) * limits.perSecond);
  const refilledAt = Math.max(now, bucket.refilledAt);
  if (tokens >= 1) return { verdict: 'allow', bucket: { tokens: tokens - 1, refilledAt, strikes: 0 } };
  const strikes = bucket.strikes + 1;
  return { verdict: strikes >= limits.maxStrikes ? 'disconnect' : 'limit', bucket: { tokens, refilledAt, strikes } };
}
