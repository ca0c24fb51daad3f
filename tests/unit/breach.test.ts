import { describe, expect, it } from 'vitest';
import { columnPrivacySchema } from '../../db/privacy';
import { breachNoticeEmail, type BreachNoticeData } from '../../emails/breach-notice';
import { breachSubjectNoticeEmail } from '../../emails/breach-subject-notice';
import {
  affectedPractices,
  BREACH_DATA_CATEGORIES,
  breachClock,
  formatUtc,
  GERMAN_STATE_AUTHORITIES,
  INITIAL_NOTICE,
  pendingNotices,
  splitDuration,
  supervisoryAuthority,
} from '../../workers/domain/breach';

const HOUR = 3_600_000;

describe('the 72-hour clock (Art. 33(1))', () => {
  const awareAt = Date.UTC(2026, 2, 27, 10, 0);

  it('puts the deadline exactly 72 hours after awareness, also across the spring clock change', () => {
    // 29 March 2026 is the change to summer time in Berlin and Copenhagen; the clock counts real hours.
    expect(breachClock(awareAt, awareAt).deadline).toBe(Date.UTC(2026, 2, 30, 10, 0));
    expect(formatUtc(breachClock(awareAt, awareAt).deadline)).toBe('2026-03-30 10:00 UTC');
  });

  it.each([
    ['at awareness', 0, 72 * HOUR, false],
    ['after one hour and a half', 1.5 * HOUR, 70.5 * HOUR, false],
    ['one millisecond before the deadline', 72 * HOUR - 1, 1, false],
    ['at the deadline itself', 72 * HOUR, 0, false],
    ['one millisecond after the deadline', 72 * HOUR + 1, 0, true],
    ['a day late', 96 * HOUR, 0, true],
  ] as const)('%s: remaining and overdue', (_when, elapsed, remaining, overdue) => {
    const clock = breachClock(awareAt, awareAt + elapsed);
    expect(clock.remainingMs).toBe(remaining);
    expect(clock.overdue).toBe(overdue);
  });

  it('splits the remaining time into hours and minutes', () => {
    expect(splitDuration(70.5 * HOUR + 59_999)).toEqual({ hours: 70, minutes: 30 });
    expect(splitDuration(-5)).toEqual({ hours: 0, minutes: 0 });
  });
});

describe('affected practices', () => {
  const practices = [
    { id: 'a', createdAt: 100 },
    { id: 'b', createdAt: 200 },
    { id: 'c', createdAt: 300 },
  ];

  it('takes every practice for the scope "all"', () => {
    expect(affectedPractices({ kind: 'all' }, practices).map((p) => p.id)).toEqual(['a', 'b', 'c']);
  });

  it('takes the chosen practices only, ignoring ids that no longer exist', () => {
    expect(affectedPractices({ kind: 'practices', practiceIds: ['c', 'a', 'gone'] }, practices).map((p) => p.id)).toEqual(['a', 'c']);
  });

  it('takes the practices created before the end of a time window', () => {
    expect(affectedPractices({ kind: 'window', from: 0, to: 300 }, practices).map((p) => p.id)).toEqual(['a', 'b']);
    expect(affectedPractices({ kind: 'window', from: 250, to: 301 }, practices).map((p) => p.id)).toEqual(['a', 'b', 'c']);
    expect(affectedPractices({ kind: 'window', from: 0, to: 100 }, practices)).toEqual([]);
  });
});

describe('supervisory authority', () => {
  it('names Datatilsynet for a practice in Denmark', () => {
    expect(supervisoryAuthority('Europe/Copenhagen')).toMatchObject({ country: 'DK', name: 'Datatilsynet' });
  });

  it('leaves the German federal state open and offers all 16 state authorities', () => {
    const authority = supervisoryAuthority('Europe/Berlin');
    expect(authority.country).toBe('DE');
    if (authority.country !== 'DE') return;
    expect(authority.stateAuthorities).toHaveLength(16);
    expect(new Set(authority.stateAuthorities.map((a) => a.state)).size).toBe(16);
    expect(authority.stateAuthorities.map((a) => a.state)).toContain('Bayern');
  });
});

