import { describe, expect, it } from 'vitest';
import {
  blockedInterval,
  computeFreeSlots,
  isFreeSlot,
  type SlotQuery,
  type SlotType,
  type WorkingRange,
} from '../../workers/domain/slots';
import {
  addDays,
  daysBetween,
  isIsoDate,
  localDateTimeToUtc,
  utcToLocal,
  weekdayOf,
} from '../../workers/domain/zoned-time';

// Expected instants are written out by hand in UTC ("2026-06-15T07:00"), never derived from the code under test.
const utc = (text: string) => Date.parse(`${text}Z`);
const utcText = (at: number) => new Date(at).toISOString().slice(0, 16);
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function hours(weekdays: number[], ...ranges: [string, string][]): WorkingRange[] {
  return weekdays.flatMap((weekday) =>
    ranges.map(([start, end]) => ({ weekday, startMinute: minutes(start), endMinute: minutes(end) })),
  );
}

function slotType(id: string, durationMin: number, rest: Partial<SlotType> = {}): SlotType {
  return { id, durationMin, bufferBeforeMin: 0, bufferAfterMin: 0, minNoticeMin: 0, horizonDays: 365, ...rest };
}

const MONDAY = '2026-06-15'; // Berlin and Copenhagen are on summer time (UTC+2).
const SHORT = slotType('short', 30);

function query(overrides: Partial<SlotQuery> = {}): SlotQuery {
  return {
    timeZone: 'Europe/Berlin',
    workingHours: hours([1, 2, 3, 4, 5], ['09:00', '10:30'], ['14:00', '15:00']),
    exceptions: [],
    types: [SHORT],
    busy: [],
    from: MONDAY,
    to: MONDAY,
    now: utc('2026-06-01T00:00'),
    ...overrides,
  };
}

const starts = (q: SlotQuery) => computeFreeSlots(q).map((slot) => utcText(slot.start));
const startsWithType = (q: SlotQuery) => computeFreeSlots(q).map((slot) => `${utcText(slot.start)} ${slot.typeId}`);

describe('computeFreeSlots on ordinary days', () => {
  const closed = (date: string, from: string | null = null, to: string | null = null) => ({
    date,
    kind: 'closed' as const,
    startMinute: from === null ? null : minutes(from),
    endMinute: to === null ? null : minutes(to),
  });
  const extra = (date: string, from: string, to: string) => ({ ...closed(date, from, to), kind: 'extra' as const });

  it.each<[string, Partial<SlotQuery>, string[]]>([
    ['offers every half hour of both weekday ranges', {}, ['2026-06-15T07:00', '2026-06-15T07:30', '2026-06-15T08:00', '2026-06-15T12:00', '2026-06-15T12:30']],
    ['offers only starts whose whole session fits in the range', { types: [slotType('long', 50)] }, ['2026-06-15T07:00', '2026-06-15T07:30', '2026-06-15T12:00']],
    ['offers nothing at the weekend', { from: '2026-06-20', to: '2026-06-21' }, []],
    ['skips the weekend between Friday and Monday', { from: '2026-06-19', to: '2026-06-22', types: [slotType('hour', 60)] }, ['2026-06-19T07:00', '2026-06-19T07:30', '2026-06-19T12:00', '2026-06-22T07:00', '2026-06-22T07:30', '2026-06-22T12:00']],
    ['closes the whole day on a holiday', { exceptions: [closed(MONDAY)] }, []],
    ['keeps the next day open after a holiday', { to: '2026-06-16', exceptions: [closed(MONDAY)], workingHours: hours([2], ['09:00', '10:00']) }, ['2026-06-16T07:00', '2026-06-16T07:30']],
    ['closes only the closed part of a day', { exceptions: [closed(MONDAY, '09:30', '10:00')] }, ['2026-06-15T07:00', '2026-06-15T08:00', '2026-06-15T12:00', '2026-06-15T12:30']],
    ['counts the grid from where a partly closed range reopens', { exceptions: [closed(MONDAY, '09:00', '09:15')] }, ['2026-06-15T07:15', '2026-06-15T07:45', '2026-06-15T12:00', '2026-06-15T12:30']],
    ['opens extra hours on a Saturday', { from: '2026-06-20', to: '2026-06-20', exceptions: [extra('2026-06-20', '10:00', '11:00')] }, ['2026-06-20T08:00', '2026-06-20T08:30']],
    ['lets a session run from regular hours into touching extra hours', { types: [slotType('long', 50)], workingHours: hours([1], ['09:00', '10:30']), exceptions: [extra(MONDAY, '10:30', '11:00')] }, ['2026-06-15T07:00', '2026-06-15T07:30', '2026-06-15T08:00']],
    ['ignores exceptions for other dates', { exceptions: [closed('2026-06-16'), extra('2026-06-16', '18:00', '19:00')] }, ['2026-06-15T07:00', '2026-06-15T07:30', '2026-06-15T08:00', '2026-06-15T12:00', '2026-06-15T12:30']],
  ])('%s', (_name, overrides, expected) => {
    expect(starts(query(overrides))).toEqual(expected);
  });

  it('returns slots sorted by start, then type, without duplicates from repeated hours', () => {
    const q = query({
      workingHours: [...hours([1], ['09:00', '10:00']), ...hours([1], ['09:00', '10:00'])],
      types: [slotType('b-long', 60), slotType('a-short', 30)],
    });
    expect(startsWithType(q)).toEqual(['2026-06-15T07:00 a-short', '2026-06-15T07:00 b-long', '2026-06-15T07:30 a-short']);
  });

  it('ends each slot after its duration, without the buffers', () => {
    const [slot] = computeFreeSlots(query({ types: [slotType('long', 50, { bufferBeforeMin: 10, bufferAfterMin: 10 })] }));
    expect(slot).toEqual({ start: utc('2026-06-15T07:00'), end: utc('2026-06-15T07:50'), typeId: 'long' });
  });
});

