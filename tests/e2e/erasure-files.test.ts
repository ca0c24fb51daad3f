import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookDemo } from './demo';
import { startLocalServer, type LocalServer } from './server';
import { filesHolding } from './state-scan';

// Issue 11, item 18: after an erasure and a shutdown, no erased value may stay readable in the local D1 file, its
// write-ahead log or the call rooms' storage (freed pages included). workerd refuses `PRAGMA secure_delete`, so the
// local state is scrubbed once wrangler dev has exited (scripts/scrub-local-state.ts), as npm start does.

let server: LocalServer | undefined;
beforeAll(async () => {
  server = await startLocalServer();
});
afterAll(async () => {
  await server?.stop();
});

async function signInDemoTherapist(origin: string) {
  const headers = { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', origin };
  const login = await fetch(`${origin}/api/auth/login`, { method: 'POST', headers, body: JSON.stringify({ email: 'demo@example.com', password: 'demo-therapist-pass' }) });
  expect(login.status).toBe(200);
  const cookie = login.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return { ...headers, cookie, 'x-csrf-token': csrfToken };
}

describe('erased values in the files of the local state', () => {
  it('finds none of an erased client’s name and address in D1, its write-ahead log or room storage after shutdown', async () => {
    if (!server) throw new Error('the local app is not running');
    const { origin, stateDir } = server;
    const suffix = Math.random().toString(36).slice(2, 10);
    const erased = { name: `Zerlinde Ausradiert ${suffix}`, email: `zerlinde.${suffix}@example.com` };
    await bookDemo(origin, erased.email, erased.name);
    const therapist = await signInDemoTherapist(origin);
    const listed = (await (await fetch(`${origin}/api/clients?q=${encodeURIComponent(erased.email)}`, { headers: therapist })).json()) as { clients: { id: string }[] };
    const [client] = listed.clients;
    if (!client) throw new Error('the booking made no client');
    // Written to disk while the app runs: the scan below can find them.
    expect(filesHolding(stateDir, [erased.name, erased.email]).length).toBeGreaterThan(0);

    expect((await fetch(`${origin}/api/clients/${client.id}`, { method: 'DELETE', headers: therapist })).status).toBe(204);
    await server.shutdown();

    expect(filesHolding(stateDir, ['SQLite format 3']).some((hit) => hit.includes('/d1/'))).toBe(true);
    expect(filesHolding(stateDir, [erased.name, erased.email])).toEqual([]);
  });
});
