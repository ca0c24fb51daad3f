import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { bookingMessages } from '../../web/i18n/booking';
import type { FormState } from '../../web/components/text-field';
import { ManagePage, ReschedulePage, WithdrawPage } from '../../web/pages/manage-booking';
import { formatDateTime } from '../domain/locale';
import { addDays, utcToLocal } from '../domain/zoned-time';
import type { HonoEnv } from '../lib/hono-env';
import { rescheduleBody, withdrawalBody } from '../lib/booking-input';
import { formValues } from '../lib/input';
import { formFailure, pageContext, parseForm } from '../lib/pages';
import { routeArea } from '../lib/route';
import { slotsByDay } from '../lib/slot-view';
import { listFreeSlots } from '../services/availability';
import {
  bookingByToken,
  bookingConsents,
  canChangeOnline,
  cancelByClient,
  linkActor,
  receiptFor,
  rescheduleByClient,
  withdrawConsent,
} from '../services/manage-booking';

/** Mounted at /b. Pages behind the emailed link: the link token is the client's only credential; no account, no password. */
export const managePages = routeArea();

async function renderManage(c: Context<HonoEnv>, token: string, notice?: string, state: FormState = {}, status: ContentfulStatusCode = 200) {
  const booking = await bookingByToken(c.var.deps, token);
  const { appointment, practice, type } = booking;
  const view = {
    token,
    practiceName: practice.name,
    contactEmail: practice.contactEmail,
    when: formatDateTime(appointment.startAt, c.var.locale, practice.timeZone),
    typeName: type.name,
    mode: type.mode,
    status: appointment.status,
    canChange: canChangeOnline(booking, c.var.deps.now()),
    callPath: type.mode === 'video' ? `/call/${appointment.id}` : null,
    activePurposes: await bookingConsents(c.var.deps, booking),
  };
  return c.html(<ManagePage page={pageContext(c)} b={bookingMessages(c.var.locale)} view={view} notice={notice} state={state} />, status);
}

managePages.get('/:token', 'client-link', (c) => {
  const b = bookingMessages(c.var.locale);
  const notice = c.req.query('booked') ? b.booked : c.req.query('moved') ? b.rescheduled : c.req.query('cancelled') ? b.cancelled : undefined;
  return renderManage(c, c.req.param('token'), notice);
});

managePages.post('/:token/cancel', 'client-link', async (c) => {
  const token = c.req.param('token');
  try {
    await cancelByClient(c.var.deps, await linkActor(c.var.deps, token), c.var.locale);
    return c.redirect(`/b/${token}?cancelled=1`, 303);
  } catch (error) {
    const { state, status } = formFailure(error, {}, c.var.locale);
    return renderManage(c, token, undefined, state, status);
  }
});

async function renderReschedule(c: Context<HonoEnv>, token: string, state: FormState, status: ContentfulStatusCode = 200) {
  const booking = await bookingByToken(c.var.deps, token);
  const today = utcToLocal(c.var.deps.now(), booking.practice.timeZone).date;
  const slots = await listFreeSlots(c.var.deps, booking.practice, { from: today, to: addDays(today, 27), typeId: booking.type.id });
  const days = slotsByDay(slots, c.var.locale, booking.practice.timeZone);
  return c.html(<ReschedulePage page={pageContext(c)} b={bookingMessages(c.var.locale)} token={token} days={days} state={state} />, status);
}

managePages.get('/:token/reschedule', 'client-link', (c) => renderReschedule(c, c.req.param('token'), {}));

managePages.post('/:token/reschedule', 'client-link', async (c) => {
  const token = c.req.param('token');
  const values = formValues(await c.req.parseBody());
  try {
    const { start } = parseForm(rescheduleBody, values);
    await rescheduleByClient(c.var.deps, await linkActor(c.var.deps, token), token, Date.parse(start), c.var.locale);
    return c.redirect(`/b/${token}?moved=1`, 303);
  } catch (error) {
    const { state, status } = formFailure(error, values, c.var.locale);
    return renderReschedule(c, token, state, status);
  }
});

managePages.get('/:token/withdraw', 'client-link', async (c) => {
  const token = c.req.param('token');
  const active = await bookingConsents(c.var.deps, await bookingByToken(c.var.deps, token));
  return c.html(<WithdrawPage page={pageContext(c)} b={bookingMessages(c.var.locale)} token={token} active={active} />);
});

managePages.post('/:token/withdraw', 'client-link', async (c) => {
  const token = c.req.param('token');
  const { scope } = parseForm(withdrawalBody, formValues(await c.req.parseBody()));
  const result = await withdrawConsent(c.var.deps, await linkActor(c.var.deps, token), scope, c.var.locale);
  const active = await bookingConsents(c.var.deps, await bookingByToken(c.var.deps, token));
  return c.html(<WithdrawPage page={pageContext(c)} b={bookingMessages(c.var.locale)} token={token} active={active} result={result} />);
});

managePages.get('/:token/receipt.json', 'client-link', async (c) => {
  const receipt = await receiptFor(c.var.deps, c.req.param('token'));
  c.header('content-disposition', 'attachment; filename="consent-receipt.json"');
  return c.json(receipt);
});
