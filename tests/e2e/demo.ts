import { expect } from 'vitest';

const isoDate = (at: number) => new Date(at).toISOString().slice(0, 10);

/** The newest confirmation link mailed to `to`, from the local outbox. */
export async function holdLinkFor(origin: string, to: string): Promise<string> {
  const outbox = (await (await fetch(`${origin}/dev/outbox`, { headers: { accept: 'application/json' } })).json()) as { to: string; text: string }[];
  const token = outbox.map((m) => (m.to === to ? /\/hold\/([\w-]{43})/.exec(m.text)?.[1] : undefined)).find(Boolean);
  if (!token) throw new Error(`no confirmation link for ${to}`);
  return token;
}

/**
 * Makes the address a client of the demo practice the way the public does: by asking for its first free slot through
 * the JSON API and confirming it with the link mailed to the address.
 */
export async function bookDemo(origin: string, email: string, name = 'A. B.') {
  const slots = await fetch(`${origin}/api/p/demo/slots?from=${isoDate(Date.now())}&to=${isoDate(Date.now() + 13 * 86_400_000)}`);
  const [slot] = ((await slots.json()) as { slots: { start: string; typeId: string }[] }).slots;
  const terms = (await (await fetch(`${origin}/api/p/demo/terms`)).json()) as { version: number };
  const booked = await fetch(`${origin}/api/p/demo/bookings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ typeId: slot?.typeId, start: slot?.start, name, email, termsVersion: terms.version, acceptTerms: true }),
  });
  expect(booked.status).toBe(202);
  const token = await holdLinkFor(origin, email);
  const confirmed = await fetch(`${origin}/api/bookings/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  expect(confirmed.status).toBe(201);
}

/** Date and time (HH:MM, on the 5-minute grid) in Berlin, at least `minutes` from now: a call booked for then is open. */
export function berlinSoon(minutes: number): { date: string; time: string } {
  const at = Math.ceil((Date.now() + minutes * 60_000) / 300_000) * 300_000;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}
