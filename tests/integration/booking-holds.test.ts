import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PENDING_HOLDS as MAX_PENDING_HOLDS } from '../../workers/domain/booking-limits';
import { releaseExpiredHolds } from '../../workers/services/booking-confirm';
import {
  book,
  bookablePractice,
  bookingRequest,
  Client,
  confirmBooking,
  freeSlots,
  holdBooking,
  holdTokenFor,
  manageTokenFor,
  outbox,
  request,
  termsOf,
  testDeps,
  unique,
} from './harness';

type Practice = Awaited<ReturnType<typeof bookablePractice>>;

async function rows<T>(query: string, ...params: unknown[]): Promise<T[]> {
  return (await env.DB.prepare(query).bind(...params).all<T>()).results;
}

async function appointmentsOf(practiceId: string, email: string) {
  return rows<{ id: string; status: string }>(
    'SELECT a.id, a.status FROM appointments a JOIN clients c ON c.id = a.client_id WHERE a.practice_id = ? AND c.email = ? ORDER BY a.start_at',
    practiceId,
    email,
  );
}

async function consentsOf(practiceId: string, email: string) {
  return rows<{ kind: string }>('SELECT r.kind FROM consent_records r JOIN clients c ON c.id = r.client_id WHERE r.practice_id = ? AND c.email = ? ORDER BY r.seq', practiceId, email);
}

/** Books and confirms `count` late slots (online changes stay open) for one address. */
async function confirmedBookings(practice: Practice, email: string, name: string, starts: string[]) {
  for (const start of starts) expect((await book(practice.slug, { typeId: practice.inPerson.id, start, email, name })).status).toBe(201);
}

describe('forged withdrawal (issue 11, item 1)', () => {
  it('lets someone who knows a client’s email neither book in their name, nor cancel, reveal or withdraw anything of theirs', async () => {
    const practice = await bookablePractice();
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    const victim = { email: `${unique('victim')}@example.com`, name: unique('Vera Victim') };
    await confirmedBookings(practice, victim.email, victim.name, [slots.at(-1)?.start ?? '', slots.at(-5)?.start ?? '']);
    const victimToken = await manageTokenFor(victim.email);
    const consentsBefore = await consentsOf(practice.practiceId, victim.email);

    // The attacker books with the victim's address, through the form as a browser without JavaScript would.
    const attacker = new Client();
    const bookingPage = await attacker.fetch(`/book/${practice.slug}?type=${practice.inPerson.id}`);
    expect(bookingPage.status).toBe(200);
    const terms = await termsOf(practice.slug);
    const forged = await attacker.form(`/book/${practice.slug}`, {
      typeId: practice.inPerson.id,
      start: slots.at(-9)?.start ?? '',
      name: 'Attacker',
      email: victim.email,
      termsVersion: String(terms.version),
      acceptTerms: 'true',
    });
    // No manage link: the answer is the "check your email" page that every address gets.
    expect(forged.status).toBe(303);
    expect(forged.headers.get('location')).toBe(`/book/${practice.slug}/sent`);
    const sent = await attacker.fetch(forged.headers.get('location') ?? '');
    expect(await sent.text()).not.toContain('/b/');
    // The attacker cannot confirm without the victim's mailbox: nothing of the victim's changed.
    expect(await appointmentsOf(practice.practiceId, victim.email)).toEqual([
      expect.objectContaining({ status: 'booked' }),
      expect.objectContaining({ status: 'booked' }),
    ]);
    expect(await consentsOf(practice.practiceId, victim.email)).toEqual(consentsBefore);
    expect(await env.DB.prepare('SELECT display_name FROM clients WHERE email = ?').bind(victim.email).first('display_name')).toBe(victim.name);

    // Even with a confirmed booking of their own, the attacker's link acts on that booking only.
    const attackerEmail = `${unique('attacker')}@example.com`;
    await confirmedBookings(practice, attackerEmail, 'Attacker', [slots.at(-13)?.start ?? '']);
    const attackerToken = await manageTokenFor(attackerEmail);
    const withdrawal = await attacker.form(`/b/${attackerToken}/withdraw`, { scope: 'all' });
    expect(withdrawal.status).toBe(200);
    const manage = await (await attacker.fetch(`/b/${attackerToken}`)).text();
    expect(manage).not.toContain(victim.name);
    expect(await appointmentsOf(practice.practiceId, attackerEmail)).toEqual([expect.objectContaining({ status: 'cancelled' })]);
    expect((await appointmentsOf(practice.practiceId, victim.email)).map((a) => a.status)).toEqual(['booked', 'booked']);
    expect(await consentsOf(practice.practiceId, victim.email)).toEqual(consentsBefore);

    // The victim's own link withdraws the consent of its own booking and cancels that appointment, not the other.
    const own = await new Client().form(`/b/${victimToken}/withdraw`, { scope: 'all' });
    expect(own.status).toBe(200);
    expect((await appointmentsOf(practice.practiceId, victim.email)).map((a) => a.status).sort()).toEqual(['booked', 'cancelled']);
  });

  it('shows on a manage page only its own booking’s consent, and points to the rights portal for anything wider', async () => {
    const practice = await bookablePractice();
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    const email = `${unique('two')}@example.com`;
    expect((await book(practice.slug, { typeId: practice.inPerson.id, start: slots.at(-1)?.start ?? '', email, reminders: true })).status).toBe(201);
    expect((await book(practice.slug, { typeId: practice.inPerson.id, start: slots.at(-5)?.start ?? '', email, reminders: false })).status).toBe(201);
    const page = await (await request(`/b/${await manageTokenFor(email)}`, { headers: { 'accept-language': 'en' } })).text();
    expect(page).toContain('Consent given with this booking');
    expect(page).not.toContain('Email reminders');
    expect(page).toContain('href="/rights"');
  });
});

describe('booking answers reveal nobody (issue 11, item 3)', () => {
  it('answers a restricted client’s address exactly as a stranger’s, in the API and the form', async () => {
    const practice = await bookablePractice();
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    const restricted = `${unique('restricted')}@example.com`;
    expect((await book(practice.slug, { typeId: practice.inPerson.id, start: slots.at(-1)?.start ?? '', email: restricted })).status).toBe(201);
    const clientId = await env.DB.prepare('SELECT id FROM clients WHERE email = ?').bind(restricted).first<string>('id');
    expect((await practice.client.json(`/api/clients/${clientId}`, { restricted: true }, 'PATCH')).status).toBe(200);

    const answers = [];
    for (const [i, email] of [restricted, `${unique('stranger')}@example.com`].entries()) {
      const { response } = await holdBooking(practice.slug, { typeId: practice.inPerson.id, start: slots[i * 4]?.start ?? '', email });
      answers.push({ status: response.status, body: await response.text() });
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]?.status).toBe(202);

    const terms = await termsOf(practice.slug);
    const pages = [];
    for (const [i, email] of [restricted, `${unique('stranger')}@example.com`].entries()) {
      const fields = { typeId: practice.inPerson.id, start: slots[12 + i * 4]?.start ?? '', name: 'K. M.', email, termsVersion: String(terms.version), acceptTerms: 'true' };
      const response = await new Client().form(`/book/${practice.slug}`, fields);
      pages.push({ status: response.status, location: response.headers.get('location') });
    }
    expect(pages[0]).toEqual(pages[1]);

    // Only the owner of the address, by confirming, learns that online booking is not possible; the time is released.
    const token = await holdTokenFor(restricted);
    const page = await new Client().fetch(`/hold/${token}`, { headers: { 'accept-language': 'de' } });
    expect(await page.text()).toContain('Buchung bestätigen');
    const confirmed = await new Client().fetch(`/hold/${token}`, { method: 'POST', headers: { 'accept-language': 'de' } });
    expect(confirmed.status).toBe(403);
    expect(await confirmed.text()).toContain('Eine Online-Buchung ist für diese Adresse nicht möglich');
    expect((await freeSlots(practice.slug, practice.inPerson.id)).map((s) => s.start)).toContain(slots[12]?.start);
    expect((await appointmentsOf(practice.practiceId, restricted)).length).toBe(1);
  });
});

describe('confirmation links', () => {
  it('books only when the button is pressed, once, and a second use is refused', async () => {
    const practice = await bookablePractice();
    const [slot] = await freeSlots(practice.slug, practice.video.id);
    const { response, email } = await holdBooking(practice.slug, { typeId: practice.video.id, start: slot?.start ?? '' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ hold: { status: 'pending', minutes: 30 } });
    const mail = (await outbox()).find((m) => m.to === email);
    expect(mail?.subject).toBe('Please confirm your booking');
    const token = await holdTokenFor(email);
    expect((await request(`/hold/${token}`)).status).toBe(200);
    expect(await appointmentsOf(practice.practiceId, email)).toEqual([]);
    expect((await freeSlots(practice.slug, practice.video.id)).map((s) => s.start)).not.toContain(slot?.start);
    const first = await new Client().fetch(`/hold/${token}`, { method: 'POST' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toMatch(/^\/b\/[\w-]{43}\?booked=1$/);
    expect((await confirmBooking(token)).status).toBe(409);
    expect(await appointmentsOf(practice.practiceId, email)).toEqual([expect.objectContaining({ status: 'booked' })]);
    expect((await outbox()).filter((m) => m.to === email && /\/b\/[\w-]{43}/.test(m.text))).toHaveLength(1);
  });

  it('refuses an expired hold, gives its time back at once, and the cron removes it', async () => {
    const practice = await bookablePractice();
    const [slot] = await freeSlots(practice.slug, practice.inPerson.id);
    const { email } = await holdBooking(practice.slug, { typeId: practice.inPerson.id, start: slot?.start ?? '' });
    const token = await holdTokenFor(email);
    await env.DB.prepare('UPDATE booking_holds SET expires_at = ?, created_at = ? WHERE email = ?').bind(Date.now() - 1, Date.now() - 2 * 3_600_000, email).run();
    expect((await freeSlots(practice.slug, practice.inPerson.id)).map((s) => s.start)).toContain(slot?.start);
    // Someone else can take the time before the cron has run.
    expect((await book(practice.slug, { typeId: practice.inPerson.id, start: slot?.start ?? '' })).status).toBe(201);
    expect((await confirmBooking(token)).status).toBe(409);
    expect(await appointmentsOf(practice.practiceId, email)).toEqual([]);
    expect(await releaseExpiredHolds(await testDeps())).toBeGreaterThanOrEqual(1);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM booking_holds WHERE email = ?').bind(email).first('n')).toBe(0);
  });

  it('books once when the same link is confirmed 10 times at once', async () => {
    const practice = await bookablePractice();
    const [slot] = await freeSlots(practice.slug, practice.inPerson.id);
    const { email } = await holdBooking(practice.slug, { typeId: practice.inPerson.id, start: slot?.start ?? '' });
    const token = await holdTokenFor(email);
    const statuses = (await Promise.all(Array.from({ length: 10 }, () => confirmBooking(token)))).map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(9).fill(409)]);
    expect(await appointmentsOf(practice.practiceId, email)).toHaveLength(1);
    expect(await consentsOf(practice.practiceId, email)).toHaveLength(1);
    expect((await outbox()).filter((m) => m.to === email && /\/b\/[\w-]{43}/.test(m.text))).toHaveLength(1);
  });
});

