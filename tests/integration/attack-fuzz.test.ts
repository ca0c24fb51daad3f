import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DPA_VERSION } from '../../workers/domain/dpa';
import type { Access } from '../../workers/lib/route';
import { DEMO } from '../../workers/services/seed';
import { createClient, expectErrorShape, joinCall, SESSION_COOKIE, settledFetch, signInWithoutPassword, userIdOf, videoCallSoon } from './attack-support';
import { asDpo, bookablePractice, Client, freeSlots, request, rowsChanged, tableCounts, unique } from './harness';
import { ROUTE_ACCESS, ROUTES } from './route-table';

// Property-based fuzzing of every JSON endpoint in the route table. Bodies and queries are generated from the request
// schemas of the OpenAPI document (or, for routes outside it, from the fields their 422 answers name), mixed with
// wrong types, huge and hostile strings, prototype-pollution keys, arbitrary JSON and malformed text. Each endpoint
// runs against its own freshly seeded practice with a fixed seed, so a failure replays exactly.

const RUNS = 1000;
const SEED = 0x5eed_2026;
/**
 * Refusals that legitimately write: a failed sign-in is counted for every typed address (known or not, so the answer
 * does not tell them apart) and, for a known account, audited (Art. 5(2)); a wrong password when removing the second
 * factor is counted and audited the same way.
 */
const REFUSAL_WRITES: Record<string, string[]> = {
  'POST /api/auth/login': ['audit_events', 'sign_in_throttles'],
  'POST /api/auth/totp/disable': ['audit_events', 'sign_in_throttles'],
};

type Endpoint = { method: string; path: string; key: string; access: Access | undefined };

/** The /api routes of the route registry, each with its declared access rule. */
const endpoints: Endpoint[] = ROUTES.filter((route) => route.path.startsWith('/api/')).map((route) => ({
  method: route.method,
  path: route.path,
  key: `${route.method} ${route.path}`,
  access: route.access,
}));

// ------------------------------------------------------------------------------------------------ request schemas

interface Schema {
  type?: string | undefined;
  properties?: Record<string, Schema> | undefined;
  required?: string[] | undefined;
  items?: Schema | undefined;
  enum?: unknown[] | undefined;
  anyOf?: Schema[] | undefined;
  $ref?: string | undefined;
  minLength?: number | undefined;
  maxLength?: number | undefined;
  minimum?: number | undefined;
  maximum?: number | undefined;
  minItems?: number | undefined;
  maxItems?: number | undefined;
  pattern?: string | undefined;
  format?: string | undefined;
  example?: unknown;
}

const schemaOf: z.ZodType<Schema> = z.lazy(() =>
  z.object({
    type: z.string().optional(),
    properties: z.record(z.string(), schemaOf).optional(),
    required: z.array(z.string()).optional(),
    items: schemaOf.optional(),
    enum: z.array(z.unknown()).optional(),
    anyOf: z.array(schemaOf).optional(),
    $ref: z.string().optional(),
    minLength: z.number().optional(),
    maxLength: z.number().optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    minItems: z.number().optional(),
    maxItems: z.number().optional(),
    pattern: z.string().optional(),
    format: z.string().optional(),
    example: z.unknown().optional(),
  }),
);

const parameterOf = z.object({ name: z.string(), in: z.string(), required: z.boolean().optional(), schema: schemaOf.optional() });
const operationOf = z.object({
  parameters: z.array(parameterOf).optional(),
  requestBody: z.object({ content: z.record(z.string(), z.object({ schema: schemaOf })) }).optional(),
});
const documentOf = z.object({
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  components: z.object({ schemas: z.record(z.string(), schemaOf) }),
});

type Operation = { query: z.infer<typeof parameterOf>[]; body: Schema | undefined; documented: boolean };
let openapi: z.infer<typeof documentOf>;

