import { describe, expect, it } from 'vitest';
import { formatDateTime, negotiateLocale } from '../../workers/domain/locale';
import { isReservedSlug, isValidTimeZone, SLUG_PATTERN } from '../../workers/domain/practice-rules';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, sessionState, shouldTouchSession } from '../../workers/domain/sessions';
import { FIRST_PAUSE_MS, FREE_FAILURES, MAX_PAUSE_MS, pauseForAttempt, pauseSchedule } from '../../workers/domain/throttle';

const T0 = Date.UTC(2026, 10, 23, 9, 0);

describe('sessionState', () => {
  it.each([
    ['just created', { createdAt: T0, lastSeenAt: T0 }, T0, 'active'],
    ['idle for 29 minutes', { createdAt: T0, lastSeenAt: T0 }, T0 + SESSION_IDLE_MS - 60_000, 'active'],
    ['idle for exactly 30 minutes', { createdAt: T0, lastSeenAt: T0 }, T0 + SESSION_IDLE_MS, 'idle-expired'],
    ['active but 12 hours old', { createdAt: T0, lastSeenAt: T0 + SESSION_ABSOLUTE_MS - 1 }, T0 + SESSION_ABSOLUTE_MS, 'absolute-expired'],
    ['active, 11 hours old', { createdAt: T0, lastSeenAt: T0 + 11 * 3600_000 }, T0 + 11 * 3600_000 + 1000, 'active'],
  ] as const)('%s', (_name, session, now, expected) => {
    expect(sessionState(session, now)).toBe(expected);
  });

  it('writes activity back at most once a minute', () => {
    expect(shouldTouchSession({ createdAt: T0, lastSeenAt: T0 }, T0 + 59_000)).toBe(false);
    expect(shouldTouchSession({ createdAt: T0, lastSeenAt: T0 }, T0 + 60_000)).toBe(true);
  });
});

describe('sign-in throttling', () => {
  it.each([
    [1, 0],
    [FREE_FAILURES - 1, 0],
    [FREE_FAILURES, FIRST_PAUSE_MS],
    [FREE_FAILURES + 1, 2 * FIRST_PAUSE_MS],
    [FREE_FAILURES + 5, 32 * FIRST_PAUSE_MS],
    [FREE_FAILURES + 6, MAX_PAUSE_MS],
    [FREE_FAILURES + 60, MAX_PAUSE_MS],
  ])('lets the first attempts through, then doubles the pause up to an hour: attempt %i pauses %i ms', (attempt, pause) => {
    expect(pauseForAttempt(attempt)).toBe(pause);
  });

  it('lists every pause below the maximum for the database statement', () => {
    const schedule = pauseSchedule();
    expect(schedule[0]).toEqual({ attempt: FREE_FAILURES, pauseMs: FIRST_PAUSE_MS });
    expect(schedule.every(({ attempt, pauseMs }) => pauseForAttempt(attempt) === pauseMs && pauseMs < MAX_PAUSE_MS)).toBe(true);
    expect(pauseForAttempt((schedule.at(-1)?.attempt ?? 0) + 1)).toBe(MAX_PAUSE_MS);
  });
});

describe('negotiateLocale', () => {
  it.each([
    ['de-DE,de;q=0.9,en;q=0.8', 'de'],
    ['da-DK', 'da'],
    ['fr-FR,en;q=0.5,de;q=0.7', 'de'],
    ['nb-NO', 'da'],
    ['fr', 'en'],
    ['', 'en'],
    ['en;q=0,da;q=0.1', 'da'],
    ['garbage;;;q=abc', 'en'],
  ])('%s -> %s', (header, expected) => {
    expect(negotiateLocale(header)).toBe(expected);
  });
});

describe('formatDateTime in the practice time zone', () => {
  it('shows the same instant as local time in Berlin and Copenhagen, across the October change', () => {
    // 25 October 2026, 01:30 UTC: summer time has just ended (clocks went back at 01:00 UTC).
    const instant = Date.UTC(2026, 9, 25, 1, 30);
    expect(formatDateTime(instant, 'de', 'Europe/Berlin')).toContain('02:30');
    expect(formatDateTime(instant, 'da', 'Europe/Copenhagen')).toMatch(/02[.:]30/);
    // 29 March 2026, 01:30 UTC: summer time has begun (clocks jumped from 02:00 to 03:00 local).
    expect(formatDateTime(Date.UTC(2026, 2, 29, 1, 30), 'en', 'Europe/Berlin')).toContain('03:30');
  });
});

describe('practice rules', () => {
  it.each([
    ['Europe/Berlin', true],
    ['Europe/Copenhagen', true],
    ['America/New_York', true],
    ['UTC', true],
    ['Mars/Olympus', false],
    ['CET', false],
    ['', false],
  ])('time zone %s valid: %s', (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });

  it('accepts readable slugs and refuses reserved or malformed ones', () => {
    expect(SLUG_PATTERN.test('praxis-nord')).toBe(true);
    expect(SLUG_PATTERN.test('-nord')).toBe(false);
    expect(SLUG_PATTERN.test('ab')).toBe(false);
    expect(SLUG_PATTERN.test('Praxis')).toBe(false);
    expect(isReservedSlug('dashboard')).toBe(true);
    expect(isReservedSlug('praxis-nord')).toBe(false);
  });
});
