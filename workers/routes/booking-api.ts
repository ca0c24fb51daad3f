import { z } from '@hono/zod-openapi';
import { sha256Hex } from '../lib/crypto';
import { bookingBody, slotsQuery } from '../lib/booking-input';
import { errorBodySchema } from '../lib/errors';
import { errorResponses, jsonBody, jsonResponse } from '../lib/openapi';
import { jsonRoute, routeArea } from '../lib/route';
import { currentTerms, listFreeSlots } from '../services/availability';
import { bookablePractice } from '../services/practices';
import { createHold } from '../services/booking';
import { confirmHold, holdActor } from '../services/booking-confirm';

const slugParam = z.object({ slug: z.string().min(1).max(64).openapi({ param: { name: 'slug', in: 'path' }, example: 'demo' }) });
const slotSchema = z.object({ start: z.string(), end: z.string(), typeId: z.string() }).openapi('Slot');
const bookingSchema = z.object({ id: z.string(), start: z.string(), end: z.string(), status: z.literal('booked') }).openapi('Booking');
const holdSchema = z.object({ hold: z.object({ status: z.literal('pending'), minutes: z.number().int() }) }).openapi('BookingHold');
const notFound = { description: 'Unknown practice', content: { 'application/json': { schema: errorBodySchema } } };
const iso = (ms: number) => new Date(ms).toISOString();

/** Mounted at /api: a practice's public booking API and the confirmation of an emailed hold. */
export const bookingApi = routeArea();

bookingApi.openapi(
  jsonRoute({
    method: 'get',
    path: '/p/{slug}/slots',
    access: 'public',
    operationId: 'listFreeSlots',
    summary: 'Free slots of a practice between two local dates (inclusive, at most 62 days), in UTC',
    request: { params: slugParam, query: slotsQuery },
    responses: { 200: jsonResponse('Free slots', z.object({ slots: z.array(slotSchema) })), 404: notFound, ...errorResponses },
  }),
  async (c) => {
    const practice = await bookablePractice(c.var.deps, c.req.valid('param').slug);
    const slots = await listFreeSlots(c.var.deps, practice, c.req.valid('query'));
    return c.json({ slots: slots.map((s) => ({ start: iso(s.start), end: iso(s.end), typeId: s.typeId })) }, 200);
  },
);

bookingApi.openapi(
  jsonRoute({
    method: 'get',
    path: '/p/{slug}/terms',
    access: 'public',
    operationId: 'getCurrentTerms',
    summary: 'The practice’s current booking terms; sha256 is the hex SHA-256 of the UTF-8 text',
    request: { params: slugParam },
    responses: { 200: jsonResponse('Current terms', z.object({ version: z.number().int(), text: z.string(), sha256: z.string() })), 404: notFound },
  }),
  async (c) => {
    const practice = await bookablePractice(c.var.deps, c.req.valid('param').slug);
    const terms = await currentTerms(c.var.deps, practice.id);
    // Hashed afresh so the answer proves itself: the client can recompute it from the text.
    return c.json({ version: terms.version, text: terms.text, sha256: await sha256Hex(terms.text) }, 200);
  },
);

bookingApi.openapi(
  jsonRoute({
    method: 'post',
    path: '/p/{slug}/bookings',
    access: 'public',
    operationId: 'requestBooking',
    summary:
      'Ask for a free slot; requires accepting the current terms version. The time is held and a single-use link goes to the address; the booking exists once that link is confirmed. The answer is the same for every address.',
    request: { params: slugParam, body: jsonBody(bookingBody) },
    responses: {
      202: jsonResponse('Held until confirmed from the email', holdSchema),
      404: notFound,
      409: { description: 'The slot is no longer free', content: { 'application/json': { schema: errorBodySchema } } },
      429: { description: 'Too many bookings in a short time', content: { 'application/json': { schema: errorBodySchema } } },
      ...errorResponses,
    },
  }),
  async (c) => {
    const input = c.req.valid('json');
    const practice = await bookablePractice(c.var.deps, c.req.valid('param').slug);
    const { holdMinutes } = await createHold(c.var.deps, practice, { ...input, start: Date.parse(input.start) }, { method: 'api', locale: c.var.locale });
    return c.json({ hold: { status: 'pending' as const, minutes: holdMinutes } }, 202);
  },
);

bookingApi.openapi(
  jsonRoute({
    method: 'post',
    path: '/bookings/confirm',
    access: 'public',
    operationId: 'confirmBooking',
    summary: 'Confirm a held booking with the token from the emailed link (single use); books the appointment',
    request: { body: jsonBody(z.object({ token: z.string().min(20).max(128) }).openapi('BookingConfirmation')) },
    responses: {
      201: jsonResponse('Booked', z.object({ booking: bookingSchema })),
      404: { description: 'Unknown link', content: { 'application/json': { schema: errorBodySchema } } },
      409: { description: 'The link has been used or has expired', content: { 'application/json': { schema: errorBodySchema } } },
      429: { description: 'Too many bookings in a short time', content: { 'application/json': { schema: errorBodySchema } } },
      ...errorResponses,
      403: { description: 'Online booking is not possible for this address (told only to whoever proved control of it)', content: { 'application/json': { schema: errorBodySchema } } },
    },
  }),
  async (c) => {
    const { booking } = await confirmHold(c.var.deps, await holdActor(c.var.deps, c.req.valid('json').token));
    return c.json({ booking: { ...booking, start: iso(booking.start), end: iso(booking.end) } }, 201);
  },
);
