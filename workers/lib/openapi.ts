import { z } from '@hono/zod-openapi';
import { errorBodySchema } from './errors';

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } };
}

export const errorResponses = {
  400: { description: 'Malformed request', content: { 'application/json': { schema: errorBodySchema } } },
  401: { description: 'Not signed in or wrong credentials', content: { 'application/json': { schema: errorBodySchema } } },
  403: { description: 'CSRF check failed or not allowed', content: { 'application/json': { schema: errorBodySchema } } },
  413: { description: 'Body over 64 KiB', content: { 'application/json': { schema: errorBodySchema } } },
  415: { description: 'Body is not JSON', content: { 'application/json': { schema: errorBodySchema } } },
  422: { description: 'Invalid input, with field messages', content: { 'application/json': { schema: errorBodySchema } } },
  503: { description: 'Database briefly unavailable; nothing was saved, try again', content: { 'application/json': { schema: errorBodySchema } } },
} as const;

export const notFoundResponse = { description: 'Not found (or not yours)', content: { 'application/json': { schema: errorBodySchema } } };
export const conflictResponse = { description: 'Conflicts with existing data', content: { 'application/json': { schema: errorBodySchema } } };

export function jsonResponse<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { 'application/json': { schema } } };
}

/** A download's body for each content type it may come in: a file, not a JSON document the client should parse. */
export function downloadContent(types: string[]) {
  return Object.fromEntries(types.map((type) => [type, { schema: z.string().openapi({ format: 'binary' }) }]));
}
