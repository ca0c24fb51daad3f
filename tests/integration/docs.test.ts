import { describe, expect, it } from 'vitest';
import { request } from './harness';

type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref?: string } }> } }>>;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
};

describe('API documentation', () => {
  it('serves an OpenAPI 3 document generated from the zod schemas of the routes', async () => {
    const response = await request('/api/openapi.json');
    expect(response.status).toBe(200);
    const doc = await response.json<OpenApiDocument>();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/api/health', '/api/auth/login', '/api/auth/logout', '/api/auth/signup', '/api/auth/password-reset']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    const login = doc.components?.schemas?.LoginRequest;
    expect(Object.keys(login?.properties ?? {}).sort()).toEqual(['email', 'password', 'totp']);
    expect(login?.required?.sort()).toEqual(['email', 'password']);
    expect(Object.keys(doc.components?.schemas?.SignUpRequest?.properties ?? {})).toContain('acceptDpa');
  });

  it('renders a reference page listing every operation', async () => {
    const html = await (await request('/api/docs')).text();
    expect(html).toContain('/api/auth/login');
    expect(html).toContain('/api/openapi.json');
  });
});
