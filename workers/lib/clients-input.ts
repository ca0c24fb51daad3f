import { z } from '@hono/zod-openapi';
import { clientNameField } from './booking-input';
import { fieldIssue } from './errors';
import { emailField } from './input';

/** An empty field means "no email on file": pseudonymous clients are normal. */
// Documented as one nullable string: the generator would describe the null branch as a `nullable` without a `type`,
// which strict OpenAPI validators refuse. (`nullable` is OpenAPI 3.0 metadata the zod metadata type does not name.)
const NULLABLE_EMAIL = { type: 'string', nullable: true, maxLength: 254, description: 'An email address; empty or null for none' } as const;
const optionalEmail = z
  .union([z.literal('').transform(() => null), z.null(), emailField])
  .optional()
  .openapi(NULLABLE_EMAIL);

export const clientCreateBody = z.object({ displayName: clientNameField, email: optionalEmail }).openapi('ClientCreate');

export const clientPatchBody = z
  .object({
    displayName: clientNameField.optional(),
    email: optionalEmail,
    active: z.boolean().optional(),
    restricted: z.boolean().optional(),
  })
  .openapi('ClientPatch');

export const clientsQuery = z.object({
  q: z.string().max(100, fieldIssue('field.searchTooLong')).optional(),
  includeInactive: z.enum(['true', 'false']).optional(),
});

export const clientIdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });
