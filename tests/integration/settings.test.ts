import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../workers/lib/crypto';
import { AppError } from '../../workers/lib/errors';
import { createType } from '../../workers/services/settings';
import { book, bookablePractice, bookingRequest, Client, freeSlots, isoDate, request, signUpTherapist, termsOf, testDeps, unique } from './harness';

type Practice = Awaited<ReturnType<typeof bookablePractice>>;

const VALID_TYPE = { name: 'Kurzgespräch', durationMin: '25', bufferBeforeMin: '0', bufferAfterMin: '5', minNoticeMin: '0', horizonDays: '30', mode: 'video', priceText: '' };
const PROFILE = { name: 'Praxis Süd', contactEmail: 'kontakt@example.com', timeZone: 'Europe/Berlin', locale: 'de', cancellationNoticeHours: '24' };

/** Local weekday (Mon…Sun), date and minute of day of an instant, in the practice's zone. */
function local(iso: string, timeZone = 'Europe/Berlin') {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { weekday: part('weekday'), date: `${part('year')}-${part('month')}-${part('day')}`, minute: Number(part('hour')) * 60 + Number(part('minute')) };
}

const minutesOn = (slots: { start: string }[], weekday: string, timeZone?: string) =>
  [...new Set(slots.map((s) => local(s.start, timeZone)).filter((l) => l.weekday === weekday).map((l) => l.minute))].sort((a, b) => a - b);

async function rows<T>(sql: string, ...binds: unknown[]): Promise<T[]> {
  return (await env.DB.prepare(sql).bind(...binds).all<T>()).results;
}

/** Everything the settings can change for one practice, to prove that a refused request wrote nothing. */
async function settingsSnapshot(practiceId: string) {
  return {
    practice: await rows('SELECT name, contact_email, time_zone, locale, cancellation_notice_hours FROM practices WHERE id = ?', practiceId),
    hours: await rows('SELECT weekday, start_minute, end_minute FROM working_hours WHERE practice_id = ? ORDER BY weekday, start_minute', practiceId),
    exceptions: await rows('SELECT id, date, kind, start_minute, end_minute FROM availability_exceptions WHERE practice_id = ? ORDER BY id', practiceId),
    types: await rows('SELECT * FROM appointment_types WHERE practice_id = ? ORDER BY id', practiceId),
    terms: await rows('SELECT version, sha256 FROM terms_versions WHERE practice_id = ? ORDER BY version', practiceId),
    audit: await rows('SELECT action FROM audit_events WHERE practice_id = ? ORDER BY at, id', practiceId),
  };
}

async function auditActions(practiceId: string): Promise<string[]> {
  return (await rows<{ action: string }>('SELECT action FROM audit_events WHERE practice_id = ?', practiceId)).map((r) => r.action);
}

async function exceptionIds(practiceId: string): Promise<string[]> {
  return (await rows<{ id: string }>('SELECT id FROM availability_exceptions WHERE practice_id = ?', practiceId)).map((r) => r.id);
}

function expectBackTo(response: Response, section: string) {
  expect(response.status).toBe(303);
  expect(response.headers.get('location')).toMatch(new RegExp(`^/dashboard/settings\\?saved=[\\w-]+#${section}$`));
}

/** The first local date at least `daysAhead` days from now that falls on `weekday`. */
function nextWeekday(weekday: string, daysAhead: number): string {
  for (let day = daysAhead; ; day++) {
    const candidate = local(new Date(Date.now() + day * 86_400_000).toISOString());
    if (candidate.weekday === weekday) return candidate.date;
  }
}

/** The last date with slots in the next two weeks: far enough ahead that minimum notice does not trim it. */
async function lastDateWithSlots(practice: Practice) {
  const slots = await freeSlots(practice.slug, practice.inPerson.id);
  const date = local(slots.at(-1)?.start ?? '').date;
  expect(slots.filter((s) => local(s.start).date === date).length).toBeGreaterThan(0);
  return date;
}

