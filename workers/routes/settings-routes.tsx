import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type SettingsMessages, settingsMessages } from '../../web/i18n/settings';
import type { FormState } from '../../web/components/text-field';
import { type SettingsForm, SettingsPage, TermsVersionPage, TypeEditPage } from '../../web/pages/settings';
import { AppError } from '../lib/errors';
import type { HonoEnv } from '../lib/hono-env';
import { formValues } from '../lib/input';
import { formFailure, pageContext, parseForm } from '../lib/pages';
import { currentSession, requireRole } from '../lib/session';
import { appointmentTypeForm, exceptionForm, hoursForm, profileForm, termsRules, termsVersionParam } from '../lib/settings-input';
import { practiceIdOf } from '../lib/tenant';
import {
  addException,
  createType,
  deactivateType,
  findType,
  loadSettings,
  publishTerms,
  reactivateType,
  readTermsVersion,
  removeException,
  replaceWorkingHours,
  updateProfile,
  updateType,
} from '../services/settings';
import type { Access } from './access';

/** The therapist's settings: forms that work without JavaScript, each POST answered with 303 back or the page and its error. */
export const settingsRoutes = new Hono<HonoEnv>();

export const SETTINGS_ACCESS: Record<string, Access> = {
  'GET /dashboard/settings': 'therapist',
  'POST /dashboard/settings/profile': 'therapist',
  'POST /dashboard/settings/hours': 'therapist',
  'POST /dashboard/settings/exceptions': 'therapist',
  'POST /dashboard/settings/exceptions/:id/delete': 'therapist',
  'POST /dashboard/settings/types': 'therapist',
  'GET /dashboard/settings/types/:id': 'therapist',
  'POST /dashboard/settings/types/:id': 'therapist',
  'POST /dashboard/settings/types/:id/deactivate': 'therapist',
  'POST /dashboard/settings/types/:id/reactivate': 'therapist',
  'POST /dashboard/settings/terms': 'therapist',
  'GET /dashboard/settings/terms/:version': 'therapist',
};

settingsRoutes.use('/dashboard/settings', requireRole('therapist'));
settingsRoutes.use('/dashboard/settings/*', requireRole('therapist'));

type Ctx = Context<HonoEnv>;
type Values = Record<string, unknown>;

const NOTICES: Record<string, keyof SettingsMessages> = {
  profile: 'savedProfile',
  hours: 'savedHours',
  'exception-added': 'savedExceptionAdded',
  'exception-removed': 'savedExceptionRemoved',
  'type-created': 'savedTypeCreated',
  'type-updated': 'savedTypeUpdated',
  'type-deactivated': 'savedTypeDeactivated',
  'type-reactivated': 'savedTypeReactivated',
  terms: 'savedTerms',
};
const ANCHORS: Record<SettingsForm, string> = { profile: 'profile', hours: 'hours', exception: 'exceptions', type: 'types', terms: 'terms' };

const actorOf = (c: Ctx) => currentSession(c).user.id;

async function renderSettings(c: Ctx, failed?: { form: SettingsForm; state: FormState }, status: ContentfulStatusCode = 200) {
  const s = settingsMessages(c.var.locale);
  const view = await loadSettings(c.var.deps, practiceIdOf(c));
  const key = NOTICES[c.req.query('saved') ?? ''];
  return c.html(<SettingsPage page={pageContext(c)} s={s} view={view} notice={key ? s[key] : undefined} failed={failed} />, status);
}

/**
 * Runs one change from a settings form. Success redirects back to its section with a notice; an expected failure
 * shows the page again with the message in place. An id of another practice stays a plain 404 page.
 */
async function submit(c: Ctx, form: SettingsForm, saved: string, change: (values: Values, practiceId: string) => Promise<unknown>) {
  const practiceId = practiceIdOf(c);
  const values = formValues(await c.req.parseBody());
  try {
    await change(values, practiceId);
    return c.redirect(`/dashboard/settings?saved=${saved}#${ANCHORS[form]}`, 303);
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') throw error;
    const { state, status } = formFailure(error, values, c.var.locale);
    return renderSettings(c, { form, state }, status);
  }
}

