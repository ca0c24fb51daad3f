import { DownloadPackagePage } from '../../web/pages/rights';
import { rightsMessages } from '../../web/i18n/rights';
import { formatDateTime } from '../domain/locale';
import { pageContext } from '../lib/pages';
import { routeArea } from '../lib/route';
import { redeemDownloadLink, viewDownloadLink } from '../services/access-package';
import { exportClient } from '../services/export';

/** Mounted at /rights/download. The data subject's download of an access or portability package (Art. 15(3), 20 GDPR); the link is the credential. */
export const rightsDownload = routeArea();

/** Opening the link shows what it offers and a button; only the button (a POST) spends the single download. */
rightsDownload.get('/:token', 'subject-link', async (c) => {
  // Link checkers probe with HEAD (Hono routes it here): answer without a body.
  if (c.req.method === 'HEAD') return c.body(null, 200, { 'cache-control': 'no-store' });
  const token = c.req.param('token');
  const link = await viewDownloadLink(c.var.deps, token);
  const until = formatDateTime(link.expiresAt, c.var.locale, link.timeZone);
  return c.html(<DownloadPackagePage page={pageContext(c)} r={rightsMessages(c.var.locale)} token={token} format={link.format} until={until} />);
});

rightsDownload.post('/:token', 'subject-link', async (c) => {
  const deps = c.var.deps;
  const link = await redeemDownloadLink(deps, c.req.param('token'));
  // The subject downloads through the link of their rights request: the audit entry names them that way.
  const actor = { kind: 'client', via: 'rights', practiceId: link.practiceId, requestId: link.requestId } as const;
  const file = await exportClient(deps, actor, link.clientId, link.format);
  return new Response(file.body, {
    headers: {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.filename}"`,
      'cache-control': 'no-store',
    },
  });
});
