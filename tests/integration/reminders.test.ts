import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { OutgoingEmail } from '../../workers/services/mailer';
import { sendDueReminders } from '../../workers/services/reminders';
import { book, bookablePractice, freeSlots, testDeps, unique } from './harness';

describe('reminders', () => {
  it('sends the other clients their reminders when one delivery is refused, and does not retry the refused one', async () => {
    const practice = await bookablePractice();
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    const emails = [unique('first'), unique('refused'), unique('third')].map((name) => `${name}@example.com`);
    for (const [i, email] of emails.entries()) {
      expect((await book(practice.slug, { typeId: practice.inPerson.id, start: slots[i * 3]?.start ?? '', email, reminders: true })).status).toBe(201);
    }
    // Pretend all three were booked long ago and start in 20 hours.
    await env.DB.prepare('UPDATE appointments SET start_at = ?, created_at = ? WHERE practice_id = ?').bind(Date.now() + 20 * 3_600_000, Date.now() - 7 * 86_400_000, practice.practiceId).run();
    const delivered: string[] = [];
    const refused = emails[1];
    const mailer = {
      send: async (email: OutgoingEmail) => {
        if (email.to === refused) throw new Error('refused by the provider');
        delivered.push(email.to);
      },
    };
    const deps = { ...(await testDeps()), mailer };
    await expect(sendDueReminders(deps)).resolves.toEqual({ sent: 2 });
    expect(delivered.sort()).toEqual([emails[0], emails[2]].sort());
    // Claimed before sending, so a refused reminder is not sent again by the next run.
    await expect(sendDueReminders(deps)).resolves.toEqual({ sent: 0 });
  });
});
