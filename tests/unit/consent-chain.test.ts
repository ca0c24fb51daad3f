import { describe, expect, it } from 'vitest';
import {
  activePurposes,
  type ConsentKind,
  type ConsentPurpose,
  hashChainLink,
  hashConsentContent,
  type StoredConsentRecord,
  verifyConsentChain,
} from '../../workers/domain/consent-chain';
import { consentReceipt } from '../../workers/domain/consent-receipt';

const T0 = Date.UTC(2026, 10, 23, 9, 0);

const STEPS: { clientId: string; kind: ConsentKind; purposes: ConsentPurpose[] }[] = [
  { clientId: 'client-a', kind: 'given', purposes: ['booking', 'reminders'] },
  { clientId: 'client-b', kind: 'given', purposes: ['booking'] },
  { clientId: 'client-a', kind: 'withdrawn', purposes: ['reminders'] },
  { clientId: 'client-c', kind: 'given', purposes: ['booking', 'reminders'] },
  { clientId: 'client-b', kind: 'withdrawn', purposes: ['booking'] },
];

/** Appends the steps one by one, each record linked to the one before it, as the consent service does. */
async function buildChain(): Promise<StoredConsentRecord[]> {
  const chain: StoredConsentRecord[] = [];
  for (const [index, step] of STEPS.entries()) {
    const content = {
      id: `record-${index + 1}`,
      practiceId: 'practice-1',
      ...step,
      termsVersion: 1,
      termsSha256: 'a'.repeat(64),
      method: 'web-form',
      at: T0 + index * 60_000,
    };
    const link = { seq: index + 1, prevHash: chain.at(-1)?.recordHash ?? null, contentHash: await hashConsentContent(content) };
    chain.push({ ...content, ...link, recordHash: await hashChainLink(link) });
  }
  return chain;
}

const headOf = (chain: StoredConsentRecord[]) => {
  const last = chain.at(-1);
  return last ? { seq: last.seq, hash: last.recordHash } : null;
};

describe('consent hashes', () => {
  it('gives the same content hash however the record object was put together', async () => {
    const [first] = await buildChain();
    if (!first?.clientId) throw new Error('empty chain');
    const { id, practiceId, clientId, kind, purposes, termsVersion, termsSha256, method, at } = first;
    const rebuilt = { at, method, termsSha256, termsVersion, purposes: [...purposes].reverse(), kind, clientId, practiceId, id };
    expect(Object.keys(rebuilt)[0]).toBe('at');
    expect(await hashConsentContent(rebuilt)).toBe(first.contentHash);
  });

  it('changes the record hash when the previous hash changes, so a record commits to its history', async () => {
    const [, second] = await buildChain();
    if (!second) throw new Error('short chain');
    expect(await hashChainLink({ ...second, prevHash: 'f'.repeat(64) })).not.toBe(second.recordHash);
  });
});

describe('verifyConsentChain', () => {
  it('accepts an untouched chain of five records', async () => {
    const chain = await buildChain();
    expect(await verifyConsentChain(chain, headOf(chain))).toEqual({ ok: true, length: 5 });
  });

  it('accepts the records in any order', async () => {
    const chain = await buildChain();
    const shuffled = [chain[3], chain[0], chain[4], chain[2], chain[1]].filter((r) => r !== undefined);
    expect(await verifyConsentChain(shuffled, headOf(chain))).toEqual({ ok: true, length: 5 });
  });

  it('accepts an empty chain when the practice remembers no head', async () => {
    expect(await verifyConsentChain([], null)).toEqual({ ok: true, length: 0 });
  });

  it('reports an edited middle record', async () => {
    const chain = await buildChain();
    const widened: ConsentPurpose[] = ['booking', 'reminders'];
    const edited = chain.map((r) => (r.seq === 3 ? { ...r, purposes: widened } : r));
    expect(await verifyConsentChain(edited, headOf(chain))).toEqual({
      ok: false,
      length: 5,
      problems: [{ seq: 3, problem: 'edited' }],
    });
  });

  it('reports the broken link when an edited record was also given a fresh hash', async () => {
    const chain = await buildChain();
    const rehashed = await Promise.all(
      chain.map(async (r) => {
        if (r.seq !== 3) return r;
        const edited = { ...r, at: r.at + 1, clientId: r.clientId ?? '' };
        const contentHash = await hashConsentContent(edited);
        return { ...edited, contentHash, recordHash: await hashChainLink({ ...edited, contentHash }) };
      }),
    );
    expect(await verifyConsentChain(rehashed, headOf(chain))).toEqual({
      ok: false,
      length: 5,
      problems: [{ seq: 4, problem: 'broken-link' }],
    });
  });

  it('still verifies when an erased client’s records were redacted', async () => {
    const chain = await buildChain();
    const redacted = chain.map((r) => (r.clientId === 'client-a' ? { ...r, clientId: null } : r));
    expect(await verifyConsentChain(redacted, headOf(chain))).toEqual({ ok: true, length: 5 });
  });

  it('reports a removed middle record as missing', async () => {
    const chain = await buildChain();
    const verdict = await verifyConsentChain(
      chain.filter((r) => r.seq !== 3),
      headOf(chain),
    );
    expect(verdict).toEqual({ ok: false, length: 4, problems: [{ seq: 3, problem: 'missing' }] });
  });

  it('reports a removed first record as missing', async () => {
    const chain = await buildChain();
    const verdict = await verifyConsentChain(chain.slice(1), headOf(chain));
    expect(verdict).toEqual({ ok: false, length: 4, problems: [{ seq: 1, problem: 'missing' }] });
  });

  it('reports a removed record whose successors were renumbered as edited and broken', async () => {
    const chain = await buildChain();
    const renumbered = chain.filter((r) => r.seq !== 3).map((r) => (r.seq > 3 ? { ...r, seq: r.seq - 1 } : r));
    const verdict = await verifyConsentChain(renumbered, headOf(chain));
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? [] : verdict.problems).toEqual([
      { seq: 3, problem: 'edited' },
      { seq: 3, problem: 'broken-link' },
      { seq: 4, problem: 'edited' },
      { seq: 5, problem: 'head-mismatch' },
    ]);
  });

  it('reports a removed tail through the head the practice remembers', async () => {
    const chain = await buildChain();
    const verdict = await verifyConsentChain(chain.slice(0, 4), headOf(chain));
    expect(verdict).toEqual({ ok: false, length: 4, problems: [{ seq: 5, problem: 'head-mismatch' }] });
  });

  it('reports a head that points at a record with another hash', async () => {
    const chain = await buildChain();
    const verdict = await verifyConsentChain(chain, { seq: 5, hash: 'f'.repeat(64) });
    expect(verdict).toEqual({ ok: false, length: 5, problems: [{ seq: 5, problem: 'head-mismatch' }] });
  });

  it('reports a head when every record was removed', async () => {
    const chain = await buildChain();
    expect(await verifyConsentChain([], headOf(chain))).toEqual({
      ok: false,
      length: 0,
      problems: [{ seq: 5, problem: 'head-mismatch' }],
    });
  });

  it('reports a second record claiming a seq that is already taken', async () => {
    const chain = await buildChain();
    const [, second] = chain;
    if (!second) throw new Error('short chain');
    const verdict = await verifyConsentChain([...chain, { ...second, id: 'forged' }], headOf(chain));
    expect(verdict.ok ? [] : verdict.problems).toContainEqual({ seq: 2, problem: 'broken-link' });
  });
});

