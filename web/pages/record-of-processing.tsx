import type { RecordOfProcessing } from '../../workers/services/record-of-processing';
import { Layout, type PageContext } from '../components/layout';
import { categoryLabel, DATA_CATEGORY_LABELS, type IncidentsMessages, recordText } from '../i18n/incidents';
import { erasureTexts, retentionText, tablePurpose } from '../i18n/record-tables';

/** The Art. 30 record as a public page; every entry comes from the generated record, nothing is written here. */
export function RecordOfProcessingPage(props: { page: PageContext; m: IncidentsMessages; record: RecordOfProcessing }) {
  const { m, record, page } = props;
  const { locale } = page;
  return (
    <Layout page={page} title={m.ropaTitle}>
      <p>{m.ropaIntro}</p>
      <p>
        <a href="/api/record-of-processing">{m.ropaJson}</a>
      </p>
      <dl>
        <dt>{m.ropaProcessor}</dt>
        <dd>
          {record.processor.name} ({record.processor.origin})
        </dd>
        <dt>{m.ropaDpo}</dt>
        <dd>{record.dataProtectionOfficer.contact}</dd>
        <dt>{m.ropaDeployment}</dt>
        <dd>
          {record.configuration.environment}; Durable Objects: {recordText(locale, `jurisdiction:${record.configuration.durableObjectJurisdiction}`, record.configuration.durableObjectJurisdiction)};{' '}
          {m.ropaEmail}: {recordText(locale, `email:${record.configuration.email}`, record.configuration.email)}
        </dd>
      </dl>

      <h2>{m.ropaSubjects}</h2>
      <ul>
        {record.subjectCategories.map((s) => (
          <li>{recordText(locale, `subject:${s.id}`, s.description)}</li>
        ))}
      </ul>

      <h2>{m.ropaDataCategories}</h2>
      <ul>
        {record.dataCategories.map((c) => (
          <li>
            <strong>{categoryLabel(DATA_CATEGORY_LABELS[locale], c.category)}</strong>
            {c.specialCategory ? ` (${m.ropaSpecial})` : ''} {m.ropaInTables}: {c.tables.map((t) => <code>{t} </code>)}
          </li>
        ))}
      </ul>

      <h2>{m.ropaRecipients}</h2>
      <ul>
        {record.recipients.map((r) => (
          <li>
            <strong>{recordText(locale, `recipient-name:${r.id}`, r.name)}</strong>: {recordText(locale, `recipient:${r.id}`, `${r.role}. ${r.location}`)}
          </li>
        ))}
      </ul>

      <h2>{m.ropaTransfers}</h2>
      <p>{recordText(locale, 'transfers', record.transfers)}</p>

      <h2>{m.ropaMeasures}</h2>
      <ul>
        {record.securityMeasures.map((measure) => (
          <li data-measure={measure.id}>
            {recordText(locale, `measure:${measure.id}`, measure.text)}
            {measure.active ? '' : ` (${m.ropaNotActive})`}
          </li>
        ))}
      </ul>

      <h2>{m.ropaTables}</h2>
      <p>{m.ropaNote}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">{m.ropaTable}</th>
            <th scope="col">{m.ropaPurposes}</th>
            <th scope="col">{m.ropaRetention}</th>
            <th scope="col">{m.ropaErasure}</th>
          </tr>
        </thead>
        <tbody>
          {record.tables.map((t) => (
            <tr data-table={t.table}>
              <th scope="row">
                <code>{t.table}</code>
              </th>
              <td>
                {tablePurpose(locale, t.table, t.purposes)}
                <details lang="en">
                  <summary>{m.ropaColumns}</summary>
                  <ul>
                    {t.purposes.map((p) => (
                      <li>{p}</li>
                    ))}
                    {t.retention.map((r) => (
                      <li>{r}</li>
                    ))}
                  </ul>
                </details>
              </td>
              <td>
                <ul>
                  {t.retention.map((r) => (
                    <li>{retentionText(locale, r)}</li>
                  ))}
                </ul>
              </td>
              <td>{t.erasure.map((e) => erasureTexts(locale)[e]).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
