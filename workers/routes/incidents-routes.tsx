import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { incidentsMessages } from '../../web/i18n/incidents';
import type { FormState } from '../../web/components/text-field';
import { IncidentDetailPage, IncidentFormPage, IncidentsListPage } from '../../web/pages/incidents';
import { RecordOfProcessingPage } from '../../web/pages/record-of-processing';
import { BREACH_DATA_CATEGORIES, SUBJECT_CATEGORIES } from '../domain/breach';
import { isLocale } from '../domain/locale';
import { AppError, fieldIssue, fieldIssueWith } from '../lib/errors';
import type { HonoEnv } from '../lib/hono-env';
import { emailField, formValues } from '../lib/input';
import { jsonResponse } from '../lib/openapi';
import { formAction, formFailure, pageContext, parseForm } from '../lib/pages';
import { jsonRoute, routeArea } from '../lib/route';
import { dpoActor } from '../lib/session';
import { addIncidentUpdate, closeIncident, createIncident, listIncidents, loadIncident, notifyAffectedPractices, subjectNoticeTemplate, timelineOf } from '../services/incidents';
import { recordOfProcessing } from '../services/record-of-processing';

/** Mounted at /dpo/incidents: the DPO's breach register (Art. 33/34 GDPR). */
export const incidentsConsole = routeArea();
/** Mounted at /: the public record of processing (Art. 30), as a page and as JSON. */
export const recordRoutes = routeArea();

type Ctx = Context<HonoEnv>;
type Body = Record<string, string | File | (string | File)[]>;

// ------------------------------------------------------------------------------------------------------ input

const UTC_INPUT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
/** A datetime-local value read as UTC (the console states it), or NaN. */
const utcMillis = (value: string) => (UTC_INPUT.test(value.trim()) ? Date.parse(`${value.trim()}Z`) : Number.NaN);
const utcField = z.string({ error: fieldIssue('incidents.enterUtc') }).transform((value, ctx) => {
  const at = utcMillis(value);
  if (Number.isNaN(at)) ctx.addIssue({ code: 'custom', message: fieldIssue('incidents.enterUtc') });
  return at;
});
const prose = z.string({ error: fieldIssue('incidents.required') }).trim().min(3, fieldIssue('incidents.fewWords')).max(4000, fieldIssue('field.atMostChars'));
const count = z.string({ error: fieldIssue('settings.enterNumber') }).trim().regex(/^\d{1,9}$/, fieldIssue('incidents.wholeNumber')).transform(Number);
/** D1 binds at most 100 parameters per statement; more practices than this are "all" or a time window. */
const MAX_SLUGS = 90;

const incidentForm = z
  .object({
    awareAt: utcField,
    nature: prose,
    dataCategories: z.array(z.enum(BREACH_DATA_CATEGORIES)).min(1, fieldIssue('incidents.chooseCategory')),
    subjectCategories: z.array(z.enum(SUBJECT_CATEGORIES)).min(1, fieldIssue('incidents.chooseCategory')),
    approxSubjects: count,
    approxRecords: count,
    consequences: prose,
    measures: prose,
    contact: emailField,
    scope: z.enum(['all', 'practices', 'window'], { error: fieldIssue('incidents.chooseScope') }),
    practiceSlugs: z.string().max(4000).default(''),
    windowFrom: z.string().default(''),
    windowTo: z.string().default(''),
    highRisk: z.boolean(),
  })
  .transform(({ practiceSlugs, windowFrom, windowTo, scope, ...rest }, ctx) => {
    if (scope === 'all') return { ...rest, scope: { kind: 'all' as const } };
    if (scope === 'practices') {
      const slugs = [...new Set(practiceSlugs.toLowerCase().split(/[\s,]+/).filter(Boolean))];
      if (!slugs.length) ctx.addIssue({ code: 'custom', path: ['practiceSlugs'], message: fieldIssue('incidents.nameSlug') });
      if (slugs.length > MAX_SLUGS) ctx.addIssue({ code: 'custom', path: ['practiceSlugs'], message: fieldIssueWith('incidents.tooManySlugs', { max: MAX_SLUGS }) });
      return { ...rest, scope: { kind: 'practices' as const, slugs } };
    }
    const from = utcMillis(windowFrom);
    const to = utcMillis(windowTo);
    if (Number.isNaN(from)) ctx.addIssue({ code: 'custom', path: ['windowFrom'], message: fieldIssue('incidents.enterUtc') });
    if (Number.isNaN(to)) ctx.addIssue({ code: 'custom', path: ['windowTo'], message: fieldIssue('incidents.enterUtc') });
    else if (!(to > from)) ctx.addIssue({ code: 'custom', path: ['windowTo'], message: fieldIssue('incidents.endAfterStart') });
    return { ...rest, scope: { kind: 'window' as const, from, to } };
  });

