import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type SettingsMessages, settingsMessages } from '../../web/i18n/settings';
import type { FormState } from '../../web/components/text-field';
import { type SettingsForm, SettingsPage, TermsVersionPage, TypeEditPage } from '../../web/pages/settings';
import { AppError } from '../lib/errors';
import type { HonoEnv } from '../lib/hono-env';
import { formValues } from '../lib/input';
import { formAction, formFailure, pageContext, parseForm } from '../lib/pages';
import { routeArea } from '../lib/route';
import { therapistActor } from '../lib/session';
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

/** Mounted at /dashboard/settings. The therapist's settings: forms that work without JavaScript, each POST answered with 303 back or the page and its error. */
export const settingsRoutes = routeArea();


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
function submit(c: Ctx, form: SettingsForm, saved: string, change: (values: Values) => Promise<unknown>) {
  return formAction(
    c,
    async (values) => {
      await change(values);
      return c.redirect(`/dashboard/settings?saved=${saved}#${ANCHORS[form]}`, 303);
    },
    ({ state, status }) => renderSettings(c, { form, state }, status),
  );
}

settingsRoutes.get('/', 'therapist', (c) => renderSettings(c));

settingsRoutes.post('/profile', 'therapist', (c) =>
  submit(c, 'profile', 'profile', (values) => updateProfile(c.var.deps, therapistActor(c), parseForm(profileForm, values))),
);

settingsRoutes.post('/hours', 'therapist', (c) =>
  submit(c, 'hours', 'hours', (values) => replaceWorkingHours(c.var.deps, therapistActor(c), parseForm(hoursForm, values))),
);

settingsRoutes.post('/exceptions', 'therapist', (c) =>
  submit(c, 'exception', 'exception-added', (values) => addException(c.var.deps, therapistActor(c), parseForm(exceptionForm, values))),
);

settingsRoutes.post('/exceptions/:id/delete', 'therapist', (c) =>
  submit(c, 'exception', 'exception-removed', () => removeException(c.var.deps, therapistActor(c), c.req.param('id'))),
);

settingsRoutes.post('/types', 'therapist', (c) =>
  submit(c, 'type', 'type-created', (values) => createType(c.var.deps, therapistActor(c), parseForm(appointmentTypeForm, values))),
);

settingsRoutes.get('/types/:id', 'therapist', async (c) => {
  const type = await findType(c.var.deps, practiceIdOf(c), c.req.param('id'));
  return c.html(<TypeEditPage page={pageContext(c)} s={settingsMessages(c.var.locale)} type={type} state={{}} />);
});

settingsRoutes.post('/types/:id', 'therapist', async (c) => {
  const practiceId = practiceIdOf(c);
  const typeId = c.req.param('id');
  const values = formValues(await c.req.parseBody());
  try {
    await updateType(c.var.deps, therapistActor(c), typeId, parseForm(appointmentTypeForm, values));
    return c.redirect(`/dashboard/settings?saved=type-updated#types`, 303);
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') throw error;
    const { state, status } = formFailure(error, values, c.var.locale);
    const type = await findType(c.var.deps, practiceId, typeId);
    return c.html(<TypeEditPage page={pageContext(c)} s={settingsMessages(c.var.locale)} type={type} state={state} />, status);
  }
});

settingsRoutes.post('/types/:id/deactivate', 'therapist', (c) =>
  submit(c, 'type', 'type-deactivated', () => deactivateType(c.var.deps, therapistActor(c), c.req.param('id'))),
);

settingsRoutes.post('/types/:id/reactivate', 'therapist', (c) =>
  submit(c, 'type', 'type-reactivated', () => reactivateType(c.var.deps, therapistActor(c), c.req.param('id'))),
);

settingsRoutes.post('/terms', 'therapist', (c) =>
  submit(c, 'terms', 'terms', (values) => publishTerms(c.var.deps, therapistActor(c), parseForm(termsRules, values))),
);

settingsRoutes.get('/terms/:version', 'therapist', async (c) => {
  const version = termsVersionParam.safeParse(c.req.param('version'));
  if (!version.success) throw new AppError('NOT_FOUND', 'settings.noSuchTerms');
  const { terms, isCurrent, timeZone } = await readTermsVersion(c.var.deps, practiceIdOf(c), version.data);
  return c.html(<TermsVersionPage page={pageContext(c)} s={settingsMessages(c.var.locale)} terms={terms} timeZone={timeZone} isCurrent={isCurrent} />);
});
