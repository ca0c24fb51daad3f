import type { OpenAPIHono } from '@hono/zod-openapi';
import { ApiDocsPage, type ApiOperation } from '../../web/pages/misc';
import type { HonoEnv } from '../lib/hono-env';
import { pageContext } from '../lib/pages';
import { routeArea, SECURITY_SCHEMES } from '../lib/route';

const DOCUMENT_INFO = {
  openapi: '3.0.3',
  info: {
    title: 'Praxisraum API',
    version: '1.0.0',
    description:
      'Every error answers { "error": { "code", "message", "fields"? } }. Signed-in operations use the session cookie; cookie-authenticated writes need the X-CSRF-Token header too. x-access names each operation’s access rule.',
  },
};

/** The OpenAPI document of an app whose JSON routes were declared through `RouteArea.openapi`. */
export function openApiDocument(app: OpenAPIHono<HonoEnv>) {
  return app.getOpenAPIDocument(DOCUMENT_INFO);
}

/**
 * Mounted at /api: the OpenAPI document generated from the JSON routes' zod declarations of `app`, and a readable
 * reference page of it.
 */
export function apiDocs(app: OpenAPIHono<HonoEnv>) {
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) app.openAPIRegistry.registerComponent('securitySchemes', name, scheme);
  const documentOf = () => openApiDocument(app);
  const docs = routeArea();
  docs.get('/openapi.json', 'public', (c) => c.json(documentOf()));
  docs.get('/docs', 'public', (c) => {
    const operations: ApiOperation[] = [];
    for (const [path, item] of Object.entries(documentOf().paths ?? {})) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
        const operation = item?.[method];
        if (operation) operations.push({ method, path, summary: operation.summary ?? '' });
      }
    }
    return c.html(<ApiDocsPage page={pageContext(c)} operations={operations} />);
  });
  return docs;
}
