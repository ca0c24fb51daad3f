import { desc } from 'drizzle-orm';
import { outboxMessages } from '../../db/schema';
import { OutboxPage, type OutboxEntry } from '../../web/pages/misc';
import { seedBulkPractice } from '../services/bulk-seed';
import { seedDemo } from '../services/seed';
import { pageContext } from '../lib/pages';
import { routeArea } from '../lib/route';

/** Mounted at /dev. Local-only helpers: 404 unless the configuration opts in with LOCAL_DEV_ROUTES = "true". */
export const devRoutes = routeArea();

devRoutes.get('/outbox', 'local', async (c) => {
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

devRoutes.post('/seed', 'local', async (c) => c.json(await seedDemo(c.var.deps)));

/** `npm run bench`: a second practice with 10,000 clients and 100,000 appointments, for the export and erasure figures. */
devRoutes.post('/seed-bulk', 'local', async (c) => c.json(await seedBulkPractice(c.var.deps)));
