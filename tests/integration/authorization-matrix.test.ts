import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Access } from '../../workers/lib/route';
import { DEMO } from '../../workers/services/seed';
import { bookedClient, createClient, dpoAct, joinCall, latestRequestId, type Practice, requestRights, signInWithoutPassword, userIdOf, videoCallSoon } from './attack-support';
import { socketRequest } from './call-room-support';
import { asDpo, bookablePractice, Client, mailTo, manageTokenFor, signUpTherapist } from './harness';
import { ROUTES } from './route-table';

// Every route of the route table, called by each of five actors with what that actor legitimately holds: nobody
// (anonymous), the emailed links and access code of one client (client link), the practice's therapist (A), the
// therapist of another practice (B) and the platform's DPO. What each may do follows from the route's access rule
// alone (`verdictFor`), so a route whose rule and behaviour disagree fails here by name.

type Actor = 'anonymous' | 'client link' | 'therapist A' | 'therapist B' | 'DPO';
/** The holder and the owner go last: a single-use link or a deleting action must not change what the others see. */
const ACTORS: Actor[] = ['anonymous', 'therapist B', 'DPO', 'therapist A', 'client link'];
type Verdict = 'admitted' | 'refused';

type Route = { method: string; path: string; key: string; access: Access };
/** The route registry: every declared route with its rule (authorization.test.ts checks it is the app's route table). */
const routes: Route[] = [
  ...ROUTES.map((route) => ({ method: route.method, path: route.path, key: `${route.method} ${route.path}`, access: route.access })),
  // Development helpers are refused in production configuration, which security.test.ts checks; here they would only
  // reseed the database between calls.
].filter((route) => route.access !== 'local');

/** The whole matrix in one function: who gets past each kind of access rule. */
function verdictFor(route: Route, actor: Actor): Verdict {
  const scoped = route.path.includes('/:');
  switch (route.access) {
    case 'public':
    case 'local':
      return 'admitted';
    case 'signed-in':
      return actor === 'therapist A' || actor === 'therapist B' || actor === 'DPO' ? 'admitted' : 'refused';
    case 'therapist':
      // Therapist B on a route without an id acts on B's own practice; with A's ids it must find nothing.
      return actor === 'therapist A' || (actor === 'therapist B' && !scoped) ? 'admitted' : 'refused';
    case 'dpo':
      return actor === 'DPO' ? 'admitted' : 'refused';
    case 'client-link':
    case 'subject-link':
      return actor === 'client link' ? 'admitted' : 'refused';
    case 'call':
      return actor === 'client link' || actor === 'therapist A' ? 'admitted' : 'refused';
  }
}

// ------------------------------------------------------------------------------------------------ fixture

/** What the client holds: the manage link, a rights verification link, a download link, the access code and passes. */
type Holdings = { manage: string; verify: string; download: string; code: string; joinToken: string; reportToken: string };
type World = { a: Practice; ids: Record<string, string>; link: Holdings; therapistJoin: { token: string; reportToken: string } };

const FORGED = 'f'.repeat(43);
let therapistB: Client;
let dpo: Client;
let shared: Promise<World> | undefined;
const signedInAs = { B: '', DPO: '' };

beforeAll(async () => {
  const b = await signUpTherapist();
  therapistB = b.client;
  dpo = await asDpo();
  signedInAs.B = await userIdOf(b.email);
  signedInAs.DPO = await userIdOf(DEMO.dpoEmail);
});

/** Fresh sessions for B and the DPO before each route: the sign-out routes end the ones they are called with. */
async function renewSessions() {
  therapistB = new Client();
  dpo = new Client();
  await signInWithoutPassword(therapistB, signedInAs.B);
  await signInWithoutPassword(dpo, signedInAs.DPO);
}

/**
 * Practice A with what the route needs: a booked client (its manage link, consent record and appointment) for link
 * and id routes, a video call about to start with both passes for call routes, a rights request for subject links.
 */
