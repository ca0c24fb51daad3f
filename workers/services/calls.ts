import { and, eq, lt, lte, or, sql } from 'drizzle-orm';
import { accessCodeEmail } from '../../emails/access-code';
import { appointments, appointmentTypes, callMetrics } from '../../db/schema';
import { ACCESS_CODE_ATTEMPTS_PER_WINDOW, ACCESS_CODE_WINDOW_MS, accessCodeMatches, hashAccessCode, linkKeyMatches, linkKeyOf, newAccessCode, newLinkKeySeed } from '../domain/access-code';
import { callWindow, type CallWindow, windowState } from '../domain/call-window';
import { JOIN_TOKEN_TTL_MS, signJoinToken } from '../domain/join-token';
import { formatDateTime, isLocale } from '../domain/locale';
import { iceServers } from '../domain/turn';
import { newId, randomToken } from '../lib/crypto';
import { AppError } from '../lib/errors';
import type { TherapistActor } from '../lib/actor';
import { auditInsert } from './audit';
import type { Practice } from './availability';
import { callUrl } from './booking-notices';
import { processingBlocked } from '../domain/appointment-rules';
import type { Deps } from './deps';
import { deliverQuietly } from './mail-delivery';
import { appointmentOfPractice } from './therapist-appointments';

export const METRICS_RETENTION_MS = 90 * 86_400_000;

export type CallRoom = { appointmentId: string; practiceId: string; window: CallWindow; status: string; accessCodeHash: string | null; linkKeySeed: string | null };

/** A video appointment's room; anything else (unknown id, in-person appointment) is a 404. */
export async function callRoomOf(deps: Deps, appointmentId: string): Promise<CallRoom> {
  if (appointmentId.length > 64) throw new AppError('NOT_FOUND', 'calls.notFound');
  const rows = await deps.db
    .select({ appointment: appointments, mode: appointmentTypes.mode })
    .from(appointments)
    .innerJoin(appointmentTypes, eq(appointmentTypes.id, appointments.typeId))
    .where(eq(appointments.id, appointmentId));
  const row = rows[0];
  if (!row || row.mode !== 'video') throw new AppError('NOT_FOUND', 'calls.notFound');
  const { appointment } = row;
  return {
    appointmentId,
    practiceId: appointment.practiceId,
    window: callWindow(appointment),
    status: appointment.status,
    accessCodeHash: appointment.accessCodeHash,
    linkKeySeed: appointment.linkKeySeed,
  };
}

function assertOpen(deps: Deps, room: CallRoom) {
  if (room.status === 'cancelled') throw new AppError('CONFLICT', 'calls.cancelled');
  const state = windowState(room.window, deps.now());
  if (state === 'not-yet-open') throw new AppError('CONFLICT', 'calls.notYetOpen');
  if (state === 'closed') throw new AppError('CONFLICT', 'calls.ended');
}

async function passFor(deps: Deps, room: CallRoom, participant: { role: 'therapist' | 'client'; participant: string }) {
  const now = deps.now();
  const common = { room: room.appointmentId, ...participant };
  const [token, reportToken, servers] = await Promise.all([
    signJoinToken({ ...common, use: 'join', jti: randomToken(18), exp: now + JOIN_TOKEN_TTL_MS }, deps.config.JOIN_TOKEN_SECRET),
    signJoinToken({ ...common, use: 'report', jti: randomToken(18), exp: room.window.closesAt }, deps.config.JOIN_TOKEN_SECRET),
    iceServers(
      {
        stunUrls: deps.config.ICE_STUN_URLS.split(',').filter(Boolean),
        turnUrls: deps.config.TURN_URLS.split(',').filter(Boolean),
        turnSecret: deps.config.TURN_SECRET,
      },
      room.window.closesAt,
      participant.role,
    ),
  ]);
  return { token, reportToken, iceServers: servers, role: participant.role, closesAt: room.window.closesAt };
}

