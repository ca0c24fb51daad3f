import { z } from '@hono/zod-openapi';
import { LOCALES } from '../domain/locale';
import { isReservedSlug, isValidTimeZone, SLUG_PATTERN } from '../domain/practice-rules';
import { fieldIssue } from './errors';

// Field schemas shared by the HTML forms and the JSON API, so both refuse the same input with the same words.

export const emailField = z
  .string({ error: fieldIssue('field.enterEmail') })
  .trim()
  .toLowerCase()
  .max(254, fieldIssue('field.emailTooLong'))
  .pipe(z.email(fieldIssue('field.emailInvalid')))
  .openapi({ example: 'therapist@example.com' });

/** NIST SP 800-63B: length over composition rules; 12 characters at least, generous maximum. */
export const newPasswordField = z
  .string({ error: fieldIssue('field.enterPassword') })
  .min(12, fieldIssue('field.atLeastChars'))
  .max(200, fieldIssue('field.atMostChars'));

export const passwordField = z.string({ error: fieldIssue('field.enterYourPassword') }).min(1, fieldIssue('field.enterYourPassword')).max(200, fieldIssue('field.tooLongShort'));

export const totpField = z
  .string()
  .trim()
  .max(32, fieldIssue('field.tooLongShort'))
  .optional()
  .transform((value) => (value ? value : undefined));

export const signUpBody = z
  .object({
    practiceName: z.string({ error: fieldIssue('field.enterPracticeName') }).trim().min(2, fieldIssue('field.atLeastChars')).max(120, fieldIssue('field.atMostChars')),
    slug: z
      .string({ error: fieldIssue('field.chooseSlug') })
      .trim()
      .toLowerCase()
      .regex(SLUG_PATTERN, fieldIssue('field.slugPattern'))
      .refine((slug) => !isReservedSlug(slug), fieldIssue('field.slugReserved')),
    timeZone: z
      .string({ error: fieldIssue('field.chooseTimeZone') })
      .trim()
      .refine(isValidTimeZone, fieldIssue('field.timeZone')),
    displayName: z.string({ error: fieldIssue('field.enterYourName') }).trim().min(2, fieldIssue('field.atLeastChars')).max(120, fieldIssue('field.atMostChars')),
    email: emailField,
    password: newPasswordField,
    acceptDpa: z.boolean({ error: fieldIssue('field.acceptDpa') }),
    dpaVersion: z.string({ error: fieldIssue('field.dpaVersionMissing') }).max(40),
    locale: z.enum(LOCALES).optional(),
  })
  .openapi('SignUpRequest');

export const loginBody = z
  .object({ email: emailField, password: passwordField, totp: totpField })
  .openapi('LoginRequest');

const linkToken = z.string().min(20, fieldIssue('field.linkIncomplete')).max(128, fieldIssue('field.linkMalformed'));

export const passwordResetRequestBody = z.object({ email: emailField }).openapi('PasswordResetRequest');

export const passwordResetCompleteBody = z
  .object({ token: linkToken, password: newPasswordField, totp: totpField })
  .openapi('PasswordResetComplete');

export const confirmEmailBody = z.object({ token: linkToken }).openapi('ConfirmEmail');

export const totpConfirmBody = z.object({ code: z.string().trim().regex(/^\d{6}$/, fieldIssue('field.sixDigitCode')) });
export const totpDisableBody = z.object({ password: passwordField });

/** Turns a submitted HTML form into the shape the JSON schemas expect (checkboxes become booleans). */
export function formValues(body: Record<string, unknown>, checkboxes: string[] = []): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') values[key] = value;
  for (const box of checkboxes) values[box] = values[box] === 'true' || values[box] === 'on';
  return values;
}
