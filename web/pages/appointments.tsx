import { DashboardNav } from '../components/dashboard-nav';
import { CsrfField, FieldError, FormAlert, Layout, Notice, type PageContext } from '../components/layout';
import { accessCodeMessages } from '../i18n/call-code';
import { type AppointmentStatus, appointmentStatusLabel } from '../i18n/appointments';
import type { DashboardMessages } from '../i18n/dashboard';
import type { FormState } from '../components/text-field';

export type AgendaDay = { label: string; items: { id: string; time: string; clientName: string; typeName: string; status: AppointmentStatus; callMinutes?: number | undefined; callPath?: string | undefined }[] };

export function AppointmentsPage(props: {
  page: PageContext;
  d: DashboardMessages;
  view: 'day' | 'week';
  date: string;
  prev: string;
  next: string;
  days: AgendaDay[];
  clients: { id: string; displayName: string }[];
  types: { id: string; name: string }[];
  state: FormState;
  notice?: string | undefined;
  invite?: { callUrl: string; accessCode: string } | undefined;
}) {
  const { d, state } = props;
  const link = (view: string, date: string) => `/dashboard/appointments?view=${view}&date=${date}`;
  const csrf = <CsrfField session={props.page.session} />;
  return (
    <Layout page={props.page} title={d.appointments}>
      <DashboardNav locale={props.page.locale} current="/dashboard/appointments" />
      <Notice message={props.notice} />
      {props.invite ? (
        <section class="notice" data-testid="invite">
          <p>{d.inviteHint}</p>
          <p>
            {d.callLink}: <code>{props.invite.callUrl}</code>
          </p>
          <p>
            {d.accessCode}: <code>{props.invite.accessCode}</code>
          </p>
        </section>
      ) : null}
      <p class="pager">
        <a href={link('day', props.date)} aria-current={props.view === 'day' ? 'page' : undefined}>{d.day}</a>
        <a href={link('week', props.date)} aria-current={props.view === 'week' ? 'page' : undefined}>{d.week}</a>
        <a href={link(props.view, props.prev)}>{d.previous}</a>
        <a href={link(props.view, props.next)}>{d.next}</a>
      </p>
      {props.days.every((day) => day.items.length === 0) ? <p>{d.noAppointments}</p> : null}
      {props.days.map((day) =>
        day.items.length ? (
          <section>
            <h2>{day.label}</h2>
            <ul data-testid="agenda">
              {day.items.map((item) => (
                <li>
                  {item.time} · {item.clientName} · {item.typeName} · {appointmentStatusLabel(props.page.locale, item.status)}
                  {item.callMinutes !== undefined ? ` · ${d.callDuration}: ${item.callMinutes} min` : ''}
                  {item.callPath && item.status === 'booked' ? (
                    <>
                      {' · '}
                      <a href={item.callPath}>{d.callLink}</a>
                    </>
                  ) : null}
                  {item.status === 'booked' ? (
                    <span class="actions">
                      {(['completed', 'no_show'] as const).map((status) => (
                        <form method="post" action={`/dashboard/appointments/${item.id}/status`} class="inline">
                          {csrf}
                          <input type="hidden" name="status" value={status} />
                          <button class="link" type="submit">{status === 'completed' ? d.markCompleted : d.markNoShow}</button>
                        </form>
                      ))}
                      {item.callPath ? (
                        <form method="post" action={`/dashboard/appointments/${item.id}/access-code`} class="inline">
                          {csrf}
                          <button class="link" type="submit">{accessCodeMessages(props.page.locale).reissue}</button>
                        </form>
                      ) : null}
                      <form method="post" action={`/dashboard/appointments/${item.id}/cancel`} class="inline">
                        {csrf}
                        <button class="link" type="submit">{d.cancel}</button>
                      </form>
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
        ) : null,
      )}
      <h2>{d.newAppointment}</h2>
      <FormAlert message={state.message} />
      <form class="stack" method="post" action="/dashboard/appointments">
        {csrf}
        <label>
          {d.client}
          <select name="clientId" required>
            {props.clients.map((c) => (
              <option value={c.id} selected={state.values?.clientId === c.id}>{c.displayName}</option>
            ))}
          </select>
          <FieldError id="clientId-error" messages={state.fields?.clientId} />
        </label>
        <label>
          {d.type}
          <select name="typeId" required>
            {props.types.map((t) => (
              <option value={t.id} selected={state.values?.typeId === t.id}>{t.name}</option>
            ))}
          </select>
        </label>
        <label>
          {d.date}
          <input type="date" name="date" required value={state.values?.date ?? props.date} />
        </label>
        <label>
          {d.time}
          <input type="time" name="time" required step={300} value={state.values?.time} />
          <FieldError id="start-error" messages={state.fields?.start ?? state.fields?.time} />
        </label>
        <button type="submit">{d.book}</button>
      </form>
    </Layout>
  );
}
