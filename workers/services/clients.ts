import { and, asc, desc, eq, or, sql } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors';
import { appointments, appointmentTypes, clients, consentRecords } from '../../db/schema';
import type { DpoActor, TherapistActor } from '../lib/actor';
import { newId } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { auditInsert } from './audit';
import { verifyPracticeChain } from './consent';
import type { Deps } from './deps';

export type Client = typeof clients.$inferSelect;

/** A client of this practice, or 404 — the same answer whether the id is unknown or belongs to another practice. */
export async function clientOfPractice(deps: Deps, practiceId: string, clientId: string): Promise<Client> {
  const client = await deps.db.query.clients.findFirst({ where: and(eq(clients.id, clientId), eq(clients.practiceId, practiceId)) });
  if (!client) throw new AppError('NOT_FOUND', 'No such client in your practice');
  return client;
}

export async function listClients(deps: Deps, practiceId: string, options: { q?: string | undefined; includeInactive?: boolean | undefined }) {
  const q = options.q?.trim();
  return deps.db.query.clients.findMany({
    where: and(
      eq(clients.practiceId, practiceId),
      options.includeInactive ? undefined : eq(clients.active, true),
      // instr() rather than LIKE: no pattern-length limit on D1 and no wildcard characters to escape.
      q ? or(sql`instr(lower(${clients.displayName}), ${q.toLowerCase()}) > 0`, sql`instr(lower(coalesce(${clients.email}, '')), ${q.toLowerCase()}) > 0`) : undefined,
    ),
    orderBy: asc(sql`lower(${clients.displayName})`),
    limit: 500,
  });
}

function emailConflict(error: unknown): never {
  if (isUniqueViolation(error, 'clients.')) throw new AppError('CONFLICT', 'Another client of your practice has this email address', { email: ['Already used by another client'] });
  throw error;
}

/** A client may be nothing but a pseudonym or initials; contact data is optional. */
export async function createClient(deps: Deps, actor: TherapistActor, input: { displayName: string; email?: string | null | undefined }) {
  const { practiceId } = actor;
  const now = deps.now();
  const id = newId();
  await deps.db
    .batch([
      deps.db.insert(clients).values({ id, practiceId, displayName: input.displayName, email: input.email ?? null, createdAt: now }),
      auditInsert(deps.db, { action: 'client.created', actor, practiceId, targetId: id }, now),
    ])
    .catch(emailConflict);
  return clientOfPractice(deps, practiceId, id);
}

export type ClientPatch = { displayName?: string | undefined; email?: string | null | undefined; active?: boolean | undefined; restricted?: boolean | undefined };

/**
 * Rectification (Art. 16) overwrites the value: the old one is not kept anywhere, and the audit entry names the
 * action only. Restriction (Art. 18) blocks booking and every email to the client while set.
 */
export async function updateClient(deps: Deps, actor: TherapistActor | DpoActor, practiceId: string, clientId: string, patch: ClientPatch) {
  const client = await clientOfPractice(deps, practiceId, clientId);
  const now = deps.now();
  const changes = {
    ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}),
    ...(patch.email !== undefined ? { email: patch.email } : {}),
    ...(patch.active !== undefined ? { active: patch.active } : {}),
    ...(patch.restricted !== undefined ? { restrictedAt: patch.restricted ? (client.restrictedAt ?? now) : null } : {}),
  };
  if (Object.keys(changes).length === 0) return client;
  const action = patch.restricted !== undefined && Object.keys(changes).length === 1 ? (patch.restricted ? 'client.restricted' : 'client.unrestricted') : 'client.rectified';
  await deps.db
    .batch([deps.db.update(clients).set(changes).where(eq(clients.id, clientId)), auditInsert(deps.db, { action, actor, practiceId, targetId: clientId }, now)])
    .catch(emailConflict);
  return clientOfPractice(deps, practiceId, clientId);
}

export async function clientDetail(deps: Deps, practiceId: string, clientId: string) {
  const client = await clientOfPractice(deps, practiceId, clientId);
  const [consents, visits, chain] = await Promise.all([
    deps.db.query.consentRecords.findMany({ where: eq(consentRecords.clientId, clientId), orderBy: asc(consentRecords.seq) }),
    deps.db
      .select({ appointment: appointments, typeName: appointmentTypes.name, mode: appointmentTypes.mode })
      .from(appointments)
      .innerJoin(appointmentTypes, eq(appointmentTypes.id, appointments.typeId))
      .where(and(eq(appointments.clientId, clientId), eq(appointments.practiceId, practiceId)))
      .orderBy(desc(appointments.startAt)),
    verifyPracticeChain(deps, practiceId),
  ]);
  return { client, consents, appointments: visits, chain };
}
