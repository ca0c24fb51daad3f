import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../workers/lib/crypto';
import { book, bookablePractice, Client, freeSlots, manageTokenFor, request, signUpTherapist, unique } from './harness';

const NAME = 'Greta Feedtest';

/** A practice with two booked appointments and one cancelled by the client. */
async function practiceWithBookings() {
  const practice = await bookablePractice();
  const slots = await freeSlots(practice.slug, practice.video.id);
  const emails = [0, 1, 2].map(() => `${unique('feed')}@example.com`);
  for (const [index, email] of emails.entries()) {
    // Late slots, so the client may still cancel online (the cancellation notice is 24 hours).
    const response = await book(practice.slug, { typeId: practice.video.id, start: slots.at(-1 - index * 3)?.start ?? '', email, name: NAME });
    expect(response.status).toBe(201);
  }
  const token = await manageTokenFor(emails[2] ?? '');
  expect((await new Client().form(`/b/${token}/cancel`, {})).status).toBe(303);
  return { ...practice, emails };
}

async function createFeed(client: Client, action: 'create' | 'rotate' = 'create'): Promise<string> {
  const response = await client.form(`/dashboard/calendar-feed/${action}`, {});
  expect(response.status).toBe(200);
  const url = /data-testid="feed-url"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*data-testid="feed-url"/.exec(await response.text());
  const address = url?.[1] ?? url?.[2];
  expect(address).toMatch(/\/calendar\/[\w-]{43}$/);
  return new URL(address ?? '').pathname;
}

const events = (ics: string) => ics.match(/BEGIN:VEVENT/g)?.length ?? 0;

describe('calendar feed', () => {
  it('publishes every booked appointment without client names or addresses, and stores only a hash of the token', async () => {
    const practice = await practiceWithBookings();
    const path = await createFeed(practice.client);
    const response = await request(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const ics = await response.text();
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics).toContain('METHOD:PUBLISH');
    expect(events(ics)).toBe(2);
    expect(ics).toContain('SUMMARY:Appointment\r\n');
    expect(ics).toContain('CLASS:PRIVATE');
    expect(ics).not.toContain(NAME);
    for (const email of practice.emails) expect(ics).not.toContain(email);
    const token = path.split('/').pop() ?? '';
    const stored = await env.DB.prepare('SELECT token_hash FROM calendar_feeds WHERE practice_id = ?').bind(practice.practiceId).all<{ token_hash: string }>();
    expect(stored.results).toEqual([{ token_hash: await hashToken(token) }]);
  });

  it('shows client names only after the therapist turns them on, and hides them again', async () => {
    const practice = await practiceWithBookings();
    const path = await createFeed(practice.client);
    expect((await practice.client.form('/dashboard/calendar-feed/names', { includeNames: 'on' })).status).toBe(303);
    expect(await (await request(path)).text()).toContain(`SUMMARY:Appointment – ${NAME}`);
    expect((await practice.client.form('/dashboard/calendar-feed/names', {})).status).toBe(303);
    expect(await (await request(path)).text()).not.toContain(NAME);
  });

  it('stops the old address when rotated and every address when revoked', async () => {
    const practice = await practiceWithBookings();
    const first = await createFeed(practice.client);
    const second = await createFeed(practice.client, 'rotate');
    expect((await request(first)).status).toBe(404);
    expect((await request(second)).status).toBe(200);
    const revoke = await practice.client.form('/dashboard/calendar-feed/revoke', {});
    expect(revoke.status).toBe(303);
    expect((await request(second)).status).toBe(404);
    const page = await (await practice.client.fetch(revoke.headers.get('location') ?? '')).text();
    expect(page).toContain('action="/dashboard/calendar-feed/create"');
  });

  it('answers unknown and malformed tokens with 404, and never shows another practice’s appointments', async () => {
    expect((await request(`/calendar/${'x'.repeat(43)}`)).status).toBe(404);
    expect((await request('/calendar/short')).status).toBe(404);
    const practice = await practiceWithBookings();
    const other = await practiceWithBookings();
    const ics = await (await request(await createFeed(practice.client))).text();
    const foreign = await env.DB.prepare('SELECT id FROM appointments WHERE practice_id = ?').bind(other.practiceId).all<{ id: string }>();
    for (const { id } of foreign.results) expect(ics).not.toContain(id);
  });

  it('keeps the settings page for therapists and shows the address only once', async () => {
    const practice = await signUpTherapist();
    expect((await new Client().fetch('/dashboard/calendar-feed')).status).toBe(303);
    const path = await createFeed(practice.client);
    const page = await (await practice.client.fetch('/dashboard/calendar-feed')).text();
    expect(page).not.toContain(path);
    expect(page).toContain('action="/dashboard/calendar-feed/rotate"');
    expect(await (await request(path)).text()).toContain('END:VCALENDAR\r\n');
  });
});
