import { z } from '@hono/zod-openapi';
import { daysBetween, isIsoDate } from '../domain/zoned-time';
import { emailField } from './input';
import { fieldIssue, fieldIssueWith } from './errors';

/** Longest range of the public slot listing, so one request cannot ask for years of computation. */
export const MAX_SLOT_RANGE_DAYS = 62;

const isoDate = z.string().refine(isIsoDate, fieldIssue('field.calendarDate'));

export const slotsQuery = z
  .object({
    from: isoDate.openapi({ example: '2026-12-01' }),
    to: isoDate.openapi({ example: '2026-12-14' }),
    typeId: z.string().min(1).max(64).optional(),
  })
  .superRefine((q, ctx) => {
    if (!isIsoDate(q.from) || !isIsoDate(q.to)) return;
    const days = daysBetween(q.from, q.to);
    if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: fieldIssue('field.toBeforeFrom') });
    if (days >= MAX_SLOT_RANGE_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: fieldIssueWith('field.slotRange', { max: MAX_SLOT_RANGE_DAYS }) });
  });

/** A name, initials or a nickname: whatever the client wants the practice to call them. */
export const clientNameField = z
  .string({ error: fieldIssue('field.enterClientName') })
  .trim()
  .min(1, fieldIssue('field.enterClientName'))
  .max(80, fieldIssue('field.atMostChars'));

export const bookingBody = z
  .object({
    typeId: z.string({ error: fieldIssue('field.chooseAppointmentType') }).min(1, fieldIssue('field.chooseAppointmentType')).max(64),
    start: z.iso.datetime({ offset: true, error: fieldIssue('field.chooseStartIso') }),
    name: clientNameField,
    email: emailField,
    termsVersion: z.coerce.number({ error: fieldIssue('field.termsVersionMissing') }).int(fieldIssue('field.termsVersionWhole')).positive(),
    // Art. 7(1): consent is shown by ticking; the check sits in the schema so a form hears of it with every other field.
    acceptTerms: z.literal(true, { error: fieldIssue('field.acceptTerms') }),
    consents: z.object({ reminders: z.boolean().optional() }).optional(),
  })
  .openapi('BookingRequest');

export const withdrawalBody = z.object({ scope: z.enum(['all', 'reminders']).default('all') });
export const rescheduleBody = z.object({ start: z.iso.datetime({ offset: true, error: fieldIssue('field.chooseTime') }) });