describe('computeFreeSlots around existing bookings', () => {
  const workingHours = hours([1], ['09:00', '13:00']);
  const busy = [{ start: utc('2026-06-15T08:00'), end: utc('2026-06-15T09:00') }]; // 10:00–11:00 local

  it.each<[string, Partial<SlotType>, string[]]>([
    ['allows sessions that touch a booking on either side', {}, ['2026-06-15T07:00', '2026-06-15T09:00', '2026-06-15T09:30', '2026-06-15T10:00']],
    ['keeps the buffer after a session clear of the next booking', { bufferAfterMin: 15 }, ['2026-06-15T09:00', '2026-06-15T09:30', '2026-06-15T10:00']],
    ['keeps the buffer before a session clear of the previous booking', { bufferBeforeMin: 15 }, ['2026-06-15T07:00', '2026-06-15T09:30', '2026-06-15T10:00']],
  ])('%s', (_name, buffers, expected) => {
    expect(starts(query({ workingHours, busy, types: [slotType('hour', 60, buffers)] }))).toEqual(expected);
  });

  it('blocks a type by the booking of another type, buffers included', () => {
    const therapy = slotType('therapy', 90, { bufferAfterMin: 30 });
    const booked = blockedInterval(utc('2026-06-15T07:00'), therapy);
    expect(booked).toEqual({ start: utc('2026-06-15T07:00'), end: utc('2026-06-15T09:00') });
    expect(starts(query({ workingHours, busy: [booked] }))).toEqual(['2026-06-15T09:00', '2026-06-15T09:30', '2026-06-15T10:00', '2026-06-15T10:30']);
  });

  it('widens the blocked interval by both buffers', () => {
    const type = slotType('x', 50, { bufferBeforeMin: 5, bufferAfterMin: 10 });
    expect(blockedInterval(utc('2026-06-15T07:00'), type)).toEqual({ start: utc('2026-06-15T06:55'), end: utc('2026-06-15T08:00') });
  });
});

describe('computeFreeSlots in time', () => {
  const workingHours = hours([1, 2, 3, 4, 5], ['09:00', '12:00']);

  it.each<[string, Partial<SlotType>, number, string[]]>([
    ['offers no start in the past or at this very moment', {}, utc('2026-06-15T09:00'), ['2026-06-15T09:30']],
    ['waits out the minimum notice', { minNoticeMin: 60 }, utc('2026-06-15T07:10'), ['2026-06-15T08:30', '2026-06-15T09:00', '2026-06-15T09:30']],
    ['accepts a start exactly at the minimum notice', { minNoticeMin: 60 }, utc('2026-06-15T07:30'), ['2026-06-15T08:30', '2026-06-15T09:00', '2026-06-15T09:30']],
  ])('%s', (_name, rule, now, expected) => {
    expect(starts(query({ workingHours, now, types: [slotType('short', 30, rule)] }))).toEqual(expected);
  });

  it('offers nothing beyond the horizon, the last instant included', () => {
    const q = query({ workingHours: hours([1, 2, 3], ['09:00', '10:00']), to: '2026-06-17', now: utc('2026-06-15T07:00'), types: [slotType('short', 30, { horizonDays: 1 })] });
    expect(starts(q)).toEqual(['2026-06-15T07:30', '2026-06-16T07:00']);
  });

  it('stays quick and finite for a far-off end date', () => {
    const q = query({ from: '2026-06-01', to: '9999-12-31', types: [slotType('short', 30, { horizonDays: 2 })] });
    expect(starts(q)).toHaveLength(10);
  });
});

