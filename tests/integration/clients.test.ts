import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { verifyPracticeChain } from '../../workers/services/consent';
import { book, bookablePractice, Client, freeSlots, outbox, signUpTherapist, testDeps, unique } from './harness';

type ClientJson = { id: string; displayName: string; email: string | null; active: boolean; restricted: boolean };

async function createClient(client: Client, body: Record<string, unknown>) {
  const response = await client.json('/api/clients', body);
  return { response, created: response.status === 201 ? (await response.json<{ client: ClientJson }>()).client : undefined };
}

async function dumpAllTables(): Promise<string> {
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'").all<{ name: string }>();
  const dumps = await Promise.all(tables.results.map(async ({ name }) => JSON.stringify((await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results)));
  return dumps.join('\n');
}

describe('clients', () => {
  it('creates a client with nothing but initials, and one with an email, refusing a duplicate address', async () => {
    const therapist = await signUpTherapist();
    const { response, created } = await createClient(therapist.client, { displayName: 'K. L.' });
    expect(response.status).toBe(201);
    expect(created).toMatchObject({ displayName: 'K. L.', email: null, active: true, restricted: false });
    const email = `${unique('c')}@example.com`;
    expect((await createClient(therapist.client, { displayName: 'Maus', email })).response.status).toBe(201);
    const duplicate = await createClient(therapist.client, { displayName: 'Other', email });
    expect(duplicate.response.status).toBe(409);
    const search = await therapist.client.fetch('/api/clients?q=mau');
    expect((await search.json<{ clients: ClientJson[] }>()).clients.map((c) => c.displayName)).toEqual(['Maus']);
  });

  it('rectifies a name without keeping the old value anywhere', async () => {
    const therapist = await signUpTherapist();
    const oldName = `Oldname${unique('x')}`;
    const { created } = await createClient(therapist.client, { displayName: oldName });
    const response = await therapist.client.json(`/api/clients/${created?.id}`, { displayName: 'New Name' }, 'PATCH');
    expect(response.status).toBe(200);
    expect((await response.json<{ client: ClientJson }>()).client.displayName).toBe('New Name');
    expect(await dumpAllTables()).not.toContain(oldName);
  });

  it('blocks online booking and emails for a client whose processing is restricted', async () => {
    const practice = await bookablePractice();
    const email = `${unique('r')}@example.com`;
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    expect((await book(practice.slug, { typeId: practice.inPerson.id, start: slots.at(-1)?.start ?? '', email })).status).toBe(201);
    const clientId = await env.DB.prepare('SELECT id FROM clients WHERE email = ?').bind(email).first<string>('id');
    expect((await practice.client.json(`/api/clients/${clientId}`, { restricted: true }, 'PATCH')).status).toBe(200);
    const before = await env.DB.prepare('SELECT count(*) AS n FROM appointments').first('n');
    const refused = await book(practice.slug, { typeId: practice.inPerson.id, start: slots[0]?.start ?? '', email });
    expect(refused.status).toBe(403);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM appointments').first('n')).toBe(before);
    const mailsBefore = (await outbox()).filter((m) => m.to === email).length;
    const appointmentId = await env.DB.prepare('SELECT id FROM appointments WHERE client_id = ?').bind(clientId).first<string>('id');
    expect((await practice.client.form(`/dashboard/appointments/${appointmentId}/cancel`, {})).status).toBe(303);
    expect((await outbox()).filter((m) => m.to === email).length).toBe(mailsBefore);
  });

  it('deletes a client completely while the consent chain of the practice still verifies', async () => {
    const practice = await bookablePractice();
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    const name = `Erase${unique('n')}`;
    const email = `${unique('erase')}@example.com`;
    await book(practice.slug, { typeId: practice.inPerson.id, start: slots[0]?.start ?? '', email, name });
    await book(practice.slug, { typeId: practice.inPerson.id, start: slots[4]?.start ?? '' });
    const clientId = await env.DB.prepare('SELECT id FROM clients WHERE email = ?').bind(email).first<string>('id');
    expect((await practice.client.json(`/api/clients/${clientId}`, { displayName: name }, 'PATCH')).status).toBe(200);
    expect((await practice.client.json(`/api/clients/${clientId}`, {}, 'DELETE')).status).toBe(204);
    const dump = await dumpAllTables();
    for (const trace of [name, email, String(clientId)]) expect(dump).not.toContain(trace);
    expect(await verifyPracticeChain(await testDeps(), practice.practiceId)).toEqual({ ok: true, length: 2 });
    expect(await freeSlots(practice.slug, practice.inPerson.id)).toContainEqual(slots[0]);
  });

  it('answers 404 to a therapist of another practice for every client operation and changes nothing', async () => {
    const owner = await signUpTherapist();
    const other = await signUpTherapist();
    const { created } = await createClient(owner.client, { displayName: 'Private', email: `${unique('p')}@example.com` });
    const path = `/api/clients/${created?.id}`;
    expect((await other.client.fetch(path)).status).toBe(404);
    expect((await other.client.json(path, { displayName: 'Hacked' }, 'PATCH')).status).toBe(404);
    expect((await other.client.json(path, {}, 'DELETE')).status).toBe(404);
    expect((await other.client.fetch(`/dashboard/clients/${created?.id}`)).status).toBe(404);
    expect((await other.client.fetch('/api/clients')).status).toBe(200);
    expect(await (await other.client.fetch('/api/clients')).text()).not.toContain('Private');
    expect((await owner.client.fetch(path)).status).toBe(200);
    expect(await env.DB.prepare('SELECT display_name FROM clients WHERE id = ?').bind(created?.id).first('display_name')).toBe('Private');
  });
});

describe('appointments in the dashboard', () => {
  it('creates a video appointment by hand for a client without contact data and shows the call link and access code once', async () => {
    const practice = await bookablePractice();
    const { created } = await createClient(practice.client, { displayName: 'Anon' });
    const date = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const response = await practice.client.form('/dashboard/appointments', { clientId: created?.id ?? '', typeId: practice.video.id, date, time: '19:30' });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('data-testid="invite"');
    expect(html).toMatch(/\/call\/[0-9a-f-]{36}/);
    expect(html).toMatch(/[A-Z2-9]{3}-[A-Z2-9]{3}-[A-Z2-9]{3}/);
    const overlap = await practice.client.form('/dashboard/appointments', { clientId: created?.id ?? '', typeId: practice.inPerson.id, date, time: '19:45' });
    expect(overlap.status).toBe(409);
    const week = await practice.client.fetch(`/dashboard/appointments?view=week&date=${date}`);
    expect(await week.text()).toContain('Anon');
    const later = await practice.client.fetch(`/dashboard/appointments?view=day&date=${date}`);
    expect(await later.text()).not.toContain('data-testid="invite"');
  });
});
