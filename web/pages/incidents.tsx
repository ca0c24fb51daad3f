import type { Child } from 'hono/jsx';
import { BREACH_DATA_CATEGORIES, type BreachClock, formatUtc, SUBJECT_CATEGORIES, splitDuration } from '../../workers/domain/breach';
import type { Locale } from '../../workers/domain/locale';
import type { IncidentSummary, IncidentView, timelineOf } from '../../workers/services/incidents';
import { CsrfField, FieldError, FormAlert, Layout, Notice, type PageContext } from '../components/layout';
import { categoryLabel, DATA_CATEGORY_LABELS, type IncidentsMessages, SUBJECT_CATEGORY_LABELS } from '../i18n/incidents';
import { type FormState, TextField } from '../components/text-field';

const LANGUAGE_NAMES: Record<Locale, string> = { de: 'Deutsch', da: 'Dansk', en: 'English' };

function duration(m: IncidentsMessages, ms: number): string {
  const { hours, minutes } = splitDuration(ms);
  return m.duration.replace('{h}', String(hours)).replace('{m}', String(minutes).padStart(2, '0'));
}

/** The 72-hour clock: the deadline in UTC and the time left, the same for every practice; "overdue" in red. */
function Clock(props: { m: IncidentsMessages; clock: BreachClock }) {
  const { m, clock } = props;
  return (
    <span class="clock">
      <time datetime={new Date(clock.deadline).toISOString()}>{formatUtc(clock.deadline)}</time>
      {' · '}
      {clock.overdue ? (
        // .field-error carries the stylesheet's red; the word itself says it for those who do not see colour.
        <strong class="overdue field-error">{m.overdue}</strong>
      ) : (
        <span class="remaining">
          {m.remaining}: {duration(m, clock.remainingMs)}
        </span>
      )}
    </span>
  );
}

