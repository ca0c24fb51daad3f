import { and, eq, gte, inArray, lte, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { bookingHolds } from '../../db/schema';
import { appointmentSlots, BUCKET_MS } from '../../db/schema/appointment-slots';
import type { BusyInterval } from '../domain/slots';
import type { Deps } from './deps';

/**
 * The statement that claims every 5-minute bucket of `interval` for one appointment or one hold (its owner). The buckets are counted out by a
 * recursive CTE in SQL, so the statement binds four values however long the appointment and its buffers are (D1
 * refuses more than 100 bound parameters, and a 480-minute type with buffers spans 192 buckets).
 */
export type ClaimOwner = { appointmentId: string } | { holdId: string };

export function claimSlots(db: Database, claim: { practiceId: string; owner: ClaimOwner; interval: BusyInterval }) {
  const appointmentId = 'appointmentId' in claim.owner ? claim.owner.appointmentId : null;
  const holdId = 'holdId' in claim.owner ? claim.owner.holdId : null;
  const first = Math.floor(claim.interval.start / BUCKET_MS);
  const end = Math.ceil(claim.interval.end / BUCKET_MS);
  return db
    .insert(appointmentSlots)
    .select(
      sql`WITH RECURSIVE claimed(bucket) AS (SELECT ${first} UNION ALL SELECT bucket + 1 FROM claimed WHERE bucket + 1 < ${end}) SELECT ${claim.practiceId}, bucket, ${appointmentId}, ${holdId} FROM claimed`,
    );
}

/**
 * The writes that claim `buckets` for an appointment or a hold: first the claims of expired holds in that range are
 * dropped (an expired hold never blocks, even before the cron has released it), then the claims go in. The primary
 * key refuses the batch when any bucket is still taken.
 */
export function claimWrites(deps: Deps, practiceId: string, buckets: number[], owner: ClaimOwner, now: number) {
  const first = buckets[0] ?? 0;
  const last = buckets.at(-1) ?? first;
  const expired = deps.db
    .select({ id: bookingHolds.id })
    .from(bookingHolds)
    .where(and(eq(bookingHolds.practiceId, practiceId), or(ne(bookingHolds.status, 'pending'), lte(bookingHolds.expiresAt, now))));
  return [
    deps.db
      .delete(appointmentSlots)
      .where(and(eq(appointmentSlots.practiceId, practiceId), gte(appointmentSlots.bucket, first), lte(appointmentSlots.bucket, last), inArray(appointmentSlots.holdId, expired))),
    claimSlots(deps.db, { practiceId, owner, interval: { start: first * BUCKET_MS, end: (last + 1) * BUCKET_MS } }),
  ] as const;
}

/** Gives an appointment's or a hold's time back: its claims go, so the buckets are free again. */
export function releaseSlots(deps: Deps, owner: ClaimOwner, guard?: SQL) {
  const owned = 'appointmentId' in owner ? eq(appointmentSlots.appointmentId, owner.appointmentId) : eq(appointmentSlots.holdId, owner.holdId);
  return deps.db.delete(appointmentSlots).where(and(owned, guard));
}

/** A confirmed hold's claims become its appointment's, so the time is never free in between. */
export function handOverSlots(deps: Deps, holdId: string, appointmentId: string) {
  return deps.db.update(appointmentSlots).set({ appointmentId, holdId: null }).where(eq(appointmentSlots.holdId, holdId));
}
