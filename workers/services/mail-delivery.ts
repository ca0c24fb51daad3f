import type { Deps } from './deps';
import type { OutgoingEmail } from './mailer';

/**
 * Quiet delivery: mail goes after the state change committed, so a refused delivery must neither undo nor fail it, nor
 * stop a loop that sends to others (the reminder cron). The log line names the kind of mail and the error class only,
 * never the address or the content (no personal data in logs). Returns whether the mail was handed over.
 */
export async function deliverQuietly(deps: Pick<Deps, 'mailer'>, email: OutgoingEmail, kind = 'email'): Promise<boolean> {
  try {
    await deps.mailer.send(email);
    return true;
  } catch (error) {
    console.error(`${kind} delivery failed: ${error instanceof Error ? error.name : 'unknown error'}`);
    return false;
  }
}
