// Erasure figures for `npm run bench`: the time of one data subject's erasure through the app's real paths, in the
// bulk practice (10,000 clients, 100,000 appointments around the subject). Each subject books three appointments
// through the public API (a client, three appointments with their slot claims, consent records, outbox mail) and gets
// two encrypted notes through the notes API. Then, timed alone, either
//  - the therapist deletes the client (DELETE /api/clients/:id), or
//  - the data-protection officer answers a verified erasure request (POST /dpo/requests/:id/erase).
// Both run the same eraser, which walks every table by its privacy annotations; with notes on file the treatment
// record is kept and restricted instead.
// Setting a subject up is not timed. Reports; never asserts.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { BulkPractice } from './export.ts';
import { callJson, isoDate, type Session, sessionHeaders, signIn } from './http.ts';
import { summariseRuns, type Spread } from './stats.ts';

const SUBJECTS_PER_PATH = 5;
const APPOINTMENTS_PER_SUBJECT = 3;
const NOTES_PER_SUBJECT = 2;

export type ErasureFigure = { path: string; request: string; subject: string; outcomes: string[]; timings: Spread };
type Subject = { email: string; clientId: string };
type Slot = { start: string; typeId: string };

const slotsAnswer = z.object({ slots: z.array(z.object({ start: z.string(), typeId: z.string() })) });

/** Starts an hour apart of one type (50 minutes plus a 10-minute buffer), so no two bookings collide. */
async function listFreeSlots(origin: string, slug: string): Promise<Slot[]> {
  const url = `${origin}/api/p/${slug}/slots?from=${isoDate(Date.now())}&to=${isoDate(Date.now() + 13 * 86_400_000)}`;
  const { slots } = await callJson(url, { expect: 200, answer: slotsAnswer });
  const typeId = slots[0]?.typeId;
  return slots.filter((slot) => slot.typeId === typeId).filter((_, index) => index % 2 === 0);
}

const confirmedTokens = new Set<string>();

/** The newest confirmation link mailed to `email` (local outbox) that the bench has not confirmed yet. */
async function holdTokenFor(origin: string, email: string): Promise<string> {
  const outbox = await callJson(`${origin}/dev/outbox`, { headers: { accept: 'application/json' }, expect: 200, answer: outboxAnswer });
  for (const mail of outbox) {
    const token = mail.to === email ? /\/hold\/([\w-]{43})/.exec(mail.text)?.[1] : undefined;
    if (token && !confirmedTokens.has(token)) {
      confirmedTokens.add(token);
      return token;
    }
  }
  throw new Error('no confirmation link in the outbox');
}

const randomBase64 = (n: number) => randomBytes(n).toString('base64');

/** The practice's notes key, created with random stand-ins for the wrapped keys (the server never unwraps them). */
async function ensureNoteKey(origin: string, therapist: Session): Promise<string> {
  const keyAnswer = z.object({ key: z.object({ id: z.string() }).nullable() });
  const { key } = await callJson(`${origin}/api/notes/key`, { headers: sessionHeaders(therapist), expect: 200, answer: keyAnswer });
  if (key) return key.id;
  const kdf = { alg: 'PBKDF2', hash: 'SHA-256', iterations: 600_000, salt: randomBase64(16), wrap: 'AES-KW' };
  const body = { kdf, wrappedByPassphrase: randomBase64(40), wrappedByRecovery: randomBase64(40) };
  const created = await callJson(`${origin}/api/notes/key`, { headers: sessionHeaders(therapist), body, expect: 201, answer: keyAnswer });
  return created.key?.id ?? '';
}

type Setup = { origin: string; slug: string; therapist: Session; keyId: string; slots: Slot[]; termsVersion: number };

/** A client with appointments, consent records and notes, made the way the public and the therapist make them. */
async function prepareSubject(setup: Setup, label: string): Promise<Subject> {
  const { origin, slug, therapist } = setup;
  const email = `${label}-${Date.now().toString(36)}@example.com`;
  for (const slot of setup.slots.splice(0, APPOINTMENTS_PER_SUBJECT)) {
    const body = { ...slot, name: 'E. S.', email, termsVersion: setup.termsVersion, acceptTerms: true, reminders: true };
    await callJson(`${origin}/api/p/${slug}/bookings`, { body, expect: 202, answer: z.unknown() });
    await callJson(`${origin}/api/bookings/confirm`, { body: { token: await holdTokenFor(origin, email) }, expect: 201, answer: z.unknown() });
  }
  const found = z.object({ clients: z.array(z.object({ id: z.string(), email: z.string().nullable() })) });
  const { clients } = await callJson(`${origin}/api/clients?q=${encodeURIComponent(email)}`, { headers: sessionHeaders(therapist), expect: 200, answer: found });
  const clientId = clients.find((client) => client.email === email)?.id;
  if (!clientId) throw new Error('the booked client was not found');
  for (let note = 0; note < NOTES_PER_SUBJECT; note++) {
    const body = { keyId: setup.keyId, iv: randomBase64(12), ciphertext: randomBase64(600) };
    await callJson(`${origin}/api/clients/${clientId}/notes`, { headers: sessionHeaders(therapist), body, expect: 201, answer: z.unknown() });
  }
  return { email, clientId };
}

