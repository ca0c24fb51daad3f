import { describe, expect, it } from 'vitest';
import { rightsAnswerEmail } from '../../emails/rights-answer';
import { LEGAL_BASIS } from '../../workers/domain/erasure-rules';

describe('the answer to an erasure that the law forbids', () => {
  it.each([
    ['de', 'DE', 'BGB § 630f: 10 Jahre'],
    ['da', 'DE', 'BGB § 630f: 10 år'],
    ['de', 'DK', 'Journalføringsbekendtgørelsen § 15: 10 Jahre'],
    ['da', 'DK', 'Journalføringsbekendtgørelsen § 15: 10 år'],
    ['en', 'DE', 'BGB § 630f: 10 years'],
  ] as const)('names the legal basis in %s for a practice in %s', (locale, jurisdiction, expected) => {
    const mail = rightsAnswerEmail({ practiceName: 'Praxis Beispiel', answer: { kind: 'restricted', legalBasis: LEGAL_BASIS[jurisdiction] } }, locale);
    expect(mail.text).toContain(expected);
    if (locale !== 'en') expect(mail.text).not.toMatch(/\byears\b/);
  });
});