describe('activePurposes', () => {
  it.each([
    ['client-a', ['booking']],
    ['client-b', []],
    ['client-c', ['booking', 'reminders']],
  ] as const)('folds the records of %s into %j', async (clientId, expected) => {
    const records = (await buildChain()).filter((r) => r.clientId === clientId);
    expect([...activePurposes(records)].sort()).toEqual(expected);
  });

  it('folds in seq order, not in the order the records arrive', () => {
    const records = [
      { seq: 2, kind: 'withdrawn', purposes: ['reminders'] },
      { seq: 1, kind: 'given', purposes: ['booking', 'reminders'] },
    ] satisfies { seq: number; kind: ConsentKind; purposes: ConsentPurpose[] }[];
    expect([...activePurposes(records)]).toEqual(['booking']);
  });

  it('leaves nothing active once every purpose is withdrawn', () => {
    const records = [
      { seq: 1, kind: 'given', purposes: ['booking', 'reminders'] },
      { seq: 2, kind: 'withdrawn', purposes: ['booking', 'reminders'] },
    ] satisfies { seq: number; kind: ConsentKind; purposes: ConsentPurpose[] }[];
    expect(activePurposes(records).size).toBe(0);
  });
});

describe('consentReceipt', () => {
  const practice = { name: 'Praxis Nord', contactEmail: 'kontakt@praxis-nord.example', slug: 'praxis-nord' };

  it('records the consent with a pseudonymous principal, seconds and the evidence of the chain', async () => {
    const [, , , fourth] = await buildChain();
    if (!fourth) throw new Error('short chain');
    const issuedAt = T0 + 86_400_000;
    const receipt = consentReceipt({
      record: fourth,
      practice,
      appOrigin: 'https://praxisraum.example/',
      jurisdiction: 'DK',
      issuedAt,
    });
    expect(receipt).toMatchObject({
      version: 'KI-CR-v1.1.0',
      jurisdiction: 'DK',
      language: 'da',
      consentTimestamp: (T0 + 3 * 60_000) / 1000,
      issuedAt: issuedAt / 1000,
      collectionMethod: 'web-form',
      consentReceiptID: 'record-4',
      piiPrincipalId: 'client-c',
      policyUrl: 'https://praxisraum.example/book/praxis-nord/terms',
      sensitive: true,
      spiCat: ['health'],
      kind: 'given',
      termsVersion: 1,
      recordSeq: 4,
      recordHash: fourth.recordHash,
      prevHash: fourth.prevHash,
    });
    expect(receipt.piiControllers).toEqual([
      {
        piiController: 'Praxis Nord',
        contact: 'Praxis Nord',
        email: 'kontakt@praxis-nord.example',
        piiControllerUrl: 'https://praxisraum.example/book/praxis-nord',
      },
    ]);
    expect(receipt.services[0]?.purposes.map((p) => [p.primaryPurpose, p.consentType, p.thirdPartyDisclosure])).toEqual([
      [true, 'EXPLICIT', false],
      [false, 'EXPLICIT', false],
    ]);
    expect(JSON.parse(JSON.stringify(receipt))).toEqual(receipt);
  });

  it('lists only the purposes of the record it is issued for', async () => {
    const [, , third] = await buildChain();
    if (!third) throw new Error('short chain');
    const receipt = consentReceipt({
      record: third,
      practice,
      appOrigin: 'https://praxisraum.example',
      jurisdiction: 'DE',
      issuedAt: T0,
    });
    expect(receipt.kind).toBe('withdrawn');
    expect(receipt.language).toBe('de');
    expect(receipt.services[0]?.purposes.map((p) => p.purpose)).toEqual(['Email reminders before appointments']);
  });
});
