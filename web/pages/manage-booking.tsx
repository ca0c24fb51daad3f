import { CsrfField, FieldError, FormAlert, Layout, Notice, type PageContext } from '../components/layout';
import { type AppointmentStatus, appointmentStatusLabel, consentPurposeLabel } from '../i18n/appointments';
import type { BookingMessages } from '../i18n/booking';
import type { FormState } from '../components/text-field';
import { type DaySlots, SlotPicker } from './booking';

export type ManageView = {
  token: string;
  practiceName: string;
  contactEmail: string;
  when: string;
  typeName: string;
  mode: 'video' | 'in_person';
  status: AppointmentStatus;
  canChange: boolean;
  callPath: string | null;
  activePurposes: ('booking' | 'reminders')[];
};

export function ManagePage(props: { page: PageContext; b: BookingMessages; view: ManageView; notice?: string | undefined; state: FormState }) {
  const { b, view } = props;
  const base = `/b/${view.token}`;
  return (
    <Layout page={props.page} title={b.yourAppointment}>
      <Notice message={props.notice} />
      <FormAlert message={props.state.message} />
      <p>
        <strong>{view.practiceName}</strong>
      </p>
      <dl>
        <dt>{b.time}</dt>
        <dd data-testid="appointment-when">{view.when}</dd>
        <dt>{b.appointmentType}</dt>
        <dd>
          {view.typeName} · {view.mode === 'video' ? b.video : b.inPerson}
        </dd>
        <dt>{b.status}</dt>
        <dd data-testid="appointment-status">{appointmentStatusLabel(props.page.locale, view.status)}</dd>
        <dt>{b.thisBookingConsent}</dt>
        <dd>{view.activePurposes.length ? view.activePurposes.map((p) => consentPurposeLabel(props.page.locale, p)).join(', ') : b.none}</dd>
      </dl>
      {view.callPath && view.status === 'booked' ? (
        <p>
          <a href={view.callPath}>{b.callLink}</a> – {b.callHint}
        </p>
      ) : null}
      <p>
        <a href={`${base}/receipt.json`} download="consent-receipt.json">
          {b.receipt}
        </a>
      </p>
      {view.status === 'booked' && view.canChange ? (
        <>
          <p>
            <a href={`${base}/reschedule`}>{b.reschedule}</a>
          </p>
          <form method="post" action="/b/_/cancel">
            <CsrfField session={props.page.session} />
            <input type="hidden" name="token" value={view.token} />
            <button type="submit">{b.cancel}</button>
          </form>
        </>
      ) : view.status === 'booked' ? (
        <p>
          {b.changeClosed} {view.contactEmail}
        </p>
      ) : null}
      <p>
        <a href={`${base}/withdraw`}>{b.withdrawLink}</a>
      </p>
      <p class="hint">
        {b.widerRights} <a href="/rights">{b.rightsPortal}</a>
      </p>
    </Layout>
  );
}

export function WithdrawPage(props: { page: PageContext; b: BookingMessages; token: string; active: ('booking' | 'reminders')[]; result?: { cancelled: number } | undefined }) {
  const { b } = props;
  // The token goes in the body, not the action URL that logs keep (workers/lib/token-in-body.ts).
  const action = '/b/_/withdraw';
  return (
    <Layout page={props.page} title={b.withdrawTitle}>
      {props.result ? (
        <p class="notice" role="status">
          {b.withdrawn} {props.result.cancelled ? `${b.cancelledCount} ${props.result.cancelled}` : ''}
        </p>
      ) : null}
      <p>{b.withdrawIntro}</p>
      <p class="hint">
        {b.widerRights} <a href="/rights">{b.rightsPortal}</a>
      </p>
      {props.active.length === 0 ? <p>{b.nothingToWithdraw}</p> : null}
      {props.active.includes('booking') ? (
        <form method="post" action={action}>
          <CsrfField session={props.page.session} />
          <input type="hidden" name="token" value={props.token} />
          <input type="hidden" name="scope" value="all" />
          <button type="submit">{b.withdrawAll}</button>
        </form>
      ) : null}
      {props.active.includes('reminders') ? (
        <form method="post" action={action}>
          <CsrfField session={props.page.session} />
          <input type="hidden" name="token" value={props.token} />
          <input type="hidden" name="scope" value="reminders" />
          <button type="submit">{b.withdrawReminders}</button>
        </form>
      ) : null}
      <p>
        <a href={`/b/${props.token}`}>{b.yourAppointment}</a>
      </p>
    </Layout>
  );
}

export function ReschedulePage(props: { page: PageContext; b: BookingMessages; token: string; days: DaySlots[]; state: FormState }) {
  const { b } = props;
  return (
    <Layout page={props.page} title={b.reschedule}>
      <FormAlert message={props.state.message} />
      <form class="stack" method="post" action="/b/_/reschedule">
        <CsrfField session={props.page.session} />
        <input type="hidden" name="token" value={props.token} />
        <SlotPicker days={props.days} b={b} state={props.state} />
        <FieldError id="start-error" messages={props.state.fields?.start} />
        <button type="submit">{b.rescheduleSubmit}</button>
      </form>
    </Layout>
  );
}
