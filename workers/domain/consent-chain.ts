import { sha256Hex } from '../lib/crypto';

// Consent is kept as an append-only, hash-linked chain per practice, so the practice can demonstrate what a client
// agreed to and when (Art. 7(1) GDPR) and any later edit, deletion or truncation of that evidence shows.

export type ConsentKind = 'given' | 'withdrawn';
/** booking: processing needed to book and hold appointments under the practice's terms; reminders: optional emails. */
export type ConsentPurpose = 'booking' | 'reminders';

export type ConsentRecordContent = {
  id: string;
  practiceId: string;
  clientId: string;
  seq: number;
  kind: ConsentKind;
  purposes: ConsentPurpose[];
  termsVersion: number;
  termsSha256: string;
  method: string;
  at: number;
  prevHash: string | null;
};
export type StoredConsentRecord = ConsentRecordContent & { recordHash: string };

export type ChainProblem = { seq: number; problem: 'edited' | 'missing' | 'broken-link' | 'head-mismatch' };
export type ChainVerdict = { ok: true; length: number } | { ok: false; length: number; problems: ChainProblem[] };

const CANONICAL_FORMAT = 'praxisraum.consent-record.v1';

/**
 * The hashed form is a JSON array in a fixed field order, so the hash never depends on how an object was built or
 * read back. Purposes are a set: they are sorted so that storage order cannot change the hash.
 */
function canonicalConsentRecord(content: ConsentRecordContent): string {
  return JSON.stringify([
    CANONICAL_FORMAT,
    content.id,
    content.practiceId,
    content.clientId,
    content.seq,
    content.kind,
    [...content.purposes].sort(),
    content.termsVersion,
    content.termsSha256,
    content.method,
    content.at,
    content.prevHash,
  ]);
}

/** Hex SHA-256 of the record; it includes prevHash, so each record commits to the whole history before it. */
export function hashConsentRecord(content: ConsentRecordContent): Promise<string> {
  return sha256Hex(canonicalConsentRecord(content));
}

/**
 * Checks one practice's records (any order) against their hashes, their links and the head the practice row
 * remembers. A null head skips the head check; without it a removed tail cannot be told from a short chain.
 */
export async function verifyConsentChain(
  records: StoredConsentRecord[],
  head: { seq: number; hash: string } | null,
): Promise<ChainVerdict> {
  const sorted = [...records].sort((a, b) => a.seq - b.seq);
  const problems: ChainProblem[] = [];
  let expectedSeq = 1;
  let previous: StoredConsentRecord | undefined;
  for (const record of sorted) {
    if ((await hashConsentRecord(record)) !== record.recordHash) problems.push({ seq: record.seq, problem: 'edited' });
    if (!Number.isInteger(record.seq) || record.seq < expectedSeq) {
      // A repeated or malformed seq forks the chain; it cannot sit in the single line of history.
      problems.push({ seq: record.seq, problem: 'broken-link' });
      continue;
    }
    if (record.seq > expectedSeq) {
      for (let seq = expectedSeq; seq < record.seq; seq++) problems.push({ seq, problem: 'missing' });
    } else if (record.prevHash !== (previous?.recordHash ?? null)) {
      problems.push({ seq: record.seq, problem: 'broken-link' });
    }
    previous = record;
    expectedSeq = record.seq + 1;
  }
  if (head && (previous?.seq !== head.seq || previous.recordHash !== head.hash)) {
    problems.push({ seq: head.seq, problem: 'head-mismatch' });
  }
  return problems.length === 0
    ? { ok: true, length: records.length }
    : { ok: false, length: records.length, problems };
}

/** Folds one client's records in seq order: a grant adds its purposes, a withdrawal (Art. 7(3) GDPR) removes them. */
export function activePurposes(
  records: Pick<StoredConsentRecord, 'seq' | 'kind' | 'purposes'>[],
): Set<ConsentPurpose> {
  const active = new Set<ConsentPurpose>();
  for (const record of [...records].sort((a, b) => a.seq - b.seq)) {
    for (const purpose of record.purposes) {
      if (record.kind === 'given') active.add(purpose);
      else active.delete(purpose);
    }
  }
  return active;
}
