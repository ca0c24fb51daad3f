import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../workers/app';
import type { Access } from '../../workers/lib/route';
import { asDpo, bookablePractice, Client, signUpTherapist } from './harness';
import { ROUTE_ACCESS, ROUTES } from './route-table';

const app = createApp();
const routes = app.routes
  .filter((route) => route.method !== 'ALL')
  .map((route) => ({ method: route.method, path: route.path, key: `${route.method} ${route.path}` }));
const unique = [...new Map(routes.map((r) => [r.key, r])).values()];

function call(client: Client, method: string, path: string) {
  return method === 'GET' ? client.fetch(path) : path.startsWith('/api/') ? client.json(path, {}, method) : client.form(path, {});
}

function expectRefusedAnonymous(status: number, path: string) {
  // Pages send the visitor to sign-in; the API answers 401.
  if (path.startsWith('/api/')) expect(status).toBe(401);
  else expect([303, 401]).toContain(status);
}

describe('the route registry', () => {
  it('is exactly the route table the app answers: no route exists without a declaration', () => {
    const declared = ROUTES.map((route) => `${route.method} ${route.path}`).sort();
    expect(unique.map((route) => route.key).sort()).toEqual([...new Set(declared)].sort());
    expect(declared.length).toBe(new Set(declared).size);
  });

  it('has no middleware but the global chain: every guard comes from a declaration', () => {
    const middleware = [...new Set(app.routes.filter((route) => route.method === 'ALL').map((route) => route.path))];
    expect(middleware.sort()).toEqual(['/*', '/api/*']);
  });
});

describe('authorization matrix (generated from the route table)', () => {
  it('classifies every route of the app', () => {
    const missing = unique.filter((r) => !(r.key in ROUTE_ACCESS)).map((r) => r.key);
    expect(missing).toEqual([]);
    expect(unique.length).toBeGreaterThan(20);
  });

  const protectedRoutes = unique.filter((r) => ['signed-in', 'therapist', 'dpo'].includes(ROUTE_ACCESS[r.key] ?? ''));

  it.each(protectedRoutes.map((r) => [r.key, r] as const))('%s refuses anonymous callers', async (_key, route) => {
    const response = await call(new Client(), route.method, route.path);
    expectRefusedAnonymous(response.status, route.path);
  });

  it.each(protectedRoutes.map((r) => [r.key, r] as const))('%s admits only the roles it names', async (key, route) => {
    const access: Access | undefined = ROUTE_ACCESS[key];
    const therapist = (await signUpTherapist()).client;
    const dpo = await asDpo();
    const asTherapist = await call(therapist, route.method, route.path);
    const asDpoOfficer = await call(dpo, route.method, route.path);
    if (access === 'dpo') expect(asTherapist.status).toBe(403);
    else expect([401, 403]).not.toContain(asTherapist.status);
    if (access === 'therapist') expect(asDpoOfficer.status).toBe(403);
    else expect([401, 403]).not.toContain(asDpoOfficer.status);
    expect(asTherapist.status).toBeLessThan(500);
    expect(asDpoOfficer.status).toBeLessThan(500);
  });

  it.each(unique.filter((r) => ROUTE_ACCESS[r.key] === 'client-link').map((r) => [r.key, r] as const))(
    '%s refuses a forged link token with 404',
    async (_key, route) => {
      const forged = route.path.replace(':token', 'x'.repeat(43));
      const response = await call(new Client(), route.method, forged);
      expect(response.status).toBe(404);
    },
  );

  it.each(unique.filter((r) => ROUTE_ACCESS[r.key] === 'public').map((r) => [r.key, r] as const))(
    '%s answers anonymous callers without a server error',
    async (_key, route) => {
      const practice = await signUpTherapist();
      const response = await call(new Client(), route.method, route.path.replace(':slug', practice.slug));
      expect(response.status).toBeLessThan(500);
      expect([401, 403]).not.toContain(response.status);
    },
  );
});

describe('tenant isolation (generated from the route table)', () => {
  const scoped = unique.filter((r) => ROUTE_ACCESS[r.key] === 'therapist' && r.path.includes('/:'));

  /** Practice A with one client and one appointment; the ids fill the route's parameters. */
  async function practiceWithData() {
    const owner = await bookablePractice();
    const created = await owner.client.json('/api/clients', { displayName: 'Isolated Client' });
    const clientId = (await created.json<{ client: { id: string } }>()).client.id;
    const date = new Date(Date.now() + 4 * 86_400_000).toISOString().slice(0, 10);
    await owner.client.form('/dashboard/appointments', { clientId, typeId: owner.inPerson.id, date, time: '20:00' });
    const appointmentId = await env.DB.prepare('SELECT id FROM appointments WHERE client_id = ?').bind(clientId).first<string>('id');
    // A second terms version that only practice A has.
    await env.DB.prepare("INSERT INTO terms_versions (id, practice_id, version, text, sha256, created_at) VALUES (?, ?, 2, 'v2', 'x', 0)").bind(crypto.randomUUID(), owner.practiceId).run();
    return { owner, clientId, appointmentId: appointmentId ?? '' };
  }

  function fill(path: string, ids: { clientId: string; appointmentId: string }) {
    return path.replace(/:(\w+)/g, (_all, name: string) => {
      if (name === 'id') return path.startsWith('/dashboard/appointments') ? ids.appointmentId : ids.clientId;
      if (name === 'version') return '2';
      return crypto.randomUUID();
    });
  }

  it('covers every therapist route with a parameter', () => {
    expect(scoped.length).toBeGreaterThan(5);
  });

  it.each(scoped.map((r) => [r.key, r] as const))('%s answers 404 to a therapist of another practice', async (_key, route) => {
    const data = await practiceWithData();
    const intruder = (await signUpTherapist()).client;
    const response = await call(intruder, route.method, fill(route.path, data));
    expect(response.status).toBe(404);
    expect(await env.DB.prepare('SELECT display_name FROM clients WHERE id = ?').bind(data.clientId).first('display_name')).toBe('Isolated Client');
  });
});