const updateForm = z.object({ text: prose });

const LISTS = ['dataCategories', 'subjectCategories'] as const;

function listOf(value: Body[string] | undefined): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((v): v is string => typeof v === 'string');
}

/** The values to parse, and the same as strings to show again after a failed submit. */
function incidentValues(body: Body): { values: Record<string, unknown>; echo: Record<string, string> } {
  const single: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') single[key] = value;
  const values = formValues(single, ['highRisk']);
  const echo: Record<string, string> = {};
  for (const [key, value] of Object.entries(single)) if (typeof value === 'string') echo[key] = value;
  for (const name of LISTS) {
    values[name] = listOf(body[name]);
    echo[name] = listOf(body[name]).join('\n');
  }
  return { values, echo };
}

/** "2026-03-29T01:30", the value a datetime-local input takes, in UTC. */
const utcInputValue = (at: number) => new Date(at).toISOString().slice(0, 16);

// ------------------------------------------------------------------------------------------------------ console

const messagesOf = (c: Ctx) => incidentsMessages(c.var.locale);

const doneQuery = z.object({
  done: z.enum(['created', 'updated', 'notified', 'closed']).optional().catch(undefined),
  sent: z.coerce.number().int().min(0).catch(0),
  skipped: z.coerce.number().int().min(0).catch(0),
  failed: z.coerce.number().int().min(0).catch(0),
});

function noticeText(c: Ctx): string | undefined {
  const m = messagesOf(c);
  const q = doneQuery.parse(c.req.query());
  if (q.done === 'notified') return m.notified.replace('{sent}', String(q.sent)).replace('{skipped}', String(q.skipped)).replace('{failed}', String(q.failed));
  return q.done === 'created' ? m.created : q.done === 'updated' ? m.updated : q.done === 'closed' ? m.closedNotice : undefined;
}

async function renderDetail(c: Ctx, id: string, state: FormState = {}, status: ContentfulStatusCode = 200) {
  const view = await loadIncident(c.var.deps, id);
  const notice = status === 200 ? noticeText(c) : undefined;
  return c.html(<IncidentDetailPage page={pageContext(c)} m={messagesOf(c)} view={view} timeline={timelineOf(view)} notice={notice} state={state} />, status);
}

/** One action on an incident: 303 back to it with a notice, or the page again with the message in place. */
function act(c: Ctx, id: string, change: (values: Record<string, unknown>) => Promise<string>) {
  return formAction(
    c,
    async (values) => c.redirect(`/dpo/incidents/${id}?${await change(values)}`, 303),
    ({ state, status }) => renderDetail(c, id, state, status),
  );
}

incidentsConsole.get('/', 'dpo', async (c) => c.html(<IncidentsListPage page={pageContext(c)} m={messagesOf(c)} incidents={await listIncidents(c.var.deps)} />));

function renderForm(c: Ctx, state: FormState, status: ContentfulStatusCode = 200) {
  const defaults = { contact: c.var.config.DPO_EMAIL, awareAt: utcInputValue(c.var.deps.now()) };
  return c.html(<IncidentFormPage page={pageContext(c)} m={messagesOf(c)} state={state} defaults={defaults} />, status);
}

incidentsConsole.get('/new', 'dpo', (c) => renderForm(c, {}));

incidentsConsole.post('/', 'dpo', async (c) => {
  const { values, echo } = incidentValues(await c.req.parseBody({ all: true }));
  try {
    const id = await createIncident(c.var.deps, dpoActor(c), parseForm(incidentForm, values));
    return c.redirect(`/dpo/incidents/${id}?done=created`, 303);
  } catch (error) {
    const { state, status } = formFailure(error, echo, c.var.locale);
    return renderForm(c, state, status);
  }
});

