import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { consentInsert, sealAllChains, verifyPracticeChain } from '../../workers/services/consent';
import { bookablePractice, bookingRequest, freeSlots, termsOf, testDeps, unique } from './harness';

describe('booking under load', () => {
  it('books 40 different slots of one practice at once without a server error and keeps one unbroken consent chain', async () => {
    const practice = await bookablePractice();
    const slots = (await freeSlots(practice.slug, practice.inPerson.id, 21)).filter((_, i) => i % 2 === 0).slice(0, 40);
    expect(slots.length).toBe(40);
    const terms = await termsOf(practice.slug);
    const responses = await Promise.all(
      slots.map((slot, i) =>
        bookingRequest(practice.slug, { typeId: slot.typeId, start: slot.start, name: `C${i}`, email: `${unique('load')}@example.com`, termsVersion: terms.version, acceptTerms: true }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    const bodies = await Promise.all(responses.filter((r) => r.status >= 500).map((r) => r.text()));
    expect(bodies).toEqual([]);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const booked = statuses.filter((s) => s === 201).length;
    expect(await env.DB.prepare('SELECT count(*) AS n FROM consent_records WHERE practice_id = ?').bind(practice.practiceId).first('n')).toBe(booked);
    expect(await verifyPracticeChain(await testDeps(), practice.practiceId)).toEqual({ ok: true, length: booked });
  });
});

describe('consent chain sealing', () => {
  it('lets the cron seal a record whose request failed before sealing, and notices a removed last record', async () => {
    const practice = await bookablePractice();
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    const terms = await termsOf(practice.slug);
    const booked = await bookingRequest(practice.slug, { typeId: slots[0]?.typeId, start: slots[0]?.start, name: 'A', email: `${unique('s')}@example.com`, termsVersion: terms.version, acceptTerms: true });
    expect(booked.status).toBe(201);
    const clientId = await env.DB.prepare('SELECT client_id FROM consent_records WHERE practice_id = ?').bind(practice.practiceId).first('client_id');
    // A record written by a request that died before sealing it.
    const deps = await testDeps();
    const orphan = await consentInsert(deps, practice.practiceId, {
      clientId: String(clientId),
      kind: 'withdrawn',
      purposes: ['booking'],
      termsVersion: terms.version,
      termsSha256: terms.sha256,
      method: 'withdrawal-link',
    });
    await orphan.insert;
    await sealAllChains(deps);
    const sealedRow = await env.DB.prepare('SELECT record_hash, prev_hash FROM consent_records WHERE practice_id = ? AND seq = 2').bind(practice.practiceId).first<{ record_hash: string; prev_hash: string }>();
    expect(sealedRow?.record_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(sealedRow?.prev_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyPracticeChain(deps, practice.practiceId)).toEqual({ ok: true, length: 2 });
    await env.DB.prepare('DELETE FROM consent_records WHERE practice_id = ? AND seq = 2').bind(practice.practiceId).run();
    const verdict = await verifyPracticeChain(deps, practice.practiceId);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? [] : verdict.problems.map((p) => p.problem)).toContain('head-mismatch');
  });
});