function operationFor(endpoint: Endpoint): Operation {
  const item = openapi.paths[endpoint.path.replace(/:(\w+)/g, '{$1}')]?.[endpoint.method.toLowerCase()];
  if (item === undefined) return { query: [], body: undefined, documented: false };
  const operation = operationOf.parse(item);
  return {
    query: (operation.parameters ?? []).filter((p) => p.in === 'query'),
    body: operation.requestBody?.content['application/json']?.schema,
    documented: true,
  };
}

function resolve(schema: Schema): Schema {
  const name = schema.$ref?.split('/').at(-1);
  return name ? resolve(openapi.components.schemas[name] ?? {}) : schema;
}

const fieldsOf = z.object({ error: z.object({ fields: z.record(z.string(), z.array(z.string())).optional() }) });

/** Schema-less routes: the fields a 422 names for `{}` (and for `{ field: {} }`), typed and valued by its words. */
async function discoverBody(endpoint: Endpoint, fixture: Fixture): Promise<Schema | undefined> {
  if (!['POST', 'PUT', 'PATCH'].includes(endpoint.method)) return undefined;
  const probe = async (body: unknown) => {
    const response = await send(endpoint, fixture, { path: fill(endpoint.path, fixture), query: '', contentType: 'application/json', csrf: true, upgrade: false, body: JSON.stringify(body) });
    return response.status === 422 ? (fieldsOf.parse(await response.json()).error.fields ?? {}) : {};
  };
  const hinted = (messages: string[]): Schema => {
    const words = messages.flatMap((m) => [...m.matchAll(/"([^"]+)"/g)].map((match) => match[1]));
    const type = messages.map((m) => /expected (string|number|boolean|array|object)/.exec(m)?.[1]).find(Boolean);
    return words.length ? { enum: words } : { type };
  };
  const properties: Record<string, Schema> = {};
  for (const [field, messages] of Object.entries(await probe({}))) {
    const nested = Object.entries(await probe({ [field]: {} })).filter(([path]) => path.startsWith(`${field}.`));
    properties[field] = nested.length
      ? { type: 'object', properties: Object.fromEntries(nested.map(([path, m]) => [path.slice(field.length + 1), hinted(m)])), required: nested.map(([path]) => path.slice(field.length + 1)) }
      : hinted(messages);
  }
  return Object.keys(properties).length ? { type: 'object', properties, required: Object.keys(properties) } : undefined;
}

// ------------------------------------------------------------------------------------------------ arbitraries

const HOSTILE = [
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' OR '1'='1' --", '"; DROP TABLE users; --', '1 UNION SELECT sql FROM sqlite_master',
  '\u0000', '\u202e', '\ufeff', '\ud800', 'a\r\nSet-Cookie: x=1', '../../etc/passwd', '%00', '${7*7}', '{{7*7}}', 'null', 'undefined', 'NaN',
  '-1', '1e309', '__proto__', 'constructor', '😀'.repeat(40), 'e\u0301'.repeat(60), ' ', '', 'true', '0x10', '2026-02-30T25:61:00Z',
];
const MALFORMED = ['{', '{"a":', '{"a":1,}', "{'a':1}", '[1,2', 'NaN', '\ufeff{}', '{"a":1}{"b":2}', '"text"', 'null', '0', '{"a":1e999}', '{"a":"\\ud800"}', '{"__proto__":{"polluted":"yes"}}', '{"constructor":{"prototype":{"polluted":"yes"}}}'];
const EXTRA_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'role', 'practiceId', 'userId', 'id', 'isAdmin', 'status'];
const QUERY_KEYS = ['token', 'q', 'format', 'from', 'to', 'typeId', 'page', 'before', 'id', 'next', 'includeInactive', '__proto__'];
const RAW_SEGMENTS = ['%ZZ', '%E0%A4%A', '%00', '..%2F..%2Fetc', '%2e%2e', 'x'.repeat(300), '%3Cscript%3E'];
/** Numbers around the app's limits (terms versions, PBKDF2's 600,000 iterations, 32-bit and safe-integer edges). */
const NUMBERS = [0, 1, 2, -1, 600_000, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 0.5, 86_400_000];

