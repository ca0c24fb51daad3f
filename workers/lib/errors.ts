import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { someCause } from '../../db/errors';
import { type ErrorKey, type ErrorParams, errorText, isErrorKey, type Message, type PlainKey } from '../../web/i18n/errors';
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

/** A bare key stands for itself without parameters. */
function keyed(message: PlainKey | Message): Message {
  return typeof message === 'string' ? { key: message } : message;
}

/**
 * The one error type of the app. Expected failures are values of this class, mapped to one JSON shape. An error
 * carries a code (the HTTP status follows from it) and a message key from `web/i18n/errors` with its parameters, never
 * words: the JSON API answers in English, a page in its own language (`textIn`, `fieldsIn`).
 *
 *   new AppError('CONFLICT', 'booking.slotGone', { start: 'booking.slotGoneField' })
 *   new AppError('TOO_MANY_ATTEMPTS', { key: 'auth.throttled', params: { seconds } })
 */
export class AppError extends Error {
  readonly text: Message;
  readonly fieldTexts: Record<string, Message[]> | undefined;

  constructor(
    readonly code: ErrorCode,
    message: PlainKey | Message,
    fields?: FieldMessages,
  ) {
    const text = keyed(message);
    super(errorText(text, 'en'));
    this.text = text;
    this.fieldTexts = fields && Object.fromEntries(Object.entries(fields).map(([field, texts]) => [field, (Array.isArray(texts) ? texts : [texts]).map(keyed)]));
  }

  get status(): ContentfulStatusCode {
    return ERROR_STATUS[this.code];
  }

  get key(): ErrorKey {
    return this.text.key;
  }

  /** The English field errors, as the JSON API gives them. */
  get fields(): FieldErrors | undefined {
    return this.fieldsIn('en');
  }

  textIn(locale: Locale): string {
    return errorText(this.text, locale);
  }

  fieldsIn(locale: Locale): FieldErrors | undefined {
    if (!this.fieldTexts) return undefined;
    return Object.fromEntries(Object.entries(this.fieldTexts).map(([field, texts]) => [field, texts.map((text) => errorText(text, locale))]));
  }
}

export type ErrorBody = { error: { code: ErrorCode; message: string; key: ErrorKey; fields?: FieldErrors } };

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    key: z.string().optional(),
    fields: z.record(z.string(), z.array(z.string())).optional(),
  }),
});

/** Keys a zod message may name bare: fixed texts, or texts whose only parameters are the refused check's limits. */
export type IssueKey = { [K in ErrorKey]: ErrorParams<K> extends undefined | { min?: number; max?: number } ? K : never }[ErrorKey];

/**
 * A zod message written as a catalogue key, e.g. `.max(80, fieldIssue('field.atMostChars'))`: `validationError` turns
 * it back into words in the reader's language, with `min` and `max` taken from the refused check.
 */
export function fieldIssue(key: IssueKey): string {
  return key;
}

/** A zod message as a key with parameters of its own (zod carries only a string, so they travel as JSON after it). */
export function fieldIssueWith<K extends ErrorKey>(key: K, params: NonNullable<ErrorParams<K>>): string {
  return `${key} ${JSON.stringify(params)}`;
}

type Issue = z.ZodError['issues'][number];

function issueLimits(issue: Issue): { min?: number; max?: number } {
  if (issue.code === 'too_small') return { min: Number(issue.minimum) };
  if (issue.code === 'too_big') return { max: Number(issue.maximum) };
  return {};
}

/** The key and parameters a schema wrote with `fieldIssue` or `fieldIssueWith`, or null for zod's own words. */
function writtenKey(message: string): { key: ErrorKey; params: object } | null {
  const space = message.indexOf(' ');
  const key = space < 0 ? message : message.slice(0, space);
  if (!isErrorKey(key)) return null;
  const params: unknown = space < 0 ? {} : JSON.parse(message.slice(space + 1));
  return { key, params: typeof params === 'object' && params !== null ? params : {} };
}

/** An issue's message as a key: ours when the schema named one, else one for zod's own words (kept for the API). */
function issueMessage(issue: Issue): Message {
  const limits = issueLimits(issue);
  const written = writtenKey(issue.message);
  // The key comes from our own schema; its parameters are the ones written with it and the refused check's limits.
  if (written) return { key: written.key, params: { ...written.params, ...limits } } as Message;
  const detail = issue.message;
  if (issue.code === 'too_big' && issue.origin === 'string' && limits.max !== undefined) return { key: 'field.tooLong', params: { max: limits.max, detail } };
  if (issue.code === 'too_small' && issue.origin === 'string' && limits.min !== undefined) return { key: 'field.tooShort', params: { min: limits.min, detail } };
  return { key: 'field.invalid', params: { detail } };
}

const sentence = (text: string) => (/[.!?…]$/.test(text) ? text : `${text}.`);

/**
 * Refused input. The API's English message names the fields ("Invalid input (email: ...)"), as it always did; a page
 * never shows a field's name: it leads with a sentence in its language and lists what each field says, since a hidden
 * field's message would otherwise be lost.
 */
class ValidationError extends AppError {
  constructor(fields: Record<string, Message[]>) {
    const summary = Object.entries(fields)
      .map(([field, messages]) => `${field}: ${messages.map((message) => errorText(message, 'en')).join('; ')}`)
      .join(', ');
    super('VALIDATION_FAILED', { key: 'validation.invalid', params: { summary } }, fields);
  }

  override textIn(locale: Locale): string {
    const texts = new Set(Object.values(this.fieldsIn(locale) ?? {}).flat().map(sentence));
    return [errorText('validation.checkEntries', locale), ...texts].join(' ');
  }
}

export function validationError(error: z.ZodError): AppError {
  const fields: Record<string, Message[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.length ? issue.path.join('.') : '_';
    (fields[field] ??= []).push(issueMessage(issue));
  }
  return new ValidationError(fields);
}

/**
 * True when D1 failed a statement (its errors read "D1_ERROR: ..."; drizzle keeps them as the cause). That failure is
 * ours and usually passing, so it is answered 503: the same request may be sent again, and since writes that belong
 * together go in one batch, the failed attempt left nothing half-written.
 */
function isDatabaseFailure(err: unknown): boolean {
  return someCause(err, (message) => message.startsWith('D1_ERROR'));
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
  const body: ErrorBody = { error: { code: error.code, message: error.message, key: error.key } };
  const fields = error.fieldsIn('en');
  if (fields) body.error.fields = fields;
  return body;
}

export function errorResponse(c: Context, error: AppError): Response {
  return c.json(errorResponseBody(error), error.status);
}
