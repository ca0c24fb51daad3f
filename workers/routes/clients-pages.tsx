import { and, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { consentRecords } from '../../db/schema';
import { dashboardMessages } from '../../web/i18n/dashboard';
import type { FormState } from '../../web/components/text-field';
import { ClientDetailPage, ClientsPage } from '../../web/pages/clients';
import { consentReceipt } from '../domain/consent-receipt';
import { jurisdictionOf } from '../domain/jurisdiction';
import { clientCreateBody, clientPatchBody } from '../lib/clients-input';
import { AppError } from '../lib/errors';
import type { HonoEnv } from '../lib/hono-env';
import { formValues } from '../lib/input';
import { formFailure, pageContext, parseForm } from '../lib/pages';
import { routeArea } from '../lib/route';
import { therapistActor } from '../lib/session';
import { practiceIdOf } from '../lib/tenant';
import { findPractice } from '../services/practices';
import { clientDetail, clientOfPractice, createClient, listClients, updateClient } from '../services/clients';
import { sealedRecord } from '../services/consent';
import { deleteClient } from '../services/erasure';

/** Mounted at /dashboard/clients. */
export const clientsPages = routeArea();

async function renderList(c: Context<HonoEnv>, state: FormState = {}, status: ContentfulStatusCode = 200, notice?: string) {
  const q = c.req.query('q') ?? '';
  const includeInactive = c.req.query('includeInactive') === 'true';
  const clients = await listClients(c.var.deps, practiceIdOf(c), { q: q.slice(0, 100), includeInactive });
  return c.html(<ClientsPage page={pageContext(c)} d={dashboardMessages(c.var.locale)} clients={clients} q={q} includeInactive={includeInactive} state={state} notice={notice} />, status);
}

clientsPages.get('/', 'therapist', (c) => renderList(c, {}, 200, c.req.query('deleted') ? dashboardMessages(c.var.locale).deleted : undefined));

clientsPages.post('/', 'therapist', async (c) => {
  const values = formValues(await c.req.parseBody());
  try {
    const client = await createClient(c.var.deps, therapistActor(c), parseForm(clientCreateBody, values));
    return c.redirect(`/dashboard/clients/${client.id}?saved=1`, 303);
  } catch (error) {
    const { state, status } = formFailure(error, values, c.var.locale);
    return renderList(c, state, status);
  }
});

async function renderDetail(c: Context<HonoEnv>, clientId: string, state: FormState = {}, status: ContentfulStatusCode = 200) {
  const practiceId = practiceIdOf(c);
  const [detail, practice] = await Promise.all([clientDetail(c.var.deps, practiceId, clientId), findPractice(c.var.deps, practiceId)]);
  const d = dashboardMessages(c.var.locale);
  return c.html(
    <ClientDetailPage
      page={pageContext(c)}
      d={d}
      client={detail.client}
      consents={detail.consents}
      chainOk={detail.chain.ok}
      visits={detail.appointments.map(({ appointment, typeName }) => ({ id: appointment.id, startAt: appointment.startAt, status: appointment.status, typeName }))}
      timeZone={practice?.timeZone ?? 'Europe/Berlin'}
      state={state}
      notice={c.req.query('saved') ? d.saved : undefined}
    />,
    status,
  );
}

clientsPages.get('/:id', 'therapist', (c) => renderDetail(c, c.req.param('id')));

clientsPages.post('/:id', 'therapist', async (c) => {
  const id = c.req.param('id');
  const values = formValues(await c.req.parseBody(), ['active', 'restricted']);
  try {
    await updateClient(c.var.deps, therapistActor(c), practiceIdOf(c), id, parseForm(clientPatchBody, values));
    return c.redirect(`/dashboard/clients/${id}?saved=1`, 303);
  } catch (error) {
    const { state, status } = formFailure(error, values, c.var.locale);
    return renderDetail(c, id, state, status);
  }
});

clientsPages.post('/:id/delete', 'therapist', async (c) => {
  const id = c.req.param('id');
  const practiceId = practiceIdOf(c);
  const client = await clientOfPractice(c.var.deps, practiceId, id);
  const values = formValues(await c.req.parseBody());
  if (typeof values.confirm !== 'string' || values.confirm.trim() !== client.displayName) {
    const error = new AppError('VALIDATION_FAILED', 'clients.typeNameToDelete', { confirm: 'clients.nameMismatchField' });
    return renderDetail(c, id, formFailure(error, {}, c.var.locale).state, 422);
  }
  await deleteClient(c.var.deps, therapistActor(c), id);
  return c.redirect('/dashboard/clients?deleted=1', 303);
});

clientsPages.get('/:id/consents/:recordId/receipt.json', 'therapist', async (c) => {
  const practiceId = practiceIdOf(c);
  const client = await clientOfPractice(c.var.deps, practiceId, c.req.param('id'));
  const owned = await c.var.deps.db.query.consentRecords.findFirst({
    where: and(eq(consentRecords.id, c.req.param('recordId')), eq(consentRecords.clientId, client.id), eq(consentRecords.practiceId, practiceId)),
  });
  const record = owned ? await sealedRecord(c.var.deps, owned.id) : undefined;
  const practice = await findPractice(c.var.deps, practiceId);
  if (!record || !practice) throw new AppError('NOT_FOUND', 'clients.noSuchConsentRecord');
  c.header('content-disposition', 'attachment; filename="consent-receipt.json"');
  return c.json(
    consentReceipt({
      record,
      practice: { name: practice.name, contactEmail: practice.contactEmail, slug: practice.slug },
      appOrigin: c.var.config.APP_ORIGIN,
      jurisdiction: jurisdictionOf(practice.timeZone),
      issuedAt: c.var.deps.now(),
    }),
  );
});
