import { describe, expect, it } from 'vitest';
import { book, bookablePractice, Client, freeSlots, manageTokenFor, request, unique } from './harness';

async function bookedToken() {
  const practice = await bookablePractice();
  // Past the 24-hour cancellation notice, so the client may still cancel online.
  const slot = (await freeSlots(practice.slug, practice.inPerson.id)).find((s) => Date.parse(s.start) > Date.now() + 48 * 3_600_000);
  const email = `${unique('log')}@example.com`;
  expect((await book(practice.slug, { typeId: practice.inPerson.id, start: slot?.start ?? '', email, reminders: true })).status).toBe(201);
  return manageTokenFor(email);
}

describe('tokens out of form action URLs', () => {
  it('renders the manage, reschedule and withdraw forms with the token in the body, not the action', async () => {
    const token = await bookedToken();
    const actions: string[] = [];
    for (const path of [`/b/${token}`, `/b/${token}/reschedule`, `/b/${token}/withdraw`]) {
      const html = await (await request(path)).text();
      actions.push(...[...html.matchAll(/<form[^>]*action="([^"]*)"/g)].map((m) => m[1] ?? ''));
      if (html.includes('action="/b/_/')) expect(html).toContain(`name="token" value="${token}"`);
    }
    expect(actions).toEqual(expect.arrayContaining(['/b/_/reschedule', '/b/_/withdraw']));
    for (const action of actions) expect(action).not.toContain(token);
  });

  it('cancels through the token-free action and redirects to the booking', async () => {
    const token = await bookedToken();
    const response = await new Client().form('/b/_/cancel', { token });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/b/${token}?cancelled=1`);
    expect(await (await request(`/b/${token}`)).text()).toMatch(/cancel/i);
  });

  it('withdraws reminders through the token-free action', async () => {
    const token = await bookedToken();
    const response = await new Client().form('/b/_/withdraw', { token, scope: 'reminders' });
    expect(response.status).toBe(200);
    const again = await (await request(`/b/${token}/withdraw`)).text();
    expect(again).not.toContain('value="reminders"');
  });

  it('answers a token-free action without a valid token with 404 and changes nothing', async () => {
    const token = await bookedToken();
    const attempts: Record<string, string>[] = [{}, { token: 'x' }, { token: `${token.slice(0, -2)}aa` }];
    for (const fields of attempts) {
      expect((await new Client().form('/b/_/cancel', fields)).status).toBe(404);
    }
    const page = await (await request(`/b/${token}/withdraw`)).text();
    expect(page).toContain('value="reminders"');
  });

  it('still applies the CSRF rules to the request it hands on', async () => {
    const token = await bookedToken();
    const response = await request('/b/_/cancel', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      body: new URLSearchParams({ token }),
    });
    expect(response.status).toBe(403);
    expect((await new Client().form('/b/_/withdraw', { token, scope: 'reminders' })).status).toBe(200);
  });
});
