import type { AppConfig } from '../../workers/lib/config';

/** The configuration of the Node tests that run services on a libSQL file database instead of workerd. */
export const NODE_TEST_CONFIG: AppConfig = {
  ENVIRONMENT: 'test',
  APP_ORIGIN: 'http://127.0.0.1:8787',
  MAIL_FROM: 'Praxisraum <no-reply@example.com>',
  DPO_EMAIL: 'dpo@example.com',
  DO_JURISDICTION: '',
  JOIN_TOKEN_SECRET: 'x'.repeat(32),
  ICE_STUN_URLS: '',
  TURN_URLS: '',
  isLocal: true,
};
