import { z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { validator } from 'hono/validator';
import { CallPage } from '../../web/pages/call';
import { AccessCodePage } from '../../web/pages/call-code';
import { browserKey, displayName } from '../rooms/protocol';
import { currentSession, requireRole } from '../lib/session';
import { practiceIdOf } from '../lib/tenant';
import { windowState } from '../domain/call-window';
import { verifyJoinToken } from '../domain/join-token';
import { formatDateTime } from '../domain/locale';
import { AppError, fieldIssue, validationError } from '../lib/errors';
import type { HonoEnv } from '../lib/hono-env';
import { pageContext } from '../lib/pages';
import { findPracticeById } from '../services/accounts';
import { callRoomOf, joinAsClient, joinAsTherapist, recordCallEvent, reissueAccessCode } from '../services/calls';
import type { Access } from './access';

export const callRoutes = new Hono<HonoEnv>();

export const CALL_ACCESS: Record<string, Access> = {
  'GET /call/:appointmentId': 'public',
  'POST /api/calls/:appointmentId/join': 'call',
  'GET /api/calls/:appointmentId/ws': 'call',
  'POST /api/calls/:appointmentId/report': 'call',
  'POST /api/appointments/:id/access-code': 'therapist',
  'POST /dashboard/appointments/:id/access-code': 'therapist',
};

callRoutes.use('/api/appointments/*', requireRole('therapist'));
callRoutes.use('/dashboard/appointments/*', requireRole('therapist'));

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
  linkKey: z.string().max(64).optional().catch(undefined),
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

function json<T extends z.ZodType>(schema: T) {
  return validator('json', (value) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw validationError(parsed.error);
    return parsed.data as z.infer<T>;
  });
}

/** The call page: camera and microphone are allowed on /call/* only (see security-headers). */
callRoutes.get('/call/:appointmentId', async (c) => {
  const room = await callRoomOf(c.var.deps, c.req.param('appointmentId'));
  const practice = await findPracticeById(c.var.deps, room.practiceId);
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

/** A signed-in therapist of the practice joins as therapist; anyone else must bring name and access code. */
callRoutes.post('/api/calls/:appointmentId/join', async (c) => {
  const appointmentId = c.req.param('appointmentId');
  const session = c.var.session;
  if (session?.user.role === 'therapist' && session.user.practiceId) {
    return c.json(await joinAsTherapist(c.var.deps, session.user.practiceId, session.user.id, appointmentId));
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new AppError('BAD_REQUEST', 'calls.sendJson');
  }
  const parsed = clientJoinBody.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error);
  return c.json(await joinAsClient(c.var.deps, appointmentId, { code: parsed.data.code, linkKey: parsed.data.linkKey }));
});

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
callRoutes.get('/api/calls/:appointmentId/ws', async (c) => {
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
callRoutes.post('/api/appointments/:id/access-code', async (c) => {
  const practice = await findPracticeById(c.var.deps, practiceIdOf(c));
  if (!practice) throw new AppError('NOT_FOUND', 'practice.notFound');
  const session = currentSession(c);
  return c.json(await reissueAccessCode(c.var.deps, practice, session.user.id, c.req.param('id')));
});

/** The same from the agenda: the new code is rendered once, never redirected to, because it is not stored readable. */
callRoutes.post('/dashboard/appointments/:id/access-code', async (c) => {
  const practice = await findPracticeById(c.var.deps, practiceIdOf(c));
  if (!practice) throw new AppError('NOT_FOUND', 'practice.notFound');
  const session = currentSession(c);
  const issued = await reissueAccessCode(c.var.deps, practice, session.user.id, c.req.param('id'));
  return c.html(<AccessCodePage page={pageContext(c)} {...issued} nonce={c.get('secureHeadersNonce')} />);
});

callRoutes.post('/api/calls/:appointmentId/report', json(reportBody), async (c) => {
  const appointmentId = c.req.param('appointmentId');
  const { token, ...report } = c.req.valid('json');
  const check = await verifyJoinToken(token, c.var.config.JOIN_TOKEN_SECRET, { room: appointmentId, now: c.var.deps.now(), use: 'report' });
  if (!check.ok) throw new AppError('UNAUTHENTICATED', 'calls.reportToken');
  await recordCallEvent(c.var.deps, appointmentId, check.claims.role, report);
  return c.body(null, 204);
});
