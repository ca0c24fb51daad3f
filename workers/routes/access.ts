/**
 * Who may call each route, by "METHOD /path". The authorization test walks the app's route table and fails for any
 * route missing here, so a new route cannot ship without a decision and a test.
 *  - public:    anyone, signed in or not
 *  - signed-in: any account (therapist or DPO)
 *  - therapist: a therapist, for their own practice only
 *  - dpo:       the platform's data-protection officer
 *  - client-link: whoever holds the emailed link token of one appointment (the token is the credential)
 *  - subject-link: whoever holds a data-subject request's verification or download link
 *  - call:      the appointment's therapist (session) or whoever holds its access code or a join/report token
 *  - local:     development helpers, 404 unless LOCAL_DEV_ROUTES = "true" (local runs only; production refuses it)
 */
export type Access = 'public' | 'signed-in' | 'therapist' | 'dpo' | 'client-link' | 'subject-link' | 'call' | 'local';

import { CALL_ACCESS } from './call-routes';
import { EXPORT_ACCESS } from './export-routes';
import { INCIDENTS_ACCESS } from './incidents-routes';
import { RIGHTS_DOWNLOAD_ACCESS } from './rights-download';
import { RIGHTS_ACCESS } from './rights-routes';
import { NOTES_ACCESS } from './notes-routes';
import { SETTINGS_ACCESS } from './settings-routes';
import { STATIC_ACCESS } from './static';

export const ROUTE_ACCESS: Record<string, Access> = {
  ...SETTINGS_ACCESS,
  ...NOTES_ACCESS,
  ...EXPORT_ACCESS,
  ...CALL_ACCESS,
  ...STATIC_ACCESS,
  ...RIGHTS_ACCESS,
  ...RIGHTS_DOWNLOAD_ACCESS,
  ...INCIDENTS_ACCESS,
  'GET /api/health': 'public',
  'GET /': 'public',
  'POST /api/auth/signup': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/confirm-email': 'public',
  'POST /api/auth/logout': 'public',
  'POST /api/auth/logout-all': 'signed-in',
  'GET /api/auth/session': 'signed-in',
  'POST /api/auth/password-reset': 'public',
  'POST /api/auth/password-reset/complete': 'public',
  'POST /api/auth/totp/enrol': 'signed-in',
  'POST /api/auth/totp/confirm': 'signed-in',
  'POST /api/auth/totp/disable': 'signed-in',
  'GET /signup': 'public',
  'POST /signup': 'public',
  'GET /login': 'public',
  'POST /login': 'public',
  'POST /logout': 'public',
  'POST /logout-everywhere': 'signed-in',
  'GET /forgot-password': 'public',
  'POST /forgot-password': 'public',
  'GET /reset-password': 'public',
  'GET /confirm-email': 'public',
  'POST /confirm-email': 'public',
  'POST /reset-password': 'public',
  'GET /dashboard': 'therapist',
  'GET /dpo': 'dpo',
  'GET /account/security': 'signed-in',
  'POST /account/totp/start': 'signed-in',
  'POST /account/totp/confirm': 'signed-in',
  'POST /account/totp/disable': 'signed-in',
  'GET /dev/outbox': 'local',
  'POST /dev/seed': 'local',
  'POST /dev/seed-bulk': 'local',
  'GET /api/p/:slug/slots': 'public',
  'GET /api/p/:slug/terms': 'public',
  'POST /api/p/:slug/bookings': 'public',
  'GET /book/:slug': 'public',
  'GET /book/:slug/terms': 'public',
  'POST /book/:slug': 'public',
  'GET /book/:slug/sent': 'public',
  'GET /hold/:token': 'public',
  'POST /hold/:token': 'public',
  'POST /api/bookings/confirm': 'public',
  'GET /b/:token': 'client-link',
  'POST /b/:token/cancel': 'client-link',
  'GET /b/:token/reschedule': 'client-link',
  'POST /b/:token/reschedule': 'client-link',
  'GET /b/:token/withdraw': 'client-link',
  'POST /b/:token/withdraw': 'client-link',
  'GET /b/:token/receipt.json': 'client-link',
  'GET /api/clients': 'therapist',
  'POST /api/clients': 'therapist',
  'GET /api/clients/:id': 'therapist',
  'PATCH /api/clients/:id': 'therapist',
  'DELETE /api/clients/:id': 'therapist',
  'GET /dashboard/clients': 'therapist',
  'POST /dashboard/clients': 'therapist',
  'GET /dashboard/clients/:id': 'therapist',
  'POST /dashboard/clients/:id': 'therapist',
  'POST /dashboard/clients/:id/delete': 'therapist',
  'GET /dashboard/clients/:id/consents/:recordId/receipt.json': 'therapist',
  'GET /dashboard/appointments': 'therapist',
  'POST /dashboard/appointments': 'therapist',
  'POST /dashboard/appointments/:id/status': 'therapist',
  'POST /dashboard/appointments/:id/cancel': 'therapist',
  'GET /api/openapi.json': 'public',
  'GET /api/docs': 'public',
};
