import type { Locale } from '../domain/locale';
import type { Deps } from '../services/deps';
import type { ActiveSession } from '../services/sessions';
import type { Actor } from './actor';
import type { AppConfig } from './config';

export type HonoEnv = {
  Bindings: Env;
  Variables: {
    config: AppConfig;
    deps: Deps;
    locale: Locale;
    /** The signed-in session, or null for anonymous requests. */
    session: ActiveSession | null;
    /** Who acts, from the session (therapist, DPO); null when anonymous. Client-link routes build theirs from the link. */
    actor: Actor | null;
    secureHeadersNonce?: string;
  };
};
