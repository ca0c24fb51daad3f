import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { depsMiddleware } from '../../workers/lib/deps';
import { errorResponse, toAppError } from '../../workers/lib/errors';
import type { HonoEnv } from '../../workers/lib/hono-env';
import { rightsDownload } from '../../workers/routes/rights-download';
import { createDownloadLink, DOWNLOAD_LINK_TTL_MS, redeemDownloadLink } from '../../workers/services/access-package';
import { auditInsert } from '../../workers/services/audit';
import { verifyPracticeChain } from '../../workers/services/consent';
import { recordingCallRooms } from '../../workers/lib/rooms';
import type { CallRooms, Deps } from '../../workers/services/deps';
import { deleteClient, ERASED, eraseSubject, type ErasureReport } from '../../workers/services/erasure';
import { roomStub } from './call-room-support';
import { idsOf, insertCallMetrics, insertNote, insertRightsRequest, slotOnDay } from './erasure-support';
import { book, bookablePractice, freeSlots, openWeekdays, outbox, signUpTherapist, testDeps, typesOf, unique } from './harness';
import { type DpoActor, SYSTEM } from '../../workers/lib/actor';

/** The DPO who erases in the direct service calls below; the console route passes the signed-in one. */
const OFFICER: DpoActor = { kind: 'dpo', userId: 'dpo-of-test' };

const DAY = 86_400_000;
const YEAR = 366 * DAY;

/**
 * A practice with two clients. The subject has a video and an in-person appointment, call metrics, a note, a
 * rights request with its trail, audit entries and confirmation emails; the bystander has the same kinds of rows.
 */
async function practiceWithTwoClients(practice?: Awaited<ReturnType<typeof bookablePractice>>) {
  const therapist = practice ?? (await bookablePractice());
  const videoSlots = await freeSlots(therapist.slug, therapist.video.id);
  const inPersonSlots = await freeSlots(therapist.slug, therapist.inPerson.id);
  const subject = { name: unique('Klientin Sigrid'), email: `${unique('sigrid')}@example.com` };
  const bystander = { name: unique('Klient Bent'), email: `${unique('bent')}@example.com` };
  const bookings = [
    { ...subject, typeId: therapist.video.id, start: slotOnDay(videoSlots, 0) },
    { ...subject, typeId: therapist.inPerson.id, start: slotOnDay(inPersonSlots, 1) },
    { ...bystander, typeId: therapist.video.id, start: slotOnDay(videoSlots, 2) },
  ];
  for (const booking of bookings) expect((await book(therapist.slug, { ...booking, reminders: true })).status).toBe(201);

  const [subjectId = '', bystanderId = ''] = await Promise.all(
    [subject, bystander].map(async (person) => (await idsOf('SELECT id FROM clients WHERE practice_id = ? AND email = ?', therapist.practiceId, person.email))[0]),
  );
  const byStart = 'SELECT a.id FROM appointments a JOIN appointment_types t ON t.id = a.type_id WHERE a.client_id = ? AND t.mode = ?';
  const [subjectVideo = ''] = await idsOf(byStart, subjectId, 'video');
  const [subjectInPerson = ''] = await idsOf(byStart, subjectId, 'in_person');
  const [bystanderVideo = ''] = await idsOf(byStart, bystanderId, 'video');
  await insertCallMetrics(therapist.practiceId, subjectVideo);
  await insertCallMetrics(therapist.practiceId, bystanderVideo);
  const deps = await testDeps();
  await auditInsert(deps.db, { action: 'client.rectified', actor: SYSTEM, practiceId: therapist.practiceId, targetId: subjectId }, Date.now());
  const details = unique('Bitte alles löschen, Sigrid');
  const requestId = await insertRightsRequest(therapist.practiceId, subjectId, subject.email, details);
  const bystanderRequestId = await insertRightsRequest(therapist.practiceId, bystanderId, bystander.email, unique('Auskunft Bent'));
  return {
    ...therapist,
    deps,
    subject: { ...subject, id: subjectId, video: subjectVideo, inPerson: subjectInPerson, requestId, details },
    bystander: { ...bystander, id: bystanderId, video: bystanderVideo, requestId: bystanderRequestId },
  };
}

