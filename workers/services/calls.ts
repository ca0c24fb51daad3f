import { eq, lt, sql } from 'drizzle-orm';
import { appointments, appointmentTypes, callMetrics } from '../../db/schema';
import { callWindow, type CallWindow, windowState } from '../domain/call-window';
import { clientParticipant, JOIN_TOKEN_TTL_MS, signJoinToken } from '../domain/join-token';
import { iceServers } from '../domain/turn';
import { hashToken, newId } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { normaliseAccessCode } from './booking';
import type { Deps } from './deps';

/** Wrong access codes allowed per appointment before the code stops working (the practice can send a new one). */
export const MAX_ACCESS_CODE_FAILURES = 5;
export const METRICS_RETENTION_MS = 90 * 86_400_000;

export type CallRoom = { appointmentId: string; practiceId: string; window: CallWindow; status: string; accessCodeHash: string | null; failures: number };

/** A video appointment's room; anything else (unknown id, in-person appointment) is a 404. */
export async function callRoomOf(deps: Deps, appointmentId: string): Promise<CallRoom> {
  if (appointmentId.length > 64) throw new AppError('NOT_FOUND', 'No such call');
  const rows = await deps.db
    .select({ appointment: appointments, mode: appointmentTypes.mode })
    .from(appointments)
    .innerJoin(appointmentTypes, eq(appointmentTypes.id, appointments.typeId))
    .where(eq(appointments.id, appointmentId));
  const row = rows[0];
  if (!row || row.mode !== 'video') throw new AppError('NOT_FOUND', 'No such call');
  const { appointment } = row;
  return {
    appointmentId,
    practiceId: appointment.practiceId,
    window: callWindow(appointment),
    status: appointment.status,
    accessCodeHash: appointment.accessCodeHash,
    failures: appointment.accessCodeFailures,
  };
}

function assertOpen(deps: Deps, room: CallRoom) {
  if (room.status === 'cancelled') throw new AppError('CONFLICT', 'This appointment was cancelled');
  const state = windowState(room.window, deps.now());
  if (state === 'not-yet-open') throw new AppError('CONFLICT', 'The call opens 15 minutes before the appointment');
  if (state === 'closed') throw new AppError('CONFLICT', 'This call has ended');
}

async function passFor(deps: Deps, room: CallRoom, participant: { role: 'therapist' | 'client'; participant: string; name: string }) {
  const now = deps.now();
  const common = { room: room.appointmentId, ...participant };
  const [token, reportToken, servers] = await Promise.all([
    signJoinToken({ ...common, use: 'join', exp: now + JOIN_TOKEN_TTL_MS }, deps.config.JOIN_TOKEN_SECRET),
    signJoinToken({ ...common, use: 'report', exp: room.window.closesAt }, deps.config.JOIN_TOKEN_SECRET),
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
  if (room.practiceId !== practiceId) throw new AppError('NOT_FOUND', 'No such call');
  assertOpen(deps, room);
  return passFor(deps, room, { role: 'therapist', participant: `therapist:${userId}`, name: '' });
}

/**
 * The client proves the appointment with its access code (stored only as a hash). Failures are counted on the
 * appointment, not per network address; after five the code stops working.
 */
export async function joinAsClient(deps: Deps, appointmentId: string, input: { name: string; code: string }) {
  const room = await callRoomOf(deps, appointmentId);
  if (room.failures >= MAX_ACCESS_CODE_FAILURES) {
    throw new AppError('TOO_MANY_ATTEMPTS', 'Too many wrong access codes. Please ask your practice for a new appointment link.');
  }
  const matches = room.accessCodeHash !== null && (await hashToken(normaliseAccessCode(input.code))) === room.accessCodeHash;
  if (!matches) {
    await deps.db.update(appointments).set({ accessCodeFailures: sql`${appointments.accessCodeFailures} + 1` }).where(eq(appointments.id, appointmentId));
    throw new AppError('UNAUTHENTICATED', 'The access code is not right', { code: ['Check the code in your email'] });
  }
  assertOpen(deps, room);
  // Same name, same participant: a second tab replaces the first instead of counting as a third person.
  const participant = await clientParticipant(appointmentId, input.name, deps.config.JOIN_TOKEN_SECRET);
  return passFor(deps, room, { role: 'client', participant, name: input.name.trim() });
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
