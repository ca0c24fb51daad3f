import type { BrowserContext, Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite } from './suite';

const suite = browserSuite();

const MARKER = 'PLAINTEXT-MARKER-7f3a: Schlafstörungen seit März, Ängste im Straßenverkehr';
const PASSPHRASE = 'Meerblick Kompass Lavendel 42';
const NEW_PASSPHRASE = 'Birkenwald Leuchtturm Zimt 17';

/** A pseudonymous client of the demo practice, created through the JSON API with the browser's session. */
async function createClient(context: BrowserContext, origin: string): Promise<string> {
  const session = await context.request.get(`${origin}/api/auth/session`);
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  const created = await context.request.post(`${origin}/api/clients`, { data: { displayName: 'N. E.' }, headers: { 'x-csrf-token': csrfToken } });
  expect(created.status()).toBe(201);
  return ((await created.json()) as { client: { id: string } }).client.id;
}

type Sent = { method: string; url: string; headers: string; body: string };

/** Intercepts every request the page makes and records what would leave the browser. */
async function recordRequests(page: Page): Promise<Sent[]> {
  const sent: Sent[] = [];
  await page.route('**/*', async (route, request: Request) => {
    sent.push({ method: request.method(), url: request.url(), headers: JSON.stringify(await request.allHeaders()), body: request.postDataBuffer()?.toString('utf8') ?? '' });
    await route.continue();
  });
  return sent;
}

async function unlock(page: Page, passphrase: string) {
  const form = page.locator('#notes-unlock-form');
  await form.getByLabel('Notes passphrase', { exact: true }).fill(passphrase);
  await form.getByRole('button', { name: 'Unlock', exact: true }).click();
}

describe('encrypted session notes in a real browser', () => {
  it('writes a note whose request carries no plaintext, then reads it back after a reload with the passphrase or the recovery key', async () => {
    const { origin } = suite.server;
    const context = await suite.browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });

    await page.goto(`${origin}/login`);
    await page.getByLabel('Email').fill('demo@example.com');
    await page.getByLabel('Password', { exact: true }).fill('demo-therapist-pass');
    await Promise.all([page.waitForURL('**/dashboard'), page.getByRole('button', { name: 'Sign in' }).click()]);
    const clientId = await createClient(context, origin);
    await page.goto(`${origin}/dashboard/clients/${clientId}/notes`);
    expect(await page.getByTestId('notes-warning').textContent()).toContain('Without the passphrase or the recovery key nobody can read the notes');

    const sent = await recordRequests(page);

    // Set-up: passphrase twice, then the recovery key, shown once.
    await page.locator('#notes-setup').getByLabel('Notes passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByLabel('Repeat the passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Create the notes key' }).click();
    const shownKey = page.getByTestId('recovery-key');
    await expect.poll(() => shownKey.textContent()).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){12}$/);
    const recoveryKey = (await shownKey.textContent()) ?? '';
    await page.getByLabel('I have stored the recovery key somewhere safe').check();
    await page.getByRole('button', { name: 'Continue to the notes' }).click();
    await expect.poll(() => shownKey.textContent()).toBe('');

    // Write the note.
    await page.getByLabel('New note', { exact: true }).fill(MARKER);
    await page.getByRole('button', { name: 'Save the note encrypted' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('The note was saved encrypted.');
    expect(await page.getByTestId('note-text').first().textContent()).toBe(MARKER);

    const notePosts = sent.filter((r) => r.method === 'POST' && r.url.endsWith(`/api/clients/${clientId}/notes`));
    expect(notePosts).toHaveLength(1);
    const posted = JSON.parse(notePosts[0]?.body ?? '{}') as Record<string, string>;
    expect(Object.keys(posted).sort()).toEqual(['ciphertext', 'iv', 'keyId']);
    expect(atob(posted.iv ?? '')).toHaveLength(12);
    const keyPosts = sent.filter((r) => r.method === 'POST' && r.url.endsWith('/api/notes/key'));
    expect(keyPosts).toHaveLength(1);
    expect(Object.keys(JSON.parse(keyPosts[0]?.body ?? '{}') as object).sort()).toEqual(['kdf', 'wrappedByPassphrase', 'wrappedByRecovery']);
    const secrets = [MARKER, 'Schlafstörungen', 'PLAINTEXT-MARKER', PASSPHRASE, recoveryKey, recoveryKey.replaceAll('-', '')];
    for (const request of sent) {
      for (const secret of secrets) {
        expect(request.body).not.toContain(secret);
        expect(request.headers).not.toContain(secret);
        expect(decodeURIComponent(request.url)).not.toContain(secret);
      }
    }
    // What the server holds and hands back is ciphertext too.
    const stored = await context.request.get(`${origin}/api/clients/${clientId}/notes`);
    expect(stored.status()).toBe(200);
    expect(await stored.text()).not.toContain('PLAINTEXT-MARKER');

    // After a reload nothing is unlocked; a wrong passphrase is refused, the right one shows the note.
    await page.reload();
    await expect.poll(() => page.locator('#notes-unlock').isVisible()).toBe(true);
    expect(await page.locator('#notes-notes').isVisible()).toBe(false);
    await unlock(page, 'not the passphrase at all');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('This passphrase does not unlock the notes key.');
    await unlock(page, PASSPHRASE);
    await expect.poll(() => page.getByTestId('note-text').first().textContent()).toBe(MARKER);

    // Forgotten passphrase: the recovery key unlocks and sets a new one, which works after the next reload.
    await page.reload();
    await page.getByText('Forgot the passphrase?').click();
    await page.getByLabel('Recovery key', { exact: true }).fill(recoveryKey.toLowerCase());
    await page.getByLabel('New notes passphrase', { exact: true }).fill(NEW_PASSPHRASE);
    await page.getByLabel('Repeat the new passphrase', { exact: true }).fill(NEW_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock and save the new passphrase' }).click();
    await expect.poll(() => page.getByTestId('note-text').first().textContent()).toBe(MARKER);
    for (const request of sent) {
      for (const secret of [NEW_PASSPHRASE, recoveryKey, recoveryKey.replaceAll('-', ''), MARKER]) expect(request.body).not.toContain(secret);
    }

    await page.reload();
    await unlock(page, PASSPHRASE);
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('This passphrase does not unlock the notes key.');
    await unlock(page, NEW_PASSPHRASE);
    await expect.poll(() => page.getByTestId('note-text').first().textContent()).toBe(MARKER);

    // Nothing of the key or passphrase was left in the browser's storage.
    const storage = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
    expect(storage).toBe('{"local":{},"session":{}}');
    expect(cspViolations).toEqual([]);
    await context.close();
  });
});
