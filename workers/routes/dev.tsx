import { desc } from 'drizzle-orm';
import { Hono } from 'hono';
import { outboxMessages } from '../../db/schema';
import { OutboxPage, type OutboxEntry } from '../../web/pages/misc';
import { seedBulkPractice } from '../services/bulk-seed';
import { seedDemo } from '../services/seed';
import { AppError } from '../lib/errors';
import type { HonoEnv } from '../lib/hono-env';
import { pageContext } from '../lib/pages';

/** Local-only helpers. 404 unless the configuration opts in with LOCAL_DEV_ROUTES = "true" (never in production). */
export const devRoutes = new Hono<HonoEnv>();

devRoutes.use('/dev/*', async (c, next) => {
  if (!c.var.config.isLocal) throw new AppError('NOT_FOUND', 'request.notFound');
  await next();
});

devRoutes.get('/dev/outbox', async (c) => {
  const rows = await c.var.deps.db.select().from(outboxMessages).orderBy(desc(outboxMessages.sentAt)).limit(200);
  const messages: OutboxEntry[] = rows.map((row) => ({
    to: row.recipient,
    subject: row.subject,
    text: row.textBody,
    html: row.htmlBody,
    attachments: row.attachments,
    sentAt: new Date(row.sentAt).toISOString(),
  }));
  if (c.req.header('accept')?.includes('application/json')) return c.json(messages);
  return c.html(<OutboxPage page={pageContext(c)} messages={messages} />);
});

devRoutes.post('/dev/seed', async (c) => c.json(await seedDemo(c.var.deps)));

/** `npm run bench`: a second practice with 10,000 clients and 100,000 appointments, for the export and erasure figures. */
devRoutes.post('/dev/seed-bulk', async (c) => c.json(await seedBulkPractice(c.var.deps)));
