import { z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { CallPage } from '../../web/pages/call';
import { AccessCodePage } from '../../web/pages/call-code';
import { browserKey, displayName } from '../rooms/protocol';
import { therapistActor } from '../lib/session';
import { practiceIdOf } from '../lib/tenant';
import { windowState } from '../domain/call-window';
import { verifyJoinToken } from '../domain/join-token';
import { formatDateTime } from '../domain/locale';
import { AppError, errorBodySchema, fieldIssue } from '../lib/errors';
import type { HonoEnv } from '../lib/hono-env';
import { errorResponses, jsonBody, jsonResponse, notFoundResponse } from '../lib/openapi';
import { pageContext } from '../lib/pages';
import { jsonRoute, routeArea } from '../lib/route';
import { findPractice, practiceById } from '../services/practices';
import { callRoomOf, joinAsClient, joinAsTherapist, recordCallEvent, reissueAccessCode } from '../services/calls';

/** Mounted at /call: the call page itself. */
export const callPage = routeArea();
/** Mounted at /api/calls: joining, the WebSocket hand-off to the room and the metrics reports. */
export const callApi = routeArea();
/** Mounted at /api/appointments and /dashboard/appointments: a new access code, shown once. */
export const accessCodeApi = routeArea();
export const accessCodePage = routeArea();

const nameField = z
  .string({ error: fieldIssue('field.enterYourName') })
  .trim()
  .min(1, fieldIssue('field.enterYourName'))
  .max(80, fieldIssue('field.atMostChars'))
  .refine((name) => displayName.safeParse(name).success, fieldIssue('calls.nameOneLine'));

const clientJoinBody = z.object({
  name: nameField,
  code: z.string({ error: fieldIssue('calls.enterCode') }).trim().min(4, fieldIssue('calls.enterCode')).max(32, fieldIssue('calls.codeShorter')),
  // The call link key from the emailed link's fragment; anything malformed is simply no key (the public window).
  linkKey: z.string().max(64).optional().catch(undefined).openapi({ type: 'string', maxLength: 64, description: 'The key from the emailed call link’s fragment, if any' }),
});

const reportBody = z.object({
  token: z.string().min(20).max(2048),
  event: z.enum(['joined', 'connected', 'failed', 'left']),
  connectedMs: z.number().int().min(0).max(24 * 3_600_000).optional(),
  quality: z
    .object({ rttMs: z.number().min(0).max(60_000).optional(), lossPct: z.number().min(0).max(100).optional(), kbps: z.number().min(0).max(100_000).optional(), relayed: z.boolean().optional() })
    .strict()
    .optional(),
});

const appointmentParam = z.object({ appointmentId: z.string().openapi({ param: { name: 'appointmentId', in: 'path' } }) });
const idParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });
const iceServer = z.object({ urls: z.array(z.string()), username: z.string().optional(), credential: z.string().optional() });
const joinPass = z
  .object({ token: z.string(), reportToken: z.string(), iceServers: z.array(iceServer), role: z.enum(['therapist', 'client']), closesAt: z.number().int() })
  .openapi('JoinPass');
const accessCode = z.object({ accessCode: z.string(), callUrl: z.string(), emailed: z.boolean() }).openapi('AccessCode');

/** The call page: camera and microphone are allowed on /call/* only (see security-headers). */
callPage.get('/:appointmentId', 'public', async (c) => {
  const room = await callRoomOf(c.var.deps, c.req.param('appointmentId'));
  const practice = await findPractice(c.var.deps, room.practiceId);
  const session = c.var.session;
  const role = session?.user.role === 'therapist' && session.user.practiceId === room.practiceId ? 'therapist' : 'client';
  return c.html(
    <CallPage
      page={pageContext(c)}
      role={role}
      appointmentId={room.appointmentId}
      practiceName={practice?.name ?? ''}
      when={formatDateTime(room.window.opensAt + 15 * 60_000, c.var.locale, practice?.timeZone ?? 'Europe/Berlin')}
      nonce={c.get('secureHeadersNonce')}
    />,
  );
});

/** A signed-in therapist of the practice joins as therapist, whatever the body holds; runs before the body is read. */
const therapistJoins = createMiddleware<HonoEnv>(async (c, next) => {
  const appointmentId = c.req.param('appointmentId') ?? '';
  const session = c.var.session;
  if (session?.user.role === 'therapist' && session.user.practiceId) {
    return c.json(await joinAsTherapist(c.var.deps, session.user.practiceId, session.user.id, appointmentId));
  }
  await next();
});

/** Anyone else must bring name and access code. */
callApi.openapi(
  jsonRoute({
    method: 'post',
    path: '/{appointmentId}/join',
    access: 'call',
    operationId: 'joinCall',
    summary: 'Join a video call: the practice’s signed-in therapist sends no body; a client sends name and access code. Returns a join token for the WebSocket and a report token',
    middleware: [therapistJoins],
    request: { params: appointmentParam, body: jsonBody(clientJoinBody.openapi('CallJoinRequest')) },
    responses: {
      ...errorResponses,
      200: jsonResponse('Join pass', joinPass),
      401: { description: 'Wrong access code', content: { 'application/json': { schema: errorBodySchema } } },
      404: notFoundResponse,
      409: { description: 'The call is not open', content: { 'application/json': { schema: errorBodySchema } } },
      429: { description: 'Too many attempts', content: { 'application/json': { schema: errorBodySchema } } },
    },
  }),
  async (c) => {
    const appointmentId = c.req.valid('param').appointmentId;
    const parsed = c.req.valid('json');
    return c.json(await joinAsClient(c.var.deps, appointmentId, { code: parsed.code, linkKey: parsed.linkKey }), 200);
  },
);

