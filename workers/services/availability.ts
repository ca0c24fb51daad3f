import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, ne, or } from 'drizzle-orm';
import { appointmentSlots, appointmentTypes, availabilityExceptions, bookingHolds, termsVersions, users, workingHours } from '../../db/schema';
import { BUCKET_MS } from '../../db/schema/appointment-slots';
import { type BusyInterval, computeFreeSlots, type Slot, type SlotQuery } from '../domain/slots';
import { addDays } from '../domain/zoned-time';
import { AppError } from '../lib/errors';
import type { Deps } from './deps';

export type { Practice } from './practices';
import type { Practice } from './practices';
export type AppointmentType = typeof appointmentTypes.$inferSelect;

export async function currentTerms(deps: Deps, practiceId: string) {
  const terms = await deps.db.query.termsVersions.findFirst({
    where: eq(termsVersions.practiceId, practiceId),
    orderBy: desc(termsVersions.version),
  });
  if (!terms) throw new AppError('NOT_FOUND', 'booking.noTerms');
  return terms;
}

export async function therapistName(deps: Deps, practiceId: string): Promise<string> {
  const owner = await deps.db.query.users.findFirst({ where: and(eq(users.practiceId, practiceId), eq(users.role, 'therapist')) });
  return owner?.displayName ?? '';
}

export async function activeTypes(deps: Deps, practiceId: string): Promise<AppointmentType[]> {
  return deps.db.query.appointmentTypes.findMany({
    where: and(eq(appointmentTypes.practiceId, practiceId), eq(appointmentTypes.active, true)),
    orderBy: asc(appointmentTypes.createdAt),
  });
}

/** Holds of a practice that still hold their time: pending and not yet expired. */
function liveHolds(deps: Deps, practiceId: string, now: number) {
  return deps.db
    .select({ id: bookingHolds.id })
    .from(bookingHolds)
    .where(and(eq(bookingHolds.practiceId, practiceId), eq(bookingHolds.status, 'pending'), gt(bookingHolds.expiresAt, now)));
}

/** Reserved time comes from the slot claims themselves, the same rows that make double booking impossible. */
export async function busyIntervals(deps: Deps, practiceId: string, from: number, to: number, ignoreAppointmentId?: string): Promise<BusyInterval[]> {
  const rows = await deps.db
    .select({ bucket: appointmentSlots.bucket })
    .from(appointmentSlots)
    .where(
      and(
        eq(appointmentSlots.practiceId, practiceId),
        gte(appointmentSlots.bucket, Math.floor(from / BUCKET_MS)),
        lt(appointmentSlots.bucket, Math.ceil(to / BUCKET_MS)),
        // An expired hold holds nothing; ne() leaves out hold claims (NULL appointment), so they are kept explicitly.
        or(isNull(appointmentSlots.holdId), inArray(appointmentSlots.holdId, liveHolds(deps, practiceId, deps.now()))),
        ignoreAppointmentId ? or(isNull(appointmentSlots.appointmentId), ne(appointmentSlots.appointmentId, ignoreAppointmentId)) : undefined,
      ),
    )
    .orderBy(asc(appointmentSlots.bucket));
  const intervals: BusyInterval[] = [];
  for (const { bucket } of rows) {
    const last = intervals.at(-1);
    if (last && last.end === bucket * BUCKET_MS) last.end += BUCKET_MS;
    else intervals.push({ start: bucket * BUCKET_MS, end: (bucket + 1) * BUCKET_MS });
  }
  return intervals;
}

/** Everything the pure slot function needs for one practice and a range of local dates (rescheduling ignores its own claims). */
export async function slotQuery(deps: Deps, practice: Practice, types: AppointmentType[], from: string, to: string, ignoreAppointmentId?: string): Promise<SlotQuery> {
  const [hours, exceptions] = await Promise.all([
    deps.db.query.workingHours.findMany({ where: eq(workingHours.practiceId, practice.id) }),
    deps.db.query.availabilityExceptions.findMany({
      where: and(eq(availabilityExceptions.practiceId, practice.id), gte(availabilityExceptions.date, from), lt(availabilityExceptions.date, addDays(to, 1))),
    }),
  ]);
  // A day before and after covers any time zone offset and the longest buffer.
  const busy = await busyIntervals(deps, practice.id, Date.parse(`${addDays(from, -1)}T00:00:00Z`), Date.parse(`${addDays(to, 2)}T00:00:00Z`), ignoreAppointmentId);
  return {
    timeZone: practice.timeZone,
    workingHours: hours,
    exceptions,
    types: types.map((t) => ({ id: t.id, durationMin: t.durationMin, bufferBeforeMin: t.bufferBeforeMin, bufferAfterMin: t.bufferAfterMin, minNoticeMin: t.minNoticeMin, horizonDays: t.horizonDays })),
    busy,
    from,
    to,
    now: deps.now(),
  };
}

export async function listFreeSlots(deps: Deps, practice: Practice, range: { from: string; to: string; typeId?: string | undefined }): Promise<Slot[]> {
  const types = (await activeTypes(deps, practice.id)).filter((t) => !range.typeId || t.id === range.typeId);
  if (range.typeId && types.length === 0) {
    throw new AppError('VALIDATION_FAILED', 'booking.unknownType', { typeId: 'booking.offersNoSuchType' });
  }
  return computeFreeSlots(await slotQuery(deps, practice, types, range.from, range.to));
}

/** Bucket numbers an interval claims; durations and buffers are multiples of five minutes, so they align exactly. */
export function bucketsOf(interval: BusyInterval): number[] {
  const buckets: number[] = [];
  for (let b = Math.floor(interval.start / BUCKET_MS); b < Math.ceil(interval.end / BUCKET_MS); b++) buckets.push(b);
  return buckets;
}