/** An object with exactly these own keys, "__proto__" included as a plain key, as JSON.parse would build it. */
function objectOf(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

const POLLUTER = objectOf([['__proto__', { polluted: 'yes' }], ['constructor', { prototype: { polluted: 'yes' } }]]);

function nested(depth: number, asArray: boolean): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
}

const junkScalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(...NUMBERS),
  fc.constantFrom(300, 5000, 70_000).map((n) => 'x'.repeat(n)),
);

const junk: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: junkScalar },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 20, max: 3000 }), fc.boolean()).map(([depth, asArray]) => nested(depth, asArray)) },
  { weight: 1, arbitrary: fc.constant(POLLUTER) },
);

/** The fixture's real values: path parameters, any string worth trying, and candidates by field name. */
type Known = { strings: string[]; emails: string[]; params: Record<string, string>; hints: Record<string, string[]> };

const base64 = fc.uint8Array({ minLength: 8, maxLength: 64 }).map((bytes) => btoa(String.fromCharCode(...bytes)));

function nearNow(dateOnly: boolean): fc.Arbitrary<string> {
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  return fc.tuple(fc.integer({ min: -48, max: 24 * 40 }), fc.constantFrom(0, 30 * 60_000), fc.constantFrom('Z', '+02:00', '-05:30')).map(([hours, half, zone]) => {
    const iso = new Date(hour + hours * 3_600_000 + half).toISOString();
    return dateOnly ? iso.slice(0, 10) : zone === 'Z' ? iso : `${iso.slice(0, 19)}${zone}`;
  });
}

function stringFor(schema: Schema, name: string, known: Known): fc.Arbitrary<unknown> {
  const example = typeof schema.example === 'string' ? schema.example : '';
  if (schema.format === 'date-time') return nearNow(false);
  if (/^\d{4}-\d{2}-\d{2}$/.test(example)) return nearNow(true);
  if (example.includes('@') || /email/i.test(name)) return fc.oneof(fc.emailAddress(), fc.constantFrom(...known.emails));
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 200;
  const boundaries = [min - 1, min, max, max + 1].filter((n) => n >= 0);
  return fc.oneof(fc.string({ minLength: min, maxLength: Math.min(max, 40) }), fc.constantFrom(...boundaries).map((n) => 'a'.repeat(n)));
}

/** Values that fit the schema, or nearly: the known ids and addresses of the fixture are part of the mix. */
function validish(raw: Schema, name: string, known: Known, depth: number): fc.Arbitrary<unknown> {
  const schema = resolve(raw);
  if (depth > 4) return junkScalar;
  if (schema.anyOf?.length) return fc.oneof(...schema.anyOf.map((option) => validish(option, name, known, depth)));
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const knownString = fc.constantFrom(...known.strings);
  switch (schema.type) {
    case 'string': {
      const hinted = known.hints[name] ?? [];
      const fitting = { weight: 3, arbitrary: stringFor(schema, name, known) };
      return hinted.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...hinted) }, fitting, { weight: 1, arbitrary: knownString }) : fc.oneof(fitting, { weight: 1, arbitrary: knownString });
    }
    case 'integer':
    case 'number': {
      const anyNumber = fc.oneof(fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 }), fc.constantFrom(...NUMBERS));
      const hinted = (known.hints[name] ?? []).map(Number).filter(Number.isFinite);
      return hinted.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...hinted) }, anyNumber) : anyNumber;
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(field(schema.items ?? {}, name, known, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 8) });
    case 'object':
      return objectFor(schema, known, depth + 1);
    default:
      if (known.hints[name]?.length) return fc.oneof(fc.constantFrom(...(known.hints[name] ?? [])), knownString, base64);
      return fc.oneof(knownString, base64, fc.string({ maxLength: 30 }), fc.integer(), fc.boolean(), fc.constant(null));
  }
}

function field(schema: Schema, name: string, known: Known, depth: number): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 5, arbitrary: validish(schema, name, known, depth) }, { weight: 1, arbitrary: junk });
}

