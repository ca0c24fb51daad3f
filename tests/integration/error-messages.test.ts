import { describe, expect, it } from 'vitest';
import { bookablePractice, bookingRequest, Client, freeSlots, request, termsOf } from './harness';

// Errors carry keys; the JSON API answers in English whatever language the request prefers, a page in its own.

const GERMAN = { 'accept-language': 'de-DE,de;q=0.9' };

describe('error messages', () => {
  it('answers the JSON API in English with the code, the key and the field names, even to a German client', async () => {
    const practice = await bookablePractice();
    const response = await bookingRequest(practice.slug, { typeId: practice.inPerson.id, name: ' ', email: 'not an address' }, GERMAN);
    expect(response.status).toBe(422);
    const { error } = await response.json<{ error: { code: string; key: string; message: string; fields: Record<string, string[]> } }>();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.key).toBe('validation.invalid');
    expect(error.message).toMatch(/^Invalid input \(/);
    expect(error.message).toContain('email: Enter a valid email address');
    expect(error.message).toContain('acceptTerms: Read and accept the terms to book');
    expect(error.fields.email).toEqual(['Enter a valid email address']);
    expect(error.fields.name).toEqual(['Enter a name, initials or a nickname']);

    const unknown = await request('/api/p/no-such-practice/slots?from=2026-12-01&to=2026-12-02', { headers: GERMAN });
    expect(await unknown.json()).toEqual({ error: { code: 'NOT_FOUND', key: 'booking.noPractice', message: 'No practice books at /book/no-such-practice' } });
  });

  it('keeps zod’s own English words in the API where a schema names no key, and says them plainly on a page', async () => {
    const tooLong = await request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...GERMAN },
      body: JSON.stringify({ email: 'a@example.com', password: 'x', totp: 'x'.repeat(40) }),
    });
    const { error } = await tooLong.json<{ error: { fields: Record<string, string[]> } }>();
    expect(error.fields.totp).toEqual(['Too long']);
  });

  it('shows a refused booking form in German with the fields’ messages and no field names', async () => {
    const practice = await bookablePractice();
    const [slot] = await freeSlots(practice.slug, practice.inPerson.id);
    const terms = await termsOf(practice.slug);
    const fields = { typeId: practice.inPerson.id, start: slot?.start ?? '', name: 'K. M.', email: 'not an address', termsVersion: String(terms.version) };
    const refused = await new Client().fetch(`/book/${practice.slug}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...GERMAN },
      body: new URLSearchParams(fields),
    });
    expect(refused.status).toBe(422);
    const html = await refused.text();
    const alert = /<p class="alert" role="alert">([^<]*)<\/p>/.exec(html)?.[1] ?? '';
    expect(alert).toContain('Bitte prüfen Sie Ihre Angaben:');
    expect(alert).toContain('Bitte geben Sie eine gültige E-Mail-Adresse ein.');
    expect(alert).toContain('Bitte lesen und akzeptieren Sie die Bedingungen, um zu buchen.');
    expect(alert).not.toMatch(/Invalid|email:|acceptTerms/);
    expect(html).toMatch(/id="email-error">Bitte geben Sie eine gültige E-Mail-Adresse ein\.</);
  });

  it('shows the error page in the page’s language', async () => {
    const page = await request('/book/no-such-practice', { headers: { 'accept-language': 'da' } });
    expect(page.status).toBe(404);
    const html = await page.text();
    expect(html).toContain('Ingen praksis tager imod bookinger på denne adresse.');
    expect(html).not.toContain('No practice books');
  });
});
