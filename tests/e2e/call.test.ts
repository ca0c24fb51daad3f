import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { berlinSoon } from './demo';
import { browserSuite } from './suite';

// Two fake-camera browsers on loopback: no STUN or TURN is configured locally, so ICE uses host candidates only.
const suite = browserSuite({ media: true });

const CLIENT_NAME = 'Kim Testperson';
const RENEW_MS = 4000;
const WAIT = { timeout: 30_000, intervals: [250] };

async function signIn(page: Page, origin: string) {
  await page.goto(`${origin}/login`);
  await page.getByLabel('Email').fill('demo@example.com');
  await page.getByLabel('Password', { exact: true }).fill('demo-therapist-pass');
  await Promise.all([page.waitForURL('**/dashboard'), page.getByRole('button', { name: 'Sign in' }).click()]);
}

/** A pseudonymous client and a video appointment starting in about five minutes: the call is open. */
async function videoAppointment(context: BrowserContext, origin: string): Promise<{ callUrl: string; accessCode: string }> {
  const { csrfToken } = (await (await context.request.get(`${origin}/api/auth/session`)).json()) as { csrfToken: string };
  const created = await context.request.post(`${origin}/api/clients`, { data: { displayName: 'K. T.' }, headers: { 'x-csrf-token': csrfToken } });
  expect(created.status()).toBe(201);
  const clientId = ((await created.json()) as { client: { id: string } }).client.id;
  const agenda = await (await context.request.get(`${origin}/dashboard/appointments`)).text();
  const typeId = /<option value="([^"]+)"[^>]*>[^<]*video[^<]*<\/option>/i.exec(agenda)?.[1];
  expect(typeId).toBeTruthy();
  const response = await context.request.post(`${origin}/dashboard/appointments`, {
    form: { clientId, typeId: typeId ?? '', ...berlinSoon(5), _csrf: csrfToken },
  });
  const html = await response.text();
  const invite = /data-testid="invite"[\s\S]*?<code>([^<]+)<\/code>[\s\S]*?<code>([^<]+)<\/code>/.exec(html);
  expect(invite, 'the invite with call link and access code').toBeTruthy();
  return { callUrl: invite?.[1] ?? '', accessCode: invite?.[2] ?? '' };
}

const stateOf = (page: Page) => page.locator('#call-app').getAttribute('data-state');
const connectionOf = (page: Page) => page.locator('#call-app').getAttribute('data-connection');
const generationOf = (page: Page) => page.locator('#call-app').getAttribute('data-generation');

/** Decoded frames arrive: the remote video has a size and its clock moves on. */
async function remoteVideoFlows(page: Page): Promise<boolean> {
  const read = () => page.locator('#call-remote').evaluate((video: { videoWidth: number; currentTime: number }) => ({ width: video.videoWidth, time: video.currentTime }));
  const before = await read();
  await page.waitForTimeout(800);
  const after = await read();
  return before.width > 0 && after.time > before.time;
}

async function joinAsClient(page: Page, name: string, code: string) {
  await page.getByLabel('Your name', { exact: true }).fill(name);
  await page.getByLabel('Access code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Continue' }).click();
}

type Report = { event: string; body: string };

function watch(page: Page) {
  const cspViolations: string[] = [];
  const reports: Report[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/report')) {
      const body = request.postData() ?? '';
      reports.push({ event: String((JSON.parse(body) as { event?: unknown }).event), body });
    }
  });
  return { cspViolations, reports };
}