export async function joinAsTherapist(deps: Deps, practiceId: string, userId: string, appointmentId: string) {
  const room = await callRoomOf(deps, appointmentId);
  // Another practice's call is simply not found.
  if (room.practiceId !== practiceId) throw new AppError('NOT_FOUND', 'calls.notFound');
  assertOpen(deps, room);
  return passFor(deps, room, { role: 'therapist', participant: `therapist:${userId}` });
}

/** The two throttle windows: the public one, and the one only requests with the call link key count in. */
const WINDOWS = {
  public: { start: appointments.accessCodeWindowStart, failures: appointments.accessCodeFailures, startKey: 'accessCodeWindowStart', failuresKey: 'accessCodeFailures' },
  linkKey: { start: appointments.linkKeyWindowStart, failures: appointments.linkKeyFailures, startKey: 'linkKeyWindowStart', failuresKey: 'linkKeyFailures' },
} as const;
type Window = (typeof WINDOWS)[keyof typeof WINDOWS];

/**
 * Claims one attempt in one of the appointment's throttle windows, deciding and counting in one conditional UPDATE so
 * that concurrent guesses cannot all slip through: a window older than ACCESS_CODE_WINDOW_MS starts afresh, otherwise
 * the attempt counts only while fewer than ACCESS_CODE_ATTEMPTS_PER_WINDOW were made. Returns the window start it
 * counted in, or undefined when the window is full. Never a lasting lock: the next window is open again.
 */
async function claimAttempt(deps: Deps, appointmentId: string, window: Window): Promise<number | undefined> {
  const now = deps.now();
  const stale = lte(window.start, now - ACCESS_CODE_WINDOW_MS);
  const claimed = await deps.db
    .update(appointments)
    .set({
      [window.startKey]: sql`CASE WHEN ${stale} THEN ${now} ELSE ${window.start} END`,
      [window.failuresKey]: sql`CASE WHEN ${stale} THEN 1 ELSE ${window.failures} + 1 END`,
    })
    .where(and(eq(appointments.id, appointmentId), or(stale, lt(window.failures, ACCESS_CODE_ATTEMPTS_PER_WINDOW))))
    .returning({ windowStart: window.start });
  return claimed[0]?.windowStart;
}

/**
 * The client proves the appointment with its access code (stored only as a keyed hash). Attempts are counted per
 * appointment, not per network address, in a short window; a right code gives its attempt back. A request that brings
 * the call link key (from the emailed link's fragment) counts in a window of its own, which strangers who know only
 * the appointment id cannot fill; without a valid key the public window applies. A code stored in the older, unkeyed
 * form is rewritten in the keyed form when it is used.
 */
export async function joinAsClient(deps: Deps, appointmentId: string, input: { code: string; linkKey?: string | undefined }) {
  const room = await callRoomOf(deps, appointmentId);
  const window = (await linkKeyMatches(appointmentId, input.linkKey, room.linkKeySeed, deps.config.JOIN_TOKEN_SECRET)) ? WINDOWS.linkKey : WINDOWS.public;
  const windowStart = await claimAttempt(deps, appointmentId, window);
  if (windowStart === undefined) {
    throw new AppError('TOO_MANY_ATTEMPTS', 'calls.tooManyAttempts');
  }
  const secret = deps.config.JOIN_TOKEN_SECRET;
  const check = room.accessCodeHash === null ? { ok: false, legacy: false } : await accessCodeMatches(input.code, room.accessCodeHash, secret);
  if (!check.ok) throw new AppError('UNAUTHENTICATED', 'calls.codeWrong', { code: 'calls.codeWrongField' });
  const refund = and(eq(appointments.id, appointmentId), eq(window.start, windowStart), sql`${window.failures} > 0`);
  await deps.db.update(appointments).set({ [window.failuresKey]: sql`${window.failures} - 1` }).where(refund);
  if (check.legacy && room.accessCodeHash !== null) {
    const upgraded = await hashAccessCode(input.code, secret);
    await deps.db.update(appointments).set({ accessCodeHash: upgraded }).where(and(eq(appointments.id, appointmentId), eq(appointments.accessCodeHash, room.accessCodeHash)));
  }
  assertOpen(deps, room);
  // Every client pass is alike: the room tells a returning browser by the key it handed out, never by a name.
  return passFor(deps, room, { role: 'client', participant: 'client' });
}

