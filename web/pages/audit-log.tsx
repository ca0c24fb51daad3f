import { formatDateTime } from '../../workers/domain/locale';
import type { AuditPage } from '../../workers/services/audit-log';
import { Layout, type PageContext } from '../components/layout';
import { DashboardNav } from '../components/dashboard-nav';
import { actionLabel } from '../i18n/audit';
import { actorLabel, toolMessages } from '../i18n/dashboard-tools';
import { fill } from '../i18n/define';

/** The practice's audit log: when, who (as a kind of actor), what. No names, ids or content. */
export function AuditLogPage(props: { page: PageContext; log: AuditPage; paged: boolean }) {
  const { locale } = props.page;
  const m = toolMessages(locale);
  return (
    <Layout page={props.page} title={m.auditTitle}>
      <DashboardNav locale={locale} current="/dashboard/audit" />
      <p>{fill(m.auditIntro, { timeZone: props.log.timeZone })}</p>
      {props.log.entries.length === 0 ? (
        <p>{m.auditEmpty}</p>
      ) : (
        <table data-testid="audit-log">
          <thead>
            <tr>
              <th scope="col">{m.auditWhen}</th>
              <th scope="col">{m.auditWho}</th>
              <th scope="col">{m.auditWhat}</th>
            </tr>
          </thead>
          <tbody>
            {props.log.entries.map((entry) => (
              <tr data-action={entry.action} data-actor={entry.actor}>
                <td>
                  <time datetime={new Date(entry.at).toISOString()}>{formatDateTime(entry.at, locale, props.log.timeZone)}</time>
                </td>
                <td>{actorLabel(locale, entry.actor)}</td>
                <td>{actionLabel(locale, entry.action)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label={m.auditTitle}>
        {props.paged ? <a href="/dashboard/audit">{m.auditNewest}</a> : null}
        {props.log.next ? <a href={`/dashboard/audit?before=${encodeURIComponent(props.log.next)}`}>{m.auditOlder}</a> : null}
      </nav>
    </Layout>
  );
}
