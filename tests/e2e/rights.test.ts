import { describe, expect, it } from 'vitest';
import { bookDemo } from './demo';
import { browserSuite } from './suite';

const suite = browserSuite();

type Mail = { to: string; text: string };

/** The verification link from the local outbox; the mail goes out just after the portal's answer. */
async function verificationLink(origin: string, email: string): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const mails = (await (await fetch(`${origin}/dev/outbox`, { headers: { accept: 'application/json' } })).json()) as Mail[];
    const link = mails.filter((m) => m.to === email).map((m) => /https?:\/\/\S+\/rights\/verify\/[\w-]{43}/.exec(m.text)?.[0]).find(Boolean);
    if (link) return link;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no verification link in the outbox');
}

describe('a data subject in a real browser', () => {
  it('sends a request through the portal, opens the emailed link, confirms and sees the request confirmed', async () => {
    const email = 'betroffene@example.com';
    await bookDemo(suite.server.origin, email, 'R. S.');
    const context = await suite.browser.newContext({ javaScriptEnabled: false, locale: 'de-DE' });
    const page = await context.newPage();

    await page.goto(`${suite.server.origin}/rights?practice=demo`);
    expect(await page.locator('h1').textContent()).toBe('Ihre Datenschutzrechte');
    expect(await page.getByLabel('Buchungsadresse der Praxis').inputValue()).toBe('demo');
    await page.getByLabel('Auskunft über meine Daten (Art. 15)').check();
    await page.getByLabel('Ihre E-Mail-Adresse').fill(email);
    await Promise.all([page.waitForURL(/\/rights\?practice=demo&received=1$/), page.getByRole('button', { name: 'Anfrage senden' }).click()]);
    expect(await page.getByRole('status').textContent()).toContain('Ihre Anfrage ist eingegangen');

    const link = await verificationLink(suite.server.origin, email);
    await page.goto(link);
    expect(await page.locator('h1').textContent()).toBe('Anfrage bestätigen');
    await page.getByRole('button', { name: 'Anfrage bestätigen' }).click();
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toBe('Anfrage bestätigt');
    expect(await page.getByTestId('request-status').getAttribute('data-status')).toBe('verified');
    expect(await page.getByTestId('request-status').textContent()).toBe('Bestätigt');

    // The link worked once: opening it again finds nothing to confirm.
    expect((await page.goto(link))?.status()).toBe(404);
    await context.close();
  });
});
