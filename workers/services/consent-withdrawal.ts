import { eq, exists, type SQL, sql } from 'drizzle-orm';
import { auditEvents, consentRecords } from '../../db/schema';
import type { ConsentPurpose } from '../domain/consent-chain';
import type { Locale } from '../domain/locale';
import type { Actor } from '../lib/actor';
import { type AppointmentContext, type Batch, cancelAppointment } from './appointment-lifecycle';
import { auditRow } from './audit';
import { currentTerms } from './availability';
import { consentInsertIfUnchanged, sealChainSoon } from './consent';
import type { Deps } from './deps';
import { insertWhere } from './insert-where';

/**
 * Withdrawal of consent (Art. 7(3) GDPR), one function for the client's emailed link and the DPO acting on a rights
 * request. A 'withdrawn' record joins the practice's chain; the appointments that lose their basis are cancelled and
 * audited with the same actor, all in the caller's batch. The race guard is the database's: the record is written only
 * if the client's records are still those the caller read, and everything else only if the record was written. The
 * notices go in the language the client chose when asking (the page of the link, or the language of the rights request).
 */
export type Withdrawal = {
  practiceId: string;
  clientId: string;
  purposes: ConsentPurpose[];
  /** The appointments the withdrawal cancels (booked, still to come, and allowed by the withdrawn booking purpose). */
  cancels: AppointmentContext[];
  method: 'withdrawal-link' | 'rights-request';
  /** The latest record position the caller read the active purposes from (see chainHeadOf). */
  seenHead: number | null;
};

/**
 * Prepares the withdrawal (the record's content and hash need async work); `writes(guard)` then gives the batch items,
 * the record first, each further item written only if the record was (and `guard` held, for a caller's own claim).
 */
export async function withdrawalChange(deps: Deps, actor: Actor, withdrawal: Withdrawal, now: number) {
  const { practiceId, clientId } = withdrawal;
  const terms = await currentTerms(deps, practiceId);
  const consent = await consentInsertIfUnchanged(
    deps,
    practiceId,
    { clientId, kind: 'withdrawn', purposes: withdrawal.purposes, termsVersion: terms.version, termsSha256: terms.sha256, method: withdrawal.method },
    withdrawal.seenHead,
  );
  const recorded = exists(deps.db.select({ one: sql`1` }).from(consentRecords).where(eq(consentRecords.id, consent.id)));
  const cancels = withdrawal.cancels.map((context) => ({ context, change: cancelAppointment(deps, context, now, 'withdrawal', recorded) }));
  const audit = (action: 'consent.withdrawn' | 'appointment.cancelled', targetId: string) =>
    insertWhere(deps.db, auditEvents, auditRow({ action, actor, practiceId, targetId }, now), recorded);
  const writes = (guard?: SQL) =>
    [
      consent.insert(guard),
      audit('consent.withdrawn', clientId),
      ...cancels.flatMap(({ context, change }) => [...change.writes, audit('appointment.cancelled', context.appointment.id)]),
    ] as const satisfies Batch;
  const notify = async (clientLocale: Locale) => {
    await sealChainSoon(deps, practiceId);
    for (const { change } of cancels) await change.notify(clientLocale);
  };
  return { writes, notify };
}
