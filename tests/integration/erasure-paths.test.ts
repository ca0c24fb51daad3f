import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../../db/catalog';
import { auditInsert } from '../../workers/services/audit';
import { roomStub } from './call-room-support';
import { idsOf, insertCallMetrics, insertNote, insertRightsRequest, slotOnDay } from './erasure-support';
import { asDpo, book, bookablePractice, type Client, freeSlots, tableNames, testDeps, unique } from './harness';
import { SYSTEM } from '../../workers/lib/actor';

const DAY = 86_400_000;
type Practice = Awaited<ReturnType<typeof bookablePractice>>;

let dpo: Client;
beforeAll(async () => {
  dpo = await asDpo();
});

/**
 * One client with every kind of row a client leaves: a video and an in-person appointment (with slot claims,
 * consent records, confirmation emails), call metrics, an audit entry, a verified erasure request with its trail,
 * and what a call room holds between admission and its closing alarm. `keptRecord` adds a recent session note, which
 * the practice must keep (BGB § 630f).
 */
async function clientWithHistory(practice: Practice, days: [number, number], keptRecord: boolean) {
  const person = { name: unique('Klientin Ragna'), email: `${unique('ragna')}@example.com` };
  const video = slotOnDay(await freeSlots(practice.slug, practice.video.id), days[0]);
  const inPerson = slotOnDay(await freeSlots(practice.slug, practice.inPerson.id), days[1]);
  for (const [typeId, start] of [[practice.video.id, video], [practice.inPerson.id, inPerson]] as const) {
    expect((await book(practice.slug, { ...person, typeId, start, reminders: true })).status).toBe(201);
  }
  const [id = ''] = await idsOf('SELECT id FROM clients WHERE practice_id = ? AND email = ?', practice.practiceId, person.email);
  const byMode = 'SELECT a.id FROM appointments a JOIN appointment_types t ON t.id = a.type_id WHERE a.client_id = ? AND t.mode = ?';
  const [videoId = ''] = await idsOf(byMode, id, 'video');
  const [inPersonId = ''] = await idsOf(byMode, id, 'in_person');
  await insertCallMetrics(practice.practiceId, videoId);
  await auditInsert((await testDeps()).db, { action: 'client.rectified', actor: SYSTEM, practiceId: practice.practiceId, targetId: id }, Date.now());
  const details = unique('Bitte alles löschen, Ragna');
  const requestId = await insertRightsRequest(practice.practiceId, id, person.email, details);
  if (keptRecord) await insertNote(practice.practiceId, id, inPersonId, Date.now() - DAY);
  await runInDurableObject(roomStub(videoId), async (_room, state) => {
    await state.storage.put('admitted', ['participant']);
    await state.storage.setAlarm(Date.now() + DAY);
  });
  const notes = await idsOf('SELECT id FROM session_notes WHERE client_id = ?', id);
  return { id, video: videoId, requestId, needles: [id, person.name, person.email, details, videoId, inPersonId, ...notes] };
}

/**
 * Rows of every catalog table that still carry anything of the client, counted by table. The answer the DPO mails
 * to the requester after erasing (Art. 12(3)) is sent after `since` and is not residue of the erasure.
 */
async function residueOf(needles: string[], since: number): Promise<Record<string, number>> {
  const residue: Record<string, number> = {};
  for (const { name } of CATALOG) {
    const rows = (await env.DB.prepare(`SELECT * FROM "${name}"`).all<Record<string, unknown>>()).results;
    const left = rows.filter((row) => !(name === 'outbox_messages' && Number(row.sent_at) >= since) && needles.some((needle) => JSON.stringify(row).includes(needle)));
    if (left.length > 0) residue[name] = left.length;
  }
  return residue;
}

async function roomOf(appointmentId: string) {
  return runInDurableObject(roomStub(appointmentId), async (_room, state) => ({ keys: [...(await state.storage.list()).keys()], alarm: await state.storage.getAlarm() }));
}

describe('one erasure path', () => {
  it('the catalog lists every table of the database, children before the tables they reference', async () => {
    expect(CATALOG.map((table) => table.name).sort()).toEqual(await tableNames());
    for (const [position, table] of CATALOG.entries()) {
      const parents = table.foreignKeys.map((fk) => CATALOG.findIndex((other) => other.table === fk.parent));
      expect(parents.every((parent) => parent > position), table.name).toBe(true);
    }
  });

  it.each([
    ['nothing must be kept', false],
    ['a recent session note must be kept', true],
  ])('the therapist’s delete and the DPO’s erasure leave the same residue when %s', async (_case, keptRecord) => {
    const practice = await bookablePractice();
    const byTherapist = await clientWithHistory(practice, [0, 1], keptRecord);
    const byDpo = await clientWithHistory(practice, [2, 3], keptRecord);
    const bystander = await clientWithHistory(practice, [4, 5], keptRecord);
    for (const client of [byTherapist, byDpo]) expect(await residueOf(client.needles, 0)).toMatchObject({ clients: 1, appointments: 2, rights_requests: 1 });
    const since = Date.now();

    expect((await practice.client.json(`/api/clients/${byTherapist.id}`, {}, 'DELETE')).status).toBe(204);
    const erased = await dpo.form(`/dpo/requests/${byDpo.requestId}/erase`, {});
    expect(erased.status).toBe(303);

    const residue = await residueOf(byTherapist.needles, since);
    expect(await residueOf(byDpo.needles, since)).toEqual(residue);
    // Nothing is left, or exactly the treatment record the practice must keep, restricted (Art. 17(3)(b), 18): the
    // client, the documented appointment with the time it holds, the note and the entry saying it was restricted.
    const record = { clients: 1, appointments: 1, appointment_slots: expect.any(Number), session_notes: 1, audit_events: 1 };
    expect(residue).toEqual(keptRecord ? record : {});
    for (const client of [byTherapist, byDpo]) {
      const restricted = await env.DB.prepare('SELECT restricted_at FROM clients WHERE id = ?').bind(client.id).first<number | null>('restricted_at');
      expect(restricted ?? null).toEqual(keptRecord ? expect.any(Number) : null);
      expect(await roomOf(client.video)).toEqual({ keys: [], alarm: null });
    }

    // The third client is untouched, call room included.
    expect(await residueOf(bystander.needles, since)).toMatchObject({ clients: 1, appointments: 2, rights_requests: 1, call_metrics: 1 });
    expect((await roomOf(bystander.video)).keys).toEqual(['admitted']);
  });
});
