import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../workers/app';
import { calendarUid } from '../../workers/domain/ics';
import { RESEND_ENDPOINT } from '../../workers/services/mailer';
import { sendDueReminders } from '../../workers/services/reminders';
import { book, bookablePractice, Client, freeSlots, HOLD_LINK, holdTokenFor, manageTokenFor, ORIGIN, outbox, request, termsOf, testDeps, unique } from './harness';

afterEach(() => vi.restoreAllMocks());

function decodeAttachment(content: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(content), (c) => c.charCodeAt(0)));
}

describe('confirmation emails', () => {
  it('sends Resend exactly one confirmation with an .ics REQUEST, call link and access code, and a notice without client data', async () => {
    const practice = await bookablePractice();
    const [slot] = await freeSlots(practice.slug, practice.video.id);
    const terms = await termsOf(practice.slug);
    const sent: { to: string[]; subject: string; text: string; html: string; from: string; attachments?: { filename: string; content: string; content_type: string }[] }[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const req = new Request(input, init);
      expect(req.url).toBe(RESEND_ENDPOINT);
      expect(req.headers.get('authorization')).toBe('Bearer re_test_abcdefghijk');
      sent.push(await req.json());
      return Response.json({ id: 'x' });
    });
    const email = `${unique('mila')}@example.com`;
    const response = await createApp().fetch(
      new Request(`${ORIGIN}/api/p/${practice.slug}/bookings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-language': 'da' },
        body: JSON.stringify({ typeId: practice.video.id, start: slot?.start, name: 'Mila <b>', email, termsVersion: terms.version, acceptTerms: true }),
      }),
      { ...env, RESEND_API_KEY: 're_test_abcdefghijk' },
      createExecutionContext(),
    );
    expect(response.status).toBe(202);
    // First only the confirmation link goes out, in the booker's language, with no calendar entry and no name.
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request).toMatchObject({ to: [email], subject: 'Bekræft venligst din booking' });
    expect(request?.attachments ?? []).toEqual([]);
    expect(request?.text).not.toContain('Mila');
    const token = HOLD_LINK.exec(request?.text ?? '')?.[1] ?? '';
    const confirmed = await createApp().fetch(
      new Request(`${ORIGIN}/api/bookings/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) }),
      { ...env, RESEND_API_KEY: 're_test_abcdefghijk' },
      createExecutionContext(),
    );
    expect(confirmed.status).toBe(201);
    const { booking } = await confirmed.json<{ booking: { id: string } }>();
    expect(sent).toHaveLength(3);
    const [, toClient, toTherapist] = sent;
    expect(toClient?.to).toEqual([email]);
    expect(toClient?.from).toBe(env.MAIL_FROM);
    expect(toClient?.attachments).toHaveLength(1);
    expect(toClient?.attachments?.[0]).toMatchObject({ filename: 'appointment.ics', content_type: 'text/calendar; method=REQUEST' });
    const ics = decodeAttachment(toClient?.attachments?.[0]?.content ?? '');
    expect(ics).toContain('METHOD:REQUEST');
    expect(ics).toContain(`UID:${await calendarUid(env.JOIN_TOKEN_SECRET ?? '', booking.id)}`);
    expect(ics).toContain(`DTSTART:${(slot?.start ?? '').replace(/[-:]/g, '').replace('.000', '')}`);
    expect(toClient?.text).toContain(`${env.APP_ORIGIN}/call/${booking.id}`);
    expect(toClient?.text).toMatch(/[A-Z2-9]{3}-[A-Z2-9]{3}-[A-Z2-9]{3}/);
    expect(toClient?.text).toMatch(/\/b\/[\w-]{43}\/withdraw/);
    expect(toClient?.html).not.toContain('Mila <b>');
    expect(toTherapist?.to).toEqual([practice.email]);
    expect(JSON.stringify(toTherapist)).not.toContain(email);
    expect(JSON.stringify(toTherapist)).not.toContain('Mila');
  });
});

