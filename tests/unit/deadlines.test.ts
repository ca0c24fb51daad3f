import { describe, expect, it } from 'vitest';
import {
  addCalendarMonths,
  canExtend,
  compareByUrgency,
  daysLeft,
  dueDate,
  extendedDueDate,
  isOverdue,
  type QueueItem,
} from '../../workers/domain/deadlines';

// Instants are written out by hand in UTC, never derived from the code under test.
const utc = (text: string) => Date.parse(`${text}Z`);
const BERLIN = 'Europe/Berlin';
const COPENHAGEN = 'Europe/Copenhagen';

describe('one calendar month (Art. 12(3) GDPR, Regulation 1182/71)', () => {
  it.each([
    ['2027-01-31', 1, '2027-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2100-01-31', 1, '2100-02-28'],
    ['2000-01-31', 1, '2000-02-29'],
    ['2026-04-30', 1, '2026-05-30'],
    ['2026-03-31', 1, '2026-04-30'],
    ['2026-12-15', 1, '2027-01-15'],
    ['2026-12-31', 2, '2027-02-28'],
    ['2026-11-30', 3, '2027-02-28'],
  ])('%s plus %i month(s) is %s', (date, months, expected) => {
    expect(addCalendarMonths(date, months)).toBe(expected);
  });
});

describe('dueDate', () => {
  it('ends with the last millisecond of the same date one month later', () => {
    expect(dueDate(utc('2026-04-30T10:00'))).toBe(utc('2026-05-30T23:59:59.999'));
  });

  it('falls on 28 February 2027 for a request of 31 January', () => {
    expect(dueDate(utc('2027-01-31T12:00'), BERLIN)).toBe(utc('2027-02-28T22:59:59.999'));
  });

  it('falls on 29 February 2028 in a leap year', () => {
    expect(dueDate(utc('2028-01-31T12:00'), BERLIN)).toBe(utc('2028-02-29T22:59:59.999'));
  });

  it('gives 30 April for 31 March, across the change to summer time', () => {
    // Received in winter time (UTC+1), due at the end of a summer-time day (UTC+2).
    expect(dueDate(utc('2026-03-31T08:00'), BERLIN)).toBe(utc('2026-04-30T21:59:59.999'));
  });

  it('counts the day of receipt in the practice’s zone, not in UTC, at a month end', () => {
    // 23:30 UTC on 31 January is already 1 February in Berlin and Copenhagen.
    const lateEvening = utc('2027-01-31T23:30');
    expect(dueDate(lateEvening, 'UTC')).toBe(utc('2027-02-28T23:59:59.999'));
    expect(dueDate(lateEvening, BERLIN)).toBe(utc('2027-03-01T22:59:59.999'));
    expect(dueDate(lateEvening, COPENHAGEN)).toBe(utc('2027-03-01T22:59:59.999'));
  });

  it('agrees for Berlin and Copenhagen in the hours around every month end of a leap year', () => {
    for (let month = 1; month <= 12; month++) {
      const firstOfMonth = utc(`2028-${String(month).padStart(2, '0')}-01T00:00`);
      for (let hours = -3; hours <= 3; hours++) {
        const at = firstOfMonth + hours * 3_600_000;
        expect(dueDate(at, COPENHAGEN)).toBe(dueDate(at, BERLIN));
      }
    }
  });

  it('ends at local midnight on the day the clocks go back', () => {
    // Received 25 September 2026 (summer time), due 25 October 2026, the day Berlin returns to UTC+1.
    expect(dueDate(utc('2026-09-25T10:00'), BERLIN)).toBe(utc('2026-10-25T22:59:59.999'));
  });
});

describe('extendedDueDate', () => {
  const due = utc('2027-02-28T22:59:59.999'); // 28 February in Berlin

  it('adds one or two further months to the deadline', () => {
    expect(extendedDueDate(due, 1, BERLIN)).toBe(utc('2027-03-28T21:59:59.999'));
    expect(extendedDueDate(due, 2, BERLIN)).toBe(utc('2027-04-28T21:59:59.999'));
  });

  it('keeps the clamp to the month end', () => {
    expect(extendedDueDate(utc('2026-05-31T21:59:59.999'), 1, COPENHAGEN)).toBe(utc('2026-06-30T21:59:59.999'));
  });

  it.each([0, 3, 1.5, -1])('refuses an extension of %s months', (months) => {
    expect(() => extendedDueDate(due, months, BERLIN)).toThrow(RangeError);
  });

  it('is possible until the original deadline and not after it', () => {
    expect(canExtend(due, due)).toBe(true);
    expect(canExtend(due, due + 1)).toBe(false);
  });
});

describe('daysLeft and overdue', () => {
  const due = utc('2027-02-28T22:59:59.999');

  it('counts calendar days in the zone: 0 on the last day, negative afterwards', () => {
    expect(daysLeft(due, utc('2027-02-26T09:00'), BERLIN)).toBe(2);
    expect(daysLeft(due, utc('2027-02-28T22:30'), BERLIN)).toBe(0);
    expect(daysLeft(due, utc('2027-02-28T23:30'), BERLIN)).toBe(-1);
  });

  it('is overdue only after the last millisecond', () => {
    expect(isOverdue(due, due)).toBe(false);
    expect(isOverdue(due, due + 1)).toBe(true);
  });
});

describe('compareByUrgency', () => {
  const item = (name: string, dueAt: string, rest: Partial<QueueItem> = {}) => ({ name, dueAt: utc(dueAt), extendedDueAt: null, closed: false, ...rest });

  it('puts overdue requests first, then the nearest deadlines, closed requests last', () => {
    const queue = [
      item('later', '2027-03-30T00:00'),
      item('closed-old', '2027-01-01T00:00', { closed: true }),
      item('overdue', '2027-02-01T00:00'),
      item('extended', '2027-02-02T00:00', { extendedDueAt: utc('2027-04-02T00:00') }),
      item('soon', '2027-02-20T00:00'),
      item('closed-new', '2027-02-10T00:00', { closed: true }),
    ];
    expect(queue.sort(compareByUrgency).map((i) => i.name)).toEqual(['overdue', 'soon', 'later', 'extended', 'closed-new', 'closed-old']);
  });
});
