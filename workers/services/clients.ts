import { and, eq } from 'drizzle-orm';
import { clients } from '../../db/schema';
import { AppError } from '../lib/errors';
import type { Deps } from './deps';

export type Client = typeof clients.$inferSelect;

/** A client of this practice, or 404 — the same answer whether the id is unknown or belongs to another practice. */
export async function clientOfPractice(deps: Deps, practiceId: string, clientId: string): Promise<Client> {
  const client = await deps.db.query.clients.findFirst({ where: and(eq(clients.id, clientId), eq(clients.practiceId, practiceId)) });
  if (!client) throw new AppError('NOT_FOUND', 'No such client in your practice');
  return client;
}