describe.each(['Europe/Berlin', 'Europe/Copenhagen'])('computeFreeSlots on change days in %s', (timeZone) => {
  const everyDay = [...hours([7], ['01:00', '04:00']), ...hours([1, 2, 3, 4, 5, 6, 7], ['09:00', '09:30'])];
  const around = (date: string) => query({ timeZone, workingHours: everyDay, from: addDays(date, -1), to: addDays(date, 1), now: utc('2026-01-01T00:00') });

  it('skips the hour that does not exist in March and moves 09:00 from 08:00 to 07:00 UTC', () => {
    expect(starts(around('2026-03-29'))).toEqual([
      '2026-03-28T08:00',
      '2026-03-29T00:00', '2026-03-29T00:30', // 01:00 and 01:30 winter time
      '2026-03-29T01:00', '2026-03-29T01:30', // 03:00 and 03:30 summer time; 02:00–03:00 never happens
      '2026-03-29T07:00',
      '2026-03-30T07:00',
    ]);
  });

  it('offers the repeated October hour once and moves 09:00 from 07:00 to 08:00 UTC', () => {
    expect(starts(around('2026-10-25'))).toEqual([
      '2026-10-24T07:00',
      '2026-10-24T23:00', '2026-10-24T23:30', // 01:00 and 01:30 summer time
      '2026-10-25T00:00', '2026-10-25T00:30', // 02:00 and 02:30, the first time round
      '2026-10-25T02:00', '2026-10-25T02:30', // 03:00 and 03:30 winter time
      '2026-10-25T08:00',
      '2026-10-26T08:00',
    ]);
  });

  it('gives a session across the March jump its real length', () => {
    const q = { ...around('2026-03-29'), workingHours: hours([7], ['01:30', '02:30']), types: [slotType('hour', 60)] };
    // Sixty real minutes, though the clock on the wall goes from 01:30 to 03:30.
    expect(computeFreeSlots(q)).toEqual([{ start: utc('2026-03-29T00:30'), end: utc('2026-03-29T01:30'), typeId: 'hour' }]);
  });

  it('keeps the first 02:00 hour free when only the second one is booked in October', () => {
    const q = around('2026-10-25');
    const secondTwoOClock = { start: utc('2026-10-25T01:00'), end: utc('2026-10-25T02:00') };
    expect(starts({ ...q, busy: [secondTwoOClock] })).toEqual(starts(q));
  });
});

describe('computeFreeSlots in America/New_York for contrast', () => {
  const q = (date: string) => query({ timeZone: 'America/New_York', workingHours: hours([6, 7], ['00:00', '04:00'], ['09:00', '09:30']), from: date, to: date, now: utc('2026-01-01T00:00') });

  it.each<[string, string, string[]]>([
    ['is already on summer time when Europe changes in March', '2026-03-29', ['04:00', '04:30', '05:00', '05:30', '06:00', '06:30', '07:00', '07:30', '13:00']],
    ['skips 02:00–03:00 on its own March change day', '2026-03-08', ['05:00', '05:30', '06:00', '06:30', '07:00', '07:30', '13:00']],
    ['offers its repeated 01:00 hour once in November', '2026-11-01', ['04:00', '04:30', '05:00', '05:30', '07:00', '07:30', '08:00', '08:30', '14:00']],
  ])('%s', (_name, date, expected) => {
    expect(starts(q(date))).toEqual(expected.map((time) => `${date}T${time}`));
  });
});

describe('isFreeSlot', () => {
  const q = query({ timeZone: 'Europe/Berlin', workingHours: hours([6, 7], ['01:00', '04:00']), from: '2026-10-24', to: '2026-10-25', types: [SHORT, slotType('hour', 60)], busy: [{ start: utc('2026-10-24T23:30'), end: utc('2026-10-25T00:00') }] });

  it('agrees with computeFreeSlots for every quarter hour and type across a change weekend', () => {
    const listed = new Set(computeFreeSlots(q).map((slot) => `${slot.start} ${slot.typeId}`));
    expect(listed.size).toBeGreaterThan(5);
    for (let at = utc('2026-10-23T20:00'); at < utc('2026-10-26T04:00'); at += 15 * 60_000) {
      for (const typeId of ['short', 'hour', 'missing']) {
        expect(isFreeSlot(q, at, typeId), `${utcText(at)} ${typeId}`).toBe(listed.has(`${at} ${typeId}`));
      }
    }
  });

  it.each<[string, number]>([
    ['refuses a start outside the requested dates', utc('2026-10-25T23:00')],
    ['refuses a start in the second, repeated 02:00 hour', utc('2026-10-25T01:00')],
    ['refuses a start that is not a number', Number.NaN],
  ])('%s', (_name, at) => {
    expect(isFreeSlot({ ...q, workingHours: hours([1, 6, 7], ['00:00', '24:00']) }, at, 'short')).toBe(false);
  });
});

