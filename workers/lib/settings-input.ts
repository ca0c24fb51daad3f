import { MAX_HOLD_MINUTES, MIN_HOLD_MINUTES } from '../domain/booking-limits';
import { z } from 'zod';
import { LOCALES } from '../domain/locale';
import { isValidTimeZone } from '../domain/practice-rules';
import { isIsoDate } from '../domain/zoned-time';
import { emailField } from './input';
import { fieldIssue } from './errors';

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
    .number({ error: fieldIssue('settings.enterMinutes') })
    .int(fieldIssue('settings.wholeMinutes'))
    .min(min, fieldIssue('settings.atLeastMinutes'))
    .max(max, fieldIssue('settings.atMostMinutes'))
    .refine((n) => n % step === 0, fieldIssue('settings.fiveMinuteSteps'));
}

/** A whole number typed into a form, then checked by `rule`. */
function numberText<T extends z.ZodType<unknown, number>>(rule: T) {
  return z.string({ error: fieldIssue('settings.enterNumber') }).trim().regex(/^\d{1,6}$/, fieldIssue('settings.wholeNumber')).transform(Number).pipe(rule);
}

const textOf = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const clockText = z.string().trim().max(8, fieldIssue('settings.startClock')).optional();

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
      if (startMinute === null) ctx.addIssue({ code: 'custom', path: [names.start], message: startText ? fieldIssue('settings.startClock') : fieldIssue('settings.startToo') });
      if (endMinute === null) ctx.addIssue({ code: 'custom', path: [names.end], message: endText ? fieldIssue('settings.endClock') : fieldIssue('settings.endToo') });
      if (startMinute !== null && endMinute !== null) ranges.push({ weekday, startMinute, endMinute });
    }
  }
  return ranges;
});

export const exceptionRules = z.object({
  date: z.string({ error: fieldIssue('settings.chooseDate') }).trim().refine(isIsoDate, fieldIssue('settings.calendarDate')),
  kind: z.enum(['closed', 'extra'], { error: fieldIssue('settings.chooseKind') }),
  startMinute: z.number().int().min(0).max(1440).nullable(),
  endMinute: z.number().int().min(0).max(1440).nullable(),
});

export const exceptionForm = z
  .object({ date: z.string({ error: fieldIssue('settings.chooseDate') }), kind: z.string({ error: fieldIssue('settings.chooseKind') }), start: clockText, end: clockText })
  .transform((form, ctx) => {
    const startMinute = form.start ? minutesOfClock(form.start) : null;
    const endMinute = form.end ? endMinutesOfClock(form.end) : null;
    if (form.start && startMinute === null) ctx.addIssue({ code: 'custom', path: ['start'], message: fieldIssue('settings.startClock') });
    if (form.end && endMinute === null) ctx.addIssue({ code: 'custom', path: ['end'], message: fieldIssue('settings.endClock') });
    if (!form.start !== !form.end) ctx.addIssue({ code: 'custom', path: [form.start ? 'end' : 'start'], message: fieldIssue('settings.bothTimesOrNeither') });
    return { date: form.date, kind: form.kind, startMinute, endMinute };
  })
  .pipe(exceptionRules);

export const appointmentTypeRules = z.object({
  name: z.string({ error: fieldIssue('settings.enterName') }).trim().min(2, fieldIssue('field.atLeastChars')).max(80, fieldIssue('field.atMostChars')),
  durationMin: minutes(5, 480, 5),
  bufferBeforeMin: minutes(0, 240, 5),
  bufferAfterMin: minutes(0, 240, 5),
  minNoticeMin: minutes(0, 60 * 24 * 60),
  horizonDays: z.number({ error: fieldIssue('settings.enterDays') }).int(fieldIssue('settings.wholeDays')).min(1, fieldIssue('settings.atLeastDays')).max(365, fieldIssue('settings.atMostDays')),
  mode: z.enum(['video', 'in_person'], { error: fieldIssue('settings.chooseMode') }),
  priceText: z.string().trim().max(80, fieldIssue('field.atMostChars')).nullable(),
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
  name: z.string({ error: fieldIssue('field.enterPracticeName') }).trim().min(2, fieldIssue('field.atLeastChars')).max(120, fieldIssue('field.atMostChars')),
  contactEmail: emailField,
  timeZone: z
    .string({ error: fieldIssue('field.chooseTimeZone') })
    .trim()
    .max(64, fieldIssue('field.timeZoneShort'))
    .refine(isValidTimeZone, fieldIssue('field.timeZone')),
  locale: z.enum(LOCALES, { error: fieldIssue('settings.chooseLocale') }),
  cancellationNoticeHours: z.number({ error: fieldIssue('settings.enterHours') }).int(fieldIssue('settings.wholeHours')).min(0, fieldIssue('settings.atLeastHours')).max(336, fieldIssue('settings.atMostHoursTwoWeeks')),
  /** Opt-in: the practice name in email subjects and calendar entries. Left out, the stored choice stays. */
  nameInSubjects: z.boolean().optional(),
  // How long an online booking waits for its emailed confirmation; left out, it stays as it is.
  holdMinutes: z
    .number({ error: fieldIssue('settings.enterMinutes') })
    .int(fieldIssue('settings.wholeMinutes'))
    .min(MIN_HOLD_MINUTES, fieldIssue('settings.atLeastMinutes'))
    .max(MAX_HOLD_MINUTES, fieldIssue('settings.atMostMinutes'))
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
    .string({ error: fieldIssue('settings.enterTerms') })
    .transform((text) => text.replaceAll('\r\n', '\n').trim())
    .pipe(z.string().min(100, fieldIssue('settings.termsTooShort')).max(20_000, fieldIssue('field.atMostCharsGrouped'))),
});

/** A version number from the address; anything else is simply not a version. */
export const termsVersionParam = z.string().regex(/^[1-9]\d{0,5}$/).transform(Number);

export type WorkingRangeInput = z.infer<typeof workingRangeRules>;
export type ExceptionInput = z.input<typeof exceptionRules>;
export type AppointmentTypeInput = z.input<typeof appointmentTypeRules>;
export type ProfileInput = z.input<typeof profileRules>;
export type TermsInput = z.input<typeof termsRules>;