describe('the client’s link', () => {
  it('shows the appointment and offers the consent receipt as JSON', async () => {
    const practice = await bookablePractice();
    const [slot] = await freeSlots(practice.slug, practice.inPerson.id);
    const email = `${unique('r')}@example.com`;
    await book(practice.slug, { typeId: practice.inPerson.id, start: slot?.start ?? '', email, reminders: true });
    const token = await manageTokenFor(email);
    const page = await request(`/b/${token}`);
    expect(page.status).toBe(200);
    const receiptResponse = await request(`/b/${token}/receipt.json`);
    expect(receiptResponse.headers.get('content-disposition')).toContain('attachment');
    const receipt = await receiptResponse.json<Record<string, unknown>>();
    const terms = await termsOf(practice.slug);
    expect(receipt).toMatchObject({ version: 'KI-CR-v1.1.0', sensitive: true, termsVersion: terms.version, termsSha256: terms.sha256, kind: 'given' });
    expect(JSON.stringify(receipt)).not.toContain(email);
    expect((await request('/b/not-a-real-token-but-long-enough-to-look')).status).toBe(404);
  });

  it('withdraws the consent given with its booking in one step as a new record and cancels that appointment only, with a METHOD:CANCEL invite', async () => {
    const practice = await bookablePractice();
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    const email = `${unique('w')}@example.com`;
    await book(practice.slug, { typeId: practice.inPerson.id, start: slots[0]?.start ?? '', email });
    await book(practice.slug, { typeId: practice.inPerson.id, start: slots[4]?.start ?? '', email });
    const token = await manageTokenFor(email);
    const records = () => env.DB.prepare('SELECT kind, purposes, seq FROM consent_records WHERE practice_id = ? ORDER BY seq').bind(practice.practiceId).all<{ kind: string; purposes: string }>();
    const before = (await records()).results;
    const response = await new Client().form(`/b/${token}/withdraw`, { scope: 'all' });
    expect(response.status).toBe(200);
    const after = (await records()).results;
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.at(-1)).toMatchObject({ kind: 'withdrawn' });
    expect(JSON.parse(after.at(-1)?.purposes ?? '[]')).toEqual(['booking']);
    // The link is the second booking's (the newest mail): its appointment is cancelled, the first one stays.
    const statuses = await env.DB.prepare('SELECT a.status FROM appointments a JOIN clients c ON c.id = a.client_id WHERE c.email = ? ORDER BY a.start_at').bind(email).all<{ status: string }>();
    expect(statuses.results.map((r) => r.status)).toEqual(['booked', 'cancelled']);
    const cancellations = (await outbox()).filter((m) => m.to === email && m.attachments.some((a) => a.contentType.includes('method=CANCEL')));
    expect(cancellations).toHaveLength(1);
    expect(await freeSlots(practice.slug, practice.inPerson.id)).toContainEqual(slots[4]);
  });

  it('cancels within the notice period and frees the slot, but refuses once online changes have closed', async () => {
    const practice = await bookablePractice();
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    const early = `${unique('c1')}@example.com`;
    const late = `${unique('c2')}@example.com`;
    await book(practice.slug, { typeId: practice.inPerson.id, start: slots.at(-1)?.start ?? '', email: early });
    await book(practice.slug, { typeId: practice.inPerson.id, start: slots[0]?.start ?? '', email: late });
    const cancel = await new Client().form(`/b/${await manageTokenFor(early)}/cancel`, {});
    expect(cancel.status).toBe(303);
    expect(await freeSlots(practice.slug, practice.inPerson.id)).toContainEqual(slots.at(-1));

    await env.DB.prepare('UPDATE practices SET cancellation_notice_hours = 1000 WHERE id = ?').bind(practice.practiceId).run();
    const refused = await new Client().form(`/b/${await manageTokenFor(late)}/cancel`, {});
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(practice.email);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM appointments a JOIN clients c ON c.id = a.client_id WHERE c.email = ? AND a.status = 'booked'").bind(late).first('n')).toBe(1);
  });

  it('reschedules atomically: the new time is claimed, the old one freed, the invite keeps its UID with a higher SEQUENCE', async () => {
    const practice = await bookablePractice();
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    const email = `${unique('m')}@example.com`;
    // Both times lie beyond the default 24-hour cancellation notice.
    const [from, to] = [slots.at(-10), slots.at(-1)];
    await book(practice.slug, { typeId: practice.inPerson.id, start: from?.start ?? '', email });
    const token = await manageTokenFor(email);
    const moved = await new Client().form(`/b/${token}/reschedule`, { start: to?.start ?? '' });
    expect(moved.status).toBe(303);
    const free = (await freeSlots(practice.slug, practice.inPerson.id)).map((s) => s.start);
    expect(free).toContain(from?.start);
    expect(free).not.toContain(to?.start);
    const row = await env.DB.prepare('SELECT a.start_at, a.sequence FROM appointments a JOIN clients c ON c.id = a.client_id WHERE c.email = ?').bind(email).first<{ start_at: number; sequence: number }>();
    expect(row).toEqual({ start_at: Date.parse(to?.start ?? ''), sequence: 1 });
    const update = (await outbox()).find((m) => m.to === email && m.attachments.length > 0 && m.sentAt >= new Date(Date.now() - 60_000).toISOString());
    expect(update).toBeDefined();
  });
});

