import type { Child } from 'hono/jsx';
import { DOWNLOAD_FORMATS } from '../../workers/lib/rights-input';
import { canExtend } from '../../workers/domain/deadlines';
import { formatDateTime, type Locale } from '../../workers/domain/locale';
import type { practiceRequests, QueueRow, requestDetail, requestTrail } from '../../workers/services/rights-requests';
import { DashboardNav } from '../components/dashboard-nav';
import { CsrfField, FieldError, FormAlert, Layout, Notice, type PageContext } from '../components/layout';
import { formatDueDate, type RightsMessages, rightsStatusLabel, rightsTypeLabel, trailActionLabel, trailActorLabel } from '../i18n/rights';
import type { FormState } from '../components/text-field';

export type RequestDetail = Awaited<ReturnType<typeof requestDetail>>;
export type PracticeRequest = Awaited<ReturnType<typeof practiceRequests>>[number];
type Trail = Awaited<ReturnType<typeof requestTrail>>;
/** The form that failed, with its state, so the message appears next to it. */
export type FailedForm = { form: string; state: FormState } | undefined;

function Due(props: { row: Pick<QueueRow, 'dueAt' | 'daysLeft' | 'overdue' | 'timeZone'>; locale: Locale; r: RightsMessages }) {
  return (
    <>
      <time datetime={new Date(props.row.dueAt).toISOString()}>{formatDueDate(props.row.dueAt, props.locale, props.row.timeZone)}</time>
      {props.row.overdue ? <strong class="field-error"> ({props.r.overdue})</strong> : null}
    </>
  );
}

function Kinds(props: { types: QueueRow['types']; locale: Locale }) {
  return <>{props.types.map((type) => rightsTypeLabel(props.locale, type)).join('; ')}</>;
}