describe('weekly working hours', () => {
  it('replaces all weekly hours with several ranges a day, and the public slots follow them', async () => {
    const practice = await bookablePractice();
    const response = await practice.client.form('/dashboard/settings/hours', {
      day3_start0: '08:00',
      day3_end0: '10:00',
      day3_start1: '14:00',
      day3_end1: '16:00',
      day6_start0: '10:00',
      day6_end0: '11:00',
      day6_start1: '22:00',
      day6_end1: '00:00',
    });
    expectBackTo(response, 'hours');
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    expect(new Set(slots.map((s) => local(s.start).weekday))).toEqual(new Set(['Wed', 'Sat']));
    // A 50-minute session fits at 08:00, 08:30, 09:00 and 14:00, 14:30, 15:00; on Saturday once at 10:00 and,
    // with an end of 00:00 meaning midnight, at 22:00, 22:30 and 23:00.
    expect(minutesOn(slots, 'Wed')).toEqual([480, 510, 540, 840, 870, 900]);
    expect(minutesOn(slots, 'Sat')).toEqual([600, 1320, 1350, 1380]);
    expect(await rows('SELECT weekday, start_minute, end_minute FROM working_hours WHERE practice_id = ? ORDER BY weekday, start_minute', practice.practiceId)).toEqual([
      { weekday: 3, start_minute: 480, end_minute: 600 },
      { weekday: 3, start_minute: 840, end_minute: 960 },
      { weekday: 6, start_minute: 600, end_minute: 660 },
      { weekday: 6, start_minute: 1320, end_minute: 1440 },
    ]);
    expect(await auditActions(practice.practiceId)).toContain('settings.hours_replaced');
    const page = await (await practice.client.fetch('/dashboard/settings?saved=hours')).text();
    expect(page).toContain('name="day3_start1" type="time" value="14:00"');
    expect(page).toContain('name="day6_end1" type="time" value="00:00"');
    expect(page).toContain('role="status"');
  });

  it('refuses overlapping, reversed or half-filled ranges with 422, shows the message in place and keeps the old hours', async () => {
    const practice = await bookablePractice();
    const before = await settingsSnapshot(practice.practiceId);
    const overlap = await practice.client.form('/dashboard/settings/hours', { day1_start0: '09:00', day1_end0: '12:00', day1_start1: '11:00', day1_end1: '13:00' });
    expect(overlap.status).toBe(422);
    const page = await overlap.text();
    expect(page).toContain('Ranges on one day must not overlap');
    expect(page).toContain('value="11:00"');
    expect((await practice.client.form('/dashboard/settings/hours', { day2_start0: '17:00', day2_end0: '09:00' })).status).toBe(422);
    const half = await practice.client.form('/dashboard/settings/hours', { day4_start0: '09:00' });
    expect(half.status).toBe(422);
    expect(await half.text()).toContain('Enter an end time too');
    expect(await settingsSnapshot(practice.practiceId)).toEqual(before);
  });
});

