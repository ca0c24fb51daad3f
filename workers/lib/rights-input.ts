import { z } from '@hono/zod-openapi';
import { RIGHTS_TYPES } from '../../db/schema/rights-requests';
import { MAX_EXTENSION_MONTHS } from '../domain/deadlines';
import { clientNameField } from './booking-input';
import { emailField } from './input';

// Input of the rights portal, the DPO console and the practice's comments; shared by the forms and the JSON API.

export const MAX_DETAILS = 2000;
export const DOWNLOAD_FORMATS = ['json', 'csv', 'fhir'] as const;

const emptyToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** Free text of a few words to a few paragraphs; an empty field is no text. */
function textField(max: number, required: string) {
  return z.string({ error: required }).trim().min(1, required).max(max, `Use at most ${max} characters`);
}

export const rightsRequestBody = z
  .object({
    practice: z
      .string({ error: 'Enter the practice’s booking address' })
      .trim()
      .toLowerCase()
      .min(1, 'Enter the practice’s booking address')
      .max(64, 'The booking address is too long')
      .openapi({ example: 'demo', description: 'The practice’s booking address, as in /book/<slug>' }),
    types: z
      .array(z.enum(RIGHTS_TYPES, { error: 'Unknown kind of request' }), { error: 'Choose at least one kind of request' })
      .min(1, 'Choose at least one kind of request')
      .max(RIGHTS_TYPES.length)
      // One canonical order, so identical requests compare equal whatever order they were ticked in.
      .transform((types) => RIGHTS_TYPES.filter((type) => types.includes(type))),
    email: emailField,
    details: z
      .string({ error: 'Describe your request as text' })
      .trim()
      .max(MAX_DETAILS, `Use at most ${MAX_DETAILS} characters`)
      .optional()
      .transform((details) => (details ? details : undefined)),
  })
  .openapi('RightsRequest');

export type RightsRequestInput = z.infer<typeof rightsRequestBody>;

/** A form's repeated checkboxes arrive as an array, a single one as a string; everything else must be text. */
export function rightsFormValues(body: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'types') values.types = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    else if (typeof value === 'string') values[key] = value;
  }
  values.types ??= [];
  return values;
}

export const verifyTokenParam = z.string().min(20).max(128);
export const requestIdParam = z.string().min(1).max(64);

export const extendForm = z.object({
  months: z.coerce
    .number({ error: 'Choose 1 or 2 months' })
    .int('Choose 1 or 2 months')
    .min(1, 'Choose 1 or 2 months')
    .max(MAX_EXTENSION_MONTHS, 'Art. 12(3) GDPR allows at most two further months'),
  reason: textField(500, 'Give the reason the subject will read'),
});

export const reasonForm = z.object({ reason: textField(500, 'Give the reason the subject will read') });
export const completeForm = z.object({ outcome: z.preprocess(emptyToUndefined, textField(500, 'Summarise the answer').optional()) });
export const answerForm = z.object({ message: textField(5000, 'Write the answer') });
export const commentForm = z.object({ note: textField(MAX_DETAILS, 'Write a comment') });
export const downloadForm = z.object({ format: z.enum(DOWNLOAD_FORMATS, { error: 'Choose JSON, CSV or FHIR' }).default('json') });
export const verifyInPersonForm = z.object({ clientId: z.string({ error: 'Choose the client' }).min(1, 'Choose the client').max(64) });

export const rectifyForm = z
  .object({
    displayName: z.preprocess(emptyToUndefined, clientNameField.optional()),
    email: z.preprocess(emptyToUndefined, emailField.optional()),
  })
  .refine((form) => form.displayName !== undefined || form.email !== undefined, { message: 'Enter the corrected name or email address', path: ['displayName'] });