/** Every table of the database, read whole, searched for each needle. */
async function findEverywhere(needles: string[]): Promise<string[]> {
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all<{ name: string }>();
  expect(tables.results.length).toBeGreaterThan(20);
  const found: string[] = [];
  for (const { name } of tables.results) {
    const rows = JSON.stringify((await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results);
    for (const needle of needles) if (rows.includes(needle)) found.push(`${name}: ${needle}`);
  }
  return found;
}

/** The request's dependencies with another call-room gateway: a recording twin or one whose rooms fail. */
function withRooms(deps: Deps, callRooms: CallRooms): Deps {
  return { ...deps, callRooms };
}

const failingRooms: CallRooms = { ...recordingCallRooms(), purge: async () => Promise.reject(new Error('room unavailable')) };

function rowOf(report: ErasureReport, table: string, action: string): number | undefined {
  return report.rows.find((row) => row.table === table && row.action === action)?.rows;
}

describe('erasure of a client (Art. 17)', () => {
  it('leaves no trace of the client in any table, keeps the other client whole and the consent chain verifiable', async () => {
    const practice = await practiceWithTwoClients();
    const { subject, bystander } = practice;
    // A note older than the ten-year duty: it goes with everything else.
    await insertNote(practice.practiceId, subject.id, subject.inPerson, Date.now() - 11 * YEAR);
    const noteIds = await idsOf('SELECT id FROM session_notes WHERE client_id = ?', subject.id);
    const needles = [subject.id, subject.name, subject.email, subject.video, subject.inPerson, subject.details, ...noteIds];
    expect(await findEverywhere(needles)).not.toEqual([]);
    expect((await outbox()).some((message) => message.to === subject.email)).toBe(true);
    const consentsBefore = await idsOf('SELECT id FROM consent_records WHERE practice_id = ?', practice.practiceId);
    const rooms = recordingCallRooms();

    const report = await eraseSubject(withRooms(practice.deps, rooms), OFFICER, { practiceId: practice.practiceId, clientId: subject.id, requestId: subject.requestId });

    expect(report).toMatchObject({ clientId: subject.id, practiceId: practice.practiceId, outcome: 'erased' });
    expect(report.legalBasis).toBeUndefined();
    expect(await findEverywhere(needles)).toEqual([]);
    expect((await outbox()).some((message) => message.to === subject.email)).toBe(false);
    expect(rooms.purged).toEqual([subject.video]);
    expect(rowOf(report, 'clients', 'deleted')).toBe(1);
    expect(rowOf(report, 'appointments', 'deleted')).toBe(2);
    expect(rowOf(report, 'appointment_slots', 'deleted')).toBeGreaterThan(2);
    expect(rowOf(report, 'call_metrics', 'deleted')).toBe(1);
    expect(rowOf(report, 'session_notes', 'deleted')).toBe(1);
    expect(rowOf(report, 'consent_records', 'anonymised')).toBe(2);
    expect(rowOf(report, 'audit_events', 'anonymised')).toBe(3);
    expect(rowOf(report, 'rights_requests', 'anonymised')).toBe(1);
    expect(rowOf(report, 'rights_request_events', 'anonymised')).toBe(1);
    // Two bookings, each a confirmation link and a confirmation.
    expect(rowOf(report, 'outbox_messages', 'deleted')).toBe(4);
    expect(rowOf(report, 'call_rooms', 'deleted')).toBe(1);

    // Evidence stays, without the person: every consent record, the request and its trail.
    expect(await idsOf('SELECT id FROM consent_records WHERE practice_id = ?', practice.practiceId)).toEqual(consentsBefore);
    expect(await verifyPracticeChain(practice.deps, practice.practiceId)).toMatchObject({ ok: true, length: 3 });
    const request = await env.DB.prepare('SELECT client_id, email, details, types FROM rights_requests WHERE id = ?').bind(subject.requestId).first();
    expect(request).toEqual({ client_id: null, email: 'erased', details: null, types: '["erasure","access"]' });
    const trail = await env.DB.prepare('SELECT actor, action, note FROM rights_request_events WHERE request_id = ? ORDER BY at, action').bind(subject.requestId).all();
    expect(trail.results).toEqual(
      expect.arrayContaining([
        { actor: 'dpo', action: 'verified', note: null },
        { actor: 'system', action: 'erasure.erased', note: null },
      ]),
    );

    // The other client: untouched.
    expect(await idsOf('SELECT id FROM clients WHERE id = ? AND display_name = ? AND email = ?', bystander.id, bystander.name, bystander.email)).toHaveLength(1);
    expect(await idsOf('SELECT appointment_id AS id FROM call_metrics WHERE appointment_id = ?', bystander.video)).toHaveLength(1);
    expect(await idsOf('SELECT id FROM consent_records WHERE client_id = ?', bystander.id)).toHaveLength(1);
    expect(await idsOf('SELECT id FROM rights_requests WHERE client_id = ? AND email = ?', bystander.id, bystander.email)).toHaveLength(1);
    expect(await idsOf("SELECT id FROM audit_events WHERE target_id = ? AND action = 'appointment.booked'", bystander.video)).toHaveLength(1);
    expect((await outbox()).some((message) => message.to === bystander.email)).toBe(true);
  });

  it.each([
    ['a recent session note', 'Europe/Berlin', 'BGB § 630f: 10 years'],
    ['a completed appointment', 'Europe/Copenhagen', 'Journalføringsbekendtgørelsen § 15: 10 years'],
  ])('restricts instead of erasing when %s must be kept (%s)', async (evidence, timeZone, legalBasis) => {
    const therapist = await signUpTherapist({ timeZone });
    await openWeekdays(therapist.practiceId);
    const types = await typesOf(therapist.practiceId);
    const video = types.find((type) => type.mode === 'video');
    const inPerson = types.find((type) => type.mode === 'in_person');
    if (!video || !inPerson) throw new Error('default types missing');
    const practice = await practiceWithTwoClients({ ...therapist, video, inPerson });
    const { subject } = practice;
    // The in-person session is the documented one; the video appointment is only booked.
    if (evidence === 'a recent session note') await insertNote(practice.practiceId, subject.id, subject.inPerson, Date.now() - DAY);
    else await env.DB.prepare("UPDATE appointments SET status = 'completed' WHERE id = ?").bind(subject.inPerson).run();
    const rooms = recordingCallRooms();

    const report = await eraseSubject(withRooms(practice.deps, rooms), OFFICER, { practiceId: practice.practiceId, clientId: subject.id });

    expect(report).toMatchObject({ outcome: 'restricted', legalBasis });
    expect(report.rows.find((row) => row.table === 'clients')).toMatchObject({ action: 'restricted', rows: 1, reason: expect.stringContaining(legalBasis) });
    expect(rowOf(report, 'appointments', 'restricted')).toBe(1);
    expect(rowOf(report, 'appointments', 'deleted')).toBe(1);
    const client = await env.DB.prepare('SELECT restricted_at FROM clients WHERE id = ?').bind(subject.id).first<{ restricted_at: number | null }>();
    expect(client?.restricted_at).toBeGreaterThan(0);
    // The treatment record stays; what has no legal duty goes.
    expect(await idsOf('SELECT id FROM appointments WHERE client_id = ?', subject.id)).toEqual([subject.inPerson]);
    expect(await idsOf('SELECT id FROM session_notes WHERE client_id = ?', subject.id)).toHaveLength(evidence === 'a recent session note' ? 1 : 0);
    expect(await idsOf('SELECT appointment_id AS id FROM call_metrics WHERE appointment_id = ?', subject.video)).toEqual([]);
    expect(await idsOf('SELECT id FROM consent_records WHERE client_id = ?', subject.id)).toEqual([]);
    expect((await outbox()).some((message) => message.to === subject.email)).toBe(false);
    expect(rooms.purged).toEqual([subject.video]);
    expect(await verifyPracticeChain(practice.deps, practice.practiceId)).toMatchObject({ ok: true });

    // Restriction (Art. 18): the address cannot book again, and nothing about the client is sent to it. A booking
    // request gets the confirmation link every address gets (the answer must not reveal a client, issue 11); confirming
    // it books nothing.
    const [slot] = await freeSlots(practice.slug, practice.video.id, 21);
    const again = await book(practice.slug, { typeId: practice.video.id, start: slot?.start ?? '', email: subject.email, name: subject.name });
    expect(again.status).toBe(403);
    expect((await outbox()).filter((message) => message.to === subject.email).map((message) => message.subject)).toEqual(['Please confirm your booking']);
  });

  it('changes nothing when a call room cannot be purged', async () => {
    const practice = await practiceWithTwoClients();
    await expect(eraseSubject(withRooms(practice.deps, failingRooms), OFFICER, { practiceId: practice.practiceId, clientId: practice.subject.id })).rejects.toThrow('room unavailable');
    expect(await idsOf('SELECT id FROM clients WHERE id = ?', practice.subject.id)).toHaveLength(1);
    expect(await idsOf('SELECT id FROM appointments WHERE client_id = ?', practice.subject.id)).toHaveLength(2);
  });

  it('answers 404 for a client of another practice or a request of another client', async () => {
    const practice = await practiceWithTwoClients();
    const other = await signUpTherapist();
    const { subject, bystander } = practice;
    await expect(eraseSubject(practice.deps, OFFICER, { practiceId: other.practiceId, clientId: subject.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(eraseSubject(practice.deps, OFFICER, { practiceId: practice.practiceId, clientId: subject.id, requestId: bystander.requestId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await idsOf('SELECT id FROM clients WHERE id = ?', subject.id)).toHaveLength(1);
  });
});

/** The download route as the lead will mount it, with the app's dependencies and error shape. */
const downloads = new Hono<HonoEnv>();
downloads.use(depsMiddleware);
downloads.route('/rights/download', rightsDownload.app);
downloads.onError((error, c) => errorResponse(c, toAppError(error)));

/** The download itself is the link page's button: a POST (opening the link only shows the page). */
function download(url: string, init?: RequestInit) {
  return downloads.request(new URL(url).pathname, { method: 'POST', ...init }, env);
}

describe('the therapist’s "delete completely"', () => {
  const roomKeys = async (appointmentId: string) => runInDurableObject(roomStub(appointmentId), async (_room, state) => [...(await state.storage.list()).keys()]);

  it('erases the client’s rights requests as the annotations say and empties their call rooms at once', async () => {
    const practice = await practiceWithTwoClients();
    const { subject, bystander } = practice;
    // What a room holds between admission and its closing alarm.
    for (const room of [subject.video, bystander.video]) await runInDurableObject(roomStub(room), (_room, state) => state.storage.put('admitted', ['participant']));

    expect((await practice.client.json(`/api/clients/${subject.id}`, {}, 'DELETE')).status).toBe(204);

    expect(await findEverywhere([subject.email, subject.details, subject.name])).toEqual([]);
    const request = await env.DB.prepare('SELECT client_id, email, details FROM rights_requests WHERE id = ?').bind(subject.requestId).first();
    expect(request).toEqual({ client_id: null, email: ERASED, details: null });
    expect(await roomKeys(subject.video)).toEqual([]);
    expect(await roomKeys(bystander.video)).toEqual(['admitted']);
    expect(await idsOf('SELECT id FROM rights_requests WHERE id = ? AND email = ?', bystander.requestId, bystander.email)).toHaveLength(1);
  });

  it('deletes nothing when a call room cannot be purged', async () => {
    const practice = await practiceWithTwoClients();
    await expect(deleteClient(withRooms(practice.deps, failingRooms), { kind: 'therapist', userId: 'therapist-of-test', practiceId: practice.practiceId }, practice.subject.id)).rejects.toThrow('room unavailable');
    expect(await idsOf('SELECT id FROM rights_requests WHERE id = ? AND email = ?', practice.subject.requestId, practice.subject.email)).toHaveLength(1);
  });
});

describe('download links for an access package', () => {
  it('delivers the client’s export once, as an attachment, and then answers 404', async () => {
    const practice = await practiceWithTwoClients();
    const before = Date.now();
    const link = await createDownloadLink(practice.deps, { requestId: practice.subject.requestId, format: 'json' });
    expect(link.url).toBe(`${practice.deps.config.APP_ORIGIN}/rights/download/${link.token}`);
    expect(link.expiresAt).toBeGreaterThanOrEqual(before + DOWNLOAD_LINK_TTL_MS);
    expect(link.expiresAt).toBeLessThanOrEqual(Date.now() + DOWNLOAD_LINK_TTL_MS);
    expect(await findEverywhere([link.token])).toEqual([]);

    expect((await download(link.url, { method: 'HEAD' })).status).toBe(200);
    const first = await download(link.url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-disposition')).toMatch(/^attachment; filename="praxisraum-.+\.json"$/);
    const body = await first.text();
    expect(body).toContain(practice.subject.id);
    expect(body).toContain(practice.subject.email);
    expect(body).not.toContain(practice.bystander.email);

    const second = await download(link.url);
    expect(second.status).toBe(404);
    expect(await second.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const trail = await idsOf("SELECT id FROM rights_request_events WHERE request_id = ? AND action = 'access.downloaded'", practice.subject.requestId);
    expect(trail).toHaveLength(1);
  });

  it('streams CSV and FHIR packages in their formats', async () => {
    const practice = await practiceWithTwoClients();
    for (const [format, type] of [
      ['csv', 'text/csv'],
      ['fhir', 'application/fhir+json'],
    ] as const) {
      const link = await createDownloadLink(practice.deps, { requestId: practice.subject.requestId, format });
      const response = await download(link.url);
      expect(response.headers.get('content-type')).toContain(type);
      expect(await response.text()).toContain(practice.subject.id);
    }
  });

  it('lets exactly one of two simultaneous downloads through', async () => {
    const practice = await practiceWithTwoClients();
    const { token } = await createDownloadLink(practice.deps, { requestId: practice.subject.requestId, format: 'json' });
    const outcomes = await Promise.allSettled([redeemDownloadLink(practice.deps, token), redeemDownloadLink(practice.deps, token)]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((outcome) => outcome.status === 'fulfilled')).toMatchObject({
      value: { requestId: practice.subject.requestId, practiceId: practice.practiceId, clientId: practice.subject.id, format: 'json' },
    });
  });

  it('gives the same 404 for an expired, a forged and a malformed token', async () => {
    const practice = await practiceWithTwoClients();
    const eightDaysAgo = Date.now() - 8 * DAY;
    const expired = await createDownloadLink({ ...practice.deps, now: () => eightDaysAgo }, { requestId: practice.subject.requestId, format: 'json' });
    const forged = 'A'.repeat(43);
    const responses = await Promise.all([expired.token, forged, 'short', `${expired.token}x`].map((token) => download(`${practice.deps.config.APP_ORIGIN}/rights/download/${token}`)));
    const bodies = await Promise.all(responses.map((response) => response.json()));
    expect(responses.map((response) => response.status)).toEqual([404, 404, 404, 404]);
    expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1);
  });

  it('refuses a link for a request without a verified client, and an erased client’s link stops working', async () => {
    const practice = await practiceWithTwoClients();
    const unverified = await insertRightsRequest(practice.practiceId, null, `${unique('anon')}@example.com`, 'wer bin ich');
    await expect(createDownloadLink(practice.deps, { requestId: unverified, format: 'json' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(createDownloadLink(practice.deps, { requestId: crypto.randomUUID(), format: 'json' })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const link = await createDownloadLink(practice.deps, { requestId: practice.subject.requestId, format: 'json' });
    await eraseSubject(practice.deps, OFFICER, { practiceId: practice.practiceId, clientId: practice.subject.id });
    expect((await download(link.url)).status).toBe(404);
  });
});