describe('closures and extra hours', () => {
  it('closes a whole day so the public slots skip it, closes part of a day, and reopens the day when removed', async () => {
    const practice = await bookablePractice();
    const date = await lastDateWithSlots(practice);
    expectBackTo(await practice.client.form('/dashboard/settings/exceptions', { date, kind: 'closed' }), 'exceptions');
    const closed = await freeSlots(practice.slug, practice.inPerson.id);
    expect(closed.filter((s) => local(s.start).date === date)).toEqual([]);
    expect(closed.length).toBeGreaterThan(0);
    const [id] = await exceptionIds(practice.practiceId);
    expect(await (await practice.client.fetch('/dashboard/settings')).text()).toContain(`data-exception-id="${id}"`);

    expectBackTo(await practice.client.form(`/dashboard/settings/exceptions/${id}/delete`, {}), 'exceptions');
    expect(await exceptionIds(practice.practiceId)).toEqual([]);
    expectBackTo(await practice.client.form('/dashboard/settings/exceptions', { date, kind: 'closed', start: '09:00', end: '13:00' }), 'exceptions');
    const morningClosed = (await freeSlots(practice.slug, practice.inPerson.id)).filter((s) => local(s.start).date === date);
    expect(morningClosed.length).toBeGreaterThan(0);
    expect(morningClosed.every((s) => local(s.start).minute >= 13 * 60)).toBe(true);
    expect(await auditActions(practice.practiceId)).toEqual(expect.arrayContaining(['settings.exception_added', 'settings.exception_removed']));
  });

  it('adds extra hours on a day off only with a time range, and the public slots offer them', async () => {
    const practice = await bookablePractice();
    const date = nextWeekday('Sat', 3);
    const withoutRange = await practice.client.form('/dashboard/settings/exceptions', { date, kind: 'extra' });
    expect(withoutRange.status).toBe(422);
    expect(await exceptionIds(practice.practiceId)).toEqual([]);
    expectBackTo(await practice.client.form('/dashboard/settings/exceptions', { date, kind: 'extra', start: '10:00', end: '12:00' }), 'exceptions');
    const slots = (await freeSlots(practice.slug, practice.inPerson.id, 21)).filter((s) => local(s.start).date === date);
    expect(slots.map((s) => local(s.start).minute)).toEqual([600, 630, 660]);
  });
});

describe('appointment types', () => {
  it('refuses a type with a 7-minute buffer with 422 and a field message, writing nothing', async () => {
    const practice = await bookablePractice();
    const before = await settingsSnapshot(practice.practiceId);
    const created = await practice.client.form('/dashboard/settings/types', { ...VALID_TYPE, bufferAfterMin: '7' });
    expect(created.status).toBe(422);
    expect(await created.text()).toContain('Use a multiple of 5 minutes');
    const edited = await practice.client.form(`/dashboard/settings/types/${practice.video.id}`, { ...VALID_TYPE, bufferBeforeMin: '7' });
    expect(edited.status).toBe(422);
    expect(await edited.text()).toContain('id="bufferBeforeMin-error"');
    // The service refuses it too, whoever calls it.
    const [owner] = await rows<{ id: string }>('SELECT id FROM users WHERE practice_id = ?', practice.practiceId);
    const actor = { kind: 'therapist' as const, userId: owner?.id ?? '', practiceId: practice.practiceId };
    const direct = createType(await testDeps(), actor, { name: 'Kurz', durationMin: 30, bufferBeforeMin: 0, bufferAfterMin: 7, minNoticeMin: 0, horizonDays: 30, mode: 'video', priceText: null });
    await expect(direct).rejects.toSatisfy((error) => error instanceof AppError && error.status === 422 && !!error.fields?.bufferAfterMin);
    expect(await settingsSnapshot(practice.practiceId)).toEqual(before);
  });

  it('creates and edits a type, and the public slots offer it with its duration', async () => {
    const practice = await bookablePractice();
    expectBackTo(await practice.client.form('/dashboard/settings/types', VALID_TYPE), 'types');
    const [type] = await rows<{ id: string; duration_min: number; active: number }>("SELECT id, duration_min, active FROM appointment_types WHERE practice_id = ? AND name = 'Kurzgespräch'", practice.practiceId);
    expect(type).toMatchObject({ duration_min: 25, active: 1 });
    const id = type?.id ?? '';
    const durations = async () => new Set((await freeSlots(practice.slug, id)).map((s) => (Date.parse(s.end) - Date.parse(s.start)) / 60_000));
    expect(await durations()).toEqual(new Set([25]));
    const editPage = await practice.client.fetch(`/dashboard/settings/types/${id}`);
    expect(editPage.status).toBe(200);
    expect(await editPage.text()).toContain('value="Kurzgespräch"');
    expectBackTo(await practice.client.form(`/dashboard/settings/types/${id}`, { ...VALID_TYPE, durationMin: '45' }), 'types');
    expect(await durations()).toEqual(new Set([45]));
    expect(await auditActions(practice.practiceId)).toEqual(expect.arrayContaining(['settings.type_created', 'settings.type_updated']));
  });

  it('deactivates a booked type instead of deleting it: it leaves the booking page, its appointment stays', async () => {
    const practice = await bookablePractice();
    const [slot] = await freeSlots(practice.slug, practice.video.id);
    expect((await book(practice.slug, { typeId: practice.video.id, start: slot?.start ?? '' })).status).toBe(201);
    expectBackTo(await practice.client.form(`/dashboard/settings/types/${practice.video.id}/deactivate`, {}), 'types');
    expect(await rows('SELECT active FROM appointment_types WHERE id = ?', practice.video.id)).toEqual([{ active: 0 }]);
    expect(await rows('SELECT status FROM appointments WHERE type_id = ?', practice.video.id)).toEqual([{ status: 'booked' }]);
    const slotsUrl = `/api/p/${practice.slug}/slots?from=${isoDate(Date.now())}&to=${isoDate(Date.now() + 7 * 86_400_000)}&typeId=${practice.video.id}`;
    expect((await request(slotsUrl)).status).toBe(422);
    expect(await (await request(`/book/${practice.slug}`)).text()).not.toContain(`type=${practice.video.id}`);
    // A booked video type keeps its mode: its appointments carry access codes.
    const modeChange = await practice.client.form(`/dashboard/settings/types/${practice.video.id}`, { ...VALID_TYPE, mode: 'in_person' });
    expect(modeChange.status).toBe(422);
    expectBackTo(await practice.client.form(`/dashboard/settings/types/${practice.video.id}/reactivate`, {}), 'types');
    expect((await request(slotsUrl)).status).toBe(200);
  });
});

