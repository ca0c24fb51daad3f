import { formatDateTime } from '../../workers/domain/locale';
import type { FeedState } from '../../workers/services/calendar-feed';
import { CsrfField, FormAlert, Layout, Notice, type PageContext } from '../components/layout';
import { DashboardNav } from '../components/dashboard-nav';
import { toolMessages } from '../i18n/dashboard-tools';

export type FeedNotice = 'saved' | 'revoked';

/** Create, rotate, revoke the private calendar address and choose whether client names appear in it. */
export function CalendarFeedPage(props: {
  page: PageContext;
  feed: FeedState;
  /** Only right after creating or rotating: the token is not stored and cannot be shown again. */
  freshUrl?: string | undefined;
  notice?: FeedNotice | undefined;
  error?: string | undefined;
}) {
  const { locale, session } = props.page;
  const m = toolMessages(locale);
  const { feed, freshUrl } = props;
  return (
    <Layout page={props.page} title={m.feedTitle}>
      <DashboardNav locale={locale} current="/dashboard/calendar-feed" />
      <FormAlert message={props.error} />
      <Notice message={props.notice === 'saved' ? m.feedSaved : props.notice === 'revoked' ? m.feedRevoked : undefined} />
      <p>{m.feedIntro}</p>
      {freshUrl ? (
        <section class="notice" aria-labelledby="feed-address">
          <h2 id="feed-address">{m.feedAddress}</h2>
          <p>{m.feedShownOnce}</p>
          <label>
            {m.feedAddress}
            <input readonly value={freshUrl} data-testid="feed-url" />
          </label>
          <p>
            <a href={freshUrl.replace(/^https?:/, 'webcal:')}>{m.feedOpenApp}</a>
          </p>
        </section>
      ) : null}
      {feed.active ? (
        <>
          <p>
            {m.feedActiveSince} {feed.createdAt === null ? '' : formatDateTime(feed.createdAt, locale, feed.timeZone)}.
          </p>
          <form class="stack" method="post" action="/dashboard/calendar-feed/names">
            <CsrfField session={session} />
            <label class="check">
              <input type="checkbox" name="includeNames" value="on" checked={feed.includeNames} aria-describedby="names-hint" />
              {m.feedNames}
            </label>
            <p class="hint" id="names-hint">
              {m.feedNamesHint}
            </p>
            <button type="submit">{m.feedSave}</button>
          </form>
          <form method="post" action="/dashboard/calendar-feed/rotate">
            <CsrfField session={session} />
            <p>
              <button type="submit">{m.feedRotate}</button>
            </p>
          </form>
          <form method="post" action="/dashboard/calendar-feed/revoke">
            <CsrfField session={session} />
            <p>
              <button type="submit">{m.feedRevoke}</button>
            </p>
          </form>
        </>
      ) : (
        <>
          <p>{m.feedNone}</p>
          <form method="post" action="/dashboard/calendar-feed/create">
            <CsrfField session={session} />
            <button type="submit">{m.feedCreate}</button>
          </form>
        </>
      )}
    </Layout>
  );
}
