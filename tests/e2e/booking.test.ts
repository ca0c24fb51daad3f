import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { holdLinkFor } from './demo';
import { browserSuite } from './suite';

const suite = browserSuite();
const SHOTS = process.env.SCREENSHOT_DIR;

/** The page fits its width (no sideways scrolling); with SCREENSHOT_DIR set, a full-page screenshot is kept for review. */
async function checkLayout(page: Page, name: string) {
  const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
  const clientWidth = await page.evaluate<number>('document.documentElement.clientWidth');
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  }
}

const COPY = {
  de: {
    locale: 'de-DE',
    heading: 'Termin buchen',
    name: 'Ihr Name',
    email: 'Ihre E-Mail-Adresse',
    terms: 'Ich habe die Bedingungen und Datenschutzhinweise gelesen und bin einverstanden.',
    checkEmail: 'Der Termin ist erst gebucht, wenn Sie ihn mit diesem Link bestätigen.',
    confirm: 'Buchung bestätigen',
    booked: 'Ihr Termin ist gebucht',
    status: 'Gebucht',
  },
  da: {
    locale: 'da-DK',
    heading: 'Book en tid',
    name: 'Dit navn',
    email: 'Din e-mailadresse',
    terms: 'Jeg har læst vilkårene og privatlivsoplysningerne og accepterer dem.',
    checkEmail: 'Tiden er først booket, når du bekræfter den med linket.',
    confirm: 'Bekræft booking',
    booked: 'Din tid er booket',
    status: 'Booket',
  },
} as const;

describe('a client in a real browser', () => {
  it.each([
    ['de', 390, 844, 0],
    ['da', 1366, 900, 2],
    ['de', 1366, 900, 4],
    ['da', 390, 844, 6],
  ] as const)('books the demo practice without JavaScript (%s, %i×%i): check your email, confirm from the link, see the booking', async (lang, width, height, slot) => {
    const copy = COPY[lang];
    const context = await suite.browser.newContext({ javaScriptEnabled: false, locale: copy.locale, viewport: { width, height } });
    const page = await context.newPage();
    const email = `klientin-${lang}-${width}@example.com`;
    await page.goto(`${suite.server.origin}/book/demo`);
    expect(await page.locator('h1').textContent()).toContain(copy.heading);
    await page.locator('input[name="start"]').nth(slot).check();
    await page.getByLabel(copy.name).fill('K. M.');
    await page.getByLabel(copy.email).fill(email);
    await page.getByLabel(copy.terms).check();
    await Promise.all([page.waitForURL(/\/book\/demo\/sent$/), page.locator('form.stack button[type="submit"]').click()]);
    expect(await page.getByTestId('check-email').textContent()).toContain(copy.checkEmail);
    expect(await page.locator('main').textContent()).not.toMatch(/\b(check|email|held|confirm)\b/i);
    await checkLayout(page, `check-email-${lang}-${width}x${height}`);

    await page.goto(`${suite.server.origin}/hold/${await holdLinkFor(suite.server.origin, email)}`);
    await checkLayout(page, `confirm-${lang}-${width}x${height}`);
    await Promise.all([page.waitForURL(/\/b\/[\w-]{43}\?booked=1$/), page.getByRole('button', { name: copy.confirm }).click()]);
    expect(await page.getByRole('status').textContent()).toContain(copy.booked);
    expect(await page.getByTestId('appointment-status').textContent()).toBe(copy.status);
    await checkLayout(page, `booked-${lang}-${width}x${height}`);

    const response = await fetch(`${suite.server.origin}/dev/outbox`, { headers: { accept: 'application/json' } });
    const outbox = (await response.json()) as { to: string; attachments: unknown[] }[];
    const confirmation = outbox.find((m) => m.to === email);
    expect(confirmation?.attachments).toEqual([{ filename: 'appointment.ics', contentType: 'text/calendar; method=REQUEST' }]);
    await context.close();
  });
});
