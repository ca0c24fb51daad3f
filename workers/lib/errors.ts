import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { type ErrorKey, errorText, isErrorKey, type Message, type PlainKey } from '../../web/i18n/errors';
import type { Locale } from '../domain/locale';

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
/** Field errors as words in one language: what the JSON body (English) and a form page (its language) show. */
export type FieldErrors = Record<string, string[]>;
/** Field errors as keys: one key, a key with its parameters, or several messages for one field. */
export type FieldMessages = Record<string, PlainKey | Message | Message[]>;

/** What an error says, as a key with parameters; a string only on the deprecated English path. */
type Text = Message | string;

function normalise(text: PlainKey | Message | string): Text {
  return typeof text === 'string' && isErrorKey(text) ? { key: text } as Message : text;
}

function render(text: Text, locale: Locale): string {
  return typeof text === 'string' ? text : errorText(text, locale);
}

/**
 * The one error type of the app. Expected failures are values of this class, mapped to one JSON shape. An error
 * carries a code (the HTTP status follows from it) and a message key from `web/i18n/errors` with its parameters; the
 * JSON API answers in English, a page in its own language (`textIn`, `fieldsIn`).
 */
export class AppError extends Error {
  readonly text: Text;
  readonly fieldTexts: Record<string, Text[]> | undefined;

  constructor(code: ErrorCode, message: PlainKey | Message, fields?: FieldMessages);
  /** @deprecated Write a key from `web/i18n/errors` instead of English words: `new AppError(code, 'area.key', { field: 'area.fieldKey' })`. */
  constructor(code: ErrorCode, message: string, fields?: FieldErrors);
  constructor(
    readonly code: ErrorCode,
    message: PlainKey | Message | string,
    fields?: FieldMessages | FieldErrors,
  ) {
    const text = normalise(message);
    super(render(text, 'en'));
    this.text = text;
    this.fieldTexts = fields && Object.fromEntries(Object.entries(fields).map(([field, texts]) => [field, (Array.isArray(texts) ? texts : [texts]).map(normalise)]));
  }

  get status(): ContentfulStatusCode {
    return ERROR_STATUS[this.code];
  }

  /** The message key, absent only on the deprecated English path. */
  get key(): ErrorKey | undefined {
    return typeof this.text === 'string' ? undefined : this.text.key;
  }

  /** The English field errors, as the JSON API gives them. */
  get fields(): FieldErrors | undefined {
    return this.fieldsIn('en');
  }

  textIn(locale: Locale): string {
    return render(this.text, locale);
  }

  fieldsIn(locale: Locale): FieldErrors | undefined {
    if (!this.fieldTexts) return undefined;
    return Object.fromEntries(Object.entries(this.fieldTexts).map(([field, texts]) => [field, texts.map((text) => render(text, locale))]));
  }
}

export type ErrorBody = { error: { code: ErrorCode; message: string; key?: ErrorKey; fields?: FieldErrors } };

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    key: z.string().optional(),
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
  if (isDatabaseFailure(err)) return new AppError('UNAVAILABLE', 'server.databaseUnavailable');
  if (err instanceof HTTPException) {
    if (err.status === 413) return new AppError('PAYLOAD_TOO_LARGE', 'request.tooLarge');
    if (err.status === 400) return new AppError('BAD_REQUEST', { key: 'request.malformed', params: { detail: err.message } });
    if (err.status === 404) return new AppError('NOT_FOUND', 'request.notFound');
    if (err.status === 401) return new AppError('UNAUTHENTICATED', 'session.signInRequired');
  }
  return new AppError('INTERNAL', 'server.internal');
}

/** The one error shape of the API, in English: the code, the English message, its key, and the field errors. */
export function errorResponseBody(error: AppError): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.key) body.error.key = error.key;
  const fields = error.fieldsIn('en');
  if (fields) body.error.fields = fields;
  return body;
}

export function errorResponse(c: Context, error: AppError): Response {
  return c.json(errorResponseBody(error), error.status);
}
