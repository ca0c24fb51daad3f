import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClient, dpoAct, latestRequestId, type Practice, requestRights, videoCallSoon } from './attack-support';
import { asDpo, book, Client, freeSlots, manageTokenFor, openWeekdays, outbox, request, signUpTherapist, typesOf, unique } from './harness';

// Stored XSS: every free-text field a person can set is filled with markup through the real routes, then every page
// and email that shows it must carry it escaped. Notes are ciphertext the server never renders; exceptions have no
// free text; the call's display name is never stored (it goes to the room as a header and to the peer as JSON).

/** 74 characters, so it fits the shortest free-text fields (80): a script, an attribute break-out and a JS URL. */
const PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(1)>javascript:alert(1)';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;javascript:alert(1)';
const RAW = ['<script>alert(1)</script>', '<img src=x onerror', '"><img'];
const JS_URL = /\s(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:/i;

/** The payload never appears as markup; where the page shows the field, the escaped text is there instead. */
function expectEscaped(html: string, where: string, shown: boolean) {
  for (const raw of RAW) expect(html, `${where} contains ${raw}`).not.toContain(raw);
  expect(html, `${where} links to javascript:`).not.toMatch(JS_URL);
  if (shown) expect(html, `${where} shows the escaped text`).toContain(ESCAPED);
}

async function page(client: Client, path: string): Promise<string> {
  const response = await client.fetch(path);
  expect(response.status, path).toBe(200);
  expect(response.headers.get('content-type') ?? '', path).toMatch(/^text\/html/);
  return response.text();
}

/** Posts a form whose checkboxes repeat a name, as a browser does. */
function postPairs(client: Client, path: string, pairs: [string, string][]) {
  const body = new URLSearchParams(pairs);
  if (client.csrfToken) body.set('_csrf', client.csrfToken);
  return client.fetch(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
}

async function expectRedirect(response: Promise<Response>) {
  const answer = await response;
  expect(answer.status, (await answer.clone().text()).slice(0, 300)).toBe(303);
  return answer.headers.get('location') ?? '';
}

type Scene = {
  practice: Practice;
  dpo: Client;
  typeId: string;
  namedClientId: string;
  bookedClientId: string;
  bookedEmail: string;
  bookingDate: string;
  manageToken: string;
  callId: string;
  verifyToken: string;
  requestId: string;
  incidentId: string;
};
let scene: Scene;

/** A practice whose name, owner, appointment type, price and terms hold the payload, set as its owner would set them. */
async function stagePractice(): Promise<{ practice: Practice; typeId: string }> {
  const therapist = await signUpTherapist({ practiceName: PAYLOAD, displayName: PAYLOAD });
  await openWeekdays(therapist.practiceId);
  const types = await typesOf(therapist.practiceId);
  const video = types.find((t) => t.mode === 'video');
  const inPerson = types.find((t) => t.mode === 'in_person');
  if (!video || !inPerson) throw new Error('default appointment types missing');
  const practice: Practice = { ...therapist, video, inPerson };
  const typeFields = { name: PAYLOAD, durationMin: '50', bufferBeforeMin: '0', bufferAfterMin: '10', minNoticeMin: '0', horizonDays: '60', mode: 'video', priceText: PAYLOAD };
  await expectRedirect(practice.client.form('/dashboard/settings/types', typeFields));
  const typeId = await env.DB.prepare('SELECT id FROM appointment_types WHERE practice_id = ? AND name = ?').bind(practice.practiceId, PAYLOAD).first<string>('id');
  if (!typeId) throw new Error('the type was not created');
  const terms = `${PAYLOAD}\n\n${'Wir behandeln Ihre Angaben vertraulich und nur für die Terminvereinbarung. '.repeat(2)}`;
  await expectRedirect(practice.client.form('/dashboard/settings/terms', { text: terms }));
  return { practice, typeId };
}

/** A confirmed request with the payload as details, DPO comment, extension reason and answer, and a practice comment. */
async function stageRights(practice: Practice, dpo: Client, email: string): Promise<string> {
  const verifyToken = await requestRights(practice, email, ['access', 'rectification'], PAYLOAD);
  expect((await new Client().form(`/rights/verify/${verifyToken}`, {})).status).toBe(200);
  const requestId = await latestRequestId(email);
  await dpoAct(dpo, requestId, 'start');
  await dpoAct(dpo, requestId, 'comment', { note: PAYLOAD });
  await dpoAct(dpo, requestId, 'extend', { months: '1', reason: PAYLOAD });
  await dpoAct(dpo, requestId, 'answer', { message: PAYLOAD });
  await expectRedirect(practice.client.form(`/dashboard/requests/${requestId}/comment`, { note: PAYLOAD }));
  await requestRights(practice, email, ['erasure'], `${PAYLOAD} (pending)`);
  const stranger = await new Client().json('/api/rights/requests', { practice: practice.slug, types: ['objection'], email: `${unique('stranger')}@example.com`, details: PAYLOAD });
  expect(stranger.status).toBe(202);
  return requestId;
}

/** An incident whose nature, consequences, measures and update hold the payload, notified to the practice. */
async function stageIncident(practice: Practice, dpo: Client): Promise<string> {
  const location = await expectRedirect(
    postPairs(dpo, '/dpo/incidents', [
      ['awareAt', new Date(Date.now() - 3_600_000).toISOString().slice(0, 16)],
      ['nature', PAYLOAD],
      ['dataCategories', 'contact'],
      ['subjectCategories', 'clients'],
      ['approxSubjects', '3'],
      ['approxRecords', '9'],
      ['consequences', PAYLOAD],
      ['measures', PAYLOAD],
      ['contact', 'dpo@example.com'],
      ['scope', 'practices'],
      ['practiceSlugs', practice.slug],
      ['highRisk', 'on'],
    ]),
  );
  const incidentId = /^\/dpo\/incidents\/([\w-]+)/.exec(location)?.[1] ?? '';
  await expectRedirect(dpo.form(`/dpo/incidents/${incidentId}/updates`, { text: PAYLOAD }));
  await expectRedirect(dpo.form(`/dpo/incidents/${incidentId}/notify`, {}));
  return incidentId;
}

/** One practice where every free-text field holds the payload: its clients, a booking, a call, a request, an incident. */
async function stage(): Promise<Scene> {
  const { practice, typeId } = await stagePractice();
  const namedClientId = await createClient(practice, PAYLOAD, `${unique('named')}@example.com`);
  const { appointmentId: callId } = await videoCallSoon(practice, namedClientId, typeId);
  const bookedEmail = `${unique('booked')}@example.com`;
  const [slot] = await freeSlots(practice.slug, typeId);
  expect((await book(practice.slug, { typeId, start: slot?.start ?? '', email: bookedEmail, name: PAYLOAD })).status).toBe(201);
  const bookedClientId = await env.DB.prepare('SELECT id FROM clients WHERE email = ?').bind(bookedEmail).first<string>('id');
  const dpo = await asDpo();
  return {
    practice,
    dpo,
    typeId,
    namedClientId,
    bookedClientId: bookedClientId ?? '',
    bookedEmail,
    bookingDate: new Date(Date.parse(slot?.start ?? '')).toISOString().slice(0, 10),
    manageToken: await manageTokenFor(bookedEmail),
    callId,
    requestId: await stageRights(practice, dpo, bookedEmail),
    incidentId: await stageIncident(practice, dpo),
    // Left unconfirmed, so its verification page can still be opened.
    verifyToken: await requestRights(practice, bookedEmail, ['objection'], PAYLOAD),
  };
}

beforeAll(async () => {
  scene = await stage();
}, 120_000);

describe('stored markup in free-text fields', () => {
  it('stores the payload verbatim, so the pages below are tested against real markup', async () => {
    const stored = await env.DB.prepare('SELECT name FROM practices WHERE id = ?').bind(scene.practice.practiceId).first<string>('name');
    expect(stored).toBe(PAYLOAD);
    expect(await env.DB.prepare('SELECT display_name FROM clients WHERE id = ?').bind(scene.bookedClientId).first<string>('display_name')).toBe(PAYLOAD);
  });

  it('escapes it on the public booking page, the terms page and the rights portal', async () => {
    const visitor = new Client();
    expectEscaped(await page(visitor, `/book/${scene.practice.slug}?type=${scene.typeId}`), 'booking page', true);
    expectEscaped(await page(visitor, `/book/${scene.practice.slug}/terms`), 'terms page', true);
    expectEscaped(await page(visitor, `/rights/verify/${scene.verifyToken}`), 'verification page', true);
  });

  it('escapes it on the client’s manage, reschedule and withdrawal pages and on the call page', async () => {
    const visitor = new Client();
    for (const path of [`/b/${scene.manageToken}`, `/b/${scene.manageToken}/reschedule`, `/b/${scene.manageToken}/withdraw`]) {
      expectEscaped(await page(visitor, path), path, path === `/b/${scene.manageToken}`);
    }
    expectEscaped(await page(visitor, `/call/${scene.callId}`), 'call page', true);
  });

  it.each([
    ['/dashboard', true],
    ['/dashboard/clients', true],
    ['/dashboard/clients/:named', true],
    ['/dashboard/clients/:booked', true],
    ['/dashboard/clients/:named/notes', true],
    ['/dashboard/appointments', true],
    ['/dashboard/appointments?view=week&date=:bookingDate', true],
    ['/dashboard/settings', true],
    ['/dashboard/settings/types/:type', true],
    ['/dashboard/settings/terms/2', true],
    ['/dashboard/requests', true],
    ['/dashboard/export', true],
    ['/dashboard/audit', false],
    ['/dashboard/calendar-feed', false],
    ['/dashboard/delete-account', false],
    ['/account/security', false],
  ] as const)('escapes it on the therapist’s page %s', async (pattern, shown) => {
    const path = pattern
      .replace(':named', scene.namedClientId)
      .replace(':booked', scene.bookedClientId)
      .replace(':type', scene.typeId)
      .replace(':bookingDate', scene.bookingDate);
    expectEscaped(await page(scene.practice.client, path), path, shown);
  });

  it.each([
    ['/dpo', false],
    ['/dpo/requests', true],
    ['/dpo/requests/:request', true],
    ['/dpo/incidents', true],
    ['/dpo/incidents/:incident', true],
  ] as const)('escapes it on the DPO’s page %s', async (pattern, shown) => {
    const path = pattern.replace(':request', scene.requestId).replace(':incident', scene.incidentId);
    expectEscaped(await page(scene.dpo, path), path, shown);
  });

  it('escapes it in the HTML of every email about the practice, and the plain-text notice is served as text', async () => {
    const mails = (await outbox()).filter((m) => m.html);
    expect(mails.length).toBeGreaterThan(5);
    for (const mail of mails) expectEscaped(mail.html, `email “${mail.subject}” to ${mail.to}`, false);
    const showing = (to: string) => mails.filter((m) => m.to === to && m.html.includes(ESCAPED)).map((m) => m.subject);
    // Confirmation, three verification links, the extension notice and the answer; the breach notice (booking notices
    // to the practice no longer name the appointment type, issue 11 item 17).
    expect(showing(scene.bookedEmail).length, 'emails to the client showing the payload').toBeGreaterThanOrEqual(6);
    expect(showing(scene.practice.email).length, 'emails to the practice showing the payload').toBeGreaterThanOrEqual(1);
    expect(showing(scene.practice.email).some((subject) => subject.includes('breach'))).toBe(true);
    const notice = await scene.dpo.fetch(`/dpo/incidents/${scene.incidentId}/subject-notice/de`);
    expect(notice.headers.get('content-type')).toMatch(/^text\/plain/);
  });
});

describe('reflected markup', () => {
  it('escapes a search, a prefilled field and a refused form that echo their input', async () => {
    const therapist = scene.practice.client;
    expectEscaped(await page(therapist, `/dashboard/clients?q=${encodeURIComponent('<script>alert(1)</script>')}`), 'client search', true);
    expectEscaped(await page(new Client(), `/rights?practice=${encodeURIComponent(PAYLOAD)}`), 'rights portal', false);
    expect(await page(new Client(), `/rights?practice=${encodeURIComponent(PAYLOAD)}`)).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const refused = await therapist.form('/dashboard/clients', { displayName: PAYLOAD, email: 'not an address' });
    expect(refused.status).toBe(422);
    expectEscaped(await refused.text(), 'refused client form', true);
  });

  it('escapes the path of an unknown page and of an unknown booking address', async () => {
    const unknown = await request(`/${encodeURIComponent(PAYLOAD)}`);
    expect(unknown.status).toBe(404);
    expectEscaped(await unknown.text(), '404 page', false);
    const booking = await request(`/book/${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(booking.status).toBe(404);
    expectEscaped(await booking.text(), 'unknown practice', false);
  });
});
