import { z } from '@hono/zod-openapi';
import { HomePage } from '../../web/pages/misc';
import { jsonResponse } from '../lib/openapi';
import { pageContext } from '../lib/pages';
import { jsonRoute, routeArea } from '../lib/route';

/** Mounted at /: the home page and the liveness check. */
export const home = routeArea();

home.openapi(
  jsonRoute({ method: 'get', path: '/api/health', access: 'public', operationId: 'getHealth', summary: 'Liveness', responses: { 200: jsonResponse('Up', z.object({ ok: z.literal(true) })) } }),
  (c) => c.json({ ok: true as const }, 200),
);

home.get('/', 'public', (c) => {
  const page = pageContext(c);
  return c.html(<HomePage page={page} notice={c.req.query('notice') === 'account-deleted' ? page.t.accountDeleted : undefined} />);
});
