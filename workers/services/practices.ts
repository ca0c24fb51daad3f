import { and, eq, exists, isNotNull } from 'drizzle-orm';
import { practices, users } from '../../db/schema';
import { AppError } from '../lib/errors';
import type { Deps } from './deps';

// One home for reading a practice. `find…` answers undefined when there is none; the others answer NOT_FOUND, so a
// handler can use them directly. Column subsets are left to the callers that need only a time zone.

export type Practice = typeof practices.$inferSelect;

export async function findPractice(deps: Deps, practiceId: string): Promise<Practice | undefined> {
  return deps.db.query.practices.findFirst({ where: eq(practices.id, practiceId) });
}

/** The practice of an id the caller already holds (a session's, a room's): missing is a 404, never a 500. */
export async function practiceById(deps: Deps, practiceId: string): Promise<Practice> {
  const practice = await findPractice(deps, practiceId);
  if (!practice) throw new AppError('NOT_FOUND', 'practice.notFound');
  return practice;
}

/** Any practice by its booking address, confirmed or not (the rights portal and the seeds). */
export async function findPracticeBySlug(deps: Deps, slug: string): Promise<Practice | undefined> {
  return deps.db.query.practices.findFirst({ where: eq(practices.slug, slug) });
}

/**
 * The public practice behind a booking address; an unknown address is a clear 404, and so is a practice whose owner
 * has not yet confirmed the email address (an unproven sign-up must not publish a booking page).
 */
export async function bookablePractice(deps: Deps, slug: string): Promise<Practice> {
  const confirmedOwner = deps.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.practiceId, practices.id), isNotNull(users.emailConfirmedAt)));
  const practice = await deps.db.query.practices.findFirst({ where: and(eq(practices.slug, slug), exists(confirmedOwner)) });
  if (!practice) throw new AppError('NOT_FOUND', { key: 'booking.noPractice', params: { slug } });
  return practice;
}
