import { describe, expect, it } from 'vitest';
import { bookingFits, CLIENT_LIMIT, DAY_MS, HOUR_MS, PRACTICE_LIMIT, windowStartOf } from '../../workers/domain/booking-limits';

const at = (iso: string) => Date.parse(iso);

describe('booking limit windows', () => {
  it.each([
    ['the first instant of an hour', '2026-03-10T14:00:00.000Z', '2026-03-10T14:00:00.000Z'],
    ['the last instant of an hour', '2026-03-10T14:59:59.999Z', '2026-03-10T14:00:00.000Z'],
    ['the hour Berlin skips when clocks go forward', '2026-03-29T01:30:00.000Z', '2026-03-29T01:00:00.000Z'],
    ['the hour Berlin lives twice when clocks go back', '2026-10-25T00:30:00.000Z', '2026-10-25T00:00:00.000Z'],
  ])('counts %s in the whole UTC hour it falls in', (_name, now, start) => {
    expect(windowStartOf(PRACTICE_LIMIT, at(now))).toBe(at(start));
  });

  it.each([
    ['midnight UTC', '2026-03-10T00:00:00.000Z', '2026-03-10T00:00:00.000Z'],
    ['the last instant of a UTC day', '2026-03-10T23:59:59.999Z', '2026-03-10T00:00:00.000Z'],
    ['the day clocks go forward in Berlin', '2026-03-29T22:30:00.000Z', '2026-03-29T00:00:00.000Z'],
    ['the day clocks go back in Berlin', '2026-10-25T23:30:00.000Z', '2026-10-25T00:00:00.000Z'],
  ])('counts %s in the UTC day it falls in, 24 hours long whatever the local clocks do', (_name, now, start) => {
    const windowStart = windowStartOf(CLIENT_LIMIT, at(now));
    expect(windowStart).toBe(at(start));
    expect(windowStartOf(CLIENT_LIMIT, windowStart + DAY_MS) - windowStart).toBe(DAY_MS);
  });

  it('starts a new window the instant the previous one ends', () => {
    const hour = at('2026-03-10T14:00:00.000Z');
    expect(windowStartOf(PRACTICE_LIMIT, hour + HOUR_MS - 1)).toBe(hour);
    expect(windowStartOf(PRACTICE_LIMIT, hour + HOUR_MS)).toBe(hour + HOUR_MS);
  });
});

describe('bookingFits', () => {
  it.each([
    [{ practice: 0, client: 0 }, true],
    [{ practice: 59, client: 4 }, true],
    [{ practice: 60, client: 0 }, false],
    [{ practice: 0, client: 5 }, false],
  ])('with %o counted allows one more: %s', (used, fits) => {
    expect(bookingFits(used)).toBe(fits);
  });

  it('matches the documented limits: 60 per practice per hour, 5 per address per day', () => {
    expect(PRACTICE_LIMIT).toEqual({ max: 60, windowMs: HOUR_MS });
    expect(CLIENT_LIMIT).toEqual({ max: 5, windowMs: DAY_MS });
  });
});
