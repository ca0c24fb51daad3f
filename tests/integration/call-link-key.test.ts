import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ACCESS_CODE_ATTEMPTS_PER_WINDOW, ACCESS_CODE_WINDOW_MS } from '../../workers/domain/access-code';
import { createClient } from './attack-support';
import { sendDueReminders } from '../../workers/services/reminders';
import { book, bookablePractice, Client, freeSlots, mailTo, outbox, testDeps, unique } from './harness';

/** A video call soon, booked by the therapist: the dashboard shows the full link with its key, and the code. */
async function keyedCallSoon() {
  const practice = await bookablePractice();
  const email = `${crypto.randomUUID()}@example.com`;
  const clientId = await createClient(practice, 'Link Client', email);
  const start = new Date(Date.now() + 5 * 60_000);
  const local = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(start);
  const [date = '', time = ''] = local.split(' ');
  const html = await (await practice.client.form('/dashboard/appointments', { clientId, typeId: practice.video.id, date, time })).text();
  const link = /\/call\/([0-9a-f-]{36})#k=([A-Za-z0-9_-]+)/.exec(html);
  const code = /([A-Z2-9]{3}-[A-Z2-9]{3}-[A-Z2-9]{3})/.exec(html)?.[1] ?? '';
  expect(link).not.toBeNull();
  expect(code).not.toBe('');
  return { practice, email, appointmentId: link?.[1] ?? '', linkKey: link?.[2] ?? '', code };
}

function join(appointmentId: string, body: unknown) {
  return new Client().json(`/api/calls/${appointmentId}/join`, body);
}

async function strangerFillsPublicWindow(appointmentId: string) {
  const statuses = await Promise.all(Array.from({ length: 60 }, () => join(appointmentId, { name: 'Stranger', code: 'AAA-AAA-AAA' }).then((r) => r.status)));
  expect(statuses.filter((status) => status === 401)).toHaveLength(ACCESS_CODE_ATTEMPTS_PER_WINDOW);
  expect(statuses.filter((status) => status === 429)).toHaveLength(60 - ACCESS_CODE_ATTEMPTS_PER_WINDOW);
}

async function nextWindow(appointmentId: string) {
  await env.DB.prepare('UPDATE appointments SET access_code_window_start = access_code_window_start - ?, link_key_window_start = link_key_window_start - ? WHERE id = ?')
    .bind(ACCESS_CODE_WINDOW_MS, ACCESS_CODE_WINDOW_MS, appointmentId)
    .run();
}

