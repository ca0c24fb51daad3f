import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../workers/app';
import { openApiDocument } from '../../workers/routes/docs';

// The document is generated from the routes' zod declarations; these tests hold it to what a strict consumer needs.

const app = createApp();
const document = JSON.parse(JSON.stringify(openApiDocument(app))) as {
  paths: Record<string, Record<string, { operationId?: string; security?: Record<string, string[]>[] }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; in: string; name: string }> };
};
/** Every JSON endpoint of the registry: the /api routes, except the WebSocket hand-off (an upgrade, not JSON). */
const jsonEndpoints = app.registry.filter((route) => route.path.startsWith('/api/') && !route.path.endsWith('/ws') && !['/api/openapi.json', '/api/docs'].includes(route.path));
const FORMATS = { email: true, uri: true, binary: true, 'date-time': true } as const;

/** Every request and response body schema of every operation, named by where it sits. */
function inlineSchemas(paths: unknown): [string, unknown][] {
  const found: [string, unknown][] = [];
  const walk = (node: unknown, at: string) => {
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'schema') found.push([at, value]);
      else walk(value, `${at}/${key}`);
    }
  };
  walk(paths, '');
  return found;
}
const operationOf = (method: string, path: string) => document.paths[path.replaceAll(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];

describe('the OpenAPI document', () => {
  it('passes a maintained OpenAPI validator with zero errors', async () => {
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  }, 60_000);

  it('has schemas a strict JSON Schema compiler accepts (no nullable without a type)', () => {
    // ajv understands OpenAPI's `nullable` and refuses one without a `type`, as validation middleware built on it would.
    const ajv = new Ajv({ strict: true, strictTypes: false, keywords: ['example', 'externalDocs', 'xml', 'discriminator'], formats: FORMATS });
    const local = (schema: unknown) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"components#/definitions/')) as object;
    ajv.addSchema({ id: 'components', definitions: local(document.components.schemas) });
    const schemas = [...Object.entries(document.components.schemas), ...inlineSchemas(document.paths)];
    expect(schemas.length).toBeGreaterThan(40);
    const refused = schemas.flatMap(([name, schema]) => {
      try {
        ajv.compile(local(schema));
        return [];
      } catch (error) {
        return [`${name}: ${String(error)}`];
      }
    });
    expect(refused).toEqual([]);
  });

  it('lists every JSON endpoint of the route registry, each with a unique operationId', () => {
    expect(jsonEndpoints.length).toBeGreaterThan(30);
    const missing = jsonEndpoints.filter((route) => !operationOf(route.method, route.path)?.operationId).map((route) => `${route.method} ${route.path}`);
    expect(missing).toEqual([]);
    const ids = jsonEndpoints.map((route) => operationOf(route.method, route.path)?.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const path of ['/api/notes/key', '/api/clients/{id}/notes', '/api/clients/{id}/notes/{noteId}', '/api/calls/{appointmentId}/join', '/api/calls/{appointmentId}/report']) {
      expect(document.paths[path], path).toBeDefined();
    }
  });

  it('describes the session cookie and the CSRF header as security schemes, applied by each operation’s access rule', () => {
    expect(document.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: '__Host-session' });
    expect(document.components.securitySchemes.csrf).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-CSRF-Token' });
    for (const route of jsonEndpoints) {
      const security = operationOf(route.method, route.path)?.security ?? [];
      const key = `${route.method} ${route.path}`;
      if (['signed-in', 'therapist', 'dpo'].includes(route.access)) {
        expect(security, key).toEqual([route.method === 'GET' ? { session: [] } : { session: [], csrf: [] }]);
      } else if (route.access === 'public') {
        expect(security, key).toEqual([]);
      }
    }
  });
});