describe('booking terms', () => {
  it('publishes version 2: the public terms show it, version 1 stays readable, and bookings accepting version 1 are refused', async () => {
    const practice = await bookablePractice();
    const first = await termsOf(practice.slug);
    const [storedFirst] = await rows('SELECT * FROM terms_versions WHERE practice_id = ? AND version = 1', practice.practiceId);
    const addition = 'Sessions cancelled less than 24 hours ahead may be charged.';
    // Browsers send textarea line breaks as CRLF; the published text keeps LF like version 1.
    const published = await practice.client.form('/dashboard/settings/terms', { text: `${first.text}\n\n${addition}`.replaceAll('\n', '\r\n') });
    expectBackTo(published, 'terms');

    const second = await termsOf(practice.slug);
    expect(second.version).toBe(2);
    expect(second.text).toBe(`${first.text}\n\n${addition}`);
    expect(second.sha256).toBe(await sha256Hex(second.text));
    expect(await rows('SELECT * FROM terms_versions WHERE practice_id = ? AND version = 1', practice.practiceId)).toEqual([storedFirst]);
    expect(await auditActions(practice.practiceId)).toContain('terms.published');

    const old = await practice.client.fetch('/dashboard/settings/terms/1');
    expect(old.status).toBe(200);
    const oldPage = await old.text();
    expect(oldPage).toContain(first.sha256);
    expect(oldPage).not.toContain(addition);
    expect(await (await practice.client.fetch('/dashboard/settings/terms/2')).text()).toContain(addition);
    expect((await practice.client.fetch('/dashboard/settings/terms/3')).status).toBe(404);
    const settingsPage = await (await practice.client.fetch('/dashboard/settings')).text();
    expect(settingsPage).toContain('href="/dashboard/settings/terms/1"');
    const bookingPage = await (await request(`/book/${practice.slug}`)).text();
    expect(bookingPage).toContain(addition);
    expect(bookingPage).toContain('name="termsVersion" value="2"');

    const [slot] = await freeSlots(practice.slug, practice.inPerson.id);
    const booking = { typeId: practice.inPerson.id, start: slot?.start, name: 'K. M.', acceptTerms: true };
    const stale = await bookingRequest(practice.slug, { ...booking, email: `${unique('client')}@example.com`, termsVersion: 1 });
    expect(stale.status).toBe(422);
    expect((await stale.json<{ error: { fields: Record<string, string[]> } }>()).error.fields.termsVersion).toBeDefined();
    expect((await bookingRequest(practice.slug, { ...booking, email: `${unique('client')}@example.com`, termsVersion: 2 })).status).toBe(202);
  });
});

