import * as z from 'zod';

/**
 * The signaling protocol between a browser and its call room. Every message is JSON, parsed with these schemas on
 * both sides of the socket; anything else is refused. The room relays SDP and ICE candidates only between admitted
 * participants and never stores them.
 */
export const MAX_MESSAGE_BYTES = 16 * 1024;
/** Token bucket per socket: bursts of 40 messages, refilled at 10 per second (ICE gathering is bursty). */
export const RATE_BURST = 40;
export const RATE_PER_SECOND = 10;

const sdp = z.string().min(1).max(12_000);

export const clientMessage = z.discriminatedUnion('type', [
  /** Relayed to the peer. `generation` numbers the peer connection (make-before-break renewal). */
  z.object({ type: z.literal('offer'), sdp, generation: z.number().int().min(0).max(1_000_000) }),
  z.object({ type: z.literal('answer'), sdp, generation: z.number().int().min(0).max(1_000_000) }),
  z.object({
    type: z.literal('ice'),
    generation: z.number().int().min(0).max(1_000_000),
    candidate: z.object({
      candidate: z.string().max(1_000),
      sdpMid: z.string().max(64).nullable().optional(),
      sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
    }),
  }),
  /** Therapist only: let the waiting client in, or send them away. */
  z.object({ type: z.literal('admit') }),
  z.object({ type: z.literal('deny') }),
  z.object({ type: z.literal('hangup') }),
  z.object({ type: z.literal('ping') }),
]);
export type ClientMessage = z.infer<typeof clientMessage>;

export const roomMessage = z.discriminatedUnion('type', [
  /**
   * First message after connecting: who you are and where the room stands. A client also gets its browser key: the
   * page keeps it for this tab (sessionStorage) and brings it back on every rejoin, which is how the room knows the
   * same browser again. Once the therapist admitted that browser, only this key (never a name) lets it back in.
   */
  z.object({
    type: z.literal('welcome'),
    role: z.enum(['therapist', 'client']),
    admitted: z.boolean(),
    peerPresent: z.boolean(),
    closesAt: z.number(),
    browserKey: z.string().optional(),
  }),
  /** To the therapist: a client is in the waiting room (name as they typed it, never stored). */
  z.object({ type: z.literal('waiting'), name: z.string() }),
  /** To the client: you are admitted; to the therapist: the client is in. The therapist then makes the offer. */
  z.object({ type: z.literal('admitted') }),
  z.object({ type: z.literal('peer-left') }),
  z.object({ type: z.literal('offer'), sdp, generation: z.number() }),
  z.object({ type: z.literal('answer'), sdp, generation: z.number() }),
  z.object({ type: z.literal('ice'), generation: z.number(), candidate: z.object({ candidate: z.string(), sdpMid: z.string().nullable().optional(), sdpMLineIndex: z.number().nullable().optional() }) }),
  z.object({ type: z.literal('hangup') }),
  z.object({ type: z.literal('pong') }),
  z.object({ type: z.literal('error'), code: z.enum(['invalid-message', 'too-large', 'rate-limited', 'not-admitted', 'not-allowed']), message: z.string() }),
]);
export type RoomMessage = z.infer<typeof roomMessage>;

/** Close codes the room uses; the page explains each in the reader's language. */
export const CLOSE = {
  replaced: 4001, // the same participant opened the call in another tab
  full: 4002, // the room already has a therapist and a client
  denied: 4003, // the therapist did not admit the client
  closed: 4004, // the room's time window is over
  hangup: 4005, // the other side ended the call
  displaced: 4006, // a waiting seat given up to the admitted client's own browser
} as const;

/** A client's browser key: 256 random bits, base64url. */
export const browserKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** The name as typed: one line, no control characters, at most 80 characters. */
export const displayName = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .refine((name) => !/[\p{Cc}\p{Cf}\u2028\u2029]/u.test(name), 'Use letters, digits and punctuation only');

/**
 * What the Worker tells the room about a verified participant (internal headers, never from the browser). The name
 * is percent-encoded, because a header carries neither line breaks nor, reliably, letters outside ASCII.
 */
export const participantHeaders = z.object({
  'x-room-role': z.enum(['therapist', 'client']),
  'x-participant': z.string().min(1).max(128),
  'x-display-name': z
    .string()
    .max(1_000)
    .default('')
    .transform((encoded, ctx) => {
      try {
        return decodeURIComponent(encoded);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'Not percent-encoded' });
        return z.NEVER;
      }
    })
    .pipe(z.string().max(80)),
  'x-room-closes-at': z.coerce.number().int().positive(),
  /** The join token's id: the room opens a socket for each token once. */
  'x-join-id': z.string().min(16).max(64),
  'x-browser-key': browserKey.optional(),
});
