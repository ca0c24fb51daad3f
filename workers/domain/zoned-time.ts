/**
 * Wall-clock time in an IANA zone, using only Intl.DateTimeFormat so it runs unchanged in workerd and Node.
 * Dates are plain calendar dates ("YYYY-MM-DD"); times of day are minutes after local midnight.
 * An unknown zone throws a RangeError from Intl; zones are checked with isValidTimeZone when a practice is saved.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export type LocalDateTime = { date: string; minuteOfDay: number; weekday: number };

// Creating a formatter costs far more than formatting with one; slot searches format thousands of instants.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Epoch ms of midnight UTC on the date. setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999. */
function dateToEpoch(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}

function epochToDate(at: number): string {
  const d = new Date(at);
  const year = String(d.getUTCFullYear()).padStart(4, '0');
  const month = String(d.getUTCMonth() + 1).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, '0');
  return `${year}-${month}-${day}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(date: string): number | null {
  const match = ISO_DATE.exec(date);
  if (!match) return null;
  const at = dateToEpoch(Number(match[1]), Number(match[2]), Number(match[3]));
  // Date rolls 2026-02-30 over to 2026-03-02; a real date survives the round trip unchanged.
  return epochToDate(at) === date ? at : null;
}

export function isIsoDate(value: string): boolean {
  return parseDate(value) !== null;
}

function requireDate(date: string): number {
  const at = parseDate(date);
  if (at === null) throw new RangeError(`Not a calendar date: ${date}`);
  return at;
}

/** ISO weekday of a calendar date, 1 = Monday .. 7 = Sunday. */
export function weekdayOf(date: string): number {
  return isoWeekday(requireDate(date));
}

function isoWeekday(midnightUtc: number): number {
  const day = new Date(midnightUtc).getUTCDay();
  return day === 0 ? 7 : day;
}

/** Calendar arithmetic; throws on a malformed date, which callers should have refused at the boundary already. */
export function addDays(date: string, days: number): string {
  return epochToDate(requireDate(date) + days * DAY_MS);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((requireDate(to) - requireDate(from)) / DAY_MS);
}

// format() costs a quarter of formatToParts(); en-US with hourCycle h23 reads "6/15/2026, 09:00:00" whatever the zone.
const WALL_CLOCK = /^(\d+)\/(\d+)\/(\d+),?\s+(\d+):(\d+):(\d+)$/;

/** The zone's wall-clock reading at `at`, written as if it were a UTC instant (whole seconds). */
function wallClockAsUtc(at: number, timeZone: string): number {
  const text = formatterFor(timeZone).format(at);
  const match = WALL_CLOCK.exec(text);
  if (!match) throw new Error(`Unexpected wall-clock format: ${text}`);
  const [month = 1, day = 1, year = 0, hour = 0, minute = 0, second = 0] = match.slice(1).map(Number);
  return dateToEpoch(year, month, day) + hour * 3_600_000 + minute * MINUTE_MS + second * 1000;
}

/** UTC offset in ms (local minus UTC) in force at `at`. */
function offsetAt(at: number, timeZone: string): number {
  return wallClockAsUtc(at, timeZone) - Math.floor(at / 1000) * 1000;
}

export function utcToLocal(at: number, timeZone: string): LocalDateTime {
  const wall = wallClockAsUtc(at, timeZone);
  const midnight = Math.floor(wall / DAY_MS) * DAY_MS;
  return {
    date: epochToDate(midnight),
    minuteOfDay: Math.floor((wall - midnight) / MINUTE_MS),
    weekday: isoWeekday(midnight),
  };
}

/**
 * Epoch ms of a wall-clock time in the zone, or null when the clocks skip it (spring forward).
 * When the clocks show it twice (fall back) the earlier instant wins, so one local time has one answer.
 * Also null for a malformed date or a minute outside 0..1440.
 */
export function localDateTimeToUtc(date: string, minuteOfDay: number, timeZone: string): number | null {
  if (!Number.isInteger(minuteOfDay) || minuteOfDay < 0 || minuteOfDay > 1440) return null;
  const midnight = parseDate(date);
  if (midnight === null) return null;
  const wall = midnight + minuteOfDay * MINUTE_MS;
  // Offsets a day either side cover both sides of any transition near this wall time.
  const offsets = new Set([-DAY_MS, 0, DAY_MS].map((shift) => offsetAt(wall + shift, timeZone)));
  let earliest: number | null = null;
  for (const offset of offsets) {
    const candidate = wall - offset;
    const fits = offsetAt(candidate, timeZone) === offset;
    if (fits && (earliest === null || candidate < earliest)) earliest = candidate;
  }
  return earliest;
}