incidentsConsole.get('/:id', 'dpo', (c) => renderDetail(c, c.req.param('id')));

incidentsConsole.post('/:id/updates', 'dpo', (c) => {
  const id = c.req.param('id');
  return act(c, id, async (values) => {
    await addIncidentUpdate(c.var.deps, dpoActor(c), id, parseForm(updateForm, values).text);
    return 'done=updated';
  });
});

incidentsConsole.post('/:id/notify', 'dpo', (c) => {
  const id = c.req.param('id');
  return act(c, id, async () => {
    const { sent, skipped, failed } = await notifyAffectedPractices(c.var.deps, dpoActor(c), id);
    return `done=notified&sent=${sent}&skipped=${skipped}&failed=${failed}`;
  });
});

incidentsConsole.post('/:id/close', 'dpo', (c) => {
  const id = c.req.param('id');
  return act(c, id, async () => {
    await closeIncident(c.var.deps, dpoActor(c), id);
    return 'done=closed';
  });
});

incidentsConsole.get('/:id/timeline.json', 'dpo', async (c) => {
  const view = await loadIncident(c.var.deps, c.req.param('id'));
  c.header('content-disposition', `attachment; filename="incident-${view.reference}-timeline.json"`);
  return c.json(timelineOf(view));
});

incidentsConsole.get('/:id/subject-notice/:locale', 'dpo', async (c) => {
  const locale = c.req.param('locale');
  if (!isLocale(locale)) throw new AppError('NOT_FOUND', 'incidents.noNoticeLanguage');
  const id = c.req.param('id');
  const notice = await subjectNoticeTemplate(c.var.deps, id, locale);
  return c.body(`${notice.subject}\n\n${notice.text}`, 200, {
    'content-type': 'text/plain; charset=utf-8',
    'content-disposition': `attachment; filename="art34-notice-${locale}.txt"`,
  });
});

// ------------------------------------------------------------------------------------------- record of processing

recordRoutes.get('/record-of-processing', 'public', (c) =>
  c.html(<RecordOfProcessingPage page={pageContext(c)} m={messagesOf(c)} record={recordOfProcessing(c.var.config)} />),
);

const text = z.string();
const recordSchema = z
  .object({
    title: text,
    generatedFrom: text,
    processor: z.object({ name: text, origin: text, role: text }),
    dataProtectionOfficer: z.object({ contact: text }),
    subjectCategories: z.array(z.object({ id: z.enum(SUBJECT_CATEGORIES), description: text })),
    dataCategories: z.array(z.object({ category: z.enum(BREACH_DATA_CATEGORIES), specialCategory: z.boolean(), tables: z.array(text) })),
    recipients: z.array(z.object({ id: text, name: text, role: text, location: text })),
    transfers: text,
    tables: z.array(
      z.object({
        table: text,
        categories: z.array(z.enum(BREACH_DATA_CATEGORIES)),
        purposes: z.array(text),
        retention: z.array(text),
        erasure: z.array(z.enum(['delete', 'anonymise', 'keep-legal-duty', 'not-personal'])),
        columns: z.array(z.object({ column: text, category: z.enum(BREACH_DATA_CATEGORIES), purpose: text, retention: text, erasure: text, exported: z.boolean() })),
      }),
    ),
    securityMeasures: z.array(z.object({ id: text, text, active: z.boolean() })),
    configuration: z.object({ environment: text, durableObjectJurisdiction: text, email: text, callServers: z.array(text) }),
  })
  .openapi('RecordOfProcessing');

recordRoutes.openapi(
  jsonRoute({
    method: 'get',
    path: '/api/record-of-processing',
    access: 'public',
    operationId: 'getRecordOfProcessing',
    summary: 'The record of processing activities (Art. 30 GDPR), generated from the schema’s privacy annotations and the configuration',
    responses: { 200: jsonResponse('The record', recordSchema) },
  }),
  (c) => c.json(recordOfProcessing(c.var.config), 200),
);
