import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { currentCode } from '../../workers/services/totp';
import { sendDueReminders } from '../../workers/services/reminders';
import { insertRightsRequest } from './erasure-support';
import { asDpo, book, bookablePractice, Client, freeSlots, linkTokenFor, logIn, manageTokenFor, signUpTherapist, testDeps, unique } from './harness';

/**
 * Every action of every role leaves an audit entry naming who acted (Art. 5(2) GDPR), and the practice's audit log
 * shows it as that actor: the therapist as "you" (never "System" or "client via their link"), a client through the
 * booking page or the emailed link, the DPO, and the cron as "System".
 */

type Practice = Awaited<ReturnType<typeof bookablePractice>>;
type Expected = { kind: 'therapist' | 'dpo' | 'client' | 'system'; userId: string | null; shown: string };

let dpo: Client;
let dpoUserId: string;
beforeAll(async () => {
  dpo = await asDpo();
  dpoUserId = (await env.DB.prepare("SELECT id FROM users WHERE role = 'dpo'").first<string>('id')) ?? '';
});

async function userIdOf(email: string): Promise<string> {
  return (await env.DB.prepare('SELECT id FROM users WHERE email = ?').bind(email).first<string>('id')) ?? '';
}

async function appointmentOf(email: string): Promise<string> {
  const sql = 'SELECT a.id FROM appointments a JOIN clients c ON c.id = a.client_id WHERE c.email = ? ORDER BY a.created_at DESC LIMIT 1';
  return (await env.DB.prepare(sql).bind(email).first<string>('id')) ?? '';
}

async function clientIdOf(email: string): Promise<string> {
  return (await env.DB.prepare('SELECT id FROM clients WHERE email = ?').bind(email).first<string>('id')) ?? '';
}

/** The stored entry of `action` on `targetId`, and the actor the practice's audit log shows for its newest `action`. */
async function expectAudited(practice: Practice, action: string, targetId: string | null, expected: Expected) {
  const entry = await env.DB.prepare('SELECT actor_kind, actor_user_id FROM audit_events WHERE practice_id = ? AND action = ? AND target_id IS ? ORDER BY at DESC LIMIT 1')
    .bind(practice.practiceId, action, targetId)
    .first<{ actor_kind: string | null; actor_user_id: string | null }>();
  expect(entry, `${action} audited`).toEqual({ actor_kind: expected.kind, actor_user_id: expected.userId });
  const html = await (await practice.client.fetch('/dashboard/audit')).text();
  const shown = new RegExp(`<tr data-action="${action.replace('.', '\\.')}" data-actor="([^"]+)"`).exec(html)?.[1];
  expect(shown, `${action} shown as`).toBe(expected.shown);
}

async function createClient(practice: Practice, email: string): Promise<string> {
  const response = await practice.client.json('/api/clients', { displayName: unique('Audit Client'), email });
  expect(response.status).toBe(201);
  return (await response.json<{ client: { id: string } }>()).client.id;
}

/** The therapist's manual booking form, two days ahead at 10:00 local time plus `hourOffset`. */
async function bookByHand(practice: Practice, clientId: string, hourOffset = 0) {
  const day = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin' }).format(new Date(Date.now() + 2 * 86_400_000));
  const time = `${String(10 + hourOffset).padStart(2, '0')}:00`;
  const response = await practice.client.form('/dashboard/appointments', { clientId, typeId: practice.inPerson.id, date: day, time });
  expect(response.status).toBe(200);
}

describe('the actor of every audited action', () => {
  it('names the therapist for a new client, a manual booking, a status change and a cancellation', async () => {
    const practice = await bookablePractice();
    const therapist: Expected = { kind: 'therapist', userId: await userIdOf(practice.email), shown: 'you' };
    const email = `${unique('manual')}@example.com`;
    const clientId = await createClient(practice, email);
    await expectAudited(practice, 'client.created', clientId, therapist);
    await bookByHand(practice, clientId);
    const first = await appointmentOf(email);
    await expectAudited(practice, 'appointment.created', first, therapist);
    expect((await practice.client.form(`/dashboard/appointments/${first}/status`, { status: 'completed' })).status).toBe(303);
    await expectAudited(practice, 'appointment.status_changed', first, therapist);
    await bookByHand(practice, clientId, 2);
    const second = await appointmentOf(email);
    expect((await practice.client.form(`/dashboard/appointments/${second}/cancel`, {})).status).toBe(303);
    await expectAudited(practice, 'appointment.cancelled', second, therapist);
  });

  it('names the client for a booking confirmed by its link, and for rescheduling, cancelling and withdrawing by the emailed link', async () => {
    const practice = await bookablePractice();
    const client = (shown: string): Expected => ({ kind: 'client', userId: null, shown });
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    const email = `${unique('linked')}@example.com`;
    // Times beyond the default 24-hour cancellation notice, so the link may still change them.
    expect((await book(practice.slug, { typeId: practice.inPerson.id, start: slots.at(-10)?.start ?? '', email })).status).toBe(201);
    const appointment = await appointmentOf(email);
    await expectAudited(practice, 'appointment.booked', appointment, client('client-booking'));
    const token = await manageTokenFor(email);
    expect((await new Client().form(`/b/${token}/reschedule`, { start: slots.at(-1)?.start ?? '' })).status).toBe(303);
    await expectAudited(practice, 'appointment.rescheduled', appointment, client('client-link'));
    expect((await new Client().form(`/b/${token}/cancel`, {})).status).toBe(303);
    await expectAudited(practice, 'appointment.cancelled', appointment, client('client-link'));

    const other = `${unique('withdrawing')}@example.com`;
    expect((await book(practice.slug, { typeId: practice.inPerson.id, start: slots.at(-20)?.start ?? '', email: other })).status).toBe(201);
    const withdrawn = await appointmentOf(other);
    expect((await new Client().form(`/b/${await manageTokenFor(other)}/withdraw`, { scope: 'all' })).status).toBe(200);
    await expectAudited(practice, 'consent.withdrawn', await clientIdOf(other), client('client-link'));
    await expectAudited(practice, 'appointment.cancelled', withdrawn, client('client-link'));
  });

  it('names the DPO for a withdrawal recorded on a rights request and the cancellation it brings', async () => {
    const practice = await bookablePractice();
    const officer: Expected = { kind: 'dpo', userId: dpoUserId, shown: 'dpo' };
    const [slot] = await freeSlots(practice.slug, practice.inPerson.id);
    const email = `${unique('subject')}@example.com`;
    expect((await book(practice.slug, { typeId: practice.inPerson.id, start: slot?.start ?? '', email })).status).toBe(201);
    const appointment = await appointmentOf(email);
    const clientId = await clientIdOf(email);
    const request = crypto.randomUUID();
    const now = Date.now();
    await env.DB.prepare(
      "INSERT INTO rights_requests (id, practice_id, client_id, email, types, status, locale, received_at, created_at, verified_at, due_at) VALUES (?, ?, ?, ?, '[\"withdrawal\"]', 'verified', 'en', ?, ?, ?, ?)",
    )
      .bind(request, practice.practiceId, clientId, email, now, now, now, now + 30 * 86_400_000)
      .run();
    expect((await dpo.form(`/dpo/requests/${request}/withdraw`, {})).status).toBe(303);
    await expectAudited(practice, 'rights.withdrawal_recorded', request, officer);
    await expectAudited(practice, 'consent.withdrawn', clientId, officer);
    await expectAudited(practice, 'appointment.cancelled', appointment, officer);
  });

  it('names the system for reminders', async () => {
    const practice = await bookablePractice();
    const [slot] = await freeSlots(practice.slug, practice.inPerson.id);
    const email = `${unique('remind')}@example.com`;
    expect((await book(practice.slug, { typeId: practice.inPerson.id, start: slot?.start ?? '', email, reminders: true })).status).toBe(201);
    await env.DB.prepare('UPDATE appointments SET start_at = ?, created_at = ? WHERE practice_id = ?').bind(Date.now() + 20 * 3_600_000, Date.now() - 7 * 86_400_000, practice.practiceId).run();
    expect((await sendDueReminders(await testDeps())).sent).toBeGreaterThanOrEqual(1);
    await expectAudited(practice, 'reminder.sent', await appointmentOf(email), { kind: 'system', userId: null, shown: 'system' });
  });

  it('names the account for signing out, on the page, in the API and on every device', async () => {
    const practice = await bookablePractice();
    const therapist: Expected = { kind: 'therapist', userId: await userIdOf(practice.email), shown: 'you' };
    const signIn = async () => (await logIn(practice.email, practice.password)).client;
    expect((await (await signIn()).form('/logout', {})).status).toBe(303);
    await expectAudited(practice, 'auth.logout', null, therapist);
    expect((await (await signIn()).json('/api/auth/logout', {})).status).toBe(204);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE practice_id = ? AND action = 'auth.logout' AND actor_kind = 'therapist'").bind(practice.practiceId).first('n')).toBe(2);
    expect((await (await signIn()).form('/logout-everywhere', {})).status).toBe(303);
    expect((await (await signIn()).json('/api/auth/logout-all', {})).status).toBe(204);
    const everywhere = await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE practice_id = ? AND action = 'auth.logout_all' AND actor_kind = 'therapist' AND actor_user_id = ?")
      .bind(practice.practiceId, therapist.userId)
      .first('n');
    expect(everywhere).toBe(2);
    // The therapist signed out everywhere above: the log is read in a fresh session.
    practice.client = await signIn();
    await expectAudited(practice, 'auth.logout_all', null, therapist);
  });
});

