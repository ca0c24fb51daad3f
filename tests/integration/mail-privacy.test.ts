import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../workers/app';
import { RESEND_ENDPOINT } from '../../workers/services/mailer';
import { bookablePractice, freeSlots, HOLD_LINK, ORIGIN, termsOf, unique } from './harness';

type Sent = { to: string[]; subject: string; text: string; attachments?: { filename: string; content: string }[] };

afterEach(() => {
  vi.restoreAllMocks();
});

const PRACTICE_NAME = 'Psychotherapie Nord';
const PROFILE = { name: PRACTICE_NAME, contactEmail: 'kontakt@psychotherapie-nord.example', timeZone: 'Europe/Berlin', locale: 'de', cancellationNoticeHours: '24' };

/** Runs one request through the Worker with Resend configured, and returns its answer and every email handed to Resend. */
async function capture(request: Request): Promise<{ response: Response; mails: Sent[] }> {
  const mails: Sent[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const sent = new Request(input, init);
    if (sent.url === RESEND_ENDPOINT) mails.push(await sent.json<Sent>());
    return Response.json({ id: 'sent' });
  });
  const ctx = createExecutionContext();
  const response = await createApp().fetch(request, { ...env, RESEND_API_KEY: 're_test_abcdefghijk' }, ctx);
  await waitOnExecutionContext(ctx);
  vi.restoreAllMocks();
  return { response, mails };
}

const JSON_DE = { 'content-type': 'application/json', 'accept-language': 'de' };

/** Books through the public API (the hold, then its emailed confirmation) and returns the mails of the confirmation. */
async function bookAndCapture(slug: string, typeId: string, start: string, email: string): Promise<{ id: string; mails: Sent[] }> {
  const terms = await termsOf(slug);
  const body = { typeId, start, name: 'K. M.', email, termsVersion: terms.version, acceptTerms: true, consents: { reminders: false } };
  const held = await capture(new Request(`${ORIGIN}/api/p/${slug}/bookings`, { method: 'POST', headers: JSON_DE, body: JSON.stringify(body) }));
  expect(held.response.status).toBe(202);
  const request = held.mails.find((m) => m.to.includes(email));
  // The confirmation request itself carries no practice name and no type either.
  expect(request?.subject).not.toContain('Psychotherapie');
  const token = HOLD_LINK.exec(request?.text ?? '')?.[1];
  if (!token) throw new Error('no confirmation link');
  const confirmed = await capture(new Request(`${ORIGIN}/api/bookings/confirm`, { method: 'POST', headers: JSON_DE, body: JSON.stringify({ token }) }));
  expect(confirmed.response.status).toBe(201);
  const { booking } = await confirmed.response.json<{ booking: { id: string } }>();
  return { id: booking.id, mails: confirmed.mails };
}

function calendarText(mail: Sent | undefined): string {
  const content = mail?.attachments?.find((a) => a.filename.endsWith('.ics'))?.content ?? '';
  return new TextDecoder().decode(Uint8Array.from(atob(content), (ch) => ch.charCodeAt(0)));
}

describe('health context in mail and calendar data', () => {
  it('keeps the practice name and the appointment type out of subjects and the .ics, and the id out of its UID, until the practice opts in', async () => {
    const practice = await bookablePractice();
    expect((await practice.client.form('/dashboard/settings/profile', PROFILE)).status).toBe(303);
    const slots = await freeSlots(practice.slug, practice.video.id);
    const [first] = slots;
    // A later time that cannot overlap the first booking.
    const second = slots.find((slot) => first && Date.parse(slot.start) >= Date.parse(first.start) + 4 * 3_600_000);
    if (!first || !second) throw new Error('no free slots');

    const client = `${unique('client')}@example.com`;
    const booked = await bookAndCapture(practice.slug, practice.video.id, first.start, client);
    const confirmation = booked.mails.find((m) => m.to.includes(client));
    const notice = booked.mails.find((m) => m.to.includes(practice.email));
    expect(confirmation?.subject).toMatch(/^Ihr Termin am /);
    expect(confirmation?.subject).not.toContain('Psychotherapie');
    const ics = calendarText(confirmation);
    expect(ics).toContain('SUMMARY:Termin\r\n');
    expect(ics).not.toMatch(/Psychotherapie|psychotherapie|Video/);
    expect(ics).not.toContain(booked.id);
    expect(ics).toMatch(/^UID:[0-9a-f]{32}@praxisraum\r$/m);
    // The therapist's notice names neither the practice nor the appointment type.
    expect(notice?.subject).not.toContain('Psychotherapie');
    expect(notice?.text).not.toMatch(/Video|Erstgespräch|Psychotherapie/i);

    const optIn = await practice.client.form('/dashboard/settings/profile', { ...PROFILE, nameInSubjects: 'on' });
    expect(optIn.status).toBe(303);
    const settings = await (await practice.client.fetch('/dashboard/settings')).text();
    expect(settings).toMatch(/name="nameInSubjects" value="on" checked/);

    const other = `${unique('client')}@example.com`;
    const named = await bookAndCapture(practice.slug, practice.video.id, second.start, other);
    const namedConfirmation = named.mails.find((m) => m.to.includes(other));
    expect(namedConfirmation?.subject).toMatch(/^Ihr Termin am .+ – Psychotherapie Nord$/);
    expect(calendarText(namedConfirmation)).toContain(`SUMMARY:Termin – ${PRACTICE_NAME}`);

    const optOut = await practice.client.form('/dashboard/settings/profile', PROFILE);
    expect(optOut.status).toBe(303);
    const row = await env.DB.prepare('SELECT name_in_subjects AS on_ FROM practices WHERE id = ?').bind(practice.practiceId).first<{ on_: number }>();
    expect(row?.on_).toBe(0);
  });
});
