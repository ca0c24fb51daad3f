import { z } from '@hono/zod-openapi';
import { LOCALES } from '../domain/locale';
import { isReservedSlug, isValidTimeZone, SLUG_PATTERN } from '../domain/practice-rules';

// Field schemas shared by the HTML forms and the JSON API, so both refuse the same input with the same words.

export const emailField = z
  .string({ error: 'Enter an email address' })
  .trim()
  .toLowerCase()
  .max(254, 'The email address is too long')
  .pipe(z.email('Enter a valid email address'))
  .openapi({ example: 'therapist@example.com' });

/** NIST SP 800-63B: length over composition rules; 12 characters at least, generous maximum. */
export const newPasswordField = z
  .string({ error: 'Enter a password' })
  .min(12, 'Use at least 12 characters')
  .max(200, 'Use at most 200 characters');

export const passwordField = z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(200, 'Too long');

export const totpField = z
  .string()
  .trim()
  .max(32, 'Too long')
  .optional()
  .transform((value) => (value ? value : undefined));

export const signUpBody = z
  .object({
    practiceName: z.string({ error: 'Enter the practice name' }).trim().min(2, 'Use at least 2 characters').max(120, 'Use at most 120 characters'),
    slug: z
      .string({ error: 'Choose a booking address' })
      .trim()
      .toLowerCase()
      .regex(SLUG_PATTERN, 'Use 3–40 lowercase letters, digits or hyphens, not starting or ending with a hyphen')
      .refine((slug) => !isReservedSlug(slug), 'This address is reserved'),
    timeZone: z
      .string({ error: 'Choose a time zone' })
      .trim()
      .refine(isValidTimeZone, 'Use an IANA time zone such as Europe/Berlin or Europe/Copenhagen'),
    displayName: z.string({ error: 'Enter your name' }).trim().min(2, 'Use at least 2 characters').max(120, 'Use at most 120 characters'),
    email: emailField,
    password: newPasswordField,
    acceptDpa: z.boolean({ error: 'Accept the data-processing agreement' }),
    dpaVersion: z.string({ error: 'The agreement version is missing' }).max(40),
    locale: z.enum(LOCALES).optional(),
  })
  .openapi('SignUpRequest');

export const loginBody = z
  .object({ email: emailField, password: passwordField, totp: totpField })
  .openapi('LoginRequest');

const linkToken = z.string().min(20, 'The link is incomplete').max(128, 'The link is malformed');

export const passwordResetRequestBody = z.object({ email: emailField }).openapi('PasswordResetRequest');

export const passwordResetCompleteBody = z
  .object({ token: linkToken, password: newPasswordField, totp: totpField })
  .openapi('PasswordResetComplete');

export const confirmEmailBody = z.object({ token: linkToken }).openapi('ConfirmEmail');

export const totpConfirmBody = z.object({ code: z.string().trim().regex(/^\d{6}$/, 'Enter the 6-digit code') });
export const totpDisableBody = z.object({ password: passwordField });

/** Turns a submitted HTML form into the shape the JSON schemas expect (checkboxes become booleans). */
export function formValues(body: Record<string, unknown>, checkboxes: string[] = []): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') values[key] = value;
  for (const box of checkboxes) values[box] = values[box] === 'true' || values[box] === 'on';
  return values;
}
