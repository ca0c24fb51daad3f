import { addDays, daysBetween, localDateTimeToUtc, utcToLocal } from './zoned-time';

/**
 * Deadlines of data-subject requests. Art. 12(3) GDPR: answer "within one month of receipt", extendable "by two
 * further months" when the subject is told, with reasons, within the first month. Periods in months are counted as
 * Regulation (EEC, Euratom) No 1182/71 prescribes (Art. 3(2)(c)): the period ends at the end of the day of the last
 * month that has the same date as the day of receipt, or at the end of that month's last day when the date does not
 * exist there (31 January + one month = 28 or 29 February). Days are calendar days in the practice's time zone.
 */

export const MAX_EXTENSION_MONTHS = 2;
const DEFAULT_ZONE = 'UTC';

function splitDate(date: string): [number, number, number] {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  return [year, month, day];
}

/** Day 0 of the next month is the last day of this one; setUTCFullYear keeps years 0–99 as they are. */
function daysInMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}

/** The same day of the month `months` later, or the last day of that month when the day does not exist there. */
export function addCalendarMonths(date: string, months: number): string {
  const [year, month, day] = splitDate(date);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  const targetDay = Math.min(day, daysInMonth(targetYear, targetMonth));
  return `${String(targetYear).padStart(4, '0')}-${String(targetMonth).padStart(2, '0')}-${String(targetDay).padStart(2, '0')}`;
}

/** The last millisecond of a local calendar day: the period "ends with the expiry of the last hour" of that day. */
function endOfLocalDay(date: string, timeZone: string): number {
  const next = addDays(date, 1);
  // Where a zone skips midnight itself, the next day begins at the first minute that exists.
  for (let minute = 0; minute <= 180; minute += 15) {
    const start = localDateTimeToUtc(next, minute, timeZone);
    if (start !== null) return start - 1;
  }
  throw new RangeError(`No start of day for ${next} in ${timeZone}`);
}

/** When a request received at `receivedAt` must be answered (Art. 12(3)): end of the same date one month later. */
export function dueDate(receivedAt: number, timeZone: string = DEFAULT_ZONE): number {
  return endOfLocalDay(addCalendarMonths(utcToLocal(receivedAt, timeZone).date, 1), timeZone);
}

/**
 * The deadline after extending by `months` (1 or 2). Counted from the original deadline's date, which for a deadline
 * clamped to a short month (28 February) is the earlier, and so the safe, of the two possible readings.
 */
export function extendedDueDate(dueAt: number, months: number, timeZone: string = DEFAULT_ZONE): number {
  if (!Number.isInteger(months) || months < 1 || months > MAX_EXTENSION_MONTHS) {
    throw new RangeError(`An extension is 1 to ${MAX_EXTENSION_MONTHS} months (Art. 12(3) GDPR)`);
  }
  return endOfLocalDay(addCalendarMonths(utcToLocal(dueAt, timeZone).date, months), timeZone);
}

/** The subject must be told of an extension within the first month, so it is possible only until the deadline. */
export function canExtend(dueAt: number, now: number): boolean {
  return now <= dueAt;
}

/** Calendar days until the deadline in the zone: 0 on the last day, negative once overdue. */
export function daysLeft(due: number, now: number, timeZone: string = DEFAULT_ZONE): number {
  return daysBetween(utcToLocal(now, timeZone).date, utcToLocal(due, timeZone).date);
}

export function isOverdue(due: number, now: number): boolean {
  return now > due;
}

/** The deadline in force: the extended one once there is an extension. */
export function effectiveDueAt(request: { dueAt: number; extendedDueAt?: number | null }): number {
  return request.extendedDueAt ?? request.dueAt;
}

export type QueueItem = { dueAt: number; extendedDueAt?: number | null; closed: boolean };

/**
 * Queue order: open requests first, most urgent first (so the overdue ones lead, the longest overdue at the top);
 * closed requests after them, the latest deadline first.
 */
export function compareByUrgency(a: QueueItem, b: QueueItem): number {
  if (a.closed !== b.closed) return a.closed ? 1 : -1;
  const difference = effectiveDueAt(a) - effectiveDueAt(b);
  return a.closed ? -difference : difference;
}