describe('a video consultation in two real browsers', () => {
  it('refuses a wrong code, admits the client from the waiting room, connects, renews keys, rejoins after a dropped socket and a reload and keeps a third person with the same name out', async () => {
    const { origin } = suite.server;
    const therapistContext = await suite.browser.newContext({ locale: 'en-GB', permissions: ['camera', 'microphone'] });
    const therapist = await therapistContext.newPage();
    await signIn(therapist, origin);
    const { callUrl, accessCode } = await videoAppointment(therapistContext, origin);
    expect(callUrl).toMatch(new RegExp(`^${origin}/call/`));

    // The client: a wrong code is refused in place; the right one leads through the device check to the waiting room.
    const clientContext = await suite.browser.newContext({ locale: 'en-GB', permissions: ['camera', 'microphone'] });
    const client = await clientContext.newPage();
    const clientWatch = watch(client);
    // The client's room socket passes through the test, which can cut it as a network change does. With close
    // handlers set, Playwright passes no close on by itself: a cut reaches the room only when the test says so.
    const clientSockets: { page: WebSocketRoute; room: WebSocketRoute; cut?: boolean }[] = [];
    await client.routeWebSocket(/\/api\/calls\/[^/]+\/ws$/, (page) => {
      const room = page.connectToServer();
      page.onClose((code, reason) => {
        if (!clientSockets.find((s) => s.page === page)?.cut) void room.close({ code, reason }).catch(() => {});
      });
      room.onClose((code, reason) => void page.close({ code, reason }).catch(() => {}));
      clientSockets.push({ page, room });
    });
    await client.goto(callUrl);
    await joinAsClient(client, CLIENT_NAME, 'WRONG-CODE-1');
    await expect.poll(() => client.getByRole('alert').first().textContent(), WAIT).toBe('The access code is not right. Check the code in your email.');
    expect(await client.getByLabel('Access code', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await joinAsClient(client, CLIENT_NAME, accessCode);
    await expect.poll(() => stateOf(client), WAIT).toBe('waiting');
    expect(await client.getByTestId('waiting-room').textContent()).toContain('The therapist will let you in.');
    const checks = client.getByTestId('device-check');
    await expect.poll(() => checks.locator('[data-check="relay"]').textContent(), WAIT).toContain('Reachable');
    expect(await checks.locator('[data-check="camera"]').textContent()).toContain('Works');
    expect(await checks.locator('[data-check="microphone"]').textContent()).toContain('Works');
    await expect.poll(() => client.locator('#call-mic-level').evaluate((meter: { value: number }) => meter.value), WAIT).toBeGreaterThan(0);

    // The therapist's page renews keys every few seconds in this test: the attribute the script reads is set as the
    // parser inserts it, before the module runs. (Rewriting the response with route.fulfill would make Chromium treat
    // the page as public and block its socket to loopback.)
    await therapist.addInitScript(`new MutationObserver((changes, observer) => {
      const app = document.getElementById('call-app');
      if (!app) return;
      app.dataset.renewMs = '${RENEW_MS}';
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true });`);
    const therapistWatch = watch(therapist);
    await therapist.goto(callUrl);
    await expect.poll(() => therapist.getByTestId('waiting-client').textContent(), WAIT).toBe(`Waiting: ${CLIENT_NAME}`);
    await therapist.getByRole('button', { name: 'Admit', exact: true }).click();

    for (const page of [therapist, client]) {
      await expect.poll(() => connectionOf(page), WAIT).toBe('connected');
      await expect.poll(() => stateOf(page), WAIT).toBe('in-call');
      await expect.poll(() => remoteVideoFlows(page), WAIT).toBe(true);
    }
    await expect.poll(() => client.getByTestId('call-quality').getAttribute('data-quality'), WAIT).toMatch(/^(good|fair|poor)$/);
    expect(await therapist.getByRole('button', { name: 'Admit', exact: true }).isVisible()).toBe(false);
    expect(await client.getByTestId('waiting-room').isVisible()).toBe(false);

    // Key renewal: a new peer connection (new DTLS handshake) takes over on both sides, and the video keeps flowing.
    const firstGeneration = await generationOf(therapist);
    await expect.poll(() => generationOf(therapist), WAIT).not.toBe(firstGeneration);
    const renewed = await generationOf(therapist);
    await expect.poll(() => generationOf(client), WAIT).toBe(renewed);
    for (const page of [therapist, client]) await expect.poll(() => remoteVideoFlows(page), WAIT).toBe(true);

    // Neither the join token nor the name is in the socket's URL, where request logs would keep them.
    for (const socket of clientSockets) expect(socket.page.url()).toMatch(/\/api\/calls\/[0-9a-f-]+\/ws$/);

    // A third person with the right code who types the client's name (in another case and spacing) finds the room
    // full: a name is no proof of being the admitted client's browser.
    const thirdContext = await suite.browser.newContext({ locale: 'en-GB', permissions: ['camera', 'microphone'] });
    const third = await thirdContext.newPage();
    await third.goto(callUrl);
    await joinAsClient(third, `  ${CLIENT_NAME.toUpperCase()} `, accessCode);
    await expect.poll(() => third.getByTestId('call-ended').textContent(), WAIT).toBe(
      'This call already has two participants. If this is your appointment, please contact your practice.',
    );
    await thirdContext.close();
    await expect.poll(() => remoteVideoFlows(client), WAIT).toBe(true);

    // The client's socket drops and the room has not noticed yet: the client joins again with a new token, keeps
    // its admission, and the therapist negotiates a new connection without being asked to admit anyone.
    const beforeCut = await generationOf(client);
    const cut = clientSockets.at(-1);
    if (cut) cut.cut = true;
    await cut?.page.close({ code: 4000, reason: 'network change' });
    await expect.poll(() => clientSockets.length, WAIT).toBe(2);
    await expect.poll(() => client.locator('#call-app').getAttribute('data-admitted'), WAIT).toBe('true');
    await expect.poll(() => generationOf(client), WAIT).not.toBe(beforeCut);
    expect(await stateOf(client)).toBe('in-call');
    expect(await therapist.getByTestId('waiting-client').isVisible()).toBe(false);
    await expect.poll(() => remoteVideoFlows(client), WAIT).toBe(true);

    // The client reloads the page: the browser key kept for this tab (sessionStorage) shows it is the admitted
    // browser, so after typing name and code again it goes straight back into the call, not to the waiting room.
    await client.reload();
    await joinAsClient(client, CLIENT_NAME, accessCode);
    await expect.poll(() => client.locator('#call-app').getAttribute('data-admitted'), WAIT).toBe('true');
    await expect.poll(() => stateOf(client), WAIT).toBe('in-call');
    await expect.poll(() => remoteVideoFlows(client), WAIT).toBe(true);
    await expect.poll(() => client.getByTestId('call-quality').getAttribute('data-quality'), WAIT).toMatch(/^(good|fair|poor)$/);
    expect(await therapist.getByTestId('waiting-client').isVisible()).toBe(false);

    // The therapist ends the call; the client is told, and both report without names or codes.
    await therapist.getByRole('button', { name: 'End call' }).click();
    await expect.poll(() => client.getByTestId('call-ended').textContent(), WAIT).toBe('The therapist ended the call.');
    await expect.poll(() => clientWatch.reports.map((r) => r.event).slice(-2), WAIT).toEqual(['connected', 'left']);
    expect(therapistWatch.reports.map((r) => r.event)).toEqual(['connected', 'left']);
    const left = JSON.parse(clientWatch.reports.at(-1)?.body ?? '{}') as { connectedMs?: number; quality?: Record<string, unknown> };
    expect(left.connectedMs).toBeGreaterThan(0);
    expect(Object.keys(left.quality ?? {}).sort()).toEqual(['kbps', 'lossPct', 'relayed', 'rttMs']);
    for (const report of [...clientWatch.reports, ...therapistWatch.reports]) {
      expect(report.body).not.toContain('Kim');
      expect(report.body).not.toContain(accessCode);
    }
    expect([...clientWatch.cspViolations, ...therapistWatch.cspViolations]).toEqual([]);
    await clientContext.close();
    await therapistContext.close();
  });
});