/**
 * The therapist issues a new access code for a booked video appointment: shown once, the old code stops working at
 * once (the stored hash is replaced) and the throttle window starts afresh. The client gets the new code by email if
 * there is an address and processing is not restricted (Art. 18 GDPR).
 */
export async function reissueAccessCode(deps: Deps, actor: TherapistActor, practice: Practice, appointmentId: string) {
  const { appointment, client, type } = await appointmentOfPractice(deps, practice.id, appointmentId);
  if (type.mode !== 'video') throw new AppError('CONFLICT', 'calls.videoOnly');
  const now = deps.now();
  if (appointment.status !== 'booked' || windowState(callWindow(appointment), now) === 'closed') {
    throw new AppError('CONFLICT', 'calls.upcomingOnly');
  }
  const accessCode = newAccessCode();
  const linkKeySeed = newLinkKeySeed();
  const link = callUrl(deps, appointmentId, await linkKeyOf(appointmentId, linkKeySeed, deps.config.JOIN_TOKEN_SECRET));
  const mine = and(eq(appointments.id, appointmentId), eq(appointments.practiceId, practice.id), eq(appointments.status, 'booked'));
  await deps.db.batch([
    deps.db.update(appointments).set({ accessCodeHash: await hashAccessCode(accessCode, deps.config.JOIN_TOKEN_SECRET), accessCodeFailures: 0, accessCodeWindowStart: 0, linkKeySeed, linkKeyFailures: 0, linkKeyWindowStart: 0 }).where(mine),
    auditInsert(deps.db, { action: 'appointment.access_code_reissued', actor, practiceId: practice.id, targetId: appointmentId }, now),
  ]);
  const emailed = client.email !== null && client.email !== '' && !processingBlocked(client);
  if (emailed && client.email) {
    const locale = isLocale(practice.locale) ? practice.locale : 'de';
    const email = accessCodeEmail({ when: formatDateTime(appointment.startAt, locale, practice.timeZone), callUrl: link, accessCode }, locale);
    // The new code is shown to the therapist either way.
    await deliverQuietly(deps, { to: client.email, ...email });
  }
  return { accessCode, callUrl: link, emailed };
}

export type CallReport = { event: 'joined' | 'connected' | 'failed' | 'left'; connectedMs?: number | undefined; quality?: { rttMs?: number | undefined; lossPct?: number | undefined; kbps?: number | undefined; relayed?: boolean | undefined } | undefined };

/** Records billing and quality figures per call: times and coarse numbers only. */
export async function recordCallEvent(deps: Deps, appointmentId: string, role: 'therapist' | 'client', report: CallReport) {
  const room = await callRoomOf(deps, appointmentId);
  const now = deps.now();
  await deps.db
    .insert(callMetrics)
    .values({ id: newId(), practiceId: room.practiceId, appointmentId, createdAt: now })
    .onConflictDoNothing({ target: callMetrics.appointmentId });
  const joined = role === 'therapist' ? { therapistJoinedAt: sql`coalesce(${callMetrics.therapistJoinedAt}, ${now})` } : { clientJoinedAt: sql`coalesce(${callMetrics.clientJoinedAt}, ${now})` };
  const changes = {
    joined,
    connected: { connectedAt: sql`coalesce(${callMetrics.connectedAt}, ${now})` },
    failed: { failedAt: now },
    left: { leftAt: now },
  }[report.event];
  // Both peers report their connected time; the longer one is the call's duration.
  const duration = report.connectedMs !== undefined ? { connectedMs: sql`max(${callMetrics.connectedMs}, ${Math.round(report.connectedMs)})` } : {};
  await deps.db
    .update(callMetrics)
    .set({ ...changes, ...duration, ...(report.quality ? { quality: report.quality } : {}) })
    .where(eq(callMetrics.appointmentId, appointmentId));
}

/** Cron: call metadata lives 90 days. */
export async function purgeOldCallMetrics(deps: Deps) {
  await deps.db.delete(callMetrics).where(lt(callMetrics.createdAt, deps.now() - METRICS_RETENTION_MS));
}
