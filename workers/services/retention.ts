import { and, eq, isNotNull, lt, or } from 'drizzle-orm';
import { clientBookingWindows, downloadLinks, incidents, practiceBookingWindows, rightsRequests } from '../../db/schema';
import { CLIENT_LIMIT, PRACTICE_LIMIT, windowStartOf } from '../domain/booking-limits';
import { releaseExpiredHolds } from './booking-confirm';
import type { Deps } from './deps';

// Retention periods of the data-subject requests, the breach register and the booking counters, as their schema
// annotations declare them (Art. 5(1)(e) GDPR: kept no longer than necessary). Years are counted as 366 days so
// nothing goes a day early.
const DAY_MS = 86_400_000;
const YEAR_MS = 366 * DAY_MS;

/** Unverified requests: whoever asked never proved control of the address; nothing to keep as evidence. */
export const UNVERIFIED_REQUEST_MS = 7 * DAY_MS;
/** Answered requests: kept for the regular limitation period (§ 195 BGB) as proof they were answered in time. */
export const COMPLETED_REQUEST_MS = 3 * YEAR_MS;
/** The breach register (Art. 33(5)): five years. */
export const INCIDENT_MS = 5 * YEAR_MS;

/**
 * Deletes what has outlived its retention period and returns how many rows went, by kind. Idempotent: a second
 * run at the same time deletes nothing. Download links go first, so the counts do not include links that the
 * deletion of their request removes by cascade.
 */
export async function purgeExpired(deps: Deps): Promise<Record<string, number>> {
  const now = deps.now();
  const { db } = deps;
  const links = await db
    .delete(downloadLinks)
    .where(or(isNotNull(downloadLinks.usedAt), lt(downloadLinks.expiresAt, now)))
    .returning({ id: downloadLinks.id });
  const unverified = await db
    .delete(rightsRequests)
    .where(and(eq(rightsRequests.status, 'awaiting_verification'), lt(rightsRequests.createdAt, now - UNVERIFIED_REQUEST_MS)))
    .returning({ id: rightsRequests.id });
  const completed = await db
    .delete(rightsRequests)
    .where(and(isNotNull(rightsRequests.completedAt), lt(rightsRequests.completedAt, now - COMPLETED_REQUEST_MS)))
    .returning({ id: rightsRequests.id });
  const oldIncidents = await db
    .delete(incidents)
    .where(lt(incidents.createdAt, now - INCIDENT_MS))
    .returning({ id: incidents.id });
  // The booking counters limit one hour or one day; once it has passed they are no longer needed (Art. 5(1)(c), (e)).
  const practiceWindows = await db
    .delete(practiceBookingWindows)
    .where(lt(practiceBookingWindows.windowStart, windowStartOf(PRACTICE_LIMIT, now)))
    .returning({ start: practiceBookingWindows.windowStart });
  const clientWindows = await db
    .delete(clientBookingWindows)
    .where(lt(clientBookingWindows.windowStart, windowStartOf(CLIENT_LIMIT, now)))
    .returning({ start: clientBookingWindows.windowStart });
  const holds = await releaseExpiredHolds(deps);
  return {
    downloadLinks: links.length,
    unverifiedRightsRequests: unverified.length,
    completedRightsRequests: completed.length,
    incidents: oldIncidents.length,
    practiceBookingWindows: practiceWindows.length,
    clientBookingWindows: clientWindows.length,
    bookingHolds: holds,
  };
}
