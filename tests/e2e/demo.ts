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
