import { MAX_HOLD_MINUTES, MIN_HOLD_MINUTES } from '../domain/booking-limits';
import { z } from 'zod';
import { LOCALES } from '../domain/locale';
import { isValidTimeZone } from '../domain/practice-rules';
import { isIsoDate } from '../domain/zoned-time';
import { emailField } from './input';

// The settings rules as zod schemas over typed values (`*Rules`, which workers/services/settings.ts applies to any
// caller), and the HTML forms (`*Form`), which only turn form strings into those values and then apply the same rules.

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
/** Ranges a weekday of the hours form offers when empty; it shows more when more are stored, up to MAX_RANGES_PER_DAY. */
export const RANGES_PER_DAY_IN_FORM = 3;
export const MAX_RANGES_PER_DAY = 8;

/** "09:00" → 540; "24:00" is the end of the day. Null when the text is not a time of day. */
export function minutesOfClock(text: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return Number(match[2]) < 60 && minutes <= 1440 ? minutes : null;
}

/** 540 → "09:00", for filling the inputs back in. */
export function clockOfMinutes(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** An end time of 00:00 means midnight at the end of the day (time inputs cannot show 24:00). */
export function endMinutesOfClock(text: string): number | null {
  const minutes = minutesOfClock(text);
  return minutes === 0 ? 1440 : minutes;
}

export function clockOfEnd(minutes: number): string {
  return minutes === 1440 ? '00:00' : clockOfMinutes(minutes);
}

export const hourFieldName = (weekday: number, index: number, end: 'start' | 'end') => `day${weekday}_${end}${index}`;

// The booking engine claims time in 5-minute buckets (appointment_slots), so durations and buffers must fill whole ones.
function minutes(min: number, max: number, step = 1) {
  return z
    .number({ error: 'Enter a number of minutes' })
    .int('Enter a whole number of minutes')
    .min(min, `Use at least ${min} minutes`)
    .max(max, `Use at most ${max} minutes`)
    .refine((n) => n % step === 0, `Use a multiple of ${step} minutes (5, 10, 15 …): bookings are kept in 5-minute steps`);
}

/** A whole number typed into a form, then checked by `rule`. */
function numberText<T extends z.ZodType<unknown, number>>(rule: T) {
  return z.string({ error: 'Enter a number' }).trim().regex(/^\d{1,6}$/, 'Enter a whole number').transform(Number).pipe(rule);
}

const textOf = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const clockText = z.string().trim().max(8, 'Use a time such as 09:00').optional();

export const workingRangeRules = z.object({
  weekday: z.number().int().min(1).max(7),
  startMinute: z.number().int().min(0).max(1440),
  endMinute: z.number().int().min(0).max(1440),
});

/** The hours form: optional start/end pairs per weekday, named dayW_startI / dayW_endI. */
export const hoursForm = z.record(z.string(), z.unknown()).transform((values, ctx) => {
  const ranges: z.infer<typeof workingRangeRules>[] = [];
  for (const weekday of WEEKDAYS) {
    for (let index = 0; index < MAX_RANGES_PER_DAY; index++) {
      const names = { start: hourFieldName(weekday, index, 'start'), end: hourFieldName(weekday, index, 'end') };
      const startText = textOf(values[names.start]);
      const endText = textOf(values[names.end]);
      if (startText === '' && endText === '') continue;
      const startMinute = minutesOfClock(startText);
      const endMinute = endMinutesOfClock(endText);
      if (startMinute === null) ctx.addIssue({ code: 'custom', path: [names.start], message: startText ? 'Use a time such as 09:00' : 'Enter a start time too, or clear the end time' });
      if (endMinute === null) ctx.addIssue({ code: 'custom', path: [names.end], message: endText ? 'Use a time such as 17:00' : 'Enter an end time too, or clear the start time' });
      if (startMinute !== null && endMinute !== null) ranges.push({ weekday, startMinute, endMinute });
    }
  }
  return ranges;
});

export const exceptionRules = z.object({
  date: z.string({ error: 'Choose a date' }).trim().refine(isIsoDate, 'Use a calendar date such as 2026-12-24'),
  kind: z.enum(['closed', 'extra'], { error: 'Choose “closed” or “extra hours”' }),
  startMinute: z.number().int().min(0).max(1440).nullable(),
  endMinute: z.number().int().min(0).max(1440).nullable(),
});

export const exceptionForm = z
  .object({ date: z.string({ error: 'Choose a date' }), kind: z.string({ error: 'Choose “closed” or “extra hours”' }), start: clockText, end: clockText })
  .transform((form, ctx) => {
    const startMinute = form.start ? minutesOfClock(form.start) : null;
    const endMinute = form.end ? endMinutesOfClock(form.end) : null;
    if (form.start && startMinute === null) ctx.addIssue({ code: 'custom', path: ['start'], message: 'Use a time such as 09:00' });
    if (form.end && endMinute === null) ctx.addIssue({ code: 'custom', path: ['end'], message: 'Use a time such as 17:00' });
    if (!form.start !== !form.end) ctx.addIssue({ code: 'custom', path: [form.start ? 'end' : 'start'], message: 'Enter both times, or neither for the whole day' });
    return { date: form.date, kind: form.kind, startMinute, endMinute };
  })
  .pipe(exceptionRules);

export const appointmentTypeRules = z.object({
  name: z.string({ error: 'Enter a name' }).trim().min(2, 'Use at least 2 characters').max(80, 'Use at most 80 characters'),
  durationMin: minutes(5, 480, 5),
  bufferBeforeMin: minutes(0, 240, 5),
  bufferAfterMin: minutes(0, 240, 5),
  minNoticeMin: minutes(0, 60 * 24 * 60),
  horizonDays: z.number({ error: 'Enter a number of days' }).int('Enter a whole number of days').min(1, 'Use at least 1 day').max(365, 'Use at most 365 days'),
  mode: z.enum(['video', 'in_person'], { error: 'Choose video or in the practice' }),
  priceText: z.string().trim().max(80, 'Use at most 80 characters').nullable(),
});

const typeShape = appointmentTypeRules.shape;
export const appointmentTypeForm = z.object({
  name: typeShape.name,
  durationMin: numberText(typeShape.durationMin),
  bufferBeforeMin: numberText(typeShape.bufferBeforeMin),
  bufferAfterMin: numberText(typeShape.bufferAfterMin),
  minNoticeMin: numberText(typeShape.minNoticeMin),
  horizonDays: numberText(typeShape.horizonDays),
  mode: typeShape.mode,
  priceText: z
    .string()
    .optional()
    .transform((text) => text?.trim() || null)
    .pipe(typeShape.priceText),
});

export const profileRules = z.object({
  name: z.string({ error: 'Enter the practice name' }).trim().min(2, 'Use at least 2 characters').max(120, 'Use at most 120 characters'),
  contactEmail: emailField,
  timeZone: z
    .string({ error: 'Choose a time zone' })
    .trim()
    .max(64, 'Use an IANA time zone such as Europe/Berlin')
    .refine(isValidTimeZone, 'Use an IANA time zone such as Europe/Berlin or Europe/Copenhagen'),
  locale: z.enum(LOCALES, { error: 'Choose Deutsch, Dansk or English' }),
  cancellationNoticeHours: z.number({ error: 'Enter a number of hours' }).int('Enter a whole number of hours').min(0, 'Use 0 hours or more').max(336, 'Use at most 336 hours (two weeks)'),
  /** Opt-in: the practice name in email subjects and calendar entries. Left out, the stored choice stays. */
  nameInSubjects: z.boolean().optional(),
  // How long an online booking waits for its emailed confirmation; left out, it stays as it is.
  holdMinutes: z
    .number({ error: 'Enter a number of minutes' })
    .int('Enter a whole number of minutes')
    .min(MIN_HOLD_MINUTES, `Use at least ${MIN_HOLD_MINUTES} minutes`)
    .max(MAX_HOLD_MINUTES, `Use at most ${MAX_HOLD_MINUTES} minutes`)
    .optional(),
});

export const profileForm = profileRules.extend({
  cancellationNoticeHours: numberText(profileRules.shape.cancellationNoticeHours),
  // An unticked checkbox sends nothing, so the form always decides: absent is off.
  nameInSubjects: z
    .string()
    .optional()
    .transform((value) => value === 'on'),
  holdMinutes: numberText(profileRules.shape.holdMinutes.unwrap()).optional(),
});

/** Browsers send textarea line breaks as CRLF; the stored text (and its hash) uses LF like the default terms. */
export const termsRules = z.object({
  text: z
    .string({ error: 'Enter the terms text' })
    .transform((text) => text.replaceAll('\r\n', '\n').trim())
    .pipe(z.string().min(100, 'The terms look incomplete: use at least 100 characters').max(20_000, 'Use at most 20,000 characters')),
});

/** A version number from the address; anything else is simply not a version. */
export const termsVersionParam = z.string().regex(/^[1-9]\d{0,5}$/).transform(Number);

export type WorkingRangeInput = z.infer<typeof workingRangeRules>;
export type ExceptionInput = z.input<typeof exceptionRules>;
export type AppointmentTypeInput = z.input<typeof appointmentTypeRules>;
export type ProfileInput = z.input<typeof profileRules>;
export type TermsInput = z.input<typeof termsRules>;
