import { describe, expect, it } from 'vitest';
import { browserSuite } from './suite';

const suite = browserSuite();

describe('a client in a real browser', () => {
  it('books the demo practice through the HTML form with JavaScript disabled and sees the confirmation', async () => {
    const context = await suite.browser.newContext({ javaScriptEnabled: false, locale: 'de-DE', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${suite.server.origin}/book/demo`);
    expect(await page.locator('h1').textContent()).toContain('Termin buchen');
    await page.locator('input[name="start"]').first().check();
    await page.getByLabel('Ihr Name').fill('K. M.');
    await page.getByLabel('Ihre E-Mail-Adresse').fill('klientin@example.com');
    await page.getByLabel('Ich habe die Bedingungen und Datenschutzhinweise gelesen und bin einverstanden.').check();
    await Promise.all([page.waitForURL(/\/b\/[\w-]{43}\?booked=1$/), page.getByRole('button', { name: 'Termin buchen' }).click()]);
    expect(await page.getByRole('status').textContent()).toContain('Ihr Termin ist gebucht');
    expect(await page.getByTestId('appointment-status').textContent()).toBe('Gebucht');

    const response = await fetch(`${suite.server.origin}/dev/outbox`, { headers: { accept: 'application/json' } });
    const outbox = (await response.json()) as { to: string; attachments: unknown[] }[];
    const confirmation = outbox.find((m) => m.to === 'klientin@example.com');
    expect(confirmation?.attachments).toEqual([{ filename: 'appointment.ics', contentType: 'text/calendar; method=REQUEST' }]);
    await context.close();
  });
});