describe('calendar flooding (issue 11, item 6)', () => {
  it('lets 60 simultaneous bookings with invented addresses hold at most the configured number of times', async () => {
    const practice = await bookablePractice();
    const before = await freeSlots(practice.slug, practice.inPerson.id);
    const terms = await termsOf(practice.slug);
    // Every fourth start, so that no two requests ask for overlapping times and only the limit can refuse them.
    const starts = before.filter((_, i) => i % 4 === 0).map((s) => s.start);
    expect(starts.length).toBeGreaterThanOrEqual(30);
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        bookingRequest(
          practice.slug,
          { typeId: practice.inPerson.id, start: starts[i % starts.length], name: 'Flood', email: `flood-${i}-${unique('f')}@example.invalid`, termsVersion: terms.version, acceptTerms: true },
          { 'accept-language': 'de' },
        ),
      ),
    );
    const statuses = responses.map((r) => r.status);
    const held = statuses.filter((s) => s === 202).length;
    expect(held).toBeLessThanOrEqual(MAX_PENDING_HOLDS);
    expect(held).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 202 && s !== 409 && s !== 429)).toEqual([]);
    const refusals = await Promise.all(responses.filter((r) => r.status === 429).map((r) => r.json()));
    expect(refusals.length).toBeGreaterThanOrEqual(60 - starts.length);
    for (const body of refusals) expect(body).toEqual(refusals[0]);
    const after = await freeSlots(practice.slug, practice.inPerson.id);
    // Each held in-person time blocks at most three 30-minute starts (50 minutes plus buffers).
    expect(before.length - after.length).toBeLessThanOrEqual(3 * MAX_PENDING_HOLDS);
    console.info(`flood: ${held} held, ${statuses.filter((s) => s === 429).length} refused; free starts over 14 days ${before.length} → ${after.length}`);

    // A page gets the refusal in its own language.
    const page = await new Client().fetch(`/book/${practice.slug}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'de' },
      body: new URLSearchParams({ typeId: practice.inPerson.id, start: after.at(-1)?.start ?? '', name: 'Flood', email: 'one-more@example.invalid', termsVersion: String(terms.version), acceptTerms: 'true' }),
    });
    expect(page.status).toBe(429);
    expect(await page.text()).toContain('Bei dieser Praxis gehen gerade zu viele Buchungen ein');
  });
});

describe('the practice’s confirmation time', () => {
  it('is set in the profile (10 to 120 minutes) and decides how long a hold lasts', async () => {
    const practice = await bookablePractice();
    const profile = { name: 'Praxis Süd', contactEmail: 'kontakt@example.com', timeZone: 'Europe/Berlin', locale: 'de', cancellationNoticeHours: '24' };
    expect((await practice.client.form('/dashboard/settings/profile', { ...profile, holdMinutes: '5' })).status).toBe(422);
    expect((await practice.client.form('/dashboard/settings/profile', { ...profile, holdMinutes: '45' })).status).toBeLessThan(400);
    const [slot] = await freeSlots(practice.slug, practice.inPerson.id);
    const { response, email } = await holdBooking(practice.slug, { typeId: practice.inPerson.id, start: slot?.start ?? '' });
    expect(await response.json()).toEqual({ hold: { status: 'pending', minutes: 45 } });
    const hold = await env.DB.prepare('SELECT expires_at - created_at AS ms FROM booking_holds WHERE email = ?').bind(email).first<number>('ms');
    expect(hold).toBe(45 * 60_000);
    // Left out of the form, it stays as it is.
    expect((await practice.client.form('/dashboard/settings/profile', profile)).status).toBeLessThan(400);
    expect(await env.DB.prepare('SELECT hold_minutes FROM practices WHERE id = ?').bind(practice.practiceId).first('hold_minutes')).toBe(45);
  });
});
