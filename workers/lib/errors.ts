import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';

export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  SECOND_FACTOR_REQUIRED: 401,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VALIDATION_FAILED: 422,
  TOO_MANY_ATTEMPTS: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type FieldErrors = Record<string, string[]>;

/** The one error type of the app. Expected failures are values of this class, mapped to one JSON shape. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldErrors,
  ) {
    super(message);
  }

  get status(): ContentfulStatusCode {
    return ERROR_STATUS[this.code];
  }
}

export type ErrorBody = { error: { code: ErrorCode; message: string; fields?: FieldErrors } };

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.array(z.string())).optional(),
  }),
});

export function validationError(error: z.ZodError): AppError {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_';
    (fields[key] ??= []).push(issue.message);
  }
  const summary = Object.entries(fields)
    .map(([field, messages]) => `${field}: ${messages.join('; ')}`)
    .join(', ');
  return new AppError('VALIDATION_FAILED', `Invalid input (${summary})`, fields);
}

/**
 * True when D1 failed a statement (its errors read "D1_ERROR: ..."; drizzle keeps them as the cause). That failure is
 * ours and usually passing, so it is answered 503: the same request may be sent again, and since writes that belong
 * together go in one batch, the failed attempt left nothing half-written.
 */
function isDatabaseFailure(err: unknown): boolean {
  for (let current: unknown = err; current instanceof Error; current = current.cause) {
    if (current.message.startsWith('D1_ERROR')) return true;
  }
  return false;
}

/** Normalises anything thrown into an AppError; a database failure becomes a 503, anything else a generic 500. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError) return validationError(err);
  if (isDatabaseFailure(err)) return new AppError('UNAVAILABLE', 'Our database is briefly unavailable. Please try again in a moment.');
  if (err instanceof HTTPException) {
    if (err.status === 413) return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large');
    if (err.status === 400) return new AppError('BAD_REQUEST', err.message || 'Malformed request');
    if (err.status === 404) return new AppError('NOT_FOUND', 'Not found');
    if (err.status === 401) return new AppError('UNAUTHENTICATED', 'Sign-in required');
  }
  return new AppError('INTERNAL', 'Something went wrong on our side. Nothing was saved; please try again.');
}

export function errorResponse(c: Context, error: AppError): Response {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.fields) body.error.fields = error.fields;
  return c.json(body, error.status);
}