/** One audited change of the table below: what it did, and on which target; `practiceId` null for platform entries. */
type Done = { action: string; targetId: string | null; expected: Expected; practiceId?: null };
type Row = { name: string; act: (practice: Practice, therapist: Expected) => Promise<Done | Done[]> };

const officer = (): Expected => ({ kind: 'dpo', userId: dpoUserId, shown: 'dpo' });
const base64 = (bytes: number) => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))));

async function exceptionOf(practiceId: string): Promise<string> {
  return (await env.DB.prepare('SELECT id FROM availability_exceptions WHERE practice_id = ?').bind(practiceId).first<string>('id')) ?? '';
}

async function idIn(table: string, practiceId: string): Promise<string> {
  return (await env.DB.prepare(`SELECT id FROM ${table} WHERE practice_id = ? ORDER BY created_at DESC LIMIT 1`).bind(practiceId).first<string>('id')) ?? '';
}

/** An entry of no practice (the DPO's incidents) is not on any practice's page: only the stored actor is checked. */
async function expectStored(done: Done) {
  const entry = await env.DB.prepare('SELECT actor_kind, actor_user_id FROM audit_events WHERE practice_id IS NULL AND action = ? AND target_id IS ?')
    .bind(done.action, done.targetId)
    .first<{ actor_kind: string | null; actor_user_id: string | null }>();
  expect(entry, `${done.action} audited`).toEqual({ actor_kind: done.expected.kind, actor_user_id: done.expected.userId });
}