describe.each(['Europe/Berlin', 'Europe/Copenhagen'])('zoned time in %s', (timeZone) => {
  it.each<[string, string, string | null]>([
    ['2026-03-28', '09:00', '2026-03-28T08:00'],
    ['2026-03-28', '24:00', '2026-03-28T23:00'],
    ['2026-03-29', '01:59', '2026-03-29T00:59'],
    ['2026-03-29', '02:00', null],
    ['2026-03-29', '02:30', null],
    ['2026-03-29', '03:00', '2026-03-29T01:00'],
    ['2026-03-29', '09:00', '2026-03-29T07:00'],
    ['2026-03-30', '09:00', '2026-03-30T07:00'],
    ['2026-10-24', '09:00', '2026-10-24T07:00'],
    ['2026-10-25', '01:59', '2026-10-24T23:59'],
    ['2026-10-25', '02:00', '2026-10-25T00:00'],
    ['2026-10-25', '02:59', '2026-10-25T00:59'],
    ['2026-10-25', '03:00', '2026-10-25T02:00'],
    ['2026-10-25', '09:00', '2026-10-25T08:00'],
    ['2026-10-26', '09:00', '2026-10-26T08:00'],
  ])('reads %s %s as %s UTC', (date, time, expected) => {
    const at = localDateTimeToUtc(date, minutes(time), timeZone);
    expect(at === null ? null : utcText(at)).toBe(expected);
  });

  it.each(['2026-03-29', '2026-10-25'])('round-trips every minute from the day before to the day after %s', (changeDay) => {
    const skipped: string[] = [];
    for (let day = -1; day <= 1; day++) {
      const date = addDays(changeDay, day);
      for (let minute = 0; minute < 1440; minute++) {
        const at = localDateTimeToUtc(date, minute, timeZone);
        if (at === null) skipped.push(`${date} ${minute}`);
        else expect(utcToLocal(at, timeZone)).toEqual({ date, minuteOfDay: minute, weekday: weekdayOf(date) });
      }
    }
    const expected = changeDay === '2026-03-29' ? Array.from({ length: 60 }, (_, i) => `2026-03-29 ${120 + i}`) : [];
    expect(skipped).toEqual(expected);
  });

  it('maps each instant of the October night back to itself, or to the first of two equal wall times', () => {
    for (let at = utc('2026-10-24T22:00'); at < utc('2026-10-25T04:00'); at += 60_000) {
      const local = utcToLocal(at, timeZone);
      const repeated = at >= utc('2026-10-25T01:00') && at < utc('2026-10-25T02:00');
      expect(localDateTimeToUtc(local.date, local.minuteOfDay, timeZone)).toBe(repeated ? at - 3600_000 : at);
    }
  });
});

describe('zoned time helpers', () => {
  it.each<[string, string, { date: string; minuteOfDay: number; weekday: number }]>([
    ['2026-10-24T23:00', 'Europe/Copenhagen', { date: '2026-10-25', minuteOfDay: 60, weekday: 7 }],
    ['2026-10-25T01:30', 'Europe/Berlin', { date: '2026-10-25', minuteOfDay: 150, weekday: 7 }],
    ['2026-03-29T01:00', 'Europe/Berlin', { date: '2026-03-29', minuteOfDay: 180, weekday: 7 }],
    ['2026-06-15T03:59', 'America/New_York', { date: '2026-06-14', minuteOfDay: 1439, weekday: 7 }],
    ['2026-06-15T04:00:59.999', 'America/New_York', { date: '2026-06-15', minuteOfDay: 0, weekday: 1 }],
  ])('reads %s UTC in %s as local wall time', (text, timeZone, expected) => {
    expect(utcToLocal(utc(text), timeZone)).toEqual(expected);
  });

  it.each<[string, number, string]>([
    ['2026-03-29', 1440, '2026-03-30T04:00'],
    ['2026-03-08', 150, ''],
    ['2026-11-01', 90, '2026-11-01T05:30'],
    ['2026-02-30', 600, ''],
    ['2026-06-15', -1, ''],
    ['2026-06-15', 1441, ''],
    ['2026-06-15', 1.5, ''],
  ])('turns %s minute %d in New York into %s (empty: none)', (date, minute, expected) => {
    const at = localDateTimeToUtc(date, minute, 'America/New_York');
    expect(at === null ? '' : utcText(at)).toBe(expected);
  });

  it.each<[string, number, string]>([
    ['2026-01-31', 1, '2026-02-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-03-28', 2, '2026-03-30'],
  ])('adds to %s %d days giving %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
    expect(daysBetween(date, expected)).toBe(days);
  });

  it.each<[string, boolean]>([
    ['2026-06-15', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-6-15', false],
    ['2026-06-15T00:00', false],
    ['', false],
  ])('judges %j a calendar date: %s', (value, expected) => {
    expect(isIsoDate(value)).toBe(expected);
  });
});
