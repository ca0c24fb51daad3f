import { describe, expect, it } from 'vitest';
import { browserSuite } from './suite';

const suite = browserSuite();

/** The token of the newest link to `to` in the local outbox; mail goes out just after the response. */
async function emailedToken(to: string, path: string): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const messages = await (await fetch(`${suite.server.origin}/dev/outbox`, { headers: { accept: 'application/json' } })).json<{ to: string; text: string }[]>();
    const token = messages.filter((m) => m.to === to).map((m) => new RegExp(`${path}\\?token=([\\w-]+)`).exec(m.text)?.[1]).find(Boolean);
    if (token) return token;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${path} link mailed to ${to}`);
}

describe('a therapist in a real browser', () => {
  it('signs up, signs out, signs in again and sees the dashboard shell', async () => {
    const context = await suite.browser.newContext({ locale: 'de-DE' });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });

    await page.goto(`${suite.server.origin}/signup`);
    expect(await page.locator('h1').textContent()).toBe('Praxis anlegen');
    await page.getByLabel('Name der Praxis').fill('Praxis am See');
    await page.getByLabel('Buchungsadresse').fill('praxis-am-see');
    await page.getByLabel('Zeitzone').fill('Europe/Berlin');
    await page.getByLabel('Ihr Name, wie Klientinnen ihn sehen').fill('Dr. Lena Muster');
    await page.getByLabel('E-Mail').fill('lena@example.com');
    await page.getByLabel('Passwort').fill('ein sehr langes passwort');
    // The form cannot be sent without the agreement: the browser keeps us on the page.
    await page.getByRole('button', { name: 'Praxis anlegen' }).click();
    expect(new URL(page.url()).pathname).toBe('/signup');
    await page.getByLabel('Ich akzeptiere den Auftragsverarbeitungsvertrag im Namen der Praxis').check();
    await Promise.all([page.waitForURL('**/signup?sent=1'), page.getByRole('button', { name: 'Praxis anlegen' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Bitte prüfen Sie Ihr Postfach');
    // Nothing works before the emailed link is used.
    await page.goto(`${suite.server.origin}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/login');

    await page.goto(`${suite.server.origin}/confirm-email?token=${await emailedToken('lena@example.com', '/confirm-email')}`);
    expect(await page.locator('h1').textContent()).toBe('E-Mail-Adresse bestätigen');
    await Promise.all([page.waitForURL('**/dashboard'), page.getByRole('button', { name: 'Bestätigen und anmelden' }).click()]);
    expect(await page.getByTestId('practice-name').textContent()).toBe('Praxis am See');

    const cookies = await context.cookies();
    const session = cookies.find((cookie) => cookie.name === '__Host-session');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    expect(cookies.every((cookie) => cookie.name.startsWith('__Host-'))).toBe(true);

    await Promise.all([page.waitForURL('**/login'), page.getByRole('button', { name: 'Abmelden' }).click()]);
    await page.goto(`${suite.server.origin}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/login');

    await page.getByLabel('E-Mail').fill('lena@example.com');
    await page.getByLabel('Passwort', { exact: true }).fill('ein sehr langes passwort');
    await Promise.all([page.waitForURL('**/dashboard'), page.getByRole('button', { name: 'Anmelden' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Übersicht');
    expect(await page.getByTestId('practice-name').textContent()).toBe('Praxis am See');

    await page.getByRole('link', { name: 'Dansk' }).click();
    expect(await page.locator('h1').textContent()).toBe('Oversigt');
    expect(cspViolations).toEqual([]);
    await context.close();
  });

  it('shows a wrong password in place on the sign-in form', async () => {
    const page = await suite.browser.newPage({ locale: 'en-GB' });
    await page.goto(`${suite.server.origin}/login`);
    await page.getByLabel('Email').fill('nobody@example.com');
    await page.getByLabel('Password', { exact: true }).fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Email or password is wrong');
    await page.close();
  });
});
