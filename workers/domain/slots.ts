/**
 * Free appointment slots. Opening hours are wall-clock times in the practice's zone, so they are worked out per local
 * date and only then turned into instants; bookings and busy times are instants (epoch ms), so overlap is checked there.
 */
import { addDays, daysBetween, isIsoDate, localDateTimeToUtc, utcToLocal, weekdayOf } from './zoned-time';

export const SLOT_STEP_MIN = 30;

/** ISO weekday (1 = Monday), minutes after local midnight, end exclusive, end <= 1440. */
export type WorkingRange = { weekday: number; startMinute: number; endMinute: number };
/** closed + nulls: whole local day closed; closed + range: that range closed; extra + range: bookable in addition. */
export type AvailabilityException = {
  date: string;
  kind: 'closed' | 'extra';
  startMinute: number | null;
  endMinute: number | null;
};
export type SlotType = {
  id: string;
  durationMin: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  minNoticeMin: number;
  horizonDays: number;
};
/** Epoch ms, half-open, already including the buffers of existing bookings. */
export type BusyInterval = { start: number; end: number };
/** Epoch ms; end = start + duration, without buffers. */
export type Slot = { start: number; end: number; typeId: string };
/** from and to are inclusive local calendar dates in timeZone. */
export type SlotQuery = {
  timeZone: string;
  workingHours: WorkingRange[];
  exceptions: AvailabilityException[];
  types: SlotType[];
  busy: BusyInterval[];
  from: string;
  to: string;
  now: number;
  stepMin?: number;
};

type MinuteRange = { start: number; end: number };

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export function blockedInterval(start: number, type: SlotType): BusyInterval {
  return {
    start: start - type.bufferBeforeMin * MINUTE_MS,
    end: start + (type.durationMin + type.bufferAfterMin) * MINUTE_MS,
  };
}

function clampToDay(start: number, end: number): MinuteRange {
  return { start: Math.max(0, start), end: Math.min(1440, end) };
}

function subtract(ranges: MinuteRange[], cut: MinuteRange): MinuteRange[] {
  return ranges.flatMap((range) => {
    if (cut.end <= range.start || range.end <= cut.start) return [range];
    const pieces: MinuteRange[] = [];
    if (range.start < cut.start) pieces.push({ start: range.start, end: cut.start });
    if (cut.end < range.end) pieces.push({ start: cut.end, end: range.end });
    return pieces;
  });
}

/** Touching ranges merge too, so a session may run from regular hours straight into extra hours. */
function merge(ranges: MinuteRange[]): MinuteRange[] {
  const sorted = ranges.filter((r) => r.start < r.end).sort((a, b) => a.start - b.start);
  const merged: MinuteRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/**
 * Bookable local-minute ranges of one date: working hours, minus closures, plus extra hours.
 * A closure missing either bound closes the whole day, so malformed data can only take time away, never add it.
 */
function bookableRanges(query: SlotQuery, date: string): MinuteRange[] {
  const weekday = weekdayOf(date);
  let ranges = query.workingHours
    .filter((w) => w.weekday === weekday)
    .map((w) => clampToDay(w.startMinute, w.endMinute));
  const exceptions = query.exceptions.filter((e) => e.date === date);
  for (const e of exceptions) {
    if (e.kind !== 'closed') continue;
    if (e.startMinute === null || e.endMinute === null) ranges = [];
    else ranges = subtract(ranges, { start: e.startMinute, end: e.endMinute });
  }
  for (const e of exceptions) {
    if (e.kind === 'extra' && e.startMinute !== null && e.endMinute !== null) {
      ranges.push(clampToDay(e.startMinute, e.endMinute));
    }
  }
  return merge(ranges);
}

function overlapsBusy(interval: BusyInterval, busy: BusyInterval[]): boolean {
  return busy.some((b) => b.start < interval.end && interval.start < b.end);
}

function isBookable(query: SlotQuery, start: number, type: SlotType): boolean {
  if (start <= query.now) return false;
  if (start < query.now + type.minNoticeMin * MINUTE_MS) return false;
  if (start > query.now + type.horizonDays * DAY_MS) return false;
  return !overlapsBusy(blockedInterval(start, type), query.busy);
}

function slotsOnDate(query: SlotQuery, date: string, step: number): Slot[] {
  // Every type walks the same grid; converting each local minute once keeps the Intl work per day small.
  const instants = new Map<number, number | null>();
  const instantOf = (minute: number) => {
    if (!instants.has(minute)) instants.set(minute, localDateTimeToUtc(date, minute, query.timeZone));
    return instants.get(minute) ?? null;
  };
  const slots: Slot[] = [];
  for (const range of bookableRanges(query, date)) {
    for (const type of query.types) {
      for (let minute = range.start; minute + type.durationMin <= range.end; minute += step) {
        // Skipped local times (spring forward) are not offered: nobody can turn up at 02:30 that night.
        const start = instantOf(minute);
        if (start === null || !isBookable(query, start, type)) continue;
        slots.push({ start, end: start + type.durationMin * MINUTE_MS, typeId: type.id });
      }
    }
  }
  return slots;
}

/**
 * The local dates worth visiting: the requested ones, narrowed to those that can hold a start between now and the
 * longest horizon. A day of margin each side covers zones whose transitions move midnight.
 */
function datesToVisit(query: SlotQuery): string[] {
  if (!isIsoDate(query.from) || !isIsoDate(query.to)) return [];
  const longestHorizon = Math.max(0, ...query.types.map((t) => t.horizonDays));
  const today = utcToLocal(query.now, query.timeZone).date;
  const lastReachable = utcToLocal(query.now + longestHorizon * DAY_MS, query.timeZone).date;
  const first = later(query.from, addDays(today, -1));
  const last = earlier(query.to, addDays(lastReachable, 1));
  const count = daysBetween(first, last) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, i) => addDays(first, i));
}

// ISO dates compare correctly as strings.
function later(a: string, b: string): string {
  return a > b ? a : b;
}

function earlier(a: string, b: string): string {
  return a < b ? a : b;
}

function compareSlots(a: Slot, b: Slot): number {
  if (a.start !== b.start) return a.start - b.start;
  return a.typeId < b.typeId ? -1 : a.typeId > b.typeId ? 1 : 0;
}

export function computeFreeSlots(query: SlotQuery): Slot[] {
  const step = query.stepMin ?? SLOT_STEP_MIN;
  if (!Number.isInteger(step) || step <= 0) throw new RangeError(`stepMin must be a positive integer, got ${step}`);
  const slots = datesToVisit(query)
    .flatMap((date) => slotsOnDate(query, date, step))
    .sort(compareSlots);
  // Two types may share an id; one entry per (start, type id) is what a booking page can show.
  return slots.filter((slot, i) => {
    const previous = slots[i - 1];
    return !previous || previous.start !== slot.start || previous.typeId !== slot.typeId;
  });
}

export function isFreeSlot(query: SlotQuery, start: number, typeId: string): boolean {
  if (!Number.isFinite(start)) return false;
  const types = query.types.filter((t) => t.id === typeId);
  const { date } = utcToLocal(start, query.timeZone);
  if (types.length === 0 || date < query.from || date > query.to) return false;
  // Only this date and type can produce this slot, so there is no need to compute the whole range.
  const slots = computeFreeSlots({ ...query, types, from: date, to: date });
  return slots.some((slot) => slot.start === start);
}
