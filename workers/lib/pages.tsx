import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { PageContext } from '../../web/components/layout';
import { messages } from '../../web/i18n';
import type { FormState } from '../../web/components/text-field';
import type { Locale } from '../domain/locale';
import { AppError, validationError } from './errors';
import type { HonoEnv } from './hono-env';
import { formValues } from './input';

export function pageContext(c: Context<HonoEnv>): PageContext {
  return { t: messages(c.var.locale), locale: c.var.locale, path: c.req.path, session: c.var.session };
}

/**
 * A form's failure as page state in the page's language; only AppErrors carry user-facing words, anything else is
 * rethrown.
 */
export function formFailure(error: unknown, values: Record<string, unknown>, locale: Locale): { state: FormState; status: ContentfulStatusCode } {
  if (!(error instanceof AppError) || error.status >= 500) throw error;
  const safeValues: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string' && !/password|token|_csrf|totp|code/i.test(key)) safeValues[key] = value;
  }
  return { state: { message: error.textIn(locale), fields: error.fieldsIn(locale), values: safeValues }, status: error.status };
}

/**
 * Runs one form action: `action` answers a success (usually 303 back with a notice); an expected failure shows the
 * form again through `rerender` with its message in place. NOT_FOUND stays the plain 404 page, so an id of another
 * practice reveals nothing.
 */
export async function formAction(
  c: Context<HonoEnv>,
  action: (values: Record<string, unknown>) => Promise<Response>,
  rerender: (failure: { state: FormState; status: ContentfulStatusCode }) => Response | Promise<Response>,
): Promise<Response> {
  const values = formValues(await c.req.parseBody());
  try {
    return await action(values);
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') throw error;
    return rerender(formFailure(error, values, c.var.locale));
  }
}

/** Parses form values with a JSON schema, throwing the same 422 the API gives. */
export function parseForm<T extends z.ZodType>(schema: T, values: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

/**
 * Only same-site paths may be followed after sign-in (no open redirects): one leading slash, then printable ASCII
 * without spaces or backslashes. Browsers drop tabs and newlines from URLs ("/\t/evil" becomes "//evil") and a control
 * character cannot go into a Location header at all, so anything else falls back.
 */
const SAFE_PATH = /^\/(?!\/)[!-[\]-~]*$/;

export function safeNext(next: unknown, fallback: string): string {
  return typeof next === 'string' && next.length <= 2048 && SAFE_PATH.test(next) ? next : fallback;
}
