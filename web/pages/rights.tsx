import { RIGHTS_TYPES } from '../../db/schema/rights-requests';
import { MAX_DETAILS } from '../../workers/lib/rights-input';
import { CsrfField, FieldError, FormAlert, Layout, Notice, type PageContext } from '../components/layout';
import { fill } from '../i18n/define';
import { formatDueDate, type RightsMessages, rightsStatusLabel, rightsTypeLabel } from '../i18n/rights';
import type { FormState } from '../components/text-field';

type RightsType = (typeof RIGHTS_TYPES)[number];

/** The public rights portal: which practice, what, and where to answer. Works without JavaScript. */
export function RightsPortalPage(props: { page: PageContext; r: RightsMessages; practice: string; checked: string[]; state: FormState; notice?: string | undefined }) {
  const { page, r, state } = props;
  const fields = state.fields ?? {};
  const invalid = (name: string) => (fields[name] ? { 'aria-invalid': 'true' as const, 'aria-describedby': `${name}-error` } : {});
  return (
    <Layout page={page} title={r.portalTitle}>
      <p>{r.portalIntro}</p>
      <Notice message={props.notice} />
      <FormAlert message={state.message} />
      <form class="stack" method="post" action="/rights">
        <CsrfField session={page.session} />
        <label>
          {r.practice}
          <span class="hint">{r.practiceHint}</span>
          <input name="practice" required maxlength={64} value={state.values?.practice ?? props.practice} autocapitalize="none" {...invalid('practice')} />
          <FieldError id="practice-error" messages={fields.practice} />
        </label>
        <fieldset {...invalid('types')}>
          <legend>{r.types}</legend>
          {RIGHTS_TYPES.map((type) => (
            <label class="check">
              <input type="checkbox" name="types" value={type} checked={props.checked.includes(type)} />
              {rightsTypeLabel(page.locale, type)}
            </label>
          ))}
          <FieldError id="types-error" messages={fields.types} />
        </fieldset>
        <label>
          {r.email}
          <span class="hint">{r.emailHint}</span>
          <input name="email" type="email" required autocomplete="email" value={state.values?.email} {...invalid('email')} />
          <FieldError id="email-error" messages={fields.email} />
        </label>
        <label>
          {r.details}
          <span class="hint">{r.detailsHint}</span>
          <textarea name="details" rows={4} maxlength={MAX_DETAILS} {...invalid('details')}>
            {state.values?.details ?? ''}
          </textarea>
          <FieldError id="details-error" messages={fields.details} />
        </label>
        <button type="submit">{r.send}</button>
      </form>
    </Layout>
  );
}

/** Opening the emailed link shows this and nothing more: only the button confirms, since mail scanners open links. */
export function VerifyRequestPage(props: { page: PageContext; r: RightsMessages; token: string; practiceName: string; types: RightsType[] }) {
  const { page, r } = props;
  return (
    <Layout page={page} title={r.verifyTitle}>
      <p>{fill(r.verifyIntro, { practice: props.practiceName })}</p>
      <ul>
        {props.types.map((type) => (
          <li>{rightsTypeLabel(page.locale, type)}</li>
        ))}
      </ul>
      <form method="post" action="/rights/verify/_">
        <CsrfField session={page.session} />
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">{r.confirm}</button>
      </form>
    </Layout>
  );
}

/** The emailed download link's page: the single download starts only from the button, never from opening the link. */
export function DownloadPackagePage(props: { page: PageContext; r: RightsMessages; token: string; format: string; until: string }) {
  const { page, r } = props;
  return (
    <Layout page={page} title={r.packageTitle}>
      <p>{fill(r.downloadIntro, { format: props.format.toUpperCase(), until: props.until })}</p>
      <form method="post" action="/rights/download/_">
        <CsrfField session={page.session} />
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">{r.downloadButton}</button>
      </form>
    </Layout>
  );
}

export function RequestConfirmedPage(props: {
  page: PageContext;
  r: RightsMessages;
  view: { status: 'verified' | 'needs_in_person'; dueAt: number; timeZone: string; practiceName: string };
}) {
  const { page, r, view } = props;
  return (
    <Layout page={page} title={r.verifiedTitle}>
      <p role="status" class="notice">
        {view.status === 'verified' ? fill(r.verifiedText, { due: formatDueDate(view.dueAt, page.locale, view.timeZone) }) : r.needsInPersonText}
      </p>
      <dl>
        <dt>{r.practiceName}</dt>
        <dd>{view.practiceName}</dd>
        <dt>{r.status}</dt>
        <dd data-testid="request-status" data-status={view.status}>
          {rightsStatusLabel(page.locale, view.status)}
        </dd>
      </dl>
    </Layout>
  );
}
