import type { Child } from 'hono/jsx';
import { formatDateTime, intlTag, LOCALES, type Locale } from '../../workers/domain/locale';
import { clockOfEnd, clockOfMinutes, hourFieldName, RANGES_PER_DAY_IN_FORM, WEEKDAYS } from '../../workers/lib/settings-input';
import type { SettingsView } from '../../workers/services/settings';
import { DashboardNav } from '../components/dashboard-nav';
import { CsrfField, FieldError, FormAlert, Layout, Notice, type PageContext } from '../components/layout';
import type { SettingsMessages } from '../i18n/settings';
import { type FormState, TextField } from '../components/text-field';

export type SettingsForm = 'profile' | 'hours' | 'exception' | 'type' | 'terms';
type AppointmentType = SettingsView['types'][number];

const LANGUAGE_NAMES: Record<Locale, string> = { de: 'Deutsch', da: 'Dansk', en: 'English' };
const COMMON_ZONES = ['Europe/Berlin', 'Europe/Copenhagen', 'Europe/Vienna', 'Europe/Zurich'];
const CURRENT = '/dashboard/settings';


/** 1 = Monday; 1 January 2024 was a Monday. */
function weekdayName(weekday: number, locale: Locale): string {
  return new Intl.DateTimeFormat(intlTag(locale), { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2024, 0, weekday));
}

function formatDate(date: string, locale: Locale): string {
  return new Intl.DateTimeFormat(intlTag(locale), { weekday: 'short', day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }).format(Date.parse(`${date}T00:00:00Z`));
}

/** A labelled input whose error is announced with it; after a failed submit it shows what was typed. */

function Select(props: { name: string; label: string; options: [string, string][]; selected: string; state: FormState }) {
  const errors = props.state.fields?.[props.name];
  return (
    <label>
      {props.label}
      <select name={props.name} aria-invalid={errors ? 'true' : undefined} aria-describedby={errors ? `${props.name}-error` : undefined}>
        {props.options.map(([value, text]) => (
          <option value={value} selected={value === props.selected}>
            {text}
          </option>
        ))}
      </select>
      <FieldError id={`${props.name}-error`} messages={errors} />
    </label>
  );
}

function ProfileSection(props: { s: SettingsMessages; view: SettingsView; state: FormState; csrf: Child }) {
  const { s, state } = props;
  const p = props.view.practice;
  return (
    <section aria-labelledby="profile">
      <h2 id="profile">{s.profileTitle}</h2>
      <p>
        {s.bookingPage}: <a href={`/book/${p.slug}`}>/book/{p.slug}</a>
      </p>
      <FormAlert message={state.message} />
      <form class="stack" method="post" action="/dashboard/settings/profile">
        {props.csrf}
        <TextField name="name" label={s.practiceName} state={state} value={p.name} />
        <TextField name="contactEmail" type="email" label={s.contactEmail} hint={s.contactEmailHint} state={state} value={p.contactEmail} />
        <label>
          {s.timeZone}
          <span class="hint">{s.timeZoneHint}</span>
          <input name="timeZone" list="zones" required value={state.values?.timeZone ?? p.timeZone} aria-invalid={state.fields?.timeZone ? 'true' : undefined} aria-describedby={state.fields?.timeZone ? 'timeZone-error' : undefined} />
          <datalist id="zones">
            {COMMON_ZONES.map((zone) => (
              <option value={zone} />
            ))}
          </datalist>
          <FieldError id="timeZone-error" messages={state.fields?.timeZone} />
        </label>
        <Select name="locale" label={s.locale} options={LOCALES.map((code) => [code, LANGUAGE_NAMES[code]])} selected={state.values?.locale ?? p.locale} state={state} />
        <TextField name="cancellationNoticeHours" type="number" min={0} max={336} label={s.cancellationNotice} hint={s.cancellationNoticeHint} state={state} value={p.cancellationNoticeHours} />
        <label class="check">
          <input type="checkbox" name="nameInSubjects" value="on" checked={state.values ? state.values.nameInSubjects === 'on' : p.nameInSubjects} aria-describedby="nameInSubjects-hint" />
          {s.nameInSubjects}
        </label>
        <p class="hint" id="nameInSubjects-hint">
          {s.nameInSubjectsHint}
        </p>
        <TextField name="holdMinutes" type="number" min={10} max={120} label={s.holdMinutes} hint={s.holdMinutesHint} state={state} value={p.holdMinutes} />
        <button type="submit">{s.saveProfile}</button>
      </form>
    </section>
  );
}

