import { z } from '@hono/zod-openapi';
import { RIGHTS_TYPES } from '../../db/schema/rights-requests';
import { MAX_EXTENSION_MONTHS } from '../domain/deadlines';
import { clientNameField } from './booking-input';
import { emailField } from './input';
import { fieldIssue, type IssueKey } from './errors';

// Input of the rights portal, the DPO console and the practice's comments; shared by the forms and the JSON API.

export const MAX_DETAILS = 2000;
export const DOWNLOAD_FORMATS = ['json', 'csv', 'fhir'] as const;

const emptyToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** Free text of a few words to a few paragraphs; an empty field is no text. */
function textField(max: number, required: IssueKey) {
  return z.string({ error: fieldIssue(required) }).trim().min(1, fieldIssue(required)).max(max, fieldIssue('field.atMostChars'));
}

export const rightsRequestBody = z
  .object({
    practice: z
      .string({ error: fieldIssue('rights.enterPractice') })
      .trim()
      .toLowerCase()
      .min(1, fieldIssue('rights.enterPractice'))
      .max(64, fieldIssue('rights.practiceTooLong'))
      .openapi({ example: 'demo', description: 'The practice’s booking address, as in /book/<slug>' }),
    types: z
      .array(z.enum(RIGHTS_TYPES, { error: fieldIssue('rights.unknownType') }), { error: fieldIssue('rights.chooseType') })
      .min(1, fieldIssue('rights.chooseType'))
      .max(RIGHTS_TYPES.length)
      // One canonical order, so identical requests compare equal whatever order they were ticked in.
      .transform((types) => RIGHTS_TYPES.filter((type) => types.includes(type))),
    email: emailField,
    details: z
      .string({ error: fieldIssue('rights.detailsAsText') })
      .trim()
      .max(MAX_DETAILS, fieldIssue('field.atMostChars'))
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
    .number({ error: fieldIssue('rights.chooseMonths') })
    .int(fieldIssue('rights.chooseMonths'))
    .min(1, fieldIssue('rights.chooseMonths'))
    .max(MAX_EXTENSION_MONTHS, fieldIssue('rights.atMostTwoMonths')),
  reason: textField(500, 'rights.giveReason'),
});

export const reasonForm = z.object({ reason: textField(500, 'rights.giveReason') });
export const completeForm = z.object({ outcome: z.preprocess(emptyToUndefined, textField(500, 'rights.summarise').optional()) });
export const answerForm = z.object({ message: textField(5000, 'rights.writeAnswer') });
export const commentForm = z.object({ note: textField(MAX_DETAILS, 'rights.writeComment') });
export const downloadForm = z.object({ format: z.enum(DOWNLOAD_FORMATS, { error: fieldIssue('rights.chooseFormat') }).default('json') });
export const verifyInPersonForm = z.object({ clientId: z.string({ error: fieldIssue('rights.chooseClient') }).min(1, fieldIssue('rights.chooseClient')).max(64) });

export const rectifyForm = z
  .object({
    displayName: z.preprocess(emptyToUndefined, clientNameField.optional()),
    email: z.preprocess(emptyToUndefined, emailField.optional()),
  })
  .refine((form) => form.displayName !== undefined || form.email !== undefined, { message: fieldIssue('rights.enterCorrection'), path: ['displayName'] });