async function worldFor(route: Route, everything = false): Promise<World> {
  const a = await bookablePractice();
  const ids: Record<string, string> = { slug: a.slug, typeId: a.video.id };
  const link = { manage: FORGED, verify: FORGED, download: FORGED, code: '', joinToken: FORGED, reportToken: FORGED };
  let therapistJoin = { token: FORGED, reportToken: FORGED };
  const scoped = route.path.includes('/:');
  if (everything || (scoped && route.access !== 'public' && route.access !== 'dpo')) {
    const booked = await bookedClient(a, 'Matrix Client');
    const clientId = (await env.DB.prepare('SELECT client_id FROM appointments WHERE id = ?').bind(booked.appointmentId).first<string>('client_id')) ?? '';
    Object.assign(ids, { clientId, bookingId: booked.appointmentId });
    ids.recordId = (await env.DB.prepare('SELECT id FROM consent_records WHERE client_id = ?').bind(clientId).first<string>('id')) ?? '';
    link.manage = await manageTokenFor(booked.email);
    if (route.access === 'subject-link') link.verify = await requestRights(a, booked.email, ['access']);
    if (route.path.startsWith('/rights/download/')) link.download = await downloadLinkFor(booked.email, link.verify);
  }
  // A terms version only A has: B's own version 1 would be B's to see.
  if (route.path.includes(':version')) await env.DB.prepare("INSERT INTO terms_versions (id, practice_id, version, text, sha256, created_at) VALUES (?, ?, 2, 'v2', 'x', 0)").bind(crypto.randomUUID(), a.practiceId).run();
  if (everything || route.access === 'call' || route.path.startsWith('/call/')) {
    const call = await videoCallSoon(a, await createClient(a, 'Matrix Caller'));
    const clientPass = await joinCall(call.appointmentId, { name: 'K. M.', code: call.code });
    Object.assign(link, { code: call.code, joinToken: clientPass.token, reportToken: clientPass.reportToken });
    therapistJoin = await joinCall(call.appointmentId, {}, a.client);
    ids.appointmentId = call.appointmentId;
  }
  return { a, ids, link, therapistJoin };
}