function HoursSection(props: { s: SettingsMessages; locale: Locale; view: SettingsView; state: FormState; csrf: Child }) {
  const { s, state } = props;
  return (
    <section aria-labelledby="hours">
      <h2 id="hours">{s.hoursTitle}</h2>
      <p class="hint">{s.hoursHint}</p>
      <FormAlert message={state.message} />
      <form class="stack" method="post" action="/dashboard/settings/hours">
        {props.csrf}
        {WEEKDAYS.map((weekday) => {
          const stored = props.view.hours.filter((h) => h.weekday === weekday);
          const dayErrors = state.fields?.[`day${weekday}`];
          return (
            <fieldset class="day" aria-describedby={dayErrors ? `day${weekday}-error` : undefined}>
              <legend>{weekdayName(weekday, props.locale)}</legend>
              {Array.from({ length: Math.max(RANGES_PER_DAY_IN_FORM, stored.length) }, (_, index) => {
                const range = stored[index];
                const number = ` (${index + 1})`;
                return (
                  <p>
                    <TextField name={hourFieldName(weekday, index, 'start')} type="time" required={false} label={`${s.from}${number}`} state={state} value={range ? clockOfMinutes(range.startMinute) : ''} />{' '}
                    <TextField name={hourFieldName(weekday, index, 'end')} type="time" required={false} label={`${s.until}${number}`} state={state} value={range ? clockOfEnd(range.endMinute) : ''} />
                  </p>
                );
              })}
              <FieldError id={`day${weekday}-error`} messages={dayErrors} />
            </fieldset>
          );
        })}
        <button type="submit">{s.saveHours}</button>
      </form>
    </section>
  );
}

