import { sha256Hex } from '../lib/crypto';

// Consent is kept as an append-only, hash-linked chain per practice, so the practice can demonstrate what a client
// agreed to and when (Art. 7(1) GDPR) and any later edit, deletion or truncation of that evidence shows.
//
// Two hashes per record: the content hash covers what was agreed (fixed when the record is written), the record hash
// links position, previous record and content hash. Erasure of a client (Art. 17) redacts the client reference of
// their records; the links still verify, so one client's erasure never breaks the evidence of everyone else.

export type ConsentKind = 'given' | 'withdrawn';
/** booking: processing needed to book and hold appointments under the practice's terms; reminders: optional emails. */
export type ConsentPurpose = 'booking' | 'reminders';

export type ConsentContent = {
  id: string;
  practiceId: string;
  clientId: string;
  kind: ConsentKind;
  purposes: ConsentPurpose[];
  termsVersion: number;
  termsSha256: string;
  method: string;
  at: number;
};

export type ChainLink = { seq: number; prevHash: string | null; contentHash: string };

/** A sealed record; a null clientId marks a record redacted by erasure. */
export type StoredConsentRecord = Omit<ConsentContent, 'clientId'> & ChainLink & { clientId: string | null; recordHash: string };

export type ChainProblem = { seq: number; problem: 'edited' | 'missing' | 'broken-link' | 'head-mismatch' };
export type ChainVerdict = { ok: true; length: number } | { ok: false; length: number; problems: ChainProblem[] };

const CONTENT_FORMAT = 'praxisraum.consent-content.v1';
const LINK_FORMAT = 'praxisraum.consent-link.v1';

/**
 * The hashed forms are JSON arrays in a fixed field order, so a hash never depends on how an object was built or read
 * back. Purposes are a set: they are sorted so that storage order cannot change the hash.
 */
export function hashConsentContent(content: ConsentContent): Promise<string> {
  return sha256Hex(
    JSON.stringify([
      CONTENT_FORMAT,
      content.id,
      content.practiceId,
      content.clientId,
      content.kind,
      [...content.purposes].sort(),
      content.termsVersion,
      content.termsSha256,
      content.method,
      content.at,
    ]),
  );
}

/** The record hash commits to the position, the previous record's hash and the content: the whole history before it. */
export function hashChainLink(link: ChainLink): Promise<string> {
  return sha256Hex(JSON.stringify([LINK_FORMAT, link.seq, link.prevHash, link.contentHash]));
}

async function isEdited(record: StoredConsentRecord): Promise<boolean> {
  if ((await hashChainLink(record)) !== record.recordHash) return true;
  // A redacted record's content can no longer be recomputed; its link above still proves its place.
  if (record.clientId === null) return false;
  return (await hashConsentContent({ ...record, clientId: record.clientId })) !== record.contentHash;
}

/**
 * Checks one practice's records (any order) against their hashes, their links and the head the practice row
 * remembers. A null head skips the head check; without it a removed tail cannot be told from a short chain.
 */
export async function verifyConsentChain(records: StoredConsentRecord[], head: { seq: number; hash: string } | null): Promise<ChainVerdict> {
  const sorted = [...records].sort((a, b) => a.seq - b.seq);
  const problems: ChainProblem[] = [];
  let expectedSeq = 1;
  let previous: StoredConsentRecord | undefined;
  for (const record of sorted) {
    if (await isEdited(record)) problems.push({ seq: record.seq, problem: 'edited' });
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
  return problems.length === 0 ? { ok: true, length: records.length } : { ok: false, length: records.length, problems };
}

/** Folds one client's records in seq order: a grant adds its purposes, a withdrawal (Art. 7(3) GDPR) removes them. */
export function activePurposes(records: Pick<StoredConsentRecord, 'seq' | 'kind' | 'purposes'>[]): Set<ConsentPurpose> {
  const active = new Set<ConsentPurpose>();
  for (const record of [...records].sort((a, b) => a.seq - b.seq)) {
    for (const purpose of record.purposes) {
      if (record.kind === 'given') active.add(purpose);
      else active.delete(purpose);
    }
  }
  return active;
}
