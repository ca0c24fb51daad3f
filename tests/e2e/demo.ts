import { expect } from 'vitest';

const isoDate = (at: number) => new Date(at).toISOString().slice(0, 10);

/** Makes the address a client of the demo practice the way the public does: by booking its first free slot through the JSON API. */
export async function bookDemo(origin: string, email: string, name = 'A. B.') {
  const slots = await fetch(`${origin}/api/p/demo/slots?from=${isoDate(Date.now())}&to=${isoDate(Date.now() + 13 * 86_400_000)}`);
  const [slot] = ((await slots.json()) as { slots: { start: string; typeId: string }[] }).slots;
  const terms = (await (await fetch(`${origin}/api/p/demo/terms`)).json()) as { version: number };
  const booked = await fetch(`${origin}/api/p/demo/bookings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ typeId: slot?.typeId, start: slot?.start, name, email, termsVersion: terms.version, acceptTerms: true }),
  });
  expect(booked.status).toBe(201);
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
