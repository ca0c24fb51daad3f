import type { Context } from 'hono';
import { AppError } from './errors';
import type { HonoEnv } from './hono-env';
import { currentSession } from './session';

/**
 * The practice of the signed-in therapist. Every dashboard query is scoped by this id; a row of another practice is
 * answered with 404 so that nobody learns whether it exists (tenant isolation).
 */
export function practiceIdOf(c: Context<HonoEnv>): string {
  const { user } = currentSession(c);
  if (user.role !== 'therapist' || !user.practiceId) throw new AppError('FORBIDDEN', 'session.therapistOnly');
  return user.practiceId;
}