describe('the call link key', () => {
  it('a stranger who keeps exhausting the public window (several windows in a row, also 60 concurrent) never keeps out the client who holds the link key and the right code', async () => {
    const { appointmentId, linkKey, code, email } = await keyedCallSoon();
    // The emailed link carries the same key in its fragment.
    expect((await mailTo(email, /\/call\//)).text).toContain(`/call/${appointmentId}#k=${linkKey}`);
    for (let round = 0; round < 4; round++) {
      await strangerFillsPublicWindow(appointmentId);
      // The public window is full: a request without the key is refused, the client with the key is let in.
      expect((await join(appointmentId, { name: 'K.', code })).status).toBe(429);
      expect((await join(appointmentId, { name: 'K.', code, linkKey })).status).toBe(200);
      // A typo of the client's, with the key, counts in the client's own window and is told as a wrong code.
      expect((await join(appointmentId, { name: 'K.', code: 'BBB-BBB-BBB', linkKey })).status).toBe(401);
      expect((await join(appointmentId, { name: 'K.', code, linkKey })).status).toBe(200);
      await nextWindow(appointmentId);
    }
    // The stranger's flood at the start of a fresh window, concurrent with the client's join, never blocks the client.
    const [client] = await Promise.all([join(appointmentId, { name: 'K.', code, linkKey }), strangerFillsPublicWindow(appointmentId)]);
    expect(client.status).toBe(200);
    // The key alone is not a way in: its own window throttles wrong codes like the public one.
    const guesses = await Promise.all(Array.from({ length: 30 }, () => join(appointmentId, { name: 'K.', code: 'CCC-CCC-CCC', linkKey }).then((r) => r.status)));
    expect(guesses.filter((status) => status === 401)).toHaveLength(ACCESS_CODE_ATTEMPTS_PER_WINDOW);
  });

  it('falls back to the public window for a wrong or missing key, and works without a key for appointments made before keys', async () => {
    const { appointmentId, linkKey, code } = await keyedCallSoon();
    await strangerFillsPublicWindow(appointmentId);
    const wrongKey = `${linkKey.slice(0, -1)}${linkKey.endsWith('A') ? 'B' : 'A'}`;
    expect((await join(appointmentId, { name: 'K.', code, linkKey: wrongKey })).status).toBe(429);
    expect((await join(appointmentId, { name: 'K.', code, linkKey: '' })).status).toBe(429);
    expect((await join(appointmentId, { name: 'K.', code, linkKey: 'x'.repeat(500) })).status).toBe(429);
    expect((await join(appointmentId, { name: 'K.', code })).status).toBe(429);
    await nextWindow(appointmentId);
    expect((await join(appointmentId, { name: 'K.', code, linkKey: wrongKey })).status).toBe(200);
    // An appointment without a key (made before link keys): any offered key is no key, the public window applies.
    await env.DB.prepare('UPDATE appointments SET link_key_seed = NULL WHERE id = ?').bind(appointmentId).run();
    expect((await join(appointmentId, { name: 'K.', code, linkKey })).status).toBe(200);
    await nextWindow(appointmentId);
    await strangerFillsPublicWindow(appointmentId);
    expect((await join(appointmentId, { name: 'K.', code, linkKey })).status).toBe(429);
  });

  it('is rotated by a re-issue of the access code: the old key no longer gets the separate window, the new link is mailed', async () => {
    const { practice, appointmentId, linkKey, email } = await keyedCallSoon();
    const issued = await practice.client.json(`/api/appointments/${appointmentId}/access-code`, {});
    expect(issued.status).toBe(200);
    const body = await issued.json<{ accessCode: string; callUrl: string; emailed: boolean }>();
    const newKey = /#k=([A-Za-z0-9_-]+)$/.exec(body.callUrl)?.[1] ?? '';
    expect(newKey).not.toBe('');
    expect(newKey).not.toBe(linkKey);
    expect((await mailTo(email, new RegExp(body.accessCode))).text).toContain(`/call/${appointmentId}#k=${newKey}`);
    await strangerFillsPublicWindow(appointmentId);
    expect((await join(appointmentId, { name: 'K.', code: body.accessCode, linkKey })).status).toBe(429);
    expect((await join(appointmentId, { name: 'K.', code: body.accessCode, linkKey: newKey })).status).toBe(200);
  });

  it('is in the link of the confirmation and of the reminder a day ahead, the same key in both', async () => {
    const practice = await bookablePractice();
    const email = `${unique('keyed')}@example.com`;
    const [slot] = await freeSlots(practice.slug, practice.video.id);
    const booked = await book(practice.slug, { typeId: practice.video.id, start: slot?.start ?? '', email, reminders: true });
    expect(booked.status).toBe(201);
    const confirmed = /\/call\/([0-9a-f-]{36})#k=([A-Za-z0-9_-]+)/.exec((await mailTo(email, /#k=/)).text);
    expect(confirmed).not.toBeNull();
    await env.DB.prepare('UPDATE appointments SET start_at = ?, created_at = ? WHERE id = ?')
      .bind(Date.now() + 20 * 3_600_000, Date.now() - 7 * 86_400_000, confirmed?.[1] ?? '')
      .run();
    await sendDueReminders(await testDeps());
    const keyed = (await outbox()).filter((m) => m.to === email && m.text.includes(`/call/${confirmed?.[1]}#k=`));
    expect(keyed).toHaveLength(2);
    expect(keyed.every((m) => m.text.includes(`#k=${confirmed?.[2]}`))).toBe(true);
  });
});
