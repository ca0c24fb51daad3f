import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { currentCode } from '../../workers/services/totp';
import { roomStub } from './call-room-support';
import { book, bookablePractice, countRows, freeSlots, linkTokenFor, logIn, openWeekdays, request, signUpTherapist, typesOf, unique } from './harness';

/** A practice with people whose names and addresses occur nowhere else, touching every kind of row we keep. */
async function populatedPractice() {
  const therapistName = unique('Therapeutin Wiebke');
  const practiceName = unique('Praxis Lindenhof');
  const therapist = await signUpTherapist({ practiceName, displayName: therapistName });
  await openWeekdays(therapist.practiceId);
  const [type] = await typesOf(therapist.practiceId);
  const slots = await freeSlots(therapist.slug, type?.id);
  const people = [0, 1].map(() => ({ name: unique('Klient Ole'), email: `${unique('ole')}@example.com` }));
  for (const [index, person] of people.entries()) {
    const response = await book(therapist.slug, { typeId: type?.id ?? '', start: slots[index * 2]?.start ?? '', ...person, reminders: true });
    expect(response.status).toBe(201);
  }
  const clients = await env.DB.prepare('SELECT id FROM clients WHERE practice_id = ?').bind(therapist.practiceId).all<{ id: string }>();
  const appointments = await env.DB.prepare('SELECT id FROM appointments WHERE practice_id = ?').bind(therapist.practiceId).all<{ id: string }>();
  const user = await env.DB.prepare('SELECT id FROM users WHERE practice_id = ?').bind(therapist.practiceId).first<{ id: string }>();
  const [firstClient] = clients.results;
  await env.DB.batch([
    env.DB.prepare('INSERT INTO note_keys (id, practice_id, kdf, wrapped_by_passphrase, wrapped_by_recovery, created_at) VALUES (?, ?, ?, ?, ?, ?)').bind(
      `${therapist.practiceId}-key`,
      therapist.practiceId,
      '{"name":"PBKDF2"}',
      'wrapped-a',
      'wrapped-b',
      Date.now(),
    ),
    env.DB.prepare('INSERT INTO session_notes (id, practice_id, client_id, appointment_id, key_id, iv, ciphertext, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').bind(
      crypto.randomUUID(),
      therapist.practiceId,
      firstClient?.id ?? '',
      appointments.results[0]?.id ?? null,
      `${therapist.practiceId}-key`,
      'iv',
      'Y2lwaGVy',
      Date.now(),
    ),
  ]);
  expect((await therapist.client.form('/dashboard/calendar-feed/create', {})).status).toBe(200);
  // A second signed-in device and a pending password reset: rows that hang off the account, not the practice.
  expect((await logIn(therapist.email, therapist.password)).response.status).toBe(200);
  expect((await request('/api/auth/password-reset', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: therapist.email }) })).status).toBe(202);
  await linkTokenFor(therapist.email, '/reset-password'); // the link is mailed after the response
  const needles = [
    therapist.practiceId,
    therapist.email,
    therapist.slug,
    therapistName,
    practiceName,
    user?.id ?? 'missing user',
    ...people.flatMap((person) => [person.name, person.email]),
    ...clients.results.map((client) => client.id),
    ...appointments.results.map((appointment) => appointment.id),
  ];
  return { ...therapist, needles };
}