function ExceptionsSection(props: { s: SettingsMessages; locale: Locale; view: SettingsView; state: FormState; csrf: Child }) {
  const { s, state } = props;
  return (
    <section aria-labelledby="exceptions">
      <h2 id="exceptions">{s.exceptionsTitle}</h2>
      <p class="hint">{s.exceptionsHint}</p>
      {props.view.exceptions.length === 0 ? (
        <p>{s.noExceptions}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{s.date}</th>
              <th scope="col">{s.kind}</th>
              <th scope="col">{s.time}</th>
              <th scope="col">
                <span class="hint">{s.remove}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.view.exceptions.map((e) => (
              <tr data-exception-id={e.id}>
                <td>{formatDate(e.date, props.locale)}</td>
                <td>{e.kind === 'closed' ? s.closed : s.extra}</td>
                <td>{e.startMinute !== null && e.endMinute !== null ? `${clockOfMinutes(e.startMinute)}–${clockOfMinutes(e.endMinute)}` : s.wholeDay}</td>
                <td>
                  <form method="post" action={`/dashboard/settings/exceptions/${e.id}/delete`}>
                    {props.csrf}
                    <button type="submit" aria-label={`${s.remove}: ${formatDate(e.date, props.locale)}`}>
                      {s.remove}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <FormAlert message={state.message} />
      <form class="stack" method="post" action="/dashboard/settings/exceptions">
        {props.csrf}
        <TextField name="date" type="date" label={s.date} state={state} />
        <Select name="kind" label={s.kind} options={[['closed', s.closed], ['extra', s.extra]]} selected={state.values?.kind ?? 'closed'} state={state} />
        <p class="hint">{s.exceptionTimesHint}</p>
        <TextField name="start" type="time" required={false} label={s.from} state={state} />
        <TextField name="end" type="time" required={false} label={s.until} state={state} />
        <button type="submit">{s.addException}</button>
      </form>
    </section>
  );
}

/** The fields of an appointment type, shared by the "new" form and the edit page. */
export function TypeFields(props: { s: SettingsMessages; state: FormState; type?: AppointmentType | undefined }) {
  const { s, state, type } = props;
  return (
    <>
      <TextField name="name" label={s.name} state={state} value={type?.name} />
      <TextField name="durationMin" type="number" min={5} max={480} step={5} label={s.duration} hint={s.bufferHint} state={state} value={type?.durationMin ?? 50} />
      <TextField name="bufferBeforeMin" type="number" min={0} max={240} step={5} label={s.bufferBefore} state={state} value={type?.bufferBeforeMin ?? 0} />
      <TextField name="bufferAfterMin" type="number" min={0} max={240} step={5} label={s.bufferAfter} state={state} value={type?.bufferAfterMin ?? 10} />
      <TextField name="minNoticeMin" type="number" min={0} label={s.minNotice} hint={s.minNoticeHint} state={state} value={type?.minNoticeMin ?? 720} />
      <TextField name="horizonDays" type="number" min={1} max={365} label={s.horizon} state={state} value={type?.horizonDays ?? 60} />
      <Select name="mode" label={s.mode} options={[['video', s.video], ['in_person', s.inPerson]]} selected={state.values?.mode ?? type?.mode ?? 'video'} state={state} />
      <TextField name="priceText" required={false} label={s.price} state={state} value={type?.priceText} />
    </>
  );
}

function TypesSection(props: { s: SettingsMessages; view: SettingsView; state: FormState; csrf: Child }) {
  const { s } = props;
  return (
    <section aria-labelledby="types">
      <h2 id="types">{s.typesTitle}</h2>
      <p class="hint">{s.typesHint}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">{s.name}</th>
            <th scope="col">{s.duration}</th>
            <th scope="col">{s.mode}</th>
            <th scope="col">{s.status}</th>
            <th scope="col">
              <span class="hint">{s.edit}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.view.types.map((type) => (
            <tr data-type-id={type.id}>
              <td>{type.name}</td>
              <td>
                {type.durationMin} {s.minutes} (+{type.bufferBeforeMin}/+{type.bufferAfterMin})
              </td>
              <td>{type.mode === 'video' ? s.video : s.inPerson}</td>
              <td>{type.active ? s.active : s.inactive}</td>
              <td>
                <a href={`/dashboard/settings/types/${type.id}`} aria-label={`${s.edit}: ${type.name}`}>
                  {s.edit}
                </a>
                <form method="post" action={`/dashboard/settings/types/${type.id}/${type.active ? 'deactivate' : 'reactivate'}`}>
                  {props.csrf}
                  <button type="submit" class="link" aria-label={`${type.active ? s.deactivate : s.reactivate}: ${type.name}`}>
                    {type.active ? s.deactivate : s.reactivate}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{s.newType}</h3>
      <FormAlert message={props.state.message} />
      <form class="stack" method="post" action="/dashboard/settings/types">
        {props.csrf}
        <TypeFields s={s} state={props.state} />
        <button type="submit">{s.addType}</button>
      </form>
    </section>
  );
}

function TermsSection(props: { s: SettingsMessages; page: PageContext; view: SettingsView; state: FormState; csrf: Child }) {
  const { s, state } = props;
  const { current, versions } = props.view.terms;
  const text = state.values?.text ?? current?.text ?? '';
  return (
    <section aria-labelledby="terms">
      <h2 id="terms">{s.termsTitle}</h2>
      {current ? (
        <p>
          {s.version} {current.version} ({s.current})
        </p>
      ) : (
        <p>{s.noTerms}</p>
      )}
      <FormAlert message={state.message} />
      <form class="stack" method="post" action="/dashboard/settings/terms">
        {props.csrf}
        <label>
          {s.termsText}
          <span class="hint">{s.termsHint}</span>
          <textarea name="text" rows={18} required aria-invalid={state.fields?.text ? 'true' : undefined} aria-describedby={state.fields?.text ? 'text-error' : undefined}>
            {text}
          </textarea>
          <FieldError id="text-error" messages={state.fields?.text} />
        </label>
        <button type="submit">{s.publishTerms}</button>
      </form>
      <h3>{s.termsVersions}</h3>
      <ul>
        {versions.map((v) => (
          <li>
            <a href={`/dashboard/settings/terms/${v.version}`}>
              {s.version} {v.version}
            </a>{' '}
            <span class="hint">
              {s.published} {formatDateTime(v.createdAt, props.page.locale, props.view.practice.timeZone)}
              {v.version === current?.version ? ` (${s.current})` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function SettingsPage(props: { page: PageContext; s: SettingsMessages; view: SettingsView; notice?: string | undefined; failed?: { form: SettingsForm; state: FormState } | undefined }) {
  const { page, s, view } = props;
  const stateOf = (form: SettingsForm): FormState => (props.failed?.form === form ? props.failed.state : {});
  const csrf = <CsrfField session={page.session} />;
  return (
    <Layout page={page} title={s.title}>
      <DashboardNav locale={page.locale} current={CURRENT} />
      <Notice message={props.notice} />
      <ProfileSection s={s} view={view} state={stateOf('profile')} csrf={csrf} />
      <HoursSection s={s} locale={page.locale} view={view} state={stateOf('hours')} csrf={csrf} />
      <ExceptionsSection s={s} locale={page.locale} view={view} state={stateOf('exception')} csrf={csrf} />
      <TypesSection s={s} view={view} state={stateOf('type')} csrf={csrf} />
      <TermsSection s={s} page={page} view={view} state={stateOf('terms')} csrf={csrf} />
    </Layout>
  );
}

export function TypeEditPage(props: { page: PageContext; s: SettingsMessages; type: AppointmentType; state: FormState }) {
  const { page, s, type } = props;
  return (
    <Layout page={page} title={s.editType}>
      <DashboardNav locale={page.locale} current={CURRENT} />
      <p>
        <a href="/dashboard/settings#types">{s.back}</a>
      </p>
      <FormAlert message={props.state.message} />
      <form class="stack" method="post" action={`/dashboard/settings/types/${type.id}`}>
        <CsrfField session={page.session} />
        <TypeFields s={s} state={props.state} type={type} />
        <button type="submit">{s.saveType}</button>
      </form>
    </Layout>
  );
}

export function TermsVersionPage(props: { page: PageContext; s: SettingsMessages; terms: { version: number; text: string; sha256: string; createdAt: number }; timeZone: string; isCurrent: boolean }) {
  const { page, s, terms } = props;
  return (
    <Layout page={page} title={`${s.termsTitle} – ${s.version} ${terms.version}`}>
      <DashboardNav locale={page.locale} current={CURRENT} />
      <p>
        <a href="/dashboard/settings#terms">{s.back}</a>
      </p>
      <p class="hint">
        {s.published} {formatDateTime(terms.createdAt, page.locale, props.timeZone)}
        {props.isCurrent ? ` (${s.current})` : ''} · SHA-256 <code>{terms.sha256}</code>
      </p>
      <pre class="legal" tabindex={0}>
        {terms.text}
      </pre>
    </Layout>
  );
}
