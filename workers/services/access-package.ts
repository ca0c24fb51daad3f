import { and, eq, gt, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { downloadLinks, practices, rightsRequestEvents, rightsRequests } from '../../db/schema';
import { hashToken, newId, randomToken } from '../lib/crypto';
import { AppError } from '../lib/errors';
import type { Deps } from './deps';

/**
 * Delivery of an access or portability package (Art. 15(3), 20 GDPR) through a link: 256 random bits, stored only as
 * a hash, valid for seven days and for one download. The package itself is the client export of services/export.ts.
 */
export type PackageFormat = 'json' | 'csv' | 'fhir';
export type DownloadLink = { token: string; url: string; expiresAt: number };
export type LinkView = { format: PackageFormat; expiresAt: number; timeZone: string };
export type RedeemedLink = { requestId: string; practiceId: string; clientId: string; format: PackageFormat };

export const DOWNLOAD_LINK_TTL_MS = 7 * 86_400_000;
/** What randomToken(32) produces: 43 base64url characters. */
const TOKEN_SHAPE = /^[\w-]{43}$/;

/** A link for the client a verified request concerns; 404 for an unknown request, 409 before the client is known. */
export async function createDownloadLink(deps: Deps, input: { requestId: string; format: PackageFormat }): Promise<DownloadLink> {
  const request = await deps.db.query.rightsRequests.findFirst({ where: eq(rightsRequests.id, input.requestId), columns: { clientId: true } });
  if (!request) throw new AppError('NOT_FOUND', 'rights.noSuchRequest');
  if (!request.clientId) throw new AppError('CONFLICT', 'rights.notLinkedYet');
  const token = randomToken(32);
  const now = deps.now();
  const expiresAt = now + DOWNLOAD_LINK_TTL_MS;
  // The trail entry ('access.link_sent') is the caller's, written when the link goes out to the subject.
  await deps.db.insert(downloadLinks).values({ id: newId(), requestId: input.requestId, tokenHash: await hashToken(token), format: input.format, expiresAt, createdAt: now });
  return { token, url: `${deps.config.APP_ORIGIN}/rights/download/${token}`, expiresAt };
}

/**
 * What the link offers, without using it up: opening the emailed link shows a page whose button downloads, because
 * mail scanners and link previews open links and would otherwise spend the single download.
 */
export async function viewDownloadLink(deps: Deps, token: string): Promise<LinkView> {
  if (!TOKEN_SHAPE.test(token)) throw new AppError('NOT_FOUND', 'rights.downloadLinkInvalid');
  const [link] = await deps.db
    .select({ format: downloadLinks.format, expiresAt: downloadLinks.expiresAt, timeZone: practices.timeZone })
    .from(downloadLinks)
    .innerJoin(rightsRequests, eq(rightsRequests.id, downloadLinks.requestId))
    .innerJoin(practices, eq(practices.id, rightsRequests.practiceId))
    .where(and(eq(downloadLinks.tokenHash, await hashToken(token)), isNull(downloadLinks.usedAt), gt(downloadLinks.expiresAt, deps.now()), isNotNull(rightsRequests.clientId)))
    .limit(1);
  if (!link) throw new AppError('NOT_FOUND', 'rights.downloadLinkInvalid');
  return link;
}

/**
 * Uses the link up: one conditional UPDATE marks it used only if it is unused, unexpired and its request still has a
 * client, so of two concurrent downloads exactly one wins. Unknown, used and expired links get the same 404, so the
 * answer reveals nothing about which tokens exist.
 */
export async function redeemDownloadLink(deps: Deps, token: string): Promise<RedeemedLink> {
  if (!TOKEN_SHAPE.test(token)) throw new AppError('NOT_FOUND', 'rights.downloadLinkInvalid');
  const now = deps.now();
  const tokenHash = await hashToken(token);
  const linked = deps.db.select({ id: rightsRequests.id }).from(rightsRequests).where(isNotNull(rightsRequests.clientId));
  const [used] = await deps.db.batch([
    deps.db
      .update(downloadLinks)
      .set({ usedAt: now })
      .where(and(eq(downloadLinks.tokenHash, tokenHash), isNull(downloadLinks.usedAt), gt(downloadLinks.expiresAt, now), inArray(downloadLinks.requestId, linked)))
      .returning({ requestId: downloadLinks.requestId, format: downloadLinks.format }),
    // The request's trail records the download in the same transaction, only when this request used the link.
    deps.db.insert(rightsRequestEvents).select((qb) =>
      qb
        .select({
          id: sql<string>`${newId()}`.as('id'),
          requestId: downloadLinks.requestId,
          at: sql<number>`${now}`.as('at'),
          actor: sql<'subject'>`'subject'`.as('actor'),
          action: sql<string>`'access.downloaded'`.as('action'),
          note: sql<null>`NULL`.as('note'),
        })
        .from(downloadLinks)
        .where(and(eq(downloadLinks.tokenHash, tokenHash), eq(downloadLinks.usedAt, now))),
    ),
  ]);
  const [link] = used;
  if (!link) throw new AppError('NOT_FOUND', 'rights.downloadLinkInvalid');
  const request = await deps.db.query.rightsRequests.findFirst({ where: eq(rightsRequests.id, link.requestId), columns: { practiceId: true, clientId: true } });
  if (!request?.clientId) throw new AppError('NOT_FOUND', 'rights.downloadLinkInvalid');
  return { requestId: link.requestId, practiceId: request.practiceId, clientId: request.clientId, format: link.format };
}