/** Required fields are usually there, optional ones half the time; now and then an extra or hostile key joins them. */
function objectFor(schema: Schema, known: Known, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set(schema.required ?? []);
  const own = Object.entries(schema.properties ?? {}).map(([name, property]) =>
    fc.option(field(property, name, known, depth).map((value) => [name, value] as const), { freq: required.has(name) ? 12 : 2, nil: undefined }),
  );
  const extra = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ maxLength: 12 })), junk), { maxLength: 2 });
  return fc.tuple(fc.tuple(...own), extra).map(([present, more]) => objectOf([...present.filter((entry) => entry !== undefined), ...more]));
}

function bodyFor(schema: Schema | undefined, known: Known): fc.Arbitrary<string | undefined> {
  const shaped = schema ? validish(schema, '', known, 0) : objectFor({}, known, 0);
  return fc.oneof(
    { weight: 6, arbitrary: shaped.map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.tuple(shaped, fc.nat()).map(([value, cut]) => (JSON.stringify(value) ?? '').slice(0, cut % 200)) },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...MALFORMED), fc.string({ unit: 'binary', maxLength: 100 })) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

function queryFor(parameters: Operation['query'], known: Known): fc.Arbitrary<string> {
  const documented = parameters.map((p) => fc.option(field(p.schema ?? {}, p.name, known, 0).map((value) => [p.name, value] as const), { freq: p.required ? 12 : 2, nil: undefined }));
  const extra = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 10 })), fc.oneof(junkScalar, fc.constantFrom(...known.strings))), { maxLength: 3 });
  return fc.tuple(fc.tuple(...documented), extra).map(([present, more]) => {
    const search = new URLSearchParams();
    for (const [key, value] of [...present.filter((entry) => entry !== undefined), ...more]) search.append(key, typeof value === 'string' ? value : String(JSON.stringify(value)));
    return search.toString();
  });
}

function encodeSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80'; // a lone surrogate, as raw bytes
  }
}

/** Mostly the fixture's real ids, so requests reach the handlers; sometimes hostile or malformed path segments. */
function pathFor(pattern: string, known: Known): fc.Arbitrary<string> {
  const hostile = fc.oneof(fc.constantFrom(...HOSTILE).map(encodeSegment), fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }).map(encodeSegment), fc.constantFrom(...RAW_SEGMENTS), fc.uuid());
  const segments = pattern.split('/').map((segment) =>
    segment.startsWith(':') ? fc.oneof({ weight: 9, arbitrary: fc.constant(known.params[segment.slice(1)] ?? 'unknown') }, { weight: 1, arbitrary: hostile }) : fc.constant(segment),
  );
  return fc.tuple(...segments).map((parts) => parts.join('/'));
}

const CONTENT_TYPES = ['application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', ''];

type Case = { path: string; query: string; contentType: string; csrf: boolean; upgrade: boolean; body?: string | undefined };

