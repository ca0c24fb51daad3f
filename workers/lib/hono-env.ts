import type { Locale } from '../domain/locale';
import type { Deps } from '../services/deps';
import type { ActiveSession } from '../services/sessions';
import type { AppConfig } from './config';

export type HonoEnv = {
  Bindings: Env;
  Variables: {
    config: AppConfig;
    deps: Deps;
    locale: Locale;
    /** The signed-in session, or null for anonymous requests. */
    session: ActiveSession | null;
    secureHeadersNonce?: string;
  };
};