/** The DPO's queue of every practice's requests, the overdue ones first. */
export function DpoQueuePage(props: { page: PageContext; r: RightsMessages; rows: QueueRow[] }) {
  const { page, r } = props;
  return (
    <Layout page={page} title={r.queueTitle}>
      <p>{r.queueIntro}</p>
      {props.rows.length === 0 ? (
        <p>{r.noRequests}</p>
      ) : (
        <table data-testid="request-queue">
          <thead>
            <tr>
              <th scope="col">{r.receivedAt}</th>
              <th scope="col">{r.practiceName}</th>
              <th scope="col">{r.kinds}</th>
              <th scope="col">{r.status}</th>
              <th scope="col">{r.due}</th>
              <th scope="col">{r.daysLeft}</th>
              <th scope="col">
                <span class="hint">{r.open}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row) => (
              <tr data-request={row.id} data-status={row.status} data-overdue={row.overdue ? 'true' : undefined}>
                <td>{formatDateTime(row.receivedAt, page.locale, row.timeZone)}</td>
                <td>{row.practiceName}</td>
                <td>
                  <Kinds types={row.types} locale={page.locale} />
                </td>
                <td>{rightsStatusLabel(page.locale, row.status)}</td>
                <td>
                  <Due row={row} locale={page.locale} r={r} />
                </td>
                <td>{row.closed ? '–' : row.daysLeft}</td>
                <td>
                  <a href={`/dpo/requests/${row.id}`}>{r.open}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

export function TrailTable(props: { trail: Trail; locale: Locale; timeZone: string; r: RightsMessages }) {
  const { r } = props;
  return (
    <table data-testid="request-trail">
      <thead>
        <tr>
          <th scope="col">{r.when}</th>
          <th scope="col">{r.who}</th>
          <th scope="col">{r.what}</th>
          <th scope="col">{r.note}</th>
        </tr>
      </thead>
      <tbody>
        {props.trail.map((event) => (
          <tr data-action={event.action}>
            <td>{formatDateTime(event.at, props.locale, props.timeZone)}</td>
            <td>{trailActorLabel(props.locale, event.actor)}</td>
            <td>{trailActionLabel(props.locale, event.action)}</td>
            <td>{event.note ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One action of the request page: a titled POST form with its own error message in place. */
function ActionForm(props: { id: string; action: string; title: string; hint?: string; button: string; page: PageContext; failed: FailedForm; children?: Child }) {
  const state = props.failed?.form === props.action ? props.failed.state : undefined;
  return (
    <section aria-labelledby={`${props.action}-title`}>
      <h3 id={`${props.action}-title`}>{props.title}</h3>
      {props.hint ? <p class="hint">{props.hint}</p> : null}
      <FormAlert message={state?.message} />
      <form class="stack" method="post" action={`/dpo/requests/${props.id}/${props.action}`}>
        <CsrfField session={props.page.session} />
        {props.children}
        <button type="submit">{props.button}</button>
      </form>
    </section>
  );
}

function TextField(props: { name: string; label: string; failed: FailedForm; form: string; textarea?: boolean; required?: boolean; type?: string }) {
  const state = props.failed?.form === props.form ? props.failed.state : undefined;
  const errors = state?.fields?.[props.name];
  const value = state?.values?.[props.name];
  return (
    <label>
      {props.label}
      {props.textarea ? (
        <textarea name={props.name} rows={4} required={props.required ?? true} aria-invalid={errors ? 'true' : undefined}>
          {value ?? ''}
        </textarea>
      ) : (
        <input name={props.name} type={props.type ?? 'text'} required={props.required ?? true} value={value} aria-invalid={errors ? 'true' : undefined} />
      )}
      <FieldError id={`${props.form}-${props.name}-error`} messages={errors} />
    </label>
  );
}

function WorkActions(props: { detail: RequestDetail; page: PageContext; r: RightsMessages; failed: FailedForm }) {
  const { detail, page, r, failed } = props;
  const { request } = detail;
  const asked = (type: QueueRow['types'][number]) => request.types.includes(type) && request.clientId !== null;
  const common = { id: request.id, page, failed };
  return (
    <>
      {asked('access') || asked('export') ? (
        <ActionForm {...common} action="download-link" title={r.downloadTitle} hint={r.downloadHint} button={r.sendLink}>
          <label>
            {r.format}
            <select name="format">
              {DOWNLOAD_FORMATS.map((format) => (
                <option value={format}>{format.toUpperCase()}</option>
              ))}
            </select>
          </label>
        </ActionForm>
      ) : null}
      {asked('rectification') ? (
        <ActionForm {...common} action="rectify" title={r.rectifyTitle} hint={r.rectifyHint} button={r.rectify}>
          <TextField name="displayName" label={r.newName} form="rectify" failed={failed} required={false} />
          <TextField name="email" label={r.newEmail} form="rectify" failed={failed} required={false} type="email" />
        </ActionForm>
      ) : null}
      {asked('erasure') ? <ActionForm {...common} action="erase" title={r.eraseTitle} hint={r.eraseHint} button={r.erase} /> : null}
      {asked('restriction') ? <ActionForm {...common} action="restrict" title={r.restrictTitle} hint={r.restrictHint} button={r.restrict} /> : null}
      {asked('objection') ? <ActionForm {...common} action="object" title={r.restrictTitle} hint={r.restrictHint} button={r.object} /> : null}
      {asked('withdrawal') ? <ActionForm {...common} action="withdraw" title={r.withdrawTitle} hint={r.withdrawHint} button={r.withdraw} /> : null}
    </>
  );
}

function RequestActions(props: { detail: RequestDetail; page: PageContext; r: RightsMessages; failed: FailedForm; now: number }) {
  const { detail, page, r, failed } = props;
  const { request } = detail;
  const status = request.status;
  const active = status === 'verified' || status === 'in_progress' || status === 'extended';
  const open = active || status === 'awaiting_verification' || status === 'needs_in_person';
  const common = { id: request.id, page, failed };
  return (
    <>
      {status === 'needs_in_person' ? (
        <ActionForm {...common} action="verify-in-person" title={r.verifyInPersonTitle} hint={r.verifyInPersonHint} button={r.verifyInPerson}>
          <label>
            {r.client}
            <select name="clientId" required>
              {detail.candidates.map((client) => (
                <option value={client.id}>
                  {client.displayName} ({client.email ?? r.noEmailOnFile})
                </option>
              ))}
            </select>
          </label>
        </ActionForm>
      ) : null}
      {status === 'verified' ? <ActionForm {...common} action="start" title={r.start} button={r.start} /> : null}
      {(status === 'verified' || status === 'in_progress') && canExtend(request.dueAt, props.now) ? (
        <ActionForm {...common} action="extend" title={r.extendTitle} hint={r.extendHint} button={r.extend}>
          <label>
            {r.months}
            <select name="months">
              <option value="1">1</option>
              <option value="2">2</option>
            </select>
          </label>
          <TextField name="reason" label={r.reason} form="extend" failed={failed} textarea />
        </ActionForm>
      ) : null}
      {active ? <WorkActions detail={detail} page={page} r={r} failed={failed} /> : null}
      {active || status === 'needs_in_person' ? (
        <ActionForm {...common} action="answer" title={r.answerTitle} hint={r.answerHint} button={r.answer}>
          <TextField name="message" label={r.message} form="answer" failed={failed} textarea />
        </ActionForm>
      ) : null}
      {active ? (
        <ActionForm {...common} action="complete" title={r.completeTitle} hint={r.completeHint} button={r.complete}>
          <TextField name="outcome" label={r.outcome} form="complete" failed={failed} required={false} />
        </ActionForm>
      ) : null}
      {open ? (
        <ActionForm {...common} action="reject" title={r.rejectTitle} hint={r.rejectHint} button={r.reject}>
          <TextField name="reason" label={r.reason} form="reject" failed={failed} textarea />
        </ActionForm>
      ) : null}
      <ActionForm {...common} action="comment" title={r.commentTitle} button={r.comment}>
        <TextField name="note" label={r.note} form="comment" failed={failed} textarea />
      </ActionForm>
    </>
  );
}

/** One request for the DPO: what was asked, by which address, its deadline, its trail and the next steps. */
export function DpoRequestPage(props: { page: PageContext; r: RightsMessages; detail: RequestDetail; failed: FailedForm; notice?: string | undefined; now: number }) {
  const { page, r, detail } = props;
  const { request, practice, client, row } = detail;
  return (
    <Layout page={page} title={`${r.requestTitle}: ${practice.name}`}>
      <p>
        <a href="/dpo/requests">{r.backToQueue}</a>
      </p>
      <Notice message={props.notice} />
      <dl>
        <dt>{r.status}</dt>
        <dd data-testid="request-status" data-status={request.status}>
          {rightsStatusLabel(page.locale, request.status)}
        </dd>
        <dt>{r.kinds}</dt>
        <dd>
          <Kinds types={request.types} locale={page.locale} />
        </dd>
        <dt>{r.subjectEmail}</dt>
        <dd>{request.email}</dd>
        {request.details ? (
          <>
            <dt>{r.details}</dt>
            <dd>{request.details}</dd>
          </>
        ) : null}
        <dt>{r.client}</dt>
        <dd>{client ? `${client.displayName}${client.email ? ` <${client.email}>` : ''}` : r.noClient}</dd>
        <dt>{r.receivedAt}</dt>
        <dd>{formatDateTime(request.receivedAt, page.locale, practice.timeZone)}</dd>
        <dt>{request.extendedDueAt ? r.extendedDue : r.due}</dt>
        <dd>
          <Due row={row} locale={page.locale} r={r} /> {row.closed ? '' : `(${r.daysLeft}: ${row.daysLeft})`}
        </dd>
        {request.extensionReason ? (
          <>
            <dt>{r.extensionReason}</dt>
            <dd>{request.extensionReason}</dd>
          </>
        ) : null}
        {request.outcome ? (
          <>
            <dt>{r.outcome}</dt>
            <dd>{request.outcome}</dd>
          </>
        ) : null}
      </dl>
      <h2>{r.trail}</h2>
      <TrailTable trail={detail.trail} locale={page.locale} timeZone={practice.timeZone} r={r} />
      <h2>{r.actions}</h2>
      <RequestActions detail={detail} page={page} r={r} failed={props.failed} now={props.now} />
    </Layout>
  );
}

/** The practice's view: its clients' requests with their trail, and a comment form on each. */
export function PracticeRequestsPage(props: { page: PageContext; r: RightsMessages; rows: PracticeRequest[]; failed: FailedForm; notice?: string | undefined }) {
  const { page, r } = props;
  return (
    <Layout page={page} title={r.practiceTitle}>
      <DashboardNav locale={page.locale} current="/dashboard/requests" />
      <p>{r.practiceIntro}</p>
      <Notice message={props.notice} />
      {props.rows.length === 0 ? <p>{r.noRequests}</p> : null}
      {props.rows.map((row) => {
        const state = props.failed?.form === row.id ? props.failed.state : undefined;
        return (
          <section id={`request-${row.id}`} data-request={row.id} aria-labelledby={`request-${row.id}-title`}>
            <h2 id={`request-${row.id}-title`}>
              <Kinds types={row.types} locale={page.locale} />
            </h2>
            <dl>
              <dt>{r.status}</dt>
              <dd>{rightsStatusLabel(page.locale, row.status)}</dd>
              <dt>{r.client}</dt>
              <dd>{row.clientName ?? row.email ?? r.noClient}</dd>
              <dt>{r.due}</dt>
              <dd>
                <Due row={row} locale={page.locale} r={r} />
              </dd>
            </dl>
            {row.status === 'needs_in_person' ? <p class="hint">{r.needsInPersonHint}</p> : null}
            {row.details ? <p>{row.details}</p> : null}
            <TrailTable trail={row.trail} locale={page.locale} timeZone={row.timeZone} r={r} />
            <FormAlert message={state?.message} />
            <form class="stack" method="post" action={`/dashboard/requests/${row.id}/comment`}>
              <CsrfField session={page.session} />
              <label>
                {r.commentTitle}
                <textarea name="note" rows={3} required aria-invalid={state?.fields?.note ? 'true' : undefined}>
                  {state?.values?.note ?? ''}
                </textarea>
                <FieldError id={`note-${row.id}-error`} messages={state?.fields?.note} />
              </label>
              <button type="submit">{r.comment}</button>
            </form>
          </section>
        );
      })}
    </Layout>
  );
}
