import type { Deps } from './deps';
import { purgeUsedResets } from './password-reset';
import { purgeOldCallMetrics } from './calls';
import { sealAllChains } from './consent';
import { sendDueReminders } from './reminders';
import { purgeExpired } from './retention';
import { purgeExpiredSessions } from './sessions';
import { purgeExpiredConfirmations } from './email-confirmation';
import { purgeSignInThrottles } from './sign-in-throttle';

/** The cron's work: enforce the retention periods declared in the schema annotations. */
export async function runMaintenance(deps: Deps) {
  await purgeExpiredSessions(deps);
  await purgeUsedResets(deps);
  await purgeExpiredConfirmations(deps);
  await purgeSignInThrottles(deps);
  await sealAllChains(deps);
  await purgeOldCallMetrics(deps);
  await purgeExpired(deps);
  await sendDueReminders(deps);
}