async function downloadLinkFor(email: string, verifyToken: string): Promise<string> {
  expect((await new Client().form(`/rights/verify/${verifyToken}`, {})).status).toBe(200);
  const id = await latestRequestId(email);
  await dpoAct(dpo, id, 'start');
  await dpoAct(dpo, id, 'download-link', { format: 'json' });
  return /\/rights\/download\/([\w-]{43})/.exec((await mailTo(email, /\/rights\/download\//)).text)?.[1] ?? '';
}

// ------------------------------------------------------------------------------------------------ requests

/** The route's path with A's ids, and for link routes the token this actor holds (a forged one when it holds none). */
function pathFor(route: Route, actor: Actor, world: World): string {
  const holder = actor === 'client link';
  return route.path.replace(/:(\w+)/g, (_all, name: string) => {
    if (name === 'token') {
      if (route.access === 'client-link') return holder ? world.link.manage : FORGED;
      if (route.path.startsWith('/rights/download')) return holder ? world.link.download : FORGED;
      return holder ? world.link.verify : FORGED;
    }
    if (name === 'slug') return world.ids.slug ?? '';
    if (name === 'appointmentId') return world.ids.appointmentId ?? '';
    if (name === 'recordId') return world.ids.recordId ?? '';
    if (name === 'version') return '2';
    if (name === 'locale') return 'de';
    if (name === 'id' && route.path.startsWith('/dashboard/appointments')) return world.ids.bookingId ?? '';
    if (name === 'id' && route.path.startsWith('/dashboard/settings/types')) return world.ids.typeId ?? '';
    if (name === 'id' && /^\/(api|dashboard)\/clients/.test(route.path)) return world.ids.clientId ?? '';
    return crypto.randomUUID();
  });
}

function jarOf(actor: Actor, world: World): Client {
  if (actor === 'therapist A') return world.a.client;
  if (actor === 'therapist B') return therapistB;
  if (actor === 'DPO') return dpo;
  return new Client();
}

/** Call routes take their credential in the body or query: the holders bring theirs, the others a guess. */
function callRequest(route: Route, actor: Actor, world: World, jar: Client, path: string): Promise<Response> {
  const pass = actor === 'client link' ? { token: world.link.joinToken, reportToken: world.link.reportToken } : actor === 'therapist A' ? world.therapistJoin : { token: FORGED, reportToken: FORGED };
  if (route.path.endsWith('/join')) return jar.json(path, actor === 'client link' ? { name: 'K. M.', code: world.link.code } : actor === 'therapist A' ? {} : { name: 'K. M.', code: 'AAA-BBB-CCC' });
  if (route.path.endsWith('/ws')) return jar.fetch(path, socketRequest(pass.token, { name: 'K. M.' }));
  return jar.json(path, { token: pass.reportToken, event: 'left' });
}

function send(route: Route, actor: Actor, world: World): Promise<Response> {
  const jar = jarOf(actor, world);
  const path = pathFor(route, actor, world);
  if (route.access === 'call') return callRequest(route, actor, world, jar, path);
  if (route.method === 'GET') return jar.fetch(path);
  return path.startsWith('/api/') ? jar.json(path, {}, route.method) : jar.form(path, {});
}

/** Refusals by rule: sign-in for the anonymous, 403 for the wrong role, 404 for what is not yours or not held. */
function refusedAs(route: Route, actor: Actor): number[] {
  const signedIn = actor === 'therapist A' || actor === 'therapist B' || actor === 'DPO';
  if (['client-link', 'subject-link'].includes(route.access)) return [404];
  if (route.access === 'call') return [401, 403, 404];
  // Pages send a visitor to sign-in (303) or, for a form post, answer 401 with the sign-in link.
  if (!signedIn) return route.path.startsWith('/api/') ? [401] : [303, 401];
  if (route.access === 'therapist' && actor === 'therapist B') return [404];
  return [403];
}

async function expectVerdict(route: Route, actor: Actor, response: Response) {
  const context = `${route.key} as ${actor} → ${response.status}`;
  expect(response.status, context).toBeLessThan(500);
  const location = response.headers.get('location') ?? '';
  if (verdictFor(route, actor) === 'refused') {
    expect(refusedAs(route, actor), context).toContain(response.status);
    if (response.status === 303) expect(location, context).toMatch(/^\/login\?next=/);
    return;
  }
  expect([401, 403], context).not.toContain(response.status);
  expect(location, context).not.toMatch(/^\/login\?next=/);
  // A link or a code that works must reach its page, never the "not found" every wrong token gets.
  if (['client-link', 'subject-link', 'call'].includes(route.access)) expect(response.status, context).not.toBe(404);
  if (response.webSocket) {
    response.webSocket.accept();
    response.webSocket.close(1000, 'matrix');
  }
}

describe('authorization matrix: every route × anonymous, client link, therapist A, therapist B, DPO', () => {
  it('covers every access rule of the route table', () => {
    expect(new Set(routes.map((route) => route.access))).toEqual(new Set(['public', 'signed-in', 'therapist', 'dpo', 'client-link', 'subject-link', 'call']));
    expect(routes.length).toBeGreaterThan(100);
  });

  it.each(routes.map((route) => [route.key, route] as const))('%s admits and refuses by its rule', async (_key, route) => {
    await renewSessions();
    // Reading routes share one practice; a route that may change or consume something gets its own.
    const world = route.method === 'GET' && route.access !== 'call' && route.access !== 'subject-link' ? await (shared ??= worldFor(route, true)) : await worldFor(route);
    for (const actor of ACTORS) await expectVerdict(route, actor, await send(route, actor, world));
  });
});
