import { Layout, type PageContext } from '../components/layout';
import { DashboardNav } from '../components/dashboard-nav';
import { toolMessages } from '../i18n/dashboard-tools';
import type { ExportOverview } from '../../workers/services/export';

/**
 * The export page. Plain download links work without JavaScript; the small module script (/static/export.js) takes
 * over the click to show progress of a long, streamed export and then saves the same file.
 */
export function ExportPage(props: { page: PageContext; overview: ExportOverview; nonce: string | undefined }) {
  const { locale } = props.page;
  const m = toolMessages(locale);
  const { counts, clients, page, hasMore } = props.overview;
  const total = counts.clients + counts.appointments + counts.consentRecords + counts.notes;
  return (
    <Layout page={props.page} title={m.exportTitle}>
      <DashboardNav locale={locale} current="/dashboard/export" />
      <p>{m.exportIntro}</p>
      <section aria-labelledby="practice-export">
        <h2 id="practice-export">{m.exportPractice}</h2>
        <dl aria-label={m.exportContents}>
          <dt>{m.countClients}</dt>
          <dd data-testid="count-clients">{counts.clients}</dd>
          <dt>{m.countAppointments}</dt>
          <dd data-testid="count-appointments">{counts.appointments}</dd>
          <dt>{m.countConsents}</dt>
          <dd>{counts.consentRecords}</dd>
          <dt>{m.countNotes}</dt>
          <dd>{counts.notes}</dd>
        </dl>
        <p class="hint">{m.exportLongHint}</p>
        <ul>
          <li>
            <a href="/api/export?format=json" download data-export data-total={String(total)}>
              {m.exportJson}
            </a>
          </li>
          <li>
            <a href="/api/export?format=fhir" download data-export data-total={String(total)}>
              {m.exportFhir}
            </a>
          </li>
        </ul>
        <progress data-export-progress hidden />
        <p data-export-status role="status" />
      </section>
      <section aria-labelledby="client-export">
        <h2 id="client-export">{m.exportClients}</h2>
        <p class="hint">{m.exportClientsHint}</p>
        {clients.length === 0 ? (
          <p>{m.exportNoClients}</p>
        ) : (
          <table>
            <tbody>
              {clients.map((client) => (
                <tr>
                  <th scope="row">{client.displayName}</th>
                  {(['json', 'csv', 'fhir'] as const).map((format) => (
                    <td>
                      <a href={`/api/clients/${encodeURIComponent(client.id)}/export?format=${format}`} download data-export>
                        {format === 'json' ? 'JSON' : format === 'csv' ? m.exportCsv : 'FHIR'}
                      </a>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <nav class="pager" aria-label={m.exportClients}>
          {page > 0 ? <a href={`/dashboard/export?page=${page - 1}`}>{m.previous}</a> : null}
          {hasMore ? <a href={`/dashboard/export?page=${page + 1}`}>{m.next}</a> : null}
        </nav>
      </section>
      <div id="export-messages" hidden data-progress={m.exportProgress} data-done={m.exportDone} data-failed={m.exportFailed} />
      <script type="module" nonce={props.nonce} src="/static/export.js" />
    </Layout>
  );
}
