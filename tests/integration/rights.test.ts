import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../workers/app';
import { extendedDueDate } from '../../workers/domain/deadlines';
import { accessTable, declaredAt } from '../../workers/lib/route';
import { dpoRequests, practiceRequestsPages, rightsApi, rightsPortal } from '../../workers/routes/rights-routes';
import { asDpo, book, bookablePractice, Client, freeSlots, mailTo, ORIGIN, outbox, type OutboxMessage, request, unique } from './harness';

type Practice = Awaited<ReturnType<typeof bookablePractice>>;
const RIGHTS_ACCESS = accessTable([
  ...declaredAt('/rights', rightsPortal),
  ...declaredAt('/api/rights', rightsApi),
  ...declaredAt('/dpo/requests', dpoRequests),
  ...declaredAt('/dashboard/requests', practiceRequestsPages),
]);

let dpo: Client;
beforeAll(async () => {
  dpo = await asDpo();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function mailsTo(to: string): Promise<OutboxMessage[]> {
  return (await outbox()).filter((m) => m.to === to);
}

/** A client of the practice with an email on file, created by booking the practice as the public would. */
async function clientOf(practice: Practice, options: { name?: string; reminders?: boolean } = {}) {
  const email = `${unique('subject')}@example.com`;
  const [slot] = await freeSlots(practice.slug, practice.inPerson.id);
  const response = await book(practice.slug, { typeId: practice.inPerson.id, start: slot?.start ?? '', email, name: options.name ?? 'K. M.', reminders: options.reminders ?? false });
  expect(response.status).toBe(201);
  const { booking } = await response.json<{ booking: { id: string } }>();
  return { email, appointmentId: booking.id };
}

function submit(body: Record<string, unknown>) {
  return request('/api/rights/requests', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function latestRequest(email: string) {
  const row = await env.DB.prepare('SELECT * FROM rights_requests WHERE email = ? ORDER BY created_at DESC LIMIT 1').bind(email).first<Record<string, unknown>>();
  if (!row) throw new Error(`no request for ${email}`);
  return row;
}

async function statusOf(id: unknown) {
  return env.DB.prepare('SELECT status FROM rights_requests WHERE id = ?').bind(id).first<string>('status');
}

async function trailOf(id: unknown) {
  const rows = await env.DB.prepare('SELECT actor, action, note FROM rights_request_events WHERE request_id = ? ORDER BY at, rowid').bind(id).all<{ actor: string; action: string; note: string | null }>();
  return rows.results;
}

const TOKEN = /\/rights\/verify\/([\w-]{43})/;

/** The verification token of the newest link mailed to `email`, other than those in `except`. */
async function verifyToken(email: string, except: string[] = []): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const tokens = (await mailsTo(email)).map((m) => TOKEN.exec(m.text)?.[1]).filter((t): t is string => t !== undefined && !except.includes(t));
    if (tokens[0]) return tokens[0];
    await sleep(20);
  }
  throw new Error(`no verification link for ${email}`);
}

/** A request by a client, confirmed through its emailed link; returns the request id. */
async function confirmedRequest(practice: Practice, email: string, types: string[], details?: string) {
  expect((await submit({ practice: practice.slug, types, email, ...(details ? { details } : {}) })).status).toBe(202);
  const token = await verifyToken(email);
  expect((await new Client().form(`/rights/verify/${token}`, {})).status).toBe(200);
  const row = await latestRequest(email);
  expect(row.status).toBe('verified');
  return String(row.id);
}

async function act(id: string, action: string, fields: Record<string, string> = {}) {
  const response = await dpo.form(`/dpo/requests/${id}/${action}`, fields);
  if (response.status !== 303) throw new Error(`${action} answered ${response.status}: ${(await response.text()).slice(0, 400)}`);
}

describe('the rights portal', () => {
  it('answers a client’s address and an unknown address identically, and mails only the client', async () => {
    const practice = await bookablePractice();
    const { email: known } = await clientOf(practice);
    const unknown = `${unique('stranger')}@example.com`;
    const answers = await Promise.all([known, unknown].map((email) => submit({ practice: practice.slug, types: ['access'], email })));
    expect(answers.map((a) => a.status)).toEqual([202, 202]);
    const [first, second] = await Promise.all(answers.map((a) => a.text()));
    expect(first).toBe(second);

    const forms = await Promise.all([known, unknown].map((email) => new Client().form('/rights', { practice: practice.slug, types: 'erasure', email })));
    expect(forms.map((f) => f.status)).toEqual([303, 303]);
    expect(forms[0]?.headers.get('location')).toBe(forms[1]?.headers.get('location'));

    await mailTo(known, TOKEN);
    expect(await mailsTo(unknown)).toEqual([]);
    const stranger = await latestRequest(unknown);
    expect(stranger.status).toBe('needs_in_person');
    expect(stranger.verify_token_hash).toBeNull();
    expect((await trailOf(stranger.id)).map((e) => e.action)).toEqual(['request.received', 'request.needs_in_person']);
  });

  it('answers an unknown booking address with a clear 404', async () => {
    const response = await submit({ practice: 'no-such-practice', types: ['access'], email: 'a@example.com' });
    expect(response.status).toBe(404);
    expect((await response.json<{ error: { message: string } }>()).error.message).toContain('no-such-practice');
    const page = await new Client().form('/rights', { practice: 'no-such-practice', types: 'access', email: 'a@example.com' });
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('no-such-practice');
  });

  it('stores repeated identical requests within ten minutes once and mails once', async () => {
    const practice = await bookablePractice();
    const { email } = await clientOf(practice);
    const body = { practice: practice.slug, types: ['export', 'access'], email, details: 'Bitte als CSV' };
    const answers = await Promise.all([submit(body), submit({ ...body, types: ['access', 'export'] })]);
    expect(answers.map((a) => a.status)).toEqual([202, 202]);
    await mailTo(email, TOKEN);
    const count = () => env.DB.prepare('SELECT count(*) AS n FROM rights_requests WHERE email = ?').bind(email).first<number>('n');
    expect(await count()).toBe(1);
    expect(await mailsTo(email).then((mails) => mails.filter((m) => TOKEN.test(m.text)).length)).toBe(1);

    // A different request, or the same one after ten minutes, is a new request.
    expect((await submit({ ...body, details: 'Bitte als JSON' })).status).toBe(202);
    expect(await count()).toBe(2);
    await env.DB.prepare('UPDATE rights_requests SET received_at = received_at - 11 * 60000 WHERE email = ?').bind(email).run();
    expect((await submit(body)).status).toBe(202);
    expect(await count()).toBe(3);
  });

  it('refuses a request without a type or with over-long details', async () => {
    const practice = await bookablePractice();
    expect((await submit({ practice: practice.slug, types: [], email: 'a@example.com' })).status).toBe(422);
    expect((await submit({ practice: practice.slug, types: ['access'], email: 'a@example.com', details: 'x'.repeat(2001) })).status).toBe(422);
    const page = await new Client().form('/rights', { practice: practice.slug, email: 'a@example.com' });
    expect(page.status).toBe(422);
    expect(await page.text()).toContain('Choose at least one kind of request');
  });

  it('documents the JSON endpoint in the OpenAPI document', async () => {
    const document = await (await request('/api/openapi.json')).json<{ paths: Record<string, { post?: { responses: Record<string, unknown> } }> }>();
    expect(Object.keys(document.paths['/api/rights/requests']?.post?.responses ?? {})).toEqual(expect.arrayContaining(['202', '404', '422']));
  });

  it('shows the portal in German with the practice prefilled from the link', async () => {
    const response = await request('/rights?practice=demo&lang=de');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Ihre Datenschutzrechte');
    expect(html).toMatch(/name="practice"[^>]*value="demo"/);
  });
});

describe('verification by emailed link', () => {
  it('shows a button on opening the link and confirms only when it is pressed', async () => {
    const practice = await bookablePractice();
    const { email } = await clientOf(practice, { name: 'Verena Vorsicht' });
    expect((await submit({ practice: practice.slug, types: ['access'], email })).status).toBe(202);
    const token = await verifyToken(email);
    const opened = await request(`/rights/verify/${token}`);
    expect(opened.status).toBe(200);
    // The form posts the token in its body, not in the action URL that logs keep.
    expect(await opened.text()).toMatch(new RegExp(`action="/rights/verify/_">[\\s\\S]*name="token" value="${token}"`));
    expect((await latestRequest(email)).status).toBe('awaiting_verification');

    const confirmed = await new Client().form('/rights/verify/_', { token });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('data-status="verified"');
    const row = await latestRequest(email);
    expect(row.client_id).not.toBeNull();
    expect(row.verify_token_hash).toBeNull();
    expect((await trailOf(row.id)).map((e) => `${e.actor}:${e.action}`)).toEqual(['subject:request.received', 'subject:request.verified']);
    const notice = await mailTo(practice.email, /dashboard\/requests/);
    expect(JSON.stringify(notice)).not.toContain(email);
    expect(JSON.stringify(notice)).not.toContain('Verena');
  });

  it('refuses a used, an expired and a forged link, and one request’s link never confirms another', async () => {
    const practice = await bookablePractice();
    const { email } = await clientOf(practice);
    expect((await submit({ practice: practice.slug, types: ['access'], email })).status).toBe(202);
    const first = await verifyToken(email);
    const firstId = (await latestRequest(email)).id;
    expect((await submit({ practice: practice.slug, types: ['erasure'], email })).status).toBe(202);
    const second = await verifyToken(email, [first]);
    const secondId = (await latestRequest(email)).id;
    expect(secondId).not.toBe(firstId);

    expect((await new Client().form(`/rights/verify/${first}`, {})).status).toBe(200);
    expect(await statusOf(firstId)).toBe('verified');
    expect(await statusOf(secondId)).toBe('awaiting_verification');
    expect((await new Client().form(`/rights/verify/${first}`, {})).status).toBe(404);
    expect((await request(`/rights/verify/${first}`)).status).toBe(404);

    expect((await new Client().form(`/rights/verify/${'x'.repeat(43)}`, {})).status).toBe(404);
    expect((await new Client().form(`/rights/verify/${second.slice(0, -1)}${second.endsWith('A') ? 'B' : 'A'}`, {})).status).toBe(404);

    await env.DB.prepare('UPDATE rights_requests SET verify_expires_at = ? WHERE id = ?').bind(Date.now() - 1, secondId).run();
    expect((await request(`/rights/verify/${second}`)).status).toBe(404);
    expect((await new Client().form(`/rights/verify/${second}`, {})).status).toBe(404);
    expect(await statusOf(secondId)).toBe('awaiting_verification');
  });

  it('confirms a person without an email on file through the practice, in person', async () => {
    const practice = await bookablePractice();
    const created = await practice.client.json('/api/clients', { displayName: 'Nur Initialen' });
    const clientId = (await created.json<{ client: { id: string } }>()).client.id;
    const email = `${unique('walkin')}@example.com`;
    expect((await submit({ practice: practice.slug, types: ['access'], email })).status).toBe(202);
    const id = String((await latestRequest(email)).id);
    expect((await dpo.form(`/dpo/requests/${id}/verify-in-person`, { clientId: 'not-a-client' })).status).toBe(422);
    await act(id, 'verify-in-person', { clientId });
    const row = await latestRequest(email);
    expect(row).toMatchObject({ status: 'verified', client_id: clientId });
    await mailTo(practice.email, /dashboard\/requests/);
  });
});

describe('each kind of request through its lifecycle', () => {
  it('access: a download link that works once, then completion', async () => {
    const practice = await bookablePractice();
    const { email } = await clientOf(practice);
    const id = await confirmedRequest(practice, email, ['access']);
    await act(id, 'start');
    await act(id, 'download-link', { format: 'json' });
    const link = /\/rights\/download\/([\w-]{43})/.exec((await mailTo(email, /\/rights\/download\//)).text)?.[1];
    expect(link).toBeDefined();
    const page = await (await request(`/rights/download/${link}`)).text();
    expect(page).toContain('<form method="post" action="/rights/download/_">');
    expect(page).toContain(`name="token" value="${link}"`);
    expect(page).not.toContain(email);
    const download = await new Client().form('/rights/download/_', { token: link ?? '' });
    expect(download.status).toBe(200);
    expect(await download.text()).toContain(email);
    expect((await new Client().form(`/rights/download/${link}`, {})).status).toBe(404);
    await act(id, 'complete', { outcome: 'Package delivered' });
    expect(await latestRequest(email)).toMatchObject({ status: 'completed', outcome: 'Package delivered' });
    const actions = (await trailOf(id)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['request.started', 'access.link_sent', 'request.completed']));
    expect(await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE target_id = ? AND action LIKE 'rights.%'").bind(id).first<number>('n')).toBeGreaterThanOrEqual(5);
  });

  it('rectification: the name and address are overwritten', async () => {
    const practice = await bookablePractice();
    const { email } = await clientOf(practice, { name: 'Old Name' });
    const id = await confirmedRequest(practice, email, ['rectification'], 'My name is New Name');
    const corrected = `${unique('corrected')}@example.com`;
    await act(id, 'rectify', { displayName: 'New Name', email: corrected });
    const client = await env.DB.prepare('SELECT display_name, email FROM clients WHERE id = (SELECT client_id FROM rights_requests WHERE id = ?)').bind(id).first();
    expect(client).toEqual({ display_name: 'New Name', email: corrected });
    expect((await trailOf(id)).at(-1)).toEqual({ actor: 'dpo', action: 'rectification.applied', note: 'display name, email' });
    expect((await dpo.form(`/dpo/requests/${id}/rectify`, {})).status).toBe(422);
  });

  it('erasure: afterwards the address and the name are nowhere in the database', async () => {
    const practice = await bookablePractice();
    const name = `Erika ${unique('Loeschmich')}`;
    const { email } = await clientOf(practice, { name });
    const id = await confirmedRequest(practice, email, ['erasure']);
    await act(id, 'erase');

    const request = await env.DB.prepare('SELECT email, details, client_id FROM rights_requests WHERE id = ?').bind(id).first();
    expect(request).toEqual({ email: 'erased', details: null, client_id: null });
    const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'").all<{ name: string }>();
    expect(tables.results.length).toBeGreaterThan(15);
    for (const { name: table } of tables.results) {
      // The local outbox stands in for the mail provider; what it holds is checked below.
      if (table === 'outbox_messages') continue;
      const rows = JSON.stringify((await env.DB.prepare(`SELECT * FROM "${table}"`).all()).results);
      expect(rows, table).not.toContain(email);
      expect(rows, table).not.toContain(name);
    }
    const mails = await mailsTo(email);
    expect(mails.map((m) => m.subject)).toEqual(['Your data has been erased']);
    const trail = await trailOf(id);
    expect(trail.map((e) => e.action)).toEqual(expect.arrayContaining(['erasure.erased', 'erasure.report']));
    expect(trail.find((e) => e.action === 'erasure.report')?.note).toMatch(/^erased: .*clients deleted 1/);
  });

  it('erasure while the treatment record must be kept: restricted instead, and the subject learns the legal basis', async () => {
    const practice = await bookablePractice();
    const { email, appointmentId } = await clientOf(practice);
    await env.DB.prepare("UPDATE appointments SET status = 'completed' WHERE id = ?").bind(appointmentId).run();
    const id = await confirmedRequest(practice, email, ['erasure']);
    await act(id, 'erase');
    const mail = await mailTo(email, /BGB § 630f/);
    expect(mail.text).toContain('supervisory authority');
    expect(await env.DB.prepare('SELECT restricted_at FROM clients WHERE email = ?').bind(email).first('restricted_at')).not.toBeNull();
    expect((await trailOf(id)).find((e) => e.action === 'erasure.report')?.note).toContain('legal basis: BGB § 630f');
  });

  it.each([
    ['restriction', 'restrict', 'restricted_at'],
    ['objection', 'object', 'objected_at'],
  ])('%s: booking is refused and the client gets no email', async (type, action, column) => {
    const practice = await bookablePractice();
    const { email, appointmentId } = await clientOf(practice);
    const id = await confirmedRequest(practice, email, [type]);
    await act(id, action);
    expect(await env.DB.prepare(`SELECT ${column} FROM clients WHERE email = ?`).bind(email).first(column)).not.toBeNull();
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    // The booking answer is the same as for anyone (202); confirming from the address is what is refused.
    const refused = await book(practice.slug, { typeId: practice.inPerson.id, start: slots[3]?.start ?? '', email });
    expect(refused.status).toBe(403);
    const before = (await mailsTo(email)).length;
    expect((await practice.client.form(`/dashboard/appointments/${appointmentId}/cancel`, {})).status).toBe(303);
    expect((await mailsTo(email)).length).toBe(before);
    expect((await trailOf(id)).at(-1)).toMatchObject({ actor: 'dpo', action: `${type}.applied` });
  });

  it('withdrawal: a withdrawn consent record for every active purpose, future appointments cancelled', async () => {
    const practice = await bookablePractice();
    const { email, appointmentId } = await clientOf(practice, { reminders: true });
    const id = await confirmedRequest(practice, email, ['withdrawal']);
    await act(id, 'withdraw');
    const records = await env.DB.prepare('SELECT kind, purposes, method FROM consent_records WHERE client_id = (SELECT id FROM clients WHERE email = ?) ORDER BY seq')
      .bind(email)
      .all<{ kind: string; purposes: string; method: string }>();
    expect(records.results.at(-1)).toEqual({ kind: 'withdrawn', purposes: JSON.stringify(['booking', 'reminders']), method: 'rights-request' });
    expect(await env.DB.prepare('SELECT status FROM appointments WHERE id = ?').bind(appointmentId).first('status')).toBe('cancelled');
    expect((await trailOf(id)).at(-1)?.note).toBe('booking, reminders; 1 future appointment(s) cancelled');
  });

  it('extension: up to two months, once, and the subject is told why', async () => {
    const practice = await bookablePractice();
    const { email } = await clientOf(practice);
    const id = await confirmedRequest(practice, email, ['access']);
    expect((await dpo.form(`/dpo/requests/${id}/extend`, { months: '3', reason: 'Many records' })).status).toBe(422);
    await act(id, 'extend', { months: '2', reason: 'Records from two practices must be gathered' });
    const row = await latestRequest(email);
    expect(row.status).toBe('extended');
    expect(row.extended_due_at).toBe(extendedDueDate(Number(row.due_at), 2, 'Europe/Berlin'));
    const mail = await mailTo(email, /more time/);
    expect(mail.text).toContain('Records from two practices must be gathered');
    expect((await dpo.form(`/dpo/requests/${id}/extend`, { months: '1', reason: 'Again' })).status).toBe(409);
  });

  it('rejection: the subject learns the reason and the remedies', async () => {
    const practice = await bookablePractice();
    const { email } = await clientOf(practice);
    const id = await confirmedRequest(practice, email, ['access']);
    await act(id, 'reject', { reason: 'The same request was answered last week' });
    expect(await latestRequest(email)).toMatchObject({ status: 'rejected', outcome: 'The same request was answered last week' });
    const mail = await mailTo(email, /answered last week/);
    expect(mail.text).toContain('supervisory authority');
    expect((await dpo.form(`/dpo/requests/${id}/complete`, {})).status).toBe(409);
  });
});

describe('who may see and act on requests', () => {
  const dpoRoutes = Object.entries(RIGHTS_ACCESS).filter(([, access]) => access === 'dpo');

  it('refuses therapists and anonymous visitors on every /dpo route', async () => {
    const practice = await bookablePractice();
    const { email } = await clientOf(practice);
    const id = await confirmedRequest(practice, email, ['access']);
    expect(dpoRoutes.length).toBeGreaterThan(10);
    for (const [key] of dpoRoutes) {
      const [method, path = ''] = key.split(' ');
      const target = path.replace(':id', id);
      const anonymous = method === 'GET' ? await new Client().fetch(target) : await new Client().form(target, {});
      expect(anonymous.status, key).toBe(method === 'GET' ? 303 : 401);
      const asTherapist = method === 'GET' ? await practice.client.fetch(target) : await practice.client.form(target, {});
      expect(asTherapist.status, key).toBe(403);
    }
    expect(await statusOf(id)).toBe('verified');
  });

  it('lets a practice see and comment on its own requests only', async () => {
    const practice = await bookablePractice();
    const other = await bookablePractice();
    const { email } = await clientOf(practice);
    const id = await confirmedRequest(practice, email, ['access']);
    expect(await (await practice.client.fetch('/dashboard/requests')).text()).toContain(`data-request="${id}"`);
    expect(await (await other.client.fetch('/dashboard/requests')).text()).not.toContain(id);
    expect((await other.client.form(`/dashboard/requests/${id}/comment`, { note: 'Mine?' })).status).toBe(404);
    expect((await practice.client.form(`/dashboard/requests/${id}/comment`, { note: 'Known client since 2024' })).status).toBe(303);
    expect((await trailOf(id)).at(-1)).toEqual({ actor: 'practice', action: 'request.commented', note: 'Known client since 2024' });
  });

  it('keeps an unconfirmed request from the practice', async () => {
    const practice = await bookablePractice();
    const { email } = await clientOf(practice);
    expect((await submit({ practice: practice.slug, types: ['access'], email })).status).toBe(202);
    const id = String((await latestRequest(email)).id);
    expect(await (await practice.client.fetch('/dashboard/requests')).text()).not.toContain(id);
    expect((await practice.client.form(`/dashboard/requests/${id}/comment`, { note: 'x' })).status).toBe(404);
  });

  it('lists requests for the DPO with the overdue ones first', async () => {
    const practice = await bookablePractice();
    const { email } = await clientOf(practice);
    const id = await confirmedRequest(practice, email, ['access']);
    await env.DB.prepare('UPDATE rights_requests SET due_at = ? WHERE id = ?').bind(Date.now() - 40 * 86_400_000, id).run();
    const html = await (await dpo.fetch('/dpo/requests')).text();
    const first = /<tr data-request="([^"]+)"/.exec(html)?.[1];
    expect(first).toBe(id);
    expect(html).toContain('data-overdue="true"');
    const page = await dpo.fetch(`/dpo/requests/${id}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-testid="request-trail"');
  });

  it('sends a DPO without a second factor to enrol one in production configuration', async () => {
    const production = { ...env, ENVIRONMENT: 'production', LOCAL_DEV_ROUTES: undefined, RESEND_API_KEY: 're_test_abcdefghijk', JOIN_TOKEN_SECRET: 'p'.repeat(40) };
    const get = (path: string) => createApp().fetch(new Request(`${ORIGIN}${path}`, { headers: { cookie: dpo.cookieHeader() }, redirect: 'manual' }), production, createExecutionContext());
    const queue = await get('/dpo/requests');
    expect(queue.status).toBe(303);
    expect(queue.headers.get('location')).toBe('/account/security?notice=totp-required');
    expect((await dpo.fetch('/dpo/requests')).status).toBe(200);
  });
});
