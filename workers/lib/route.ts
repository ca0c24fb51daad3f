import { createRoute, OpenAPIHono, type RouteConfig, type RouteHandler } from '@hono/zod-openapi';
import type { Handler, MiddlewareHandler } from 'hono';
import { mergePath } from 'hono/utils/url';
import { AppError, validationError } from './errors';
import type { HonoEnv } from './hono-env';
import { requireDpoSecondFactor, requireRole } from './session';

/**
 * Who may call a route. Every route declares one (the declaration helpers below take it as a required argument), and
 * the guard the route runs is derived from it, so a route cannot exist without a rule nor be guarded differently.
 *  - public:    anyone, signed in or not
 *  - signed-in: any account (therapist or DPO)
 *  - therapist: a therapist, for their own practice only (the handler scopes its queries by practiceIdOf)
 *  - dpo:       the platform's data-protection officer, with a second factor in production
 *  - client-link: whoever holds the emailed link token of one appointment (the token is the credential)
 *  - subject-link: whoever holds a data-subject request's verification or download link
 *  - call:      the appointment's therapist (session) or whoever holds its access code or a join/report token
 *  - local:     development helpers, 404 unless LOCAL_DEV_ROUTES = "true" (local runs only; production refuses it)
 */
export type Access = 'public' | 'signed-in' | 'therapist' | 'dpo' | 'client-link' | 'subject-link' | 'call' | 'local';

/** Local helpers answer as if they did not exist unless the configuration opts in (never in production). */
const localOnly: MiddlewareHandler<HonoEnv> = async (c, next) => {
  if (!c.var.config.isLocal) throw new AppError('NOT_FOUND', 'request.notFound');
  await next();
};

// Token-holding rules (links, call codes) have no guard here: the token is checked by the service that reads it.
const GUARDS: Record<Access, MiddlewareHandler<HonoEnv>[]> = {
  public: [],
  'signed-in': [requireRole()],
  therapist: [requireRole('therapist')],
  dpo: [requireRole('dpo'), requireDpoSecondFactor],
  'client-link': [],
  'subject-link': [],
  call: [],
  local: [localOnly],
};

export function guardFor(access: Access): MiddlewareHandler<HonoEnv>[] {
  // Also at run time: a declaration that slipped past the type checker still cannot exist without a known rule.
  if (!Object.hasOwn(GUARDS, access)) throw new TypeError(`A route needs one of the access rules, not ${String(access)}`);
  return GUARDS[access];
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** One line of the route registry: what the authorization tests, the fuzzing and the README's route list read. */
export type RouteEntry = { method: Method; path: string; access: Access; operationId?: string };

/** The session cookie, and the CSRF token every cookie-authenticated write carries. */
export const SECURITY_SCHEMES = {
  session: { type: 'apiKey', in: 'cookie', name: '__Host-session', description: 'Set by sign-in; HttpOnly, Secure, SameSite=Strict' },
  csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'The csrfToken from sign-in or GET /api/auth/session' },
} as const;

const SIGNED_IN: Access[] = ['signed-in', 'therapist', 'dpo'];

/** An operation's security requirement from its rule: the cookie, plus the CSRF header on writes; call routes take either. */
function securityFor(access: Access, method: string): Record<string, string[]>[] {
  const session: Record<string, string[]> = method === 'get' ? { session: [] } : { session: [], csrf: [] };
  if (SIGNED_IN.includes(access)) return [session];
  if (access === 'call') return [{}, session];
  return [];
}

type Step<P extends string> = Handler<HonoEnv, P> | MiddlewareHandler<HonoEnv, P>;
type Declared = RouteConfig & { access: Access; operationId: string };

/** A JSON route's failed parse becomes the one 422 error shape. */
function newApp() {
  return new OpenAPIHono<HonoEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
  });
}

/**
 * A group of routes under one prefix. Routes are added only through `get`/`post`/… and `openapi`, each with its access
 * rule; the guard runs first, before any validation, so a caller without the right learns nothing from the answer.
 */
export class RouteArea {
  readonly app = newApp();
  readonly entries: RouteEntry[] = [];

  private add<P extends string>(method: Method, path: P, access: Access, steps: Step<P>[]) {
    const chain = [...guardFor(access), ...steps] as [Handler<HonoEnv, string>, ...Handler<HonoEnv, string>[]];
    this.entries.push({ method, path, access });
    this.app.on(method, path as string, ...chain);
    return this;
  }

  get<P extends string>(path: P, access: Access, ...steps: [...Step<NoInfer<P>>[], Handler<HonoEnv, NoInfer<P>>]) {
    return this.add('GET', path, access, steps);
  }

  post<P extends string>(path: P, access: Access, ...steps: [...Step<NoInfer<P>>[], Handler<HonoEnv, NoInfer<P>>]) {
    return this.add('POST', path, access, steps);
  }

  /** A JSON endpoint: validated and documented through @hono/zod-openapi, its security derived from the rule. */
  openapi<R extends Declared>(route: R, handler: RouteHandler<R, HonoEnv>) {
    const { access, middleware, ...config } = route;
    const method = config.method.toUpperCase() as Method;
    this.entries.push({ method, path: config.path.replaceAll(/\{(\w+)\}/g, ':$1'), access, operationId: config.operationId });
    const steps = [...guardFor(access), ...(middleware === undefined ? [] : Array.isArray(middleware) ? middleware : [middleware])];
    const security = securityFor(access, config.method);
    this.app.openapi({ ...config, middleware: steps, security, 'x-access': access } as unknown as R, handler);
    return this;
  }
}

/**
 * A JSON endpoint's declaration: createRoute with a required access rule and operationId (the constraint keeps the
 * rule's literal type, so a misspelt or missing rule fails typecheck).
 */
export function jsonRoute<P extends string, R extends Omit<Declared, 'path'> & { path: P }>(route: R) {
  return createRoute(route);
}

export function routeArea(): RouteArea {
  return new RouteArea();
}

/** An area's routes with their full paths once mounted at `prefix`. */
export function declaredAt(prefix: string, area: RouteArea): RouteEntry[] {
  return area.entries.map((entry) => ({ ...entry, path: mergePath(prefix, entry.path) }));
}

/** Mounts an area at its prefix and adds its routes, with their full paths, to the registry. */
export function mountArea(app: OpenAPIHono<HonoEnv>, registry: RouteEntry[], prefix: string, area: RouteArea) {
  app.route(prefix, area.app);
  registry.push(...declaredAt(prefix, area));
}

/** The registry as "METHOD /path" → rule, the form the authorization tests index by. */
export function accessTable(routes: readonly RouteEntry[]): Record<string, Access> {
  return Object.fromEntries(routes.map((route) => [`${route.method} ${route.path}`, route.access]));
}