const ROWS: Row[] = [
  {
    name: 'a settings change by the therapist',
    act: async (practice, therapist) => {
      const date = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
      expect((await practice.client.form('/dashboard/settings/exceptions', { date, kind: 'closed' })).status).toBe(303);
      return { action: 'settings.exception_added', targetId: await exceptionOf(practice.practiceId), expected: therapist };
    },
  },
  {
    name: 'a note the therapist writes',
    act: async (practice, therapist) => {
      const clientId = await createClient(practice, `${unique('noted')}@example.com`);
      const kdf = { alg: 'PBKDF2', hash: 'SHA-256', iterations: 600_000, salt: base64(16), wrap: 'AES-KW' };
      const keyResponse = await practice.client.json('/api/notes/key', { kdf, wrappedByPassphrase: base64(40), wrappedByRecovery: base64(40) });
      expect(keyResponse.status).toBe(201);
      const { key } = await keyResponse.json<{ key: { id: string } }>();
      const created = await practice.client.json(`/api/clients/${clientId}/notes`, { keyId: key.id, iv: base64(12), ciphertext: base64(48) });
      expect(created.status).toBe(201);
      const { note } = await created.json<{ note: { id: string } }>();
      return [
        { action: 'notes.key_created', targetId: key.id, expected: therapist },
        { action: 'note.created', targetId: note.id, expected: therapist },
      ];
    },
  },
  {
    name: 'an export by the therapist',
    act: async (practice, therapist) => {
      const clientId = await createClient(practice, `${unique('exported')}@example.com`);
      const response = await practice.client.fetch(`/api/clients/${clientId}/export?format=json`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      return { action: 'export.client', targetId: clientId, expected: therapist };
    },
  },
  {
    name: 'a calendar feed the therapist creates',
    act: async (practice, therapist) => {
      expect((await practice.client.form('/dashboard/calendar-feed/create', {})).status).toBe(200);
      return { action: 'calendar_feed.created', targetId: await idIn('calendar_feeds', practice.practiceId), expected: therapist };
    },
  },
  {
    name: 'the therapist deleting a client (the therapist, not the system)',
    act: async (practice, therapist) => {
      const clientId = await createClient(practice, `${unique('deleted')}@example.com`);
      expect((await practice.client.json(`/api/clients/${clientId}`, {}, 'DELETE')).status).toBe(204);
      return { action: 'client.deleted', targetId: null, expected: therapist };
    },
  },
  {
    name: 'the DPO erasing a client on a rights request',
    act: async (practice) => {
      const email = `${unique('erased')}@example.com`;
      const requestId = await insertRightsRequest(practice.practiceId, await createClient(practice, email), email, unique('Bitte löschen'));
      expect((await dpo.form(`/dpo/requests/${requestId}/erase`, {})).status).toBe(303);
      return { action: 'client.deleted', targetId: null, expected: officer() };
    },
  },
  {
    name: 'an incident the DPO records',
    act: async (practice) => {
      const fields = {
        awareAt: new Date(Date.now() - 3_600_000).toISOString().slice(0, 16),
        nature: 'An export link was reachable without sign-in',
        dataCategories: 'contact',
        subjectCategories: 'clients',
        approxSubjects: '1',
        approxRecords: '1',
        consequences: 'None known',
        measures: 'Link revoked',
        contact: 'dpo@example.com',
        scope: 'practices',
        practiceSlugs: practice.slug,
      };
      const response = await dpo.form('/dpo/incidents', fields);
      expect(response.status).toBe(303);
      const id = /^\/dpo\/incidents\/([\w-]+)\?/.exec(response.headers.get('location') ?? '')?.[1] ?? '';
      return { action: 'incident.created', targetId: id, expected: officer(), practiceId: null };
    },
  },
  {
    name: 'two-factor enrolment by the account holder',
    act: async (practice, therapist) => {
      const { secret } = await (await practice.client.json('/api/auth/totp/enrol', {})).json<{ secret: string }>();
      expect((await practice.client.json('/api/auth/totp/confirm', { code: currentCode(secret, practice.email, Date.now()) })).status).toBe(200);
      return { action: 'auth.totp_enrolled', targetId: null, expected: therapist };
    },
  },
  {
    name: 'a password reset: anyone may ask (the system sends the link), the account holder completes it',
    act: async (practice, therapist) => {
      expect((await new Client().json('/api/auth/password-reset', { email: practice.email })).status).toBe(202);
      const token = await linkTokenFor(practice.email, '/reset-password');
      practice.password = unique('a new passphrase');
      expect((await new Client().json('/api/auth/password-reset/complete', { token, password: practice.password })).status).toBe(200);
      // The reset ended every session: the log is read in a fresh one.
      practice.client = (await logIn(practice.email, practice.password)).client;
      return [
        { action: 'auth.password_reset_requested', targetId: therapist.userId, expected: { kind: 'system', userId: null, shown: 'system' } },
        { action: 'auth.password_reset', targetId: null, expected: therapist },
      ];
    },
  },
];

describe('the actor of each state change', () => {
  it.each(ROWS)('names the actor of $name', async ({ act }) => {
    const practice = { ...(await signUpTherapist()), video: { id: '' }, inPerson: { id: '' } } as Practice;
    const therapist: Expected = { kind: 'therapist', userId: await userIdOf(practice.email), shown: 'you' };
    const done = await act(practice, therapist);
    for (const entry of Array.isArray(done) ? done : [done]) {
      if (entry.practiceId === null) await expectStored(entry);
      else await expectAudited(practice, entry.action, entry.targetId, entry.expected);
    }
  });
});