settingsRoutes.get('/dashboard/settings', (c) => renderSettings(c));

settingsRoutes.post('/dashboard/settings/profile', (c) =>
  submit(c, 'profile', 'profile', (values, practiceId) => updateProfile(c.var.deps, practiceId, parseForm(profileForm, values), actorOf(c))),
);

settingsRoutes.post('/dashboard/settings/hours', (c) =>
  submit(c, 'hours', 'hours', (values, practiceId) => replaceWorkingHours(c.var.deps, practiceId, parseForm(hoursForm, values), actorOf(c))),
);

settingsRoutes.post('/dashboard/settings/exceptions', (c) =>
  submit(c, 'exception', 'exception-added', (values, practiceId) => addException(c.var.deps, practiceId, parseForm(exceptionForm, values), actorOf(c))),
);

settingsRoutes.post('/dashboard/settings/exceptions/:id/delete', (c) =>
  submit(c, 'exception', 'exception-removed', (_values, practiceId) => removeException(c.var.deps, practiceId, c.req.param('id'), actorOf(c))),
);

settingsRoutes.post('/dashboard/settings/types', (c) =>
  submit(c, 'type', 'type-created', (values, practiceId) => createType(c.var.deps, practiceId, parseForm(appointmentTypeForm, values), actorOf(c))),
);

settingsRoutes.get('/dashboard/settings/types/:id', async (c) => {
  const type = await findType(c.var.deps, practiceIdOf(c), c.req.param('id'));
  return c.html(<TypeEditPage page={pageContext(c)} s={settingsMessages(c.var.locale)} type={type} state={{}} />);
});

settingsRoutes.post('/dashboard/settings/types/:id', async (c) => {
  const practiceId = practiceIdOf(c);
  const typeId = c.req.param('id');
  const values = formValues(await c.req.parseBody());
  try {
    await updateType(c.var.deps, practiceId, typeId, parseForm(appointmentTypeForm, values), actorOf(c));
    return c.redirect(`/dashboard/settings?saved=type-updated#types`, 303);
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') throw error;
    const { state, status } = formFailure(error, values, c.var.locale);
    const type = await findType(c.var.deps, practiceId, typeId);
    return c.html(<TypeEditPage page={pageContext(c)} s={settingsMessages(c.var.locale)} type={type} state={state} />, status);
  }
});

settingsRoutes.post('/dashboard/settings/types/:id/deactivate', (c) =>
  submit(c, 'type', 'type-deactivated', (_values, practiceId) => deactivateType(c.var.deps, practiceId, c.req.param('id'), actorOf(c))),
);

settingsRoutes.post('/dashboard/settings/types/:id/reactivate', (c) =>
  submit(c, 'type', 'type-reactivated', (_values, practiceId) => reactivateType(c.var.deps, practiceId, c.req.param('id'), actorOf(c))),
);

settingsRoutes.post('/dashboard/settings/terms', (c) =>
  submit(c, 'terms', 'terms', (values, practiceId) => publishTerms(c.var.deps, practiceId, parseForm(termsRules, values), actorOf(c))),
);

settingsRoutes.get('/dashboard/settings/terms/:version', async (c) => {
  const version = termsVersionParam.safeParse(c.req.param('version'));
  if (!version.success) throw new AppError('NOT_FOUND', 'No such version of the terms');
  const { terms, isCurrent, timeZone } = await readTermsVersion(c.var.deps, practiceIdOf(c), version.data);
  return c.html(<TermsVersionPage page={pageContext(c)} s={settingsMessages(c.var.locale)} terms={terms} timeZone={timeZone} isCurrent={isCurrent} />);
});
