import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { dashboardMessages } from '../../web/i18n/dashboard';
import { type AgendaDay, AppointmentsPage } from '../../web/pages/appointments';
import type { FormState } from '../../web/components/text-field';
import { intlTag } from '../domain/locale';
import { addDays, isIsoDate, localDateTimeToUtc, utcToLocal, weekdayOf } from '../domain/zoned-time';
import { AppError } from '../lib/errors';
import type { HonoEnv } from '../lib/hono-env';
import { formValues } from '../lib/input';
import { formFailure, pageContext, parseForm } from '../lib/pages';
import { routeArea } from '../lib/route';
import { therapistActor } from '../lib/session';
import { practiceIdOf } from '../lib/tenant';
import { activeTypes } from '../services/availability';
import { listClients } from '../services/clients';
import { type Practice, practiceById } from '../services/practices';
import { appointmentOfPractice, appointmentsBetween, cancelByTherapist, createAppointmentByTherapist, setAppointmentStatus } from '../services/therapist-appointments';

/** Mounted at /dashboard/appointments. */
export const appointmentsPages = routeArea();


const manualBody = z.object({
  clientId: z.string({ error: 'Choose a client' }).min(1, 'Choose a client').max(64),
  typeId: z.string({ error: 'Choose a type' }).min(1, 'Choose a type').max(64),
  date: z.string().refine(isIsoDate, 'Choose a date'),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Choose a time as HH:MM'),
});
const statusBody = z.object({ status: z.enum(['completed', 'no_show']) });

async function currentPractice(c: Context<HonoEnv>): Promise<Practice> {
  return practiceById(c.var.deps, practiceIdOf(c));
}

async function renderAgenda(c: Context<HonoEnv>, extra: { state?: FormState; status?: ContentfulStatusCode; notice?: string; invite?: { callUrl: string; accessCode: string } } = {}) {
  const practice = await currentPractice(c);
  const deps = c.var.deps;
  const view = c.req.query('view') === 'week' ? 'week' : 'day';
  const today = utcToLocal(deps.now(), practice.timeZone).date;
  const requested = c.req.query('date');
  const anchor = requested && isIsoDate(requested) ? requested : today;
  const first = view === 'week' ? addDays(anchor, 1 - weekdayOf(anchor)) : anchor;
  const length = view === 'week' ? 7 : 1;
  const from = localDateTimeToUtc(first, 0, practice.timeZone) ?? Date.parse(`${first}T00:00:00Z`);
  const to = localDateTimeToUtc(addDays(first, length), 0, practice.timeZone) ?? from + length * 86_400_000;
  const rows = await appointmentsBetween(deps, practice.id, from, to);
  const dayFormat = new Intl.DateTimeFormat(intlTag(c.var.locale), { timeZone: practice.timeZone, weekday: 'long', day: 'numeric', month: 'long' });
  const timeFormat = new Intl.DateTimeFormat(intlTag(c.var.locale), { timeZone: practice.timeZone, hour: '2-digit', minute: '2-digit' });
  const days: AgendaDay[] = Array.from({ length }, (_, i) => {
    const date = addDays(first, i);
    const items = rows
      .filter((r) => utcToLocal(r.appointment.startAt, practice.timeZone).date === date)
      .map((r) => {
        const ms = r.callMs ?? undefined;
        return {
          id: r.appointment.id,
          time: timeFormat.format(r.appointment.startAt),
          clientName: r.clientName,
          typeName: r.typeName,
          status: r.appointment.status,
          callMinutes: ms === undefined ? undefined : Math.round(ms / 60_000),
          callPath: r.mode === 'video' ? `/call/${r.appointment.id}` : undefined,
        };
      });
    return { label: dayFormat.format(localDateTimeToUtc(date, 12 * 60, practice.timeZone) ?? from), items };
  });
  const [clients, types] = await Promise.all([listClients(deps, practice.id, {}), activeTypes(deps, practice.id)]);
  return c.html(
    <AppointmentsPage
      page={pageContext(c)}
      d={dashboardMessages(c.var.locale)}
      view={view}
      date={anchor}
      prev={addDays(anchor, -length)}
      next={addDays(anchor, length)}
      days={days}
      clients={clients}
      types={types}
      state={extra.state ?? {}}
      notice={extra.notice}
      invite={extra.invite}
    />,
    extra.status ?? 200,
  );
}

appointmentsPages.get('/', 'therapist', (c) =>
  renderAgenda(c, { notice: c.req.query('cancelled') ? dashboardMessages(c.var.locale).cancelledNotice : undefined }),
);

appointmentsPages.post('/', 'therapist', async (c) => {
  const values = formValues(await c.req.parseBody());
  try {
    const input = parseForm(manualBody, values);
    const practice = await currentPractice(c);
    const [hours = '0', minutes = '0'] = input.time.split(':');
    const start = localDateTimeToUtc(input.date, Number(hours) * 60 + Number(minutes), practice.timeZone);
    if (start === null) throw new AppError('VALIDATION_FAILED', 'appointments.noSuchLocalTime', { time: 'appointments.chooseAnotherTimeField' });
    const created = await createAppointmentByTherapist(c.var.deps, therapistActor(c), practice, { clientId: input.clientId, typeId: input.typeId, start }, c.var.locale);
    const invite = created.callUrl && created.accessCode ? { callUrl: created.callUrl, accessCode: created.accessCode } : undefined;
    // Rendered directly, not redirected: the access code is shown this once and never stored in readable form.
    return renderAgenda(c, { notice: dashboardMessages(c.var.locale).created, ...(invite ? { invite } : {}) });
  } catch (error) {
    const { state, status } = formFailure(error, values, c.var.locale);
    return renderAgenda(c, { state, status });
  }
});

appointmentsPages.post('/:id/status', 'therapist', async (c) => {
  // Ownership before validation: another practice's id is a 404 whatever the body says.
  const practiceId = practiceIdOf(c);
  await appointmentOfPractice(c.var.deps, practiceId, c.req.param('id'));
  const { status } = parseForm(statusBody, formValues(await c.req.parseBody()));
  await setAppointmentStatus(c.var.deps, therapistActor(c), c.req.param('id'), status);
  return c.redirect('/dashboard/appointments', 303);
});

appointmentsPages.post('/:id/cancel', 'therapist', async (c) => {
  await cancelByTherapist(c.var.deps, therapistActor(c), await currentPractice(c), c.req.param('id'), c.var.locale);
  return c.redirect('/dashboard/appointments?cancelled=1', 303);
});
