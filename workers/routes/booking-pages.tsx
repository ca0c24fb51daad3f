import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { bookingMessages } from '../../web/i18n/booking';
import { BookingPage, TermsPage } from '../../web/pages/booking';
import { CheckEmailPage, ConfirmHoldPage } from '../../web/pages/booking-hold';
import type { FormState } from '../../web/components/text-field';
import { formatDateTime } from '../domain/locale';
import { addDays, isIsoDate, utcToLocal } from '../domain/zoned-time';
import { sha256Hex } from '../lib/crypto';
import type { HonoEnv } from '../lib/hono-env';
import { bookingBody } from '../lib/booking-input';
import { formValues } from '../lib/input';
import { formFailure, pageContext, parseForm } from '../lib/pages';
import { slotsByDay } from '../lib/slot-view';
import { activeTypes, currentTerms, listFreeSlots, therapistName } from '../services/availability';
import { bookablePractice, type Practice } from '../services/practices';
import { AppError } from '../lib/errors';
import { routeArea } from '../lib/route';
import { createHold } from '../services/booking';
import { confirmHold, holdActor, holdByToken, holdOpen } from '../services/booking-confirm';

/** Mounted at /: the public booking pages and the confirmation of an emailed hold. */
export const bookingPages = routeArea();

const DAYS_SHOWN = 14;

async function renderBookingPage(c: Context<HonoEnv>, practice: Practice, options: { typeId?: string | undefined; from?: string | undefined; state: FormState }, status: ContentfulStatusCode = 200) {
  const deps = c.var.deps;
  const today = utcToLocal(deps.now(), practice.timeZone).date;
  const from = options.from && isIsoDate(options.from) && options.from >= today ? options.from : today;
  const [types, terms, name] = await Promise.all([activeTypes(deps, practice.id), currentTerms(deps, practice.id), therapistName(deps, practice.id)]);
  const selected = types.find((t) => t.id === options.typeId) ?? types[0];
  const slots = selected ? await listFreeSlots(deps, practice, { from, to: addDays(from, DAYS_SHOWN - 1), typeId: selected.id }) : [];
  const prev = addDays(from, -DAYS_SHOWN);
  return c.html(
    <BookingPage
      page={pageContext(c)}
      b={bookingMessages(c.var.locale)}
      practice={practice}
      therapistName={name}
      types={types}
      selectedTypeId={selected?.id ?? ''}
      days={slotsByDay(slots, c.var.locale, practice.timeZone)}
      from={from}
      prevFrom={from > today ? (prev < today ? today : prev) : null}
      nextFrom={addDays(from, DAYS_SHOWN)}
      terms={terms}
      state={options.state}
    />,
    status,
  );
}

bookingPages.get('/book/:slug', 'public', async (c) => {
  const practice = await bookablePractice(c.var.deps, c.req.param('slug'));
  return renderBookingPage(c, practice, { typeId: c.req.query('type'), from: c.req.query('from'), state: {} });
});

bookingPages.get('/book/:slug/terms', 'public', async (c) => {
  const practice = await bookablePractice(c.var.deps, c.req.param('slug'));
  const terms = await currentTerms(c.var.deps, practice.id);
  return c.html(<TermsPage page={pageContext(c)} b={bookingMessages(c.var.locale)} practiceName={practice.name} terms={{ ...terms, sha256: await sha256Hex(terms.text) }} />);
});

/** A confirmation refused for a reason the person can act on (book again, another time, call the practice). */
function refusedConfirmation(error: unknown): error is AppError {
  return error instanceof AppError && (error.code === 'CONFLICT' || error.code === 'FORBIDDEN' || error.code === 'TOO_MANY_ATTEMPTS');
}

/**
 * The same domain logic as POST /api/p/:slug/bookings, from a form that works without JavaScript. An accepted form
 * always leads to the same "check your email" page, whoever the address belongs to.
 */
bookingPages.post('/book/:slug', 'public', async (c) => {
  const practice = await bookablePractice(c.var.deps, c.req.param('slug'));
  const values = formValues(await c.req.parseBody(), ['acceptTerms', 'reminders']);
  try {
    const input = parseForm(bookingBody, { ...values, consents: { reminders: values.reminders === true } });
    await createHold(c.var.deps, practice, { ...input, start: Date.parse(input.start) }, { method: 'booking-form', locale: c.var.locale });
    return c.redirect(`/book/${practice.slug}/sent`, 303);
  } catch (error) {
    const { state, status } = formFailure(error, values, c.var.locale);
    const typeId = typeof values.typeId === 'string' ? values.typeId : undefined;
    return renderBookingPage(c, practice, { typeId, state }, status);
  }
});

bookingPages.get('/book/:slug/sent', 'public', async (c) => {
  const practice = await bookablePractice(c.var.deps, c.req.param('slug'));
  const page = <CheckEmailPage page={pageContext(c)} b={bookingMessages(c.var.locale)} practiceName={practice.name} slug={practice.slug} holdMinutes={practice.holdMinutes} />;
  return c.html(page);
});

async function renderHold(c: Context<HonoEnv>, token: string, message?: string, status: ContentfulStatusCode = 200) {
  const { hold, practice, type } = await holdByToken(c.var.deps, token);
  const view = {
    token,
    practiceName: practice.name,
    slug: practice.slug,
    when: formatDateTime(hold.startAt, c.var.locale, practice.timeZone),
    typeName: type.name,
    open: holdOpen(hold, c.var.deps.now()),
  };
  return c.html(<ConfirmHoldPage page={pageContext(c)} b={bookingMessages(c.var.locale)} view={view} message={message} />, status);
}

/** The emailed link only shows the booking; its button confirms it (mail scanners open links, never press buttons). */
bookingPages.get('/hold/:token', 'public', (c) => renderHold(c, c.req.param('token')));

bookingPages.post('/hold/:token', 'public', async (c) => {
  const token = c.req.param('token');
  try {
    const { manageToken } = await confirmHold(c.var.deps, await holdActor(c.var.deps, token));
    return c.redirect(`/b/${manageToken}?booked=1`, 303);
  } catch (error) {
    if (!refusedConfirmation(error)) throw error;
    return renderHold(c, token, error.textIn(c.var.locale), error.status);
  }
});