function caseFor(endpoint: Endpoint, operation: Operation, known: Known): fc.Arbitrary<Case> {
  const get = endpoint.method === 'GET';
  return fc.record({
    path: pathFor(endpoint.path, known),
    query: get ? queryFor(operation.query, known) : fc.oneof({ weight: 9, arbitrary: fc.constant('') }, { weight: 1, arbitrary: queryFor([], known) }),
    contentType: fc.oneof({ weight: 8, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
    csrf: fc.oneof({ weight: 19, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    upgrade: get ? fc.boolean() : fc.constant(false),
    body: get ? fc.constant(undefined) : bodyFor(operation.body, known),
  });
}

// ------------------------------------------------------------------------------------------------ fixture and calls

type Fixture = Known & { jar: Client | null; userId: string };

const toBase64 = (length: number) => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(length))));

/** A practice open on weekdays with a client, a video call about to start, a note key and a note. */
async function fixtureFor(endpoint: Endpoint): Promise<Fixture> {
  const practice = await bookablePractice();
  const clientEmail = `${unique('fuzz-client')}@example.com`;
  const clientId = await createClient(practice, 'Fuzz Client', clientEmail);
  const { appointmentId, code } = await videoCallSoon(practice, clientId);
  const pass = await joinCall(appointmentId, { name: 'Fuzz', code });
  const kdf = { alg: 'PBKDF2', hash: 'SHA-256', iterations: 600_000, salt: toBase64(16), wrap: 'AES-KW' };
  const key = await practice.client.json('/api/notes/key', { kdf, wrappedByPassphrase: toBase64(40), wrappedByRecovery: toBase64(40) });
  const keyId = (await key.json<{ key: { id: string } }>()).key.id;
  const note = await practice.client.json(`/api/clients/${clientId}/notes`, { keyId, iv: toBase64(12), ciphertext: toBase64(64) });
  const noteId = (await note.json<{ note: { id: string } }>()).note.id;
  const slots = (await freeSlots(practice.slug, practice.video.id, 7)).slice(0, 4).map((slot) => slot.start);
  const params = { slug: practice.slug, id: clientId, appointmentId, noteId };
  const emails = [practice.email, clientEmail, DEMO.dpoEmail];
  const today = new Date().toISOString().slice(0, 10);
  const hints = {
    typeId: [practice.video.id, practice.inPerson.id],
    start: slots,
    email: emails,
    slug: [practice.slug],
    practice: [practice.slug],
    name: ['K. M.'],
    displayName: ['K. M.'],
    code: [code],
    token: [pass.token, pass.reportToken],
    keyId: [keyId],
    timeZone: ['Europe/Berlin', 'Europe/Copenhagen'],
    dpaVersion: [DPA_VERSION],
    termsVersion: ['1'],
    from: [today],
    to: [new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10)],
  };
  const strings = [...new Set([...Object.values(params), ...Object.values(hints).flat(), 'json', 'csv', 'fhir'])];
  const actor = endpoint.access === 'dpo' ? 'dpo' : endpoint.access === 'therapist' || endpoint.access === 'signed-in' ? 'therapist' : 'anonymous';
  const jar = actor === 'dpo' ? await asDpo() : actor === 'therapist' ? practice.client : null;
  const userId = await userIdOf(actor === 'dpo' ? DEMO.dpoEmail : practice.email);
  return { jar, userId, params, emails, strings, hints };
}

function fill(pattern: string, known: Known): string {
  return pattern.replace(/:(\w+)/g, (_all, name: string) => known.params[name] ?? 'unknown');
}

/** One request as the endpoint's actor: anonymous callers get a fresh cookie jar each time, signed-in ones keep theirs. */
function send(endpoint: Endpoint, fixture: Fixture, c: Case): Promise<Response> {
  const jar = fixture.jar ?? new Client();
  const headers: Record<string, string> = {};
  if (endpoint.method !== 'GET') headers['sec-fetch-site'] = 'same-origin';
  if (c.contentType) headers['content-type'] = c.contentType;
  if (c.csrf && jar.csrfToken) headers['x-csrf-token'] = jar.csrfToken;
  if (c.upgrade) headers.upgrade = 'websocket';
  return settledFetch(`${c.path}${c.query ? `?${c.query}` : ''}`, { method: endpoint.method, headers, body: c.body }, jar);
}

// ------------------------------------------------------------------------------------------------ the property

function seedOf(key: string): number {
  let hash = 2166136261;
  for (const char of key) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return (hash ^ SEED) | 0;
}

const tally = new Map<string, { statuses: Record<number, number>; ms: number }>();
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype);

beforeAll(async () => {
  openapi = documentOf.parse(await (await request('/api/openapi.json')).json());
});

afterAll(() => {
  const lines = [...tally].map(([key, { statuses, ms }]) => `${key.padEnd(44)} ${String(Math.round(ms / 100) / 10).padStart(6)} s  ${JSON.stringify(statuses)}`);
  console.log(`fuzz: ${RUNS} cases per endpoint\n${lines.join('\n')}`);
});

