import { and, asc, eq, gt, isNull, type SQL, sql } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors';
import { consentRecords, practices } from '../../db/schema';
import { type ConsentKind, type ConsentPurpose, hashChainLink, hashConsentContent, type StoredConsentRecord, verifyConsentChain } from '../domain/consent-chain';
import { newId } from '../lib/crypto';
import type { Deps } from './deps';
import { findPractice } from './practices';
import { insertWhere } from './insert-where';

export type ConsentEntry = {
  clientId: string;
  kind: ConsentKind;
  purposes: ConsentPurpose[];
  termsVersion: number;
  termsSha256: string;
  method: string;
};

/**
 * The insert of one consent record, to put into the caller's batch so a consent and the state change it allows commit
 * together. Its position is computed inside that batch (a D1 batch is one serialised transaction), so concurrent
 * bookings never contend for it; the UNIQUE (practice, seq) index guards the invariant anyway.
 */
export async function consentInsert(deps: Deps, practiceId: string, entry: ConsentEntry) {
  const row = await consentRow(deps, practiceId, entry);
  return { id: row.id, insert: deps.db.insert(consentRecords).values(row) };
}

async function consentRow(deps: Deps, practiceId: string, entry: ConsentEntry) {
  const content = { id: newId(), practiceId, at: deps.now(), ...entry };
  const contentHash = await hashConsentContent(content);
  const nextSeq = sql`(SELECT coalesce(max(${consentRecords.seq}), 0) + 1 FROM ${consentRecords} WHERE ${consentRecords.practiceId} = ${practiceId})`;
  return { ...content, contentHash, seq: nextSeq, prevHash: null, recordHash: null };
}

/** The position of the client's latest record, or null: what a withdrawal read its active purposes from. */
export function chainHeadOf(records: readonly { seq: number }[]): number | null {
  return records.at(-1)?.seq ?? null;
}

/**
 * A record written only if the client's records are still those the caller read (their latest position is `seenHead`):
 * of two concurrent withdrawals the database lets exactly one through, the other writes nothing and can read again.
 */
export async function consentInsertIfUnchanged(deps: Deps, practiceId: string, entry: ConsentEntry, seenHead: number | null) {
  const row = await consentRow(deps, practiceId, entry);
  const latest = sql`(SELECT max(${consentRecords.seq}) FROM ${consentRecords} WHERE ${consentRecords.clientId} = ${entry.clientId})`;
  const unchanged = seenHead === null ? sql`${latest} IS NULL` : sql`${latest} = ${seenHead}`;
  return { id: row.id, insert: (guard?: SQL) => insertWhere(deps.db, consentRecords, row, and(unchanged, guard)).returning({ id: consentRecords.id }) };
}

/**
 * Seals the practice's new records into the hash chain, in seq order, starting from the head the practice row
 * remembers. Hashes are deterministic, so two concurrent sealers write the same values; each record is sealed once
 * (the trigger allows filling empty hashes only) and the head moves only from the value this sealer started from.
 */
export async function sealChain(deps: Deps, practiceId: string) {
  const [head] = await deps.db
    .select({ seq: practices.consentHeadSeq, hash: practices.consentHeadHash })
    .from(practices)
    .where(eq(practices.id, practiceId));
  if (!head) return;
  const unsealed = await deps.db.query.consentRecords.findMany({
    where: and(eq(consentRecords.practiceId, practiceId), gt(consentRecords.seq, head.seq)),
    orderBy: asc(consentRecords.seq),
  });
  let prevHash = head.hash;
  let seq = head.seq;
  const writes = [];
  for (const record of unsealed) {
    if (record.seq !== seq + 1) break; // a gap: leave it for verification to report
    const recordHash = await hashChainLink({ seq: record.seq, prevHash, contentHash: record.contentHash });
    if (record.recordHash === null) {
      writes.push(deps.db.update(consentRecords).set({ prevHash, recordHash }).where(and(eq(consentRecords.id, record.id), isNull(consentRecords.recordHash))));
    } else if (record.recordHash !== recordHash || record.prevHash !== prevHash) {
      break; // sealed differently: evidence of tampering, which verification reports
    }
    prevHash = recordHash;
    seq = record.seq;
  }
  if (seq === head.seq) return;
  await deps.db.batch([
    deps.db
      .update(practices)
      .set({ consentHeadSeq: seq, consentHeadHash: prevHash })
      .where(and(eq(practices.id, practiceId), eq(practices.consentHeadSeq, head.seq))),
    ...writes,
  ]);
}

/** Sealing right after a write is best effort: if it fails, the next write or the cron seals the record. */
export async function sealChainSoon(deps: Deps, practiceId: string) {
  try {
    await sealChain(deps, practiceId);
  } catch (error) {
    console.error(`consent chain sealing deferred: ${error instanceof Error ? error.name : 'unknown'}`);
  }
}

/** Cron: seals any record a failed request left unsealed. */
export async function sealAllChains(deps: Deps) {
  const pending = await deps.db.selectDistinct({ practiceId: consentRecords.practiceId }).from(consentRecords).where(isNull(consentRecords.recordHash));
  for (const { practiceId } of pending) await sealChain(deps, practiceId);
}

/** Reruns an attempt that lost the race to create the same client (matched by email); anything else propagates. */
export async function retryOnClientRace<T>(attempt: () => Promise<T>, tries = 5): Promise<T> {
  for (let round = 1; ; round++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isUniqueViolation(error, 'clients.') || round >= tries) throw error;
    }
  }
}

function sealed(record: typeof consentRecords.$inferSelect): record is StoredConsentRecord {
  return record.recordHash !== null;
}

export async function clientConsentRecords(deps: Deps, clientId: string) {
  return deps.db.query.consentRecords.findMany({ where: eq(consentRecords.clientId, clientId), orderBy: asc(consentRecords.seq) });
}

/** Seals what is pending, then checks every record against its hash, its predecessor and the practice's head. */
export async function verifyPracticeChain(deps: Deps, practiceId: string) {
  await sealChain(deps, practiceId);
  const [records, practice] = await Promise.all([
    deps.db.query.consentRecords.findMany({ where: eq(consentRecords.practiceId, practiceId) }),
    findPractice(deps, practiceId),
  ]);
  const head = practice?.consentHeadHash ? { seq: practice.consentHeadSeq, hash: practice.consentHeadHash } : null;
  const verdict = await verifyConsentChain(records.filter(sealed), head);
  const unsealed = records.filter((r) => !sealed(r)).map((r) => ({ seq: r.seq, problem: 'broken-link' as const }));
  if (unsealed.length === 0) return verdict;
  return { ok: false as const, length: records.length, problems: [...(verdict.ok ? [] : verdict.problems), ...unsealed] };
}

/** The sealed record behind a receipt; sealing first so a receipt always carries its hash. */
export async function sealedRecord(deps: Deps, recordId: string): Promise<StoredConsentRecord | undefined> {
  const record = await deps.db.query.consentRecords.findFirst({ where: eq(consentRecords.id, recordId) });
  if (!record) return undefined;
  if (!sealed(record)) await sealChain(deps, record.practiceId);
  const after = await deps.db.query.consentRecords.findFirst({ where: eq(consentRecords.id, recordId) });
  return after && sealed(after) ? after : undefined;
}