describe('practice profile', () => {
  it('updates name, contact, language, time zone and cancellation notice, and the slots follow the new zone', async () => {
    const practice = await bookablePractice();
    const profile = { ...PROFILE, timeZone: 'Asia/Tokyo', locale: 'da', cancellationNoticeHours: '48' };
    expectBackTo(await practice.client.form('/dashboard/settings/profile', profile), 'profile');
    expect(await rows('SELECT name, contact_email, time_zone, locale, cancellation_notice_hours FROM practices WHERE id = ?', practice.practiceId)).toEqual([
      { name: 'Praxis Süd', contact_email: 'kontakt@example.com', time_zone: 'Asia/Tokyo', locale: 'da', cancellation_notice_hours: 48 },
    ]);
    // Working hours are wall-clock times, so Mon–Fri 09:00–17:00 now means Tokyo time.
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    expect(slots.length).toBeGreaterThan(0);
    for (const slot of slots.map((s) => local(s.start, 'Asia/Tokyo'))) {
      expect(['Mon', 'Tue', 'Wed', 'Thu', 'Fri']).toContain(slot.weekday);
      expect(slot.minute).toBeGreaterThanOrEqual(9 * 60);
      expect(slot.minute).toBeLessThanOrEqual(17 * 60 - 50);
    }
    expect(await (await practice.client.fetch('/dashboard/settings')).text()).toContain('name="cancellationNoticeHours" type="number" value="48"');
    expect(await auditActions(practice.practiceId)).toContain('settings.profile_updated');
  });
});