export function IncidentsListPage(props: { page: PageContext; m: IncidentsMessages; incidents: IncidentSummary[] }) {
  const { m } = props;
  return (
    <Layout page={props.page} title={m.title}>
      <p>{m.intro}</p>
      <p>
        <a class="button" href="/dpo/incidents/new">
          {m.newIncident}
        </a>
      </p>
      {props.incidents.length === 0 ? (
        <p>{m.noIncidents}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{m.reference}</th>
              <th scope="col">{m.nature}</th>
              <th scope="col">{m.deadline}</th>
              <th scope="col">{m.status}</th>
            </tr>
          </thead>
          <tbody>
            {props.incidents.map((incident) => (
              <tr data-testid="incident-row">
                <td>
                  <a href={`/dpo/incidents/${incident.id}`}>{incident.reference}</a>
                </td>
                <td>{incident.nature.length > 120 ? `${incident.nature.slice(0, 117)}…` : incident.nature}</td>
                <td>{incident.closedAt === null ? <Clock m={m} clock={incident.clock} /> : formatUtc(incident.clock.deadline)}</td>
                <td>
                  {incident.closedAt === null ? m.open : m.closed}
                  {incident.highRisk ? ` · ${m.highRiskShort}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

function TextArea(props: { name: string; label: string; hint?: string; state: FormState; value?: string; required?: boolean }) {
  const errors = props.state.fields?.[props.name];
  return (
    <label>
      {props.label}
      {props.hint ? <span class="hint">{props.hint}</span> : null}
      <textarea name={props.name} rows={4} required={props.required ?? true} aria-invalid={errors ? 'true' : undefined} aria-describedby={errors ? `${props.name}-error` : undefined}>
        {props.state.values?.[props.name] ?? props.value ?? ''}
      </textarea>
      <FieldError id={`${props.name}-error`} messages={errors} />
    </label>
  );
}


/** Checkboxes sharing one name; after a failed submit the route echoes the chosen values joined by newlines. */
function Checkboxes(props: { name: string; legend: string; options: readonly string[]; labels: Record<string, string>; state: FormState }) {
  const chosen = new Set((props.state.values?.[props.name] ?? '').split('\n'));
  const errors = props.state.fields?.[props.name];
  return (
    <fieldset aria-describedby={errors ? `${props.name}-error` : undefined}>
      <legend>{props.legend}</legend>
      {props.options.map((option) => (
        <label class="check">
          <input type="checkbox" name={props.name} value={option} checked={chosen.has(option)} />
          {categoryLabel(props.labels, option)}
        </label>
      ))}
      <FieldError id={`${props.name}-error`} messages={errors} />
    </fieldset>
  );
}

export function IncidentFormPage(props: { page: PageContext; m: IncidentsMessages; state: FormState; defaults: { contact: string; awareAt: string } }) {
  const { m, state, page } = props;
  const scope = state.values?.scope ?? 'all';
  return (
    <Layout page={page} title={m.newIncident}>
      <p>
        <a href="/dpo/incidents">{m.back}</a>
      </p>
      <FormAlert message={state.message} />
      <form class="stack" method="post" action="/dpo/incidents">
        <CsrfField session={page.session} />
        <TextField name="awareAt" type="datetime-local" label={m.awareAt} hint={m.awareAtHint} state={state} value={props.defaults.awareAt} />
        <TextArea name="nature" label={m.nature} hint={m.natureHint} state={state} />
        <Checkboxes name="dataCategories" legend={m.dataCategories} options={BREACH_DATA_CATEGORIES} labels={DATA_CATEGORY_LABELS[page.locale]} state={state} />
        <Checkboxes name="subjectCategories" legend={m.subjectCategories} options={SUBJECT_CATEGORIES} labels={SUBJECT_CATEGORY_LABELS[page.locale]} state={state} />
        <TextField name="approxSubjects" type="number" min={0} label={m.approxSubjects} state={state} />
        <TextField name="approxRecords" type="number" min={0} label={m.approxRecords} state={state} />
        <TextArea name="consequences" label={m.consequences} state={state} />
        <TextArea name="measures" label={m.measures} state={state} />
        <TextField name="contact" type="email" label={m.contact} hint={m.contactHint} state={state} value={props.defaults.contact} />
        <fieldset>
          <legend>{m.scope}</legend>
          {(['all', 'practices', 'window'] as const).map((kind) => (
            <label class="check">
              <input type="radio" name="scope" value={kind} checked={scope === kind} />
              {kind === 'all' ? m.scopeAll : kind === 'practices' ? m.scopePractices : m.scopeWindow}
            </label>
          ))}
          <TextArea name="practiceSlugs" label={m.practiceSlugs} state={state} required={false} />
          <TextField name="windowFrom" type="datetime-local" label={m.windowFrom} state={state} required={false} />
          <TextField name="windowTo" type="datetime-local" label={m.windowTo} state={state} required={false} />
        </fieldset>
        <label class="check">
          <input type="checkbox" name="highRisk" value="on" checked={state.values?.highRisk === 'on'} />
          {m.highRisk}
        </label>
        <button type="submit">{m.create}</button>
      </form>
    </Layout>
  );
}

type Timeline = ReturnType<typeof timelineOf>;

function Timeline(props: { m: IncidentsMessages; timeline: Timeline }) {
  const { m } = props;
  const label = (event: Timeline['events'][number]): Child => {
    switch (event.type) {
      case 'aware':
        return m.eventAware;
      case 'created':
        return m.eventCreated;
      case 'closed':
        return m.eventClosed;
      case 'update':
        return `${m.eventUpdate}: ${event.text}`;
      case 'notice':
        return `${event.kind === 'practice' ? m.eventNoticePractice : m.eventNoticeUpdate} ${event.practiceName}`;
    }
  };
  return (
    <ol data-testid="timeline">
      {props.timeline.events.map((event) => (
        <li>
          <time datetime={event.at}>{formatUtc(Date.parse(event.at))}</time> – {label(event)}
        </li>
      ))}
    </ol>
  );
}

function Summary(props: { m: IncidentsMessages; view: IncidentView; locale: Locale }) {
  const { m, view, locale } = props;
  const { incident } = view;
  const list = (labels: Record<string, string>, keys: string[]) => keys.map((key) => categoryLabel(labels, key)).join('; ');
  return (
    <dl>
      <dt>{m.status}</dt>
      <dd>{incident.closedAt === null ? m.open : m.closed}</dd>
      <dt>{m.awareAt}</dt>
      <dd>{formatUtc(incident.awareAt)}</dd>
      <dt>{m.deadline}</dt>
      <dd>{incident.closedAt === null ? <Clock m={m} clock={view.clock} /> : formatUtc(view.clock.deadline)}</dd>
      <dt>{m.nature}</dt>
      <dd>{incident.nature}</dd>
      <dt>{m.dataCategories}</dt>
      <dd>{list(DATA_CATEGORY_LABELS[locale], incident.dataCategories)}</dd>
      <dt>{m.subjectCategories}</dt>
      <dd>{list(SUBJECT_CATEGORY_LABELS[locale], incident.subjectCategories)}</dd>
      <dt>{m.approxSubjects}</dt>
      <dd>{incident.approxSubjects}</dd>
      <dt>{m.approxRecords}</dt>
      <dd>{incident.approxRecords}</dd>
      <dt>{m.consequences}</dt>
      <dd>{incident.consequences}</dd>
      <dt>{m.measures}</dt>
      <dd>{incident.measures}</dd>
      <dt>{m.contact}</dt>
      <dd>{incident.contact}</dd>
      <dt>{m.scope}</dt>
      <dd>
        {incident.scope.kind === 'all' ? m.scopeAll : incident.scope.kind === 'practices' ? m.scopePractices : `${m.scopeWindow}: ${formatUtc(incident.scope.from)} – ${formatUtc(incident.scope.to)}`}
      </dd>
      <dt>{m.highRiskShort}</dt>
      <dd>{incident.highRisk ? m.yes : m.no}</dd>
      <dt>{m.affectedNow}</dt>
      <dd data-testid="affected">{view.affected}</dd>
      <dt>{m.pending}</dt>
      <dd data-testid="pending">{view.pending}</dd>
    </dl>
  );
}

export function IncidentDetailPage(props: { page: PageContext; m: IncidentsMessages; view: IncidentView; timeline: Timeline; notice?: string | undefined; state: FormState }) {
  const { m, view, page, state } = props;
  const base = `/dpo/incidents/${view.incident.id}`;
  const open = view.incident.closedAt === null;
  return (
    <Layout page={page} title={`${m.title}: ${view.reference}`}>
      <p>
        <a href="/dpo/incidents">{m.back}</a> · <a href={`${base}/timeline.json`}>{m.exportTimeline}</a>
      </p>
      <Notice message={props.notice} />
      <FormAlert message={state.message} />
      <Summary m={m} view={view} locale={page.locale} />
      <h2>{m.timeline}</h2>
      <Timeline m={m} timeline={props.timeline} />
      {open ? (
        <>
          <h2>{m.notifyTitle}</h2>
          <p>{m.notifyHint}</p>
          <form method="post" action={`${base}/notify`}>
            <CsrfField session={page.session} />
            <button type="submit">{m.notify}</button>
          </form>
          <h2>{m.eventUpdate}</h2>
          <form class="stack" method="post" action={`${base}/updates`}>
            <CsrfField session={page.session} />
            <TextArea name="text" label={m.addUpdate} state={state} />
            <button type="submit">{m.saveUpdate}</button>
          </form>
          <h2>{m.closeTitle}</h2>
          <p>{m.closeHint}</p>
          <form method="post" action={`${base}/close`}>
            <CsrfField session={page.session} />
            <button type="submit">{m.close}</button>
          </form>
        </>
      ) : null}
      {view.subjectNotices.length ? (
        <section aria-labelledby="art34">
          <h2 id="art34">{m.subjectNoticeTitle}</h2>
          <p>{m.subjectNoticeHint}</p>
          {view.subjectNotices.map((notice) => (
            <details>
              <summary lang={notice.locale}>{LANGUAGE_NAMES[notice.locale]}</summary>
              <pre class="legal" tabindex={0} lang={notice.locale} data-testid={`subject-notice-${notice.locale}`}>
                {`${notice.subject}\n\n${notice.text}`}
              </pre>
              <p>
                <a href={`${base}/subject-notice/${notice.locale}`}>{m.download}</a>
              </p>
            </details>
          ))}
        </section>
      ) : null}
    </Layout>
  );
}
