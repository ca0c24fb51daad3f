// Requests of the bench files: a signed-in session (cookie and CSRF token, as the JSON sign-in returns them) and
// JSON calls whose answers are parsed, not cast.
import { z } from 'zod';

export type Session = { cookie: string; csrf: string };

const loginAnswer = z.object({ csrfToken: z.string() });

export async function signIn(origin: string, email: string, password: string): Promise<Session> {
  const response = await fetch(`${origin}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!response.ok) throw new Error(`sign-in of ${email} failed: ${response.status}`);
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { cookie, csrf: loginAnswer.parse(await response.json()).csrfToken };
}

/** Headers of a request made as the session: the cookie, and the CSRF token that state changes need. */
export function sessionHeaders(session: Session, extra: Record<string, string> = {}): Record<string, string> {
  return { cookie: session.cookie, 'x-csrf-token': session.csrf, ...extra };
}

type JsonCall<T extends z.ZodType> = { method?: string; headers?: Record<string, string>; body?: unknown; expect: number; answer: T };

/** A JSON request; throws with the status and the start of the body unless the status is the expected one. */
export async function callJson<T extends z.ZodType>(url: string, call: JsonCall<T>): Promise<z.infer<T>> {
  const method = call.method ?? (call.body === undefined ? 'GET' : 'POST');
  const response = await fetch(url, {
    method,
    headers: { ...(call.body === undefined ? {} : { 'content-type': 'application/json' }), ...call.headers },
    ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
  });
  if (response.status !== call.expect) throw new Error(`${method} ${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return call.answer.parse(await response.json());
}

export function isoDate(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