describe('tenant isolation and access', () => {
  it('answers a therapist of another practice with 404 for this practice’s type and exception ids, changing nothing', async () => {
    const owner = await bookablePractice();
    const date = await lastDateWithSlots(owner);
    expectBackTo(await owner.client.form('/dashboard/settings/exceptions', { date, kind: 'closed' }), 'exceptions');
    const [exceptionId] = await exceptionIds(owner.practiceId);
    const before = await settingsSnapshot(owner.practiceId);
    const other = await signUpTherapist();
    const typePath = `/dashboard/settings/types/${owner.video.id}`;
    expect((await other.client.fetch(typePath)).status).toBe(404);
    expect((await other.client.form(typePath, VALID_TYPE)).status).toBe(404);
    expect((await other.client.form(`${typePath}/deactivate`, {})).status).toBe(404);
    expect((await other.client.form(`${typePath}/reactivate`, {})).status).toBe(404);
    expect((await other.client.form(`/dashboard/settings/exceptions/${exceptionId}/delete`, {})).status).toBe(404);
    const page = await (await other.client.fetch('/dashboard/settings')).text();
    expect(page).not.toContain(exceptionId);
    expect(page).not.toContain(owner.video.id);
    expect(await settingsSnapshot(owner.practiceId)).toEqual(before);
  });

  it('sends anonymous visitors to sign-in and refuses their changes', async () => {
    const practice = await bookablePractice();
    const anonymous = new Client();
    for (const path of ['/dashboard/settings', '/dashboard/settings/terms/1', `/dashboard/settings/types/${practice.video.id}`]) {
      const response = await anonymous.fetch(path);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    const before = await settingsSnapshot(practice.practiceId);
    expect((await anonymous.form('/dashboard/settings/hours', { day1_start0: '09:00', day1_end0: '10:00' })).status).toBe(401);
    expect((await anonymous.form(`/dashboard/settings/types/${practice.video.id}/deactivate`, {})).status).toBe(401);
    expect(await settingsSnapshot(practice.practiceId)).toEqual(before);
  });

  it('never answers bad input with a server error and writes nothing', async () => {
    const practice = await bookablePractice();
    const { text: currentText } = await termsOf(practice.slug);
    const before = await settingsSnapshot(practice.practiceId);
    const cases: [string, Record<string, string>, number][] = [
      ['/dashboard/settings/profile', {}, 422],
      ['/dashboard/settings/profile', { ...PROFILE, name: '' }, 422],
      ['/dashboard/settings/profile', { ...PROFILE, timeZone: 'Mars/Olympus' }, 422],
      ['/dashboard/settings/profile', { ...PROFILE, locale: 'fr' }, 422],
      ['/dashboard/settings/profile', { ...PROFILE, contactEmail: 'not-an-email' }, 422],
      ...['337', '-1', '1.5', 'abc', ''].map((hours): [string, Record<string, string>, number] => ['/dashboard/settings/profile', { ...PROFILE, cancellationNoticeHours: hours }, 422]),
      ['/dashboard/settings/hours', { day1_start0: '25:00', day1_end0: '26:00' }, 422],
      ['/dashboard/settings/hours', { day1_start0: 'abc', day1_end0: '10:00' }, 422],
      ['/dashboard/settings/hours', { day1_start0: '09:00', day1_end0: 'x'.repeat(5000) }, 422],
      ['/dashboard/settings/exceptions', {}, 422],
      ['/dashboard/settings/exceptions', { date: '2026-02-30', kind: 'closed' }, 422],
      ['/dashboard/settings/exceptions', { date: '2026-12-24', kind: 'holiday' }, 422],
      ['/dashboard/settings/exceptions', { date: '2026-12-24', kind: 'closed', start: '10:00' }, 422],
      ['/dashboard/settings/exceptions', { date: '2026-12-24', kind: 'extra', start: '12:00', end: '10:00' }, 422],
      ['/dashboard/settings/exceptions/no-such-id/delete', {}, 404],
      ['/dashboard/settings/types', {}, 422],
      ...[
        { durationMin: '0' },
        { durationMin: '481' },
        { durationMin: 'abc' },
        { durationMin: '-5' },
        { minNoticeMin: '1e3' },
        { horizonDays: '0' },
        { horizonDays: '366' },
        { mode: 'phone' },
        { name: 'x'.repeat(200) },
        { priceText: 'x'.repeat(200) },
      ].map((change): [string, Record<string, string>, number] => ['/dashboard/settings/types', { ...VALID_TYPE, ...change }, 422]),
      ['/dashboard/settings/types/no-such-id', VALID_TYPE, 404],
      ['/dashboard/settings/types/no-such-id/deactivate', {}, 404],
      ['/dashboard/settings/terms', {}, 422],
      ['/dashboard/settings/terms', { text: 'Too short.' }, 422],
      ['/dashboard/settings/terms', { text: currentText }, 422],
      ['/dashboard/settings/terms', { text: 'x'.repeat(30_000) }, 422],
    ];
    for (const [path, fields, status] of cases) {
      const response = await practice.client.form(path, fields);
      expect({ path, fields, status: response.status }).toEqual({ path, fields, status });
    }
    for (const version of ['abc', '0', '99999999', '1.0']) {
      expect((await practice.client.fetch(`/dashboard/settings/terms/${version}`)).status).toBe(404);
    }
    const withoutToken = await practice.client.fetch('/dashboard/settings/hours', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ day1_start0: '09:00', day1_end0: '10:00' }),
    });
    expect(withoutToken.status).toBe(403);
    expect(await settingsSnapshot(practice.practiceId)).toEqual(before);
  });
});
