import { z } from '@hono/zod-openapi';
import { daysBetween, isIsoDate } from '../domain/zoned-time';
import { emailField } from './input';

/** Longest range of the public slot listing, so one request cannot ask for years of computation. */
export const MAX_SLOT_RANGE_DAYS = 62;

const isoDate = z.string().refine(isIsoDate, 'Use a calendar date as YYYY-MM-DD');

export const slotsQuery = z
  .object({
    from: isoDate.openapi({ example: '2026-12-01' }),
    to: isoDate.openapi({ example: '2026-12-14' }),
    typeId: z.string().min(1).max(64).optional(),
  })
  .superRefine((q, ctx) => {
    if (!isIsoDate(q.from) || !isIsoDate(q.to)) return;
    const days = daysBetween(q.from, q.to);
    if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: '"to" must not be before "from"' });
    if (days >= MAX_SLOT_RANGE_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `Ask for at most ${MAX_SLOT_RANGE_DAYS} days at a time` });
  });

/** A name, initials or a nickname: whatever the client wants the practice to call them. */
export const clientNameField = z
  .string({ error: 'Enter a name, initials or a nickname' })
  .trim()
  .min(1, 'Enter a name, initials or a nickname')
  .max(80, 'Use at most 80 characters');

export const bookingBody = z
  .object({
    typeId: z.string({ error: 'Choose an appointment type' }).min(1, 'Choose an appointment type').max(64),
    start: z.iso.datetime({ offset: true, error: 'Choose a time (ISO 8601, e.g. 2026-12-01T09:00:00Z)' }),
    name: clientNameField,
    email: emailField,
    termsVersion: z.coerce.number({ error: 'The terms version is missing' }).int('The terms version is a whole number').positive(),
    // Art. 7(1): consent is shown by ticking; the check sits in the schema so a form hears of it with every other field.
    acceptTerms: z.literal(true, { error: 'Read and accept the terms to book' }),
    consents: z.object({ reminders: z.boolean().optional() }).optional(),
  })
  .openapi('BookingRequest');

export const withdrawalBody = z.object({ scope: z.enum(['all', 'reminders']).default('all') });
export const rescheduleBody = z.object({ start: z.iso.datetime({ offset: true, error: 'Choose a time' }) });
