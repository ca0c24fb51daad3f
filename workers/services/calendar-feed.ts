import { and, asc, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { appointments, appointmentTypes, calendarFeeds, clients, practices } from '../../db/schema';
import { calendarUidSigner } from '../domain/ics';
import { FEED_TAIL, feedEvent, feedHead } from '../domain/ics-feed';
import { isLocale, type Locale } from '../domain/locale';
import { hashToken, newId, randomToken } from '../lib/crypto';
import { AppError } from '../lib/errors';
import type { TherapistActor } from '../lib/actor';
import { type AuditAction, auditInsert } from './audit';
import type { Deps } from './deps';
import { findPractice } from './practices';
import { textStream } from './export';

/**
 * A private, revocable ICS subscription of the practice's booked appointments for the therapist's own calendar app.
 * The URL token is the credential (256 bits, stored only as a hash), so it is shown once, when created; a lost or
 * leaked URL is replaced by rotating. Client names stay out of the feed unless the therapist turns them on, because
 * subscribed calendars sync to phones and shared accounts (Art. 25 GDPR, data protection by default).
 */
export type FeedState = { active: boolean; includeNames: boolean; createdAt: number | null; timeZone: string };

const FEED_PAGE = 500;
const REFRESH_MINUTES = 15;
const SUMMARY: Record<Locale, string> = { de: 'Termin', da: 'Aftale', en: 'Appointment' };

export function feedUrl(deps: Deps, token: string): string {
  return `${deps.config.APP_ORIGIN}/calendar/${token}`;
}

async function activeFeed(deps: Deps, practiceId: string) {
  return deps.db.query.calendarFeeds.findFirst({
    where: and(eq(calendarFeeds.practiceId, practiceId), isNull(calendarFeeds.revokedAt)),
    orderBy: desc(calendarFeeds.createdAt),
  });
}

/** What the settings page shows; never the address itself, which only exists as a hash. */
export async function feedState(deps: Deps, practiceId: string): Promise<FeedState> {
  const [feed, practice] = await Promise.all([
    activeFeed(deps, practiceId),
    findPractice(deps, practiceId),
  ]);
  if (!practice) throw new AppError('NOT_FOUND', 'practice.notFound');
  return { active: !!feed, includeNames: feed?.includeNames ?? false, createdAt: feed?.createdAt ?? null, timeZone: practice.timeZone };
}

/**
 * Creates the feed, or replaces it (rotate): every earlier address of the practice stops working in the same batch.
 * Returns the token, which is never stored and cannot be shown again.
 */
export async function issueFeed(deps: Deps, actor: TherapistActor): Promise<{ token: string }> {
  const { practiceId } = actor;
  const previous = await activeFeed(deps, practiceId);
  const token = randomToken(32);
  const id = newId();
  const now = deps.now();
  const action: AuditAction = previous ? 'calendar_feed.rotated' : 'calendar_feed.created';
  await deps.db.batch([
    deps.db.update(calendarFeeds).set({ revokedAt: now }).where(and(eq(calendarFeeds.practiceId, practiceId), isNull(calendarFeeds.revokedAt))),
    deps.db.insert(calendarFeeds).values({ id, practiceId, tokenHash: await hashToken(token), includeNames: previous?.includeNames ?? false, createdAt: now }),
    auditInsert(deps.db, { action, actor, practiceId, targetId: id }, now),
  ]);
  return { token };
}

export async function revokeFeed(deps: Deps, actor: TherapistActor): Promise<void> {
  const { practiceId } = actor;
  const feed = await activeFeed(deps, practiceId);
  if (!feed) return;
  const now = deps.now();
  await deps.db.batch([
    deps.db.update(calendarFeeds).set({ revokedAt: now }).where(and(eq(calendarFeeds.practiceId, practiceId), isNull(calendarFeeds.revokedAt))),
    auditInsert(deps.db, { action: 'calendar_feed.revoked', actor, practiceId, targetId: feed.id }, now),
  ]);
}

export async function setFeedNames(deps: Deps, actor: TherapistActor, includeNames: boolean): Promise<void> {
  const { practiceId } = actor;
  const feed = await activeFeed(deps, practiceId);
  if (!feed) throw new AppError('CONFLICT', 'calendar.createFirst');
  if (feed.includeNames === includeNames) return;
  const now = deps.now();
  await deps.db.batch([
    deps.db.update(calendarFeeds).set({ includeNames }).where(eq(calendarFeeds.id, feed.id)),
    auditInsert(deps.db, { action: 'calendar_feed.names_changed', actor, practiceId, targetId: feed.id }, now),
  ]);
}

/** The feed behind a token, or 404 for unknown, revoked or malformed tokens alike. */
async function feedByToken(deps: Deps, token: string) {
  if (!/^[\w-]{20,128}$/.test(token)) throw new AppError('NOT_FOUND', 'calendar.notFound');
  const rows = await deps.db
    .select({ feed: calendarFeeds, practice: practices })
    .from(calendarFeeds)
    .innerJoin(practices, eq(practices.id, calendarFeeds.practiceId))
    .where(and(eq(calendarFeeds.tokenHash, await hashToken(token)), isNull(calendarFeeds.revokedAt)))
    .limit(1);
  const row = rows[0];
  if (!row) throw new AppError('NOT_FOUND', 'calendar.notFound');
  return row;
}

/** Booked appointments in start order, a page at a time (keyset on start and id, along the practice's index). */
async function* bookedPages(deps: Deps, practiceId: string, withNames: boolean) {
  let cursor: { startAt: number; id: string } | undefined;
  for (;;) {
    const rows = await deps.db
      .select({
        id: appointments.id,
        startAt: appointments.startAt,
        endAt: appointments.endAt,
        sequence: appointments.sequence,
        mode: appointmentTypes.mode,
        clientName: withNames ? clients.displayName : sql<null>`NULL`,
      })
      .from(appointments)
      .innerJoin(appointmentTypes, eq(appointmentTypes.id, appointments.typeId))
      .innerJoin(clients, eq(clients.id, appointments.clientId))
      .where(
        and(
          eq(appointments.practiceId, practiceId),
          eq(appointments.status, 'booked'),
          cursor ? or(gt(appointments.startAt, cursor.startAt), and(eq(appointments.startAt, cursor.startAt), gt(appointments.id, cursor.id))) : undefined,
        ),
      )
      .orderBy(asc(appointments.startAt), asc(appointments.id))
      .limit(FEED_PAGE);
    if (rows.length > 0) yield rows;
    const last = rows.at(-1);
    if (rows.length < FEED_PAGE || !last) return;
    cursor = { startAt: last.startAt, id: last.id };
  }
}

async function* feedChunks(deps: Deps, practice: { id: string; name: string; locale: string }, includeNames: boolean): AsyncGenerator<string> {
  const locale: Locale = isLocale(practice.locale) ? practice.locale : 'de';
  const stamp = deps.now();
  const uidOf = await calendarUidSigner(deps.config.JOIN_TOKEN_SECRET, 'feed');
  yield feedHead({ name: practice.name, refreshMinutes: REFRESH_MINUTES });
  for await (const page of bookedPages(deps, practice.id, includeNames)) {
    const uids = await Promise.all(page.map((row) => uidOf(row.id)));
    yield page
      .map((row, index) =>
        feedEvent({
          uid: uids[index] ?? '',
          sequence: row.sequence,
          start: row.startAt,
          end: row.endAt,
          stamp,
          summary: includeNames && row.clientName ? `${SUMMARY[locale]} – ${row.clientName}` : SUMMARY[locale],
          url: row.mode === 'video' ? `${deps.config.APP_ORIGIN}/call/${row.id}` : undefined,
        }),
      )
      .join('');
  }
  yield FEED_TAIL;
}

/** The public feed: text/calendar, streamed, for whoever holds the secret URL. */
export async function calendarFeedStream(deps: Deps, token: string): Promise<ReadableStream<Uint8Array>> {
  const { feed, practice } = await feedByToken(deps, token);
  return textStream(feedChunks(deps, practice, feed.includeNames));
}