describe('reminders', () => {
  it('reminds only consenting clients, 24 hours ahead, exactly once even when the cron runs twice at once', async () => {
    const practice = await bookablePractice();
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    const yes = `${unique('yes')}@example.com`;
    const no = `${unique('no')}@example.com`;
    await book(practice.slug, { typeId: practice.inPerson.id, start: slots[0]?.start ?? '', email: yes, reminders: true });
    await book(practice.slug, { typeId: practice.inPerson.id, start: slots[2]?.start ?? '', email: no, reminders: false });
    // Pretend both were booked long ago and start in 20 hours.
    const startIn20h = Date.now() + 20 * 3_600_000;
    await env.DB.prepare('UPDATE appointments SET start_at = ?, created_at = ? WHERE practice_id = ?').bind(startIn20h, Date.now() - 7 * 86_400_000, practice.practiceId).run();
    const deps = await testDeps();
    const before = (await outbox()).length;
    const [first, second] = await Promise.all([sendDueReminders(deps), sendDueReminders(deps)]);
    expect((first?.sent ?? 0) + (second?.sent ?? 0)).toBe(1);
    await sendDueReminders(deps);
    const mails = (await outbox()).slice(0, (await outbox()).length - before);
    expect(mails.filter((m) => m.to === yes)).toHaveLength(1);
    expect(mails.filter((m) => m.to === no)).toHaveLength(0);
  });
});

describe('the booking page', () => {
  it('books through the HTML form without JavaScript: check your email, the link’s button, then the confirmation', async () => {
    const practice = await bookablePractice();
    const client = new Client();
    const page = await client.fetch(`/book/${practice.slug}?type=${practice.inPerson.id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const start = /name="start" value="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(start).toMatch(/Z$/);
    expect(html).toContain('name="acceptTerms"');
    expect(html).not.toMatch(/name="acceptTerms"[^>]*checked/);
    expect(html).not.toMatch(/name="reminders"[^>]*checked/);
    const email = `${unique('form')}@example.com`;
    const fields = { typeId: practice.inPerson.id, termsVersion: '1', start, name: 'J.', email };
    const refused = await client.form(`/book/${practice.slug}`, fields);
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('role="alert"');
    const response = await client.form(`/book/${practice.slug}`, { ...fields, acceptTerms: 'true' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/book/${practice.slug}/sent`);
    expect(await (await client.fetch(`/book/${practice.slug}/sent`)).text()).toContain('data-testid="check-email"');
    const token = await holdTokenFor(email);
    expect(await (await client.fetch(`/hold/${token}`)).text()).toContain(`action="/hold/${token}"`);
    const confirmed = await client.form(`/hold/${token}`, {});
    expect(confirmed.status).toBe(303);
    const location = confirmed.headers.get('location') ?? '';
    expect(location).toMatch(/^\/b\/[\w-]{43}\?booked=1$/);
    const confirmation = await client.fetch(location);
    expect(await confirmation.text()).toContain('receipt.json');
    const record = await env.DB.prepare('SELECT method, purposes FROM consent_records WHERE practice_id = ?').bind(practice.practiceId).first<{ method: string; purposes: string }>();
    expect(record).toEqual({ method: 'booking-form', purposes: '["booking"]' });
  });
});
