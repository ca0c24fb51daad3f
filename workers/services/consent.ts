import { and, asc, eq } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors';
import { consentRecords, practices } from '../../db/schema';
import { type ConsentKind, type ConsentPurpose, hashConsentRecord, type StoredConsentRecord, verifyConsentChain } from '../domain/consent-chain';
import { newId } from '../lib/crypto';
import type { Deps } from './deps';

export type ConsentEntry = {
  clientId: string;
  kind: ConsentKind;
  purposes: ConsentPurpose[];
  termsVersion: number;
  termsSha256: string;
  method: string;
};

type Head = { seq: number; hash: string | null };

async function readHead(deps: Deps, practiceId: string): Promise<Head> {
  const row = await deps.db
    .select({ seq: practices.consentHeadSeq, hash: practices.consentHeadHash })
    .from(practices)
    .where(eq(practices.id, practiceId));
  return row[0] ?? { seq: 0, hash: null };
}

/**
 * Appends entries to the practice's hash chain. Returns the writes to put into the caller's batch (so a consent and
 * the state change it allows commit together) and the records as they will be stored. The UNIQUE (practice, seq)
 * index makes a concurrent append fail the whole batch; `retryOnChainRace` then starts over from the new head.
 */
export async function chainAppend(deps: Deps, practiceId: string, entries: ConsentEntry[]) {
  const head = await readHead(deps, practiceId);
  const at = deps.now();
  const records: StoredConsentRecord[] = [];
  let prevHash = head.hash;
  for (const [index, entry] of entries.entries()) {
    const content = { id: newId(), practiceId, seq: head.seq + index + 1, at, prevHash, ...entry };
    const recordHash = await hashConsentRecord(content);
    records.push({ ...content, recordHash });
    prevHash = recordHash;
  }
  const last = records.at(-1);
  const writes = [
    ...records.map((record) => deps.db.insert(consentRecords).values(record)),
    ...(last ? [deps.db.update(practices).set({ consentHeadSeq: last.seq, consentHeadHash: last.recordHash }).where(eq(practices.id, practiceId))] : []),
  ];
  return { records, writes };
}

/** Reruns an attempt that lost a race on the consent chain or on creating the same client; anything else propagates. */
export async function retryOnChainRace<T>(attempt: () => Promise<T>, tries = 12): Promise<T> {
  for (let round = 1; ; round++) {
    try {
      return await attempt();
    } catch (error) {
      const lostRace = isUniqueViolation(error, 'consent_records.') || isUniqueViolation(error, 'clients.');
      if (!lostRace || round >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * round));
    }
  }
}

export async function clientConsentRecords(deps: Deps, clientId: string): Promise<StoredConsentRecord[]> {
  return deps.db.query.consentRecords.findMany({ where: eq(consentRecords.clientId, clientId), orderBy: asc(consentRecords.seq) });
}

export async function verifyPracticeChain(deps: Deps, practiceId: string) {
  const [records, head] = await Promise.all([
    deps.db.query.consentRecords.findMany({ where: and(eq(consentRecords.practiceId, practiceId)) }),
    readHead(deps, practiceId),
  ]);
  return verifyConsentChain(records, head.hash ? { seq: head.seq, hash: head.hash } : null);
}
