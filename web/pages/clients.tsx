import { formatDateTime, type Locale } from '../../workers/domain/locale';
import { DashboardNav } from '../components/dashboard-nav';
import { CsrfField, FieldError, FormAlert, Layout, Notice, type PageContext } from '../components/layout';
import { type AppointmentStatus, appointmentStatusLabel, consentPurposeLabel } from '../i18n/appointments';
import type { DashboardMessages } from '../i18n/dashboard';
import type { FormState } from '../components/text-field';

export type ClientRow = { id: string; displayName: string; email: string | null; active: boolean; restrictedAt: number | null };

export function ClientsPage(props: { page: PageContext; d: DashboardMessages; clients: ClientRow[]; q: string; includeInactive: boolean; state: FormState; notice?: string | undefined }) {
  const { d, state } = props;
  return (
    <Layout page={props.page} title={d.clients}>
      <DashboardNav locale={props.page.locale} current="/dashboard/clients" />
      <Notice message={props.notice} />
      <form method="get" action="/dashboard/clients" role="search">
        <label>
          {d.search}
          <input name="q" type="search" value={props.q} maxlength={100} />
        </label>
        <label class="check">
          <input type="checkbox" name="includeInactive" value="true" checked={props.includeInactive} />
          <span>{d.showInactive}</span>
        </label>
        <button type="submit">{d.searchSubmit}</button>
      </form>
      {props.clients.length === 0 ? <p>{d.noClients}</p> : null}
      <ul data-testid="client-list">
        {props.clients.map((client) => (
          <li>
            <a href={`/dashboard/clients/${client.id}`}>{client.displayName}</a>
            {client.active ? '' : ` · ${d.inactive}`}
            {client.restrictedAt ? ` · ${d.restricted}` : ''}
          </li>
        ))}
      </ul>
      <h2>{d.newClient}</h2>
      <FormAlert message={state.message} />
      <form class="stack" method="post" action="/dashboard/clients">
        <CsrfField session={props.page.session} />
        <p class="hint">{d.pseudonymHint}</p>
        <label>
          {d.name}
          <input name="displayName" required maxlength={80} value={state.values?.displayName} />
          <FieldError id="displayName-error" messages={state.fields?.displayName} />
        </label>
        <label>
          {d.emailOptional}
          <input name="email" type="email" value={state.values?.email} />
          <FieldError id="email-error" messages={state.fields?.email} />
        </label>
        <button type="submit">{d.create}</button>
      </form>
    </Layout>
  );
}

export type ConsentRow = { id: string; seq: number; kind: 'given' | 'withdrawn'; purposes: string[]; termsVersion: number; termsSha256: string; at: number };
export type VisitRow = { id: string; startAt: number; status: AppointmentStatus; typeName: string };

export function ClientDetailPage(props: {
  page: PageContext;
  d: DashboardMessages;
  client: ClientRow;
  consents: ConsentRow[];
  chainOk: boolean;
  visits: VisitRow[];
  timeZone: string;
  state: FormState;
  notice?: string | undefined;
}) {
  const { d, client, state } = props;
  const locale: Locale = props.page.locale;
  const base = `/dashboard/clients/${client.id}`;
  return (
    <Layout page={props.page} title={client.displayName}>
      <DashboardNav locale={locale} current="/dashboard/clients" />
      <Notice message={props.notice} />
      <FormAlert message={state.message} />
      <form class="stack" method="post" action={base}>
        <CsrfField session={props.page.session} />
        <label>
          {d.name}
          <input name="displayName" required maxlength={80} value={state.values?.displayName ?? client.displayName} />
          <FieldError id="displayName-error" messages={state.fields?.displayName} />
        </label>
        <label>
          {d.emailOptional}
          <input name="email" type="email" value={state.values?.email ?? client.email ?? ''} />
          <FieldError id="email-error" messages={state.fields?.email} />
        </label>
        <label class="check">
          <input type="checkbox" name="active" value="true" checked={client.active} />
          <span>{d.active}</span>
        </label>
        <label class="check">
          <input type="checkbox" name="restricted" value="true" checked={client.restrictedAt !== null} />
          <span>{d.restrict}</span>
        </label>
        <button type="submit">{d.save}</button>
      </form>
      <p>
        <a href={`${base}/notes`}>{d.notes}</a>
      </p>
      <h2>{d.appointments}</h2>
      <ul>
        {props.visits.map((v) => (
          <li>
            {formatDateTime(v.startAt, locale, props.timeZone)} · {v.typeName} · {appointmentStatusLabel(locale, v.status)}
          </li>
        ))}
      </ul>
      <h2>{d.consentHistory}</h2>
      <p class={props.chainOk ? 'notice' : 'alert'} data-testid="chain-status">
        {props.chainOk ? d.chainOk : d.chainBroken}
      </p>
      <table>
        <tbody>
          {props.consents.map((r) => (
            <tr>
              <td>{formatDateTime(r.at, locale, props.timeZone)}</td>
              <td>{r.kind === 'given' ? d.given : d.withdrawn}</td>
              <td>{r.purposes.map((purpose) => consentPurposeLabel(locale, purpose)).join(', ')}</td>
              <td>
                {d.termsVersion} {r.termsVersion} · <code>{r.termsSha256.slice(0, 12)}…</code>
              </td>
              <td>
                <a href={`${base}/consents/${r.id}/receipt.json`}>{d.receipt}</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{d.deleteTitle}</h2>
      <form class="stack" method="post" action={`${base}/delete`}>
        <CsrfField session={props.page.session} />
        <p>{d.deleteWarning}</p>
        <label>
          {d.deleteConfirm}
          <input name="confirm" required autocomplete="off" />
        </label>
        <button type="submit">{d.delete}</button>
      </form>
    </Layout>
  );
}
