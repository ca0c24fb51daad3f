import type { OpenAPIHono } from '@hono/zod-openapi';
import { ApiDocsPage, type ApiOperation } from '../../web/pages/misc';
import type { HonoEnv } from '../lib/hono-env';
import { pageContext } from '../lib/pages';

const DOCUMENT_INFO = {
  openapi: '3.0.3',
  info: {
    title: 'Praxisraum API',
    version: '1.0.0',
    description: 'Every error answers { "error": { "code", "message", "fields"? } }. Cookie-authenticated writes need the X-CSRF-Token header.',
  },
};

/** Serves the OpenAPI document generated from the routes' zod schemas, and a readable reference page of it. */
export function mountApiDocs(app: OpenAPIHono<HonoEnv>) {
  app.doc('/api/openapi.json', DOCUMENT_INFO);
  app.get('/api/docs', (c) => {
    const document = app.getOpenAPIDocument(DOCUMENT_INFO);
    const operations: ApiOperation[] = [];
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
        const operation = item?.[method];
        if (operation) operations.push({ method, path, summary: operation.summary ?? '' });
      }
    }
    return c.html(<ApiDocsPage page={pageContext(c)} operations={operations} />);
  });
}
