import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../workers/domain/locale';
import { auditInsert } from '../../workers/services/audit';
import { actorKind, AUDIT_PAGE_SIZE, auditLogPage, decodeCursor, encodeCursor } from '../../workers/services/audit-log';
import { book, Client, freeSlots, manageTokenFor, openWeekdays, signUpTherapist, testDeps, typesOf, unique } from './harness';
import { SYSTEM } from '../../workers/lib/actor';

type Row = { action: string; actor: string; when: string };

function rowsOf(html: string): Row[] {
  return [...html.matchAll(/<tr data-action="([^"]+)" data-actor="([^"]+)"><td><time datetime="([^"]+)"/g)].map(([, action = '', actor = '', when = '']) => ({ action, actor, when }));
}

function olderLink(html: string): string | undefined {
  return /href="(\/dashboard\/audit\?before=[^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
}

describe('who acted', () => {
  it.each([
    [{ action: 'auth.login', actorUserId: 'me' }, 'you'],
    [{ action: 'auth.login', actorUserId: 'someone-else' }, 'other-account'],
    [{ action: 'appointment.booked', actorUserId: null }, 'client-booking'],
    [{ action: 'appointment.cancelled', actorUserId: null }, 'client-link'],
    [{ action: 'appointment.rescheduled', actorUserId: null }, 'client-link'],
    [{ action: 'consent.withdrawn', actorUserId: null }, 'client-link'],
    [{ action: 'reminder.sent', actorUserId: null }, 'system'],
  ] as const)('reads %j as %s', (entry, expected) => {
    expect(actorKind(entry, 'me')).toBe(expected);
  });

  it('round-trips page cursors and ignores forged ones', () => {
    expect(decodeCursor(encodeCursor({ at: 1767225600000, id: 'a-b-c' }))).toEqual({ at: 1767225600000, id: 'a-b-c' });
    expect(decodeCursor("1_x' OR 1=1")).toBeUndefined();
    expect(decodeCursor(undefined)).toBeUndefined();
  });
});

describe('audit log page', () => {
  it('shows what happened, by whom and when in the practice’s time zone, without personal content', async () => {
    const therapist = await signUpTherapist({ timeZone: 'Europe/Copenhagen' });
    await openWeekdays(therapist.practiceId);
    const [type] = await typesOf(therapist.practiceId);
    const slots = await freeSlots(therapist.slug, type?.id);
    const email = `${unique('audit')}@example.com`;
    const name = unique('Sigrid Auditperson');
    expect((await book(therapist.slug, { typeId: type?.id ?? '', start: slots.at(-1)?.start ?? '', email, name })).status).toBe(201);
    expect((await new Client().form(`/b/${await manageTokenFor(email)}/cancel`, {})).status).toBe(303);
    const deps = await testDeps();
    const reminderAt = Date.UTC(2026, 6, 1, 10, 0);
    await auditInsert(deps.db, { action: 'reminder.sent', actor: SYSTEM, practiceId: therapist.practiceId, targetId: crypto.randomUUID() }, reminderAt);
    expect((await therapist.client.form('/dashboard/calendar-feed/create', {})).status).toBe(200);

    const response = await therapist.client.fetch('/dashboard/audit');
    expect(response.status).toBe(200);
    const html = await response.text();
    const rows = rowsOf(html);
    const actorOf = (action: string) => rows.find((row) => row.action === action)?.actor;
    expect(actorOf('practice.signup')).toBe('you');
    expect(actorOf('calendar_feed.created')).toBe('you');
    expect(actorOf('appointment.booked')).toBe('client-booking');
    expect(actorOf('appointment.cancelled')).toBe('client-link');
    expect(actorOf('reminder.sent')).toBe('system');
    expect(html).toContain('Client (via their link)');
    // Copenhagen is two hours ahead of UTC in July.
    expect(html).toContain(formatDateTime(reminderAt, 'en', 'Europe/Copenhagen'));
    expect(formatDateTime(reminderAt, 'en', 'Europe/Copenhagen')).toContain('12:00');
    expect(html).not.toContain(email);
    expect(html).not.toContain(name);
    const clientIds = await env.DB.prepare('SELECT id FROM clients WHERE practice_id = ?').bind(therapist.practiceId).all<{ id: string }>();
    for (const { id } of clientIds.results) expect(html).not.toContain(id);
    // Newest first.
    expect(rows.map((row) => row.when)).toEqual([...rows.map((row) => row.when)].sort().reverse());
  });

  it('pages through a long log without gaps or repeats, and shows no other practice’s entries', async () => {
    const therapist = await signUpTherapist();
    const other = await signUpTherapist();
    const deps = await testDeps();
    const at = Date.UTC(2026, 0, 1);
    // Same timestamps in pairs, so the cursor must break ties by id.
    await deps.db.batch([
      auditInsert(deps.db, { action: 'reminder.sent', actor: SYSTEM, practiceId: other.practiceId }, at),
      ...Array.from({ length: 119 }, (_, i) => auditInsert(deps.db, { action: 'reminder.sent', actor: SYSTEM, practiceId: therapist.practiceId }, at + Math.floor(i / 2) * 1000)),
    ]);
    const expected = await env.DB.prepare('SELECT count(*) AS n FROM audit_events WHERE practice_id = ?').bind(therapist.practiceId).first<{ n: number }>();
    const seen: Row[] = [];
    let path: string | undefined = '/dashboard/audit';
    let pages = 0;
    while (path) {
      const html = await (await therapist.client.fetch(path)).text();
      const rows = rowsOf(html);
      expect(rows.length).toBeLessThanOrEqual(AUDIT_PAGE_SIZE);
      seen.push(...rows);
      path = olderLink(html);
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(expected?.n ?? -1);
    expect(seen.filter((row) => row.action === 'reminder.sent')).toHaveLength(119);
    // The same walk through the service, by entry id: every entry exactly once.
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await auditLogPage(deps, therapist.practiceId, 'nobody', cursor);
      ids.push(...page.entries.map((entry) => entry.id));
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(new Set(ids).size).toBe(expected?.n ?? -1);
    expect(ids).toHaveLength(expected?.n ?? -1);
  });

  it('is for the practice’s therapist only', async () => {
    expect((await new Client().fetch('/dashboard/audit')).status).toBe(303);
  });
});
