import { CsrfField, FormAlert, Layout, type PageContext } from '../components/layout';
import type { BookingMessages } from '../i18n/booking';

/** The answer to every accepted booking form, whoever the address belongs to (issue 11: no answer reveals a client). */
export function CheckEmailPage(props: { page: PageContext; b: BookingMessages; practiceName: string; slug: string; holdMinutes: number }) {
  const { b } = props;
  return (
    <Layout page={props.page} title={b.checkEmailTitle}>
      <p class="notice" role="status" data-testid="check-email">
        {b.checkEmail}
      </p>
      <p>
        {b.heldFor} {props.holdMinutes} {b.minutes}.
      </p>
      <p class="hint">{b.checkEmailHint}</p>
      <p>
        <a href={`/book/${props.slug}`}>
          {b.bookAgain} – {props.practiceName}
        </a>
      </p>
    </Layout>
  );
}

export type HoldView = { token: string; practiceName: string; slug: string; when: string; typeName: string; open: boolean };

/**
 * Opening the emailed link only shows this page; its button (a POST) confirms, because mail scanners open links.
 * `message` is the outcome of a confirmation that did not book (used or expired link, restricted address, limit).
 */
export function ConfirmHoldPage(props: { page: PageContext; b: BookingMessages; view: HoldView; message?: string | undefined }) {
  const { b, view } = props;
  return (
    <Layout page={props.page} title={b.confirmTitle}>
      <FormAlert message={props.message ?? (view.open ? undefined : b.holdGone)} />
      <p>
        <strong>{view.practiceName}</strong>
      </p>
      <dl>
        <dt>{b.time}</dt>
        <dd data-testid="hold-when">{view.when}</dd>
        <dt>{b.appointmentType}</dt>
        <dd>{view.typeName}</dd>
      </dl>
      {view.open && !props.message ? (
        <form method="post" action={`/hold/${view.token}`}>
          <CsrfField session={props.page.session} />
          <p>{b.confirmIntro}</p>
          <button type="submit">{b.confirmSubmit}</button>
        </form>
      ) : (
        <p>
          <a href={`/book/${view.slug}`}>{b.bookAgain}</a>
        </p>
      )}
    </Layout>
  );
}