/**
 * What the page offers in Sec-WebSocket-Protocol: the protocol itself, the join token (`jt.`), for a client its name
 * as typed (`nm.`, base64url of UTF-8) and, when rejoining, its browser key (`bk.`). Headers, unlike URLs, do not end
 * up in request logs, and the token carries no name.
 */
export const CALL_PROTOCOL = 'praxisraum.v1';
const handshake = z
  .string()
  .max(4_096, fieldIssue('calls.handshakeTooLarge'))
  .transform((header) => header.split(',').map((part) => part.trim()))
  .pipe(z.array(z.string()).max(6).refine((parts) => parts.includes(CALL_PROTOCOL), fieldIssue('calls.unknownProtocol')))
  .transform((parts) => {
    const value = (prefix: string) => parts.find((part) => part.startsWith(prefix))?.slice(prefix.length);
    const [encodedName, key] = [value('nm.'), value('bk.')];
    return { token: value('jt.') ?? '', ...(encodedName === undefined ? {} : { encodedName }), ...(key === undefined ? {} : { browserKey: key }) };
  })
  .pipe(z.object({ token: z.string().min(1).max(2_048), encodedName: z.string().max(512).optional(), browserKey: browserKey.optional() }));

function decodeName(encoded: string | undefined): string | undefined {
  if (encoded === undefined || !/^[A-Za-z0-9_-]*$/.test(encoded)) return undefined;
  try {
    const bytes = Uint8Array.from(atob(encoded.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (encoded.length % 4)) % 4)), (ch) => ch.charCodeAt(0));
    const parsed = displayName.safeParse(new TextDecoder().decode(bytes));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies the join token, then hands the socket to the room with only what the room needs to know. */
callApi.get('/:appointmentId/ws', 'call', async (c) => {
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') throw new AppError('BAD_REQUEST', 'calls.expectedUpgrade');
  const appointmentId = c.req.param('appointmentId');
  const offered = handshake.safeParse(c.req.header('sec-websocket-protocol') ?? '');
  if (!offered.success) throw new AppError('UNAUTHENTICATED', 'calls.sendJoinToken');
  const check = await verifyJoinToken(offered.data.token, c.var.config.JOIN_TOKEN_SECRET, { room: appointmentId, now: c.var.deps.now() });
  if (!check.ok) throw new AppError('UNAUTHENTICATED', { key: 'calls.joinToken', params: { reason: check.reason } });
  const { claims } = check;
  const name = claims.role === 'client' ? decodeName(offered.data.encodedName) : '';
  if (name === undefined) throw new AppError('BAD_REQUEST', 'calls.nameLine');
  const room = await callRoomOf(c.var.deps, appointmentId);
  if (room.status === 'cancelled' || windowState(room.window, c.var.deps.now()) !== 'open') throw new AppError('CONFLICT', 'calls.notOpen');
  await recordCallEvent(c.var.deps, appointmentId, claims.role, { event: 'joined' });
  const seat = { role: claims.role, participant: claims.participant, displayName: name, closesAt: room.window.closesAt, joinId: claims.jti };
  const answer = await c.var.deps.callRooms.connect(appointmentId, { ...seat, browserKey: claims.role === 'client' ? offered.data.browserKey : undefined });
  if (answer.status !== 101 || !answer.webSocket) return answer;
  // The browser fails the handshake unless the server picks one of the offered protocols: ours, never the token.
  return new Response(null, { status: 101, webSocket: answer.webSocket, headers: { 'sec-websocket-protocol': CALL_PROTOCOL } });
});

/** JSON: the therapist issues a new access code (shown once; the old one stops working). */
accessCodeApi.openapi(
  jsonRoute({
    method: 'post',
    path: '/{id}/access-code',
    access: 'therapist',
    operationId: 'reissueAccessCode',
    summary: 'Issue a new access code for a video appointment of your practice (shown once; the old one stops working)',
    request: { params: idParam },
    responses: { 200: jsonResponse('The new code', accessCode), 404: notFoundResponse, ...errorResponses },
  }),
  async (c) => {
    const practice = await practiceById(c.var.deps, practiceIdOf(c));
    return c.json(await reissueAccessCode(c.var.deps, therapistActor(c), practice, c.req.valid('param').id), 200);
  },
);

/** The same from the agenda: the new code is rendered once, never redirected to, because it is not stored readable. */
accessCodePage.post('/:id/access-code', 'therapist', async (c) => {
  const practice = await practiceById(c.var.deps, practiceIdOf(c));
  const issued = await reissueAccessCode(c.var.deps, therapistActor(c), practice, c.req.param('id'));
  return c.html(<AccessCodePage page={pageContext(c)} {...issued} nonce={c.get('secureHeadersNonce')} />);
});

callApi.openapi(
  jsonRoute({
    method: 'post',
    path: '/{appointmentId}/report',
    access: 'call',
    operationId: 'reportCallEvent',
    summary: 'Report a call event and its connection quality with the report token from joining (no names, no addresses)',
    request: { params: appointmentParam, body: jsonBody(reportBody.openapi('CallReport')) },
    responses: { ...errorResponses, 204: { description: 'Recorded' }, 401: { description: 'calls.reportToken', content: { 'application/json': { schema: errorBodySchema } } } },
  }),
  async (c) => {
    const appointmentId = c.req.valid('param').appointmentId;
    const { token, ...report } = c.req.valid('json');
    const check = await verifyJoinToken(token, c.var.config.JOIN_TOKEN_SECRET, { room: appointmentId, now: c.var.deps.now(), use: 'report' });
    if (!check.ok) throw new AppError('UNAUTHENTICATED', 'calls.reportToken');
    await recordCallEvent(c.var.deps, appointmentId, check.claims.role, report);
    return c.body(null, 204);
  },
);
