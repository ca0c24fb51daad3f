import { env } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../workers/app';
import { RESEND_ENDPOINT, resendMailer } from '../../workers/services/mailer';
import { mailTo, ORIGIN, outbox, request, signUpTherapist } from './harness';
import { ROUTE_ACCESS } from './route-table';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('email', () => {
  it('builds exactly the request Resend expects', async () => {
    const sent: Request[] = [];
    const mailer = resendMailer({
      apiKey: 're_test_1234567890',
      from: 'Praxisraum <no-reply@praxisraum.example>',
      fetch: async (input) => {
        sent.push(new Request(input));
        return Response.json({ id: 'email-id' });
      },
    });
    await mailer.send({
      to: 'client@example.com',
      subject: 'Termin',
      text: 'Hallo',
      html: '<p>Hallo</p>',
      attachments: [{ filename: 'termin.ics', contentType: 'text/calendar', content: 'QkVHSU4=' }],
    });
    expect(sent).toHaveLength(1);
    const [req] = sent;
    expect(req?.url).toBe(RESEND_ENDPOINT);
    expect(req?.method).toBe('POST');
    expect(req?.headers.get('authorization')).toBe('Bearer re_test_1234567890');
    expect(req?.headers.get('content-type')).toBe('application/json');
    expect(await req?.json()).toEqual({
      from: 'Praxisraum <no-reply@praxisraum.example>',
      to: ['client@example.com'],
      subject: 'Termin',
      text: 'Hallo',
      html: '<p>Hallo</p>',
      attachments: [{ filename: 'termin.ics', content: 'QkVHSU4=', content_type: 'text/calendar' }],
    });
  });

  it('reports a refused delivery without putting the address in the error', async () => {
    const mailer = resendMailer({ apiKey: 're_test_1234567890', from: 'x <x@example.com>', fetch: async () => new Response('no', { status: 422 }) });
    const failure = mailer.send({ to: 'secret-person@example.com', subject: 's', text: 't', html: 'h' });
    await expect(failure).rejects.toThrow(/422/);
    await expect(failure).rejects.not.toThrow(/secret-person/);
  });

  it('sends through Resend, not the outbox, when RESEND_API_KEY is configured', async () => {
    const therapist = await signUpTherapist();
    const before = (await outbox()).length;
    const calls: Request[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      calls.push(new Request(input, init));
      return Response.json({ id: 'sent' });
    });
    const app = createApp();
    const ctx = createExecutionContext();
    const response = await app.fetch(
      new Request(`${ORIGIN}/api/auth/password-reset`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-language': 'de-DE,de;q=0.9' },
        body: JSON.stringify({ email: therapist.email }),
      }),
      { ...env, RESEND_API_KEY: 're_test_abcdefghijk' },
      ctx,
    );
    expect(response.status).toBe(202);
    await waitOnExecutionContext(ctx); // the reset mail goes out after the response
    expect(calls).toHaveLength(1);
    const body = await calls[0]?.json<{ to: string[]; subject: string; text: string; from: string }>();
    expect(calls[0]?.url).toBe(RESEND_ENDPOINT);
    expect(body?.to).toEqual([therapist.email]);
    expect(body?.from).toBe(env.MAIL_FROM);
    expect(body?.subject).toBe('Ihr Praxisraum-Passwort zurücksetzen');
    expect(body?.text).toContain(`${env.APP_ORIGIN}/reset-password?token=`);
    vi.restoreAllMocks();
    expect((await outbox()).length).toBe(before);
  });

  it('lists the local outbox as JSON with the documented shape, and as a page', async () => {
    const therapist = await signUpTherapist();
    await request('/api/auth/password-reset', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'da' },
      body: JSON.stringify({ email: therapist.email }),
    });
    const mail = await mailTo(therapist.email, /reset-password\?token=/);
    expect(Object.keys(mail ?? {}).sort()).toEqual(['attachments', 'html', 'sentAt', 'subject', 'text', 'to']);
    expect(mail?.subject).toBe('Nulstil din adgangskode til Praxisraum');
    expect(mail?.attachments).toEqual([]);
    expect(new Date(mail?.sentAt ?? '').getTime()).toBeGreaterThan(0);
    const page = await request('/dev/outbox');
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Nulstil din adgangskode til Praxisraum');
  });

  it('hides every development route of the route table (outbox, seeds) in production configuration', async () => {
    const app = createApp();
    const production = { ...env, ENVIRONMENT: 'production', LOCAL_DEV_ROUTES: undefined, RESEND_API_KEY: 're_test_abcdefghijk', JOIN_TOKEN_SECRET: 'a-production-secret-of-enough-length-xyz' };
    const local = Object.keys(ROUTE_ACCESS).filter((key) => ROUTE_ACCESS[key] === 'local');
    expect(local).toEqual(expect.arrayContaining(['GET /dev/outbox', 'POST /dev/seed', 'POST /dev/seed-bulk']));
    for (const key of local) {
      const [method = '', path = ''] = key.split(' ');
      const response = await app.fetch(new Request(`${ORIGIN}${path}`, { method }), production, createExecutionContext());
      expect(response.status, key).toBe(404);
    }
    expect(await env.DB.prepare("SELECT count(*) AS n FROM practices WHERE slug = 'bulk'").first('n')).toBe(0);
  });
});
