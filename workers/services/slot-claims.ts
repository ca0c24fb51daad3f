import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { appointmentSlots, BUCKET_MS } from '../../db/schema/appointment-slots';
import type { BusyInterval } from '../domain/slots';

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