describe('notices still to send to a practice', () => {
  it('starts with the notice, which carries every update written so far', () => {
    expect(pendingNotices([], ['u1', 'u2'])).toEqual([
      { kind: 'practice', updateId: INITIAL_NOTICE },
      { kind: 'update', updateId: 'u1' },
      { kind: 'update', updateId: 'u2' },
    ]);
  });

  it('then sends each later update once', () => {
    const sent = [{ kind: 'practice' as const, updateId: INITIAL_NOTICE }, { kind: 'update' as const, updateId: 'u1' }];
    expect(pendingNotices(sent, ['u1', 'u2'])).toEqual([{ kind: 'update', updateId: 'u2' }]);
    expect(pendingNotices([...sent, { kind: 'update', updateId: 'u2' }], ['u1', 'u2'])).toEqual([]);
  });

  it('uses the privacy annotations’ vocabulary for data categories', () => {
    expect([...BREACH_DATA_CATEGORIES].sort()).toEqual([...columnPrivacySchema.shape.category.options].sort());
  });
});

describe('breach emails', () => {
  const incident = {
    awareAt: Date.UTC(2026, 2, 27, 10, 0),
    nature: 'A <b>misconfigured</b> export link',
    dataCategories: ['contact', 'health'],
    subjectCategories: ['clients'],
    approxSubjects: 1200,
    approxRecords: 3400,
    consequences: 'Appointment times could be seen by others',
    measures: 'Links revoked',
    contact: 'dpo@example.com',
    highRisk: true,
  };
  const base: BreachNoticeData = {
    kind: 'initial',
    reference: 'ABCD1234',
    practice: { name: 'Praxis Nord', timeZone: 'Europe/Berlin', contactEmail: 'praxis@example.com' },
    incident,
    updates: [],
    deadline: incident.awareAt + 72 * HOUR,
    authority: supervisoryAuthority('Europe/Berlin'),
    subjectNotice: 'Plain notice',
  };

  it('gives a German practice a draft for its state authority with every state to choose from', () => {
    const email = breachNoticeEmail(base, 'de');
    expect(email.text).toContain('ENTWURF');
    expect(email.text).toContain('Landesdatenschutzbehörde');
    for (const { state } of GERMAN_STATE_AUTHORITIES) expect(email.text).toContain(state);
    expect(email.text).toContain('2026-03-30 10:00 UTC');
    expect(email.text).toContain('1.200');
  });

  it('gives a Danish practice a draft for Datatilsynet in Danish', () => {
    const email = breachNoticeEmail({ ...base, practice: { ...base.practice, timeZone: 'Europe/Copenhagen' }, authority: supervisoryAuthority('Europe/Copenhagen') }, 'da');
    expect(email.text).toContain('UDKAST');
    expect(email.text).toContain('Til: Datatilsynet');
    expect(email.text).not.toContain('Bayern');
  });

  it('escapes the incident text in HTML and attaches the Art. 34 notice when the risk is high', () => {
    const email = breachNoticeEmail(base, 'en');
    expect(email.html).toContain('A &lt;b&gt;misconfigured&lt;/b&gt; export link');
    expect(email.html).not.toContain('<b>misconfigured');
    expect(email.attachments.map((a) => a.filename)).toEqual(['notice-to-people-concerned.txt']);
    expect(breachNoticeEmail({ ...base, incident: { ...incident, highRisk: false } }, 'en').attachments).toEqual([]);
  });

  it('writes the Art. 34 notice in each language, with placeholders until a practice fills them', () => {
    expect(breachSubjectNoticeEmail({ incident }, 'de').text).toContain('[Name der Praxis]');
    expect(breachSubjectNoticeEmail({ incident }, 'da').text).toContain('[praksissens navn]');
    const filled = breachSubjectNoticeEmail({ incident, practice: { name: 'Praxis Nord', contactEmail: 'praxis@example.com' } }, 'en');
    expect(filled.text).toContain('Praxis Nord');
    expect(filled.text).toContain('praxis@example.com');
    expect(filled.text).not.toContain('[name of the practice]');
  });
});
