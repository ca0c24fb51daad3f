import { describe, expect, it } from 'vitest';
import { bookablePractice, Client, freeSlots, termsOf } from './harness';

// Screen readers announce a field's hint and error only when the input points at them (WCAG 1.3.1 and 3.3.1).

describe('form fields with hints and errors', () => {
  it('links the booking form’s fields to their hints, and after a refused submit to all their errors at once', async () => {
    const practice = await bookablePractice();
    const page = await (await new Client().fetch(`/book/${practice.slug}`)).text();
    expect(page).toMatch(/<input name="name"[^>]*aria-describedby="name-hint"/);
    expect(page).toContain('id="name-hint"');
    expect(page).toMatch(/<input name="email" type="email"[^>]*aria-describedby="email-hint"/);

    const [slot] = await freeSlots(practice.slug, practice.inPerson.id);
    const terms = await termsOf(practice.slug);
    const fields = { typeId: practice.inPerson.id, start: slot?.start ?? '', name: 'K. M.', email: 'not an address', termsVersion: String(terms.version) };
    const refused = await new Client().form(`/book/${practice.slug}`, fields);
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toMatch(/<input name="email" type="email" value="not an address"[^>]*aria-invalid="true"[^>]*aria-describedby="email-hint email-error"/);
    expect(html).toContain('id="email-error"');
    expect(html).toMatch(/<input name="name"[^>]*value="K. M."[^>]*aria-describedby="name-hint"/);
    // The unticked terms are reported with the wrong address, not after it is fixed.
    expect(html).toMatch(/<input type="checkbox" name="acceptTerms"[^>]*aria-invalid="true"[^>]*aria-describedby="acceptTerms-error"/);
    expect(html).toMatch(/id="acceptTerms-error">Read and accept the terms to book</);
  });
});