/** The therapist's delete, timed; a client still there afterwards was restricted, not erased. */
async function timeTherapistDeletion(origin: string, therapist: Session, subject: Subject): Promise<{ ms: number; outcome: string }> {
  const started = performance.now();
  const response = await fetch(`${origin}/api/clients/${subject.clientId}`, { method: 'DELETE', headers: sessionHeaders(therapist) });
  const ms = performance.now() - started;
  if (response.status !== 204) throw new Error(`client deletion answered ${response.status}`);
  const after = await fetch(`${origin}/api/clients/${subject.clientId}`, { headers: sessionHeaders(therapist) });
  return { ms, outcome: after.status === 404 ? 'erased' : 'restricted' };
}

async function listRequestIds(origin: string, dpo: Session): Promise<Set<string>> {
  const html = await (await fetch(`${origin}/dpo/requests`, { headers: sessionHeaders(dpo) })).text();
  return new Set([...html.matchAll(/data-request="([^"]+)"/g)].map((match) => match[1] ?? ''));
}

const outboxAnswer = z.array(z.object({ to: z.string(), text: z.string() }));

/** The verification link mailed to the subject; the mail goes out just after the portal's answer. */
async function readVerificationLink(origin: string, email: string): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const mails = await callJson(`${origin}/dev/outbox`, { headers: { accept: 'application/json' }, expect: 200, answer: outboxAnswer });
    const link = mails.filter((mail) => mail.to === email).map((mail) => /https?:\/\/\S+\/rights\/verify\/[\w-]{43}/.exec(mail.text)?.[0]).find(Boolean);
    if (link) return link;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no verification link in the outbox');
}

/** An erasure request through the rights portal, confirmed through the emailed link; returns its id. */
async function confirmErasureRequest(setup: Setup, dpo: Session, subject: Subject): Promise<string> {
  const known = await listRequestIds(setup.origin, dpo);
  await callJson(`${setup.origin}/api/rights/requests`, { body: { practice: setup.slug, types: ['erasure'], email: subject.email }, expect: 202, answer: z.unknown() });
  const link = await readVerificationLink(setup.origin, subject.email);
  const confirmed = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
  if (confirmed.status !== 200) throw new Error(`verification answered ${confirmed.status}`);
  const id = [...(await listRequestIds(setup.origin, dpo))].find((candidate) => !known.has(candidate));
  if (!id) throw new Error('the confirmed request is not in the DPO queue');
  return id;
}

/** The DPO's erase action, timed; the outcome is read from the request's trail afterwards. */
async function timeDpoErasure(origin: string, dpo: Session, requestId: string): Promise<{ ms: number; outcome: string }> {
  const headers = sessionHeaders(dpo, { 'content-type': 'application/x-www-form-urlencoded' });
  const started = performance.now();
  const response = await fetch(`${origin}/dpo/requests/${requestId}/erase`, { method: 'POST', headers, body: '', redirect: 'manual' });
  const ms = performance.now() - started;
  if (response.status !== 303) throw new Error(`erase answered ${response.status}`);
  const trail = await (await fetch(`${origin}/dpo/requests/${requestId}`, { headers: sessionHeaders(dpo) })).text();
  return { ms, outcome: /<td>(erased|restricted): /.exec(trail)?.[1] ?? 'unknown' };
}

async function openSetup(origin: string, practice: BulkPractice): Promise<Setup> {
  const slug = practice.practice.slug;
  const therapist = await signIn(origin, practice.account.email, practice.account.password);
  const { version } = await callJson(`${origin}/api/p/${slug}/terms`, { expect: 200, answer: z.object({ version: z.number() }) });
  return { origin, slug, therapist, keyId: await ensureNoteKey(origin, therapist), slots: await listFreeSlots(origin, slug), termsVersion: version };
}

/** The demo DPO account, as the (idempotent) demo seed names it. */
async function signInAsDpo(origin: string): Promise<Session> {
  const seeded = z.object({ accounts: z.array(z.object({ role: z.string(), email: z.string(), password: z.string() })) });
  const { accounts } = await callJson(`${origin}/dev/seed`, { method: 'POST', expect: 200, answer: seeded });
  const dpo = accounts.find((account) => account.role === 'dpo');
  if (!dpo) throw new Error('the demo seed names no DPO account');
  return signIn(origin, dpo.email, dpo.password);
}

export async function benchErasure(origin: string, practice: BulkPractice): Promise<ErasureFigure[]> {
  const setup = await openSetup(origin, practice);
  const subject = `${APPOINTMENTS_PER_SUBJECT} appointments, their consent records, ${NOTES_PER_SUBJECT} notes; among 10,000 clients`;
  const deletions: { ms: number; outcome: string }[] = [];
  for (let run = 0; run < SUBJECTS_PER_PATH; run++) deletions.push(await timeTherapistDeletion(origin, setup.therapist, await prepareSubject(setup, `delete-${run}`)));
  const dpo = await signInAsDpo(origin);
  const erasures: { ms: number; outcome: string }[] = [];
  for (let run = 0; run < SUBJECTS_PER_PATH; run++) {
    const requestId = await confirmErasureRequest(setup, dpo, await prepareSubject(setup, `erase-${run}`));
    erasures.push(await timeDpoErasure(origin, dpo, requestId));
  }
  return [
    {
      path: 'therapist deletes the client',
      request: 'DELETE /api/clients/:id',
      subject,
      outcomes: [...new Set(deletions.map((d) => d.outcome))],
      timings: summariseRuns(deletions.map((d) => d.ms)),
    },
    {
      path: 'DPO erases on a verified request',
      request: 'POST /dpo/requests/:id/erase',
      subject,
      outcomes: [...new Set(erasures.map((e) => e.outcome))],
      timings: summariseRuns(erasures.map((e) => e.ms)),
    },
  ];
}