describe('fuzzing every JSON endpoint of the route table', () => {
  it('covers every /api route, each with an access rule that names its caller', () => {
    expect(endpoints.length).toBeGreaterThanOrEqual(30);
    expect(endpoints.filter((endpoint) => endpoint.access === undefined).map((endpoint) => endpoint.key)).toEqual([]);
  });

  it.each(endpoints)(
    '$key never answers 5xx, refuses in the one error shape and changes no row when it refuses',
    async (endpoint) => {
      const started = Date.now();
      const fixture = await fixtureFor(endpoint);
      const operation = operationFor(endpoint);
      const body = operation.documented ? operation.body : await discoverBody(endpoint, fixture);
      const statuses: Record<number, number> = {};
      // The counts after a refusal are the counts before the next case, which halves the counting.
      let known: Record<string, number> | undefined;
      await fc.assert(
        fc.asyncProperty(caseFor(endpoint, { ...operation, body }, fixture), async (c) => {
          // An endpoint that signs its caller out (logout-all) would leave the remaining cases unauthenticated.
          if (fixture.jar && !fixture.jar.cookies.has(SESSION_COOKIE)) {
            await signInWithoutPassword(fixture.jar, fixture.userId);
            known = undefined;
          }
          const before = known ?? (await tableCounts());
          known = undefined;
          const response = await send(endpoint, fixture, c);
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          if (response.webSocket) {
            response.webSocket.accept();
            response.webSocket.close(1000, 'fuzz');
          }
          expect(response.status).toBeLessThan(500);
          // Read to the end: a streamed export that fails after its 200 would be a server error in disguise.
          if (response.status < 400) return void (await response.arrayBuffer());
          const after = await tableCounts();
          known = after;
          await expectErrorShape(response, endpoint.key);
          expect(rowsChanged(before, after, REFUSAL_WRITES[endpoint.key])).toEqual({});
        }),
        { numRuns: RUNS, seed: seedOf(endpoint.key) },
      );
      tally.set(endpoint.key, { statuses, ms: Date.now() - started });
    },
    600_000,
  );

  it('leaves Object.prototype untouched after every "__proto__" and "constructor" body', () => {
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys);
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    expect(objectOf([]).polluted).toBeUndefined();
  });
});

const formRoutes = [...new Set(ROUTES.filter((r) => r.method === 'POST' && !r.path.startsWith('/api/') && !r.path.startsWith('/dev/')).map((r) => r.path))];

describe('malformed form bodies on the page routes', () => {
  it('answers a broken multipart body on every form route with a 4xx, signed in or not, never a 5xx', async () => {
    const practice = await bookablePractice();
    const jars: Partial<Record<Access, { jar: Client; userId: string }>> = {
      therapist: { jar: practice.client, userId: await userIdOf(practice.email) },
      dpo: { jar: await asDpo(), userId: await userIdOf(DEMO.dpoEmail) },
    };
    jars['signed-in'] = jars.therapist;
    const failures: string[] = [];
    for (const path of formRoutes) {
      const actor = jars[ROUTE_ACCESS[`POST ${path}`] ?? 'public'];
      const url = path.replace(':slug', practice.slug).replace(':token', 'x'.repeat(43)).replace(/:\w+/g, crypto.randomUUID());
      // Signed in, the CSRF check reads the form when the header is missing; with the header, the handler reads it.
      for (const header of actor ? [true, false] : [false]) {
        const jar = actor?.jar ?? new Client();
        if (actor && !jar.cookies.has(SESSION_COOKIE)) await signInWithoutPassword(jar, actor.userId);
        const headers: Record<string, string> = { 'content-type': 'multipart/form-data; boundary=x', 'sec-fetch-site': 'same-origin' };
        if (header && jar.csrfToken) headers['x-csrf-token'] = jar.csrfToken;
        const response = await settledFetch(url, { method: 'POST', headers, body: 'not a multipart body' }, jar);
        if (response.status >= 500) failures.push(`POST ${path}${actor ? (header ? ' (signed in, CSRF header)' : ' (signed in, no CSRF header)') : ''}: ${response.status}`);
      }
    }
    expect(formRoutes.length).toBeGreaterThan(30);
    expect(failures).toEqual([]);
  });
});