/** Every table of the database, read whole, searched for each needle. */
async function findEverywhere(needles: string[]): Promise<string[]> {
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all<{ name: string }>();
  expect(tables.results.length).toBeGreaterThan(15);
  const found: string[] = [];
  for (const { name } of tables.results) {
    const rows = JSON.stringify((await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results);
    for (const needle of needles) if (rows.includes(needle)) found.push(`${name}: ${needle}`);
  }
  return found;
}

describe('account deletion', () => {
  it('explains what happens and asks for the password and the booking address', async () => {
    const therapist = await signUpTherapist();
    const html = await (await therapist.client.fetch('/dashboard/delete-account')).text();
    expect(html).toContain('name="password"');
    expect(html).toContain('name="confirmSlug"');
    expect(html).toContain(`<code>${therapist.slug}</code>`);
    expect(html).toContain('href="/dashboard/export"');
  });

  it('refuses a wrong password or a mistyped address and deletes nothing', async () => {
    const practice = await populatedPractice();
    expect(await findEverywhere([practice.practiceId])).not.toEqual([]);
    const before = await countRows('clients');
    const wrongPassword = await practice.client.form('/dashboard/delete-account', { confirmSlug: practice.slug, password: 'not the password at all' });
    expect(wrongPassword.status).toBe(422);
    const wrongSlug = await practice.client.form('/dashboard/delete-account', { confirmSlug: `${practice.slug}x`, password: practice.password });
    expect(wrongSlug.status).toBe(422);
    expect(await wrongSlug.text()).toContain('Type your booking address exactly');
    expect(await countRows('clients')).toBe(before);
    expect((await practice.client.fetch('/dashboard')).status).toBe(200);
  });

  it('asks for the second factor when one is enrolled, and accepts a recovery code', async () => {
    const therapist = await signUpTherapist();
    const { secret } = await (await therapist.client.json('/api/auth/totp/enrol', {})).json<{ secret: string }>();
    const confirm = await therapist.client.json('/api/auth/totp/confirm', { code: currentCode(secret, therapist.email, Date.now()) });
    const { recoveryCodes } = await confirm.json<{ recoveryCodes: string[] }>();
    const fields = { confirmSlug: therapist.slug, password: therapist.password };
    const withoutCode = await therapist.client.form('/dashboard/delete-account', fields);
    expect(withoutCode.status).toBe(422);
    expect(await withoutCode.text()).toContain('name="totp"');
    expect(await findEverywhere([therapist.practiceId])).not.toEqual([]);
    const withCode = await therapist.client.form('/dashboard/delete-account', { ...fields, totp: recoveryCodes[0] ?? '' });
    expect(withCode.status).toBe(303);
    expect(await findEverywhere([therapist.practiceId, therapist.email])).toEqual([]);
  });

  it('removes every trace of the practice, its therapist and its clients from every table, and only that', async () => {
    const practice = await populatedPractice();
    const bystander = await bookablePractice();
    const [slot] = await freeSlots(bystander.slug, bystander.video.id);
    const bystanderEmail = `${unique('bystander')}@example.com`;
    expect((await book(bystander.slug, { typeId: bystander.video.id, start: slot?.start ?? '', email: bystanderEmail })).status).toBe(201);
    const auditBefore = await countRows('audit_events');

    const response = await practice.client.form('/dashboard/delete-account', { confirmSlug: practice.slug.toUpperCase(), password: practice.password });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/?notice=account-deleted');
    expect(response.headers.getSetCookie().join('\n')).toMatch(/__Host-session=;.*Max-Age=0/i);

    expect(await findEverywhere(practice.needles)).toEqual([]);
    // The audit log keeps its entries, anonymised, plus one saying a deletion happened.
    expect(await countRows('audit_events')).toBe(auditBefore + 1);
    const deleted = await env.DB.prepare("SELECT actor_user_id, practice_id, target_id FROM audit_events WHERE action = 'practice.deleted'").all();
    expect(deleted.results).toContainEqual({ actor_user_id: null, practice_id: null, target_id: null });

    expect((await practice.client.fetch('/dashboard')).status).toBe(303);
    expect((await logIn(practice.email, practice.password)).response.status).toBe(401);
    expect(await findEverywhere([bystander.practiceId, bystanderEmail])).toEqual(
      expect.arrayContaining([expect.stringMatching(/^practices: /), expect.stringMatching(/^clients: /)]),
    );
    expect((await bystander.client.fetch('/dashboard')).status).toBe(200);
    // The booking address is free again.
    await signUpTherapist({ slug: practice.slug });
  });

  it('empties the call rooms of the practice’s video appointments and leaves other practices’ rooms alone', async () => {
    const practice = await bookablePractice();
    const bystander = await bookablePractice();
    const roomOf = async (owner: typeof practice) => {
      const [slot] = await freeSlots(owner.slug, owner.video.id);
      const email = `${unique('room')}@example.com`;
      expect((await book(owner.slug, { typeId: owner.video.id, start: slot?.start ?? '', email })).status).toBe(201);
      const id = await env.DB.prepare('SELECT id FROM appointments WHERE practice_id = ?').bind(owner.practiceId).first<string>('id');
      // What a room holds between admission and its closing alarm.
      await runInDurableObject(roomStub(id ?? ''), (_room, state) => state.storage.put('admitted', ['participant']));
      return id ?? '';
    };
    const [room, otherRoom] = [await roomOf(practice), await roomOf(bystander)];
    const keysOf = (id: string) => runInDurableObject(roomStub(id), async (_room, state) => [...(await state.storage.list()).keys()]);

    const response = await practice.client.form('/dashboard/delete-account', { confirmSlug: practice.slug, password: practice.password });
    expect(response.status).toBe(303);

    expect(await keysOf(room)).toEqual([]);
    expect(await keysOf(otherRoom)).toEqual(['admitted']);
  });
});
