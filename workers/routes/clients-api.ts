import { z } from '@hono/zod-openapi';
import { clientCreateBody, clientIdParam, clientPatchBody, clientsQuery } from '../lib/clients-input';
import { conflictResponse, errorResponses, jsonBody, jsonResponse, notFoundResponse } from '../lib/openapi';
import { jsonRoute, routeArea } from '../lib/route';
import { therapistActor } from '../lib/session';
import { practiceIdOf } from '../lib/tenant';
import { type Client, clientDetail, createClient, listClients, updateClient } from '../services/clients';
import { deleteClient } from '../services/erasure';

const clientSchema = z
  .object({ id: z.string(), displayName: z.string(), email: z.string().nullable(), active: z.boolean(), restricted: z.boolean(), createdAt: z.string() })
  .openapi('Client');

const consentSchema = z
  .object({
    seq: z.number().int(),
    kind: z.enum(['given', 'withdrawn']),
    purposes: z.array(z.string()),
    termsVersion: z.number().int(),
    termsSha256: z.string(),
    method: z.string(),
    at: z.string(),
    recordHash: z.string().nullable(),
  })
  .openapi('ConsentRecord');
const chainSchema = z
  .object({ ok: z.boolean(), length: z.number().int(), problems: z.array(z.object({ seq: z.number().int(), problem: z.enum(['edited', 'missing', 'broken-link', 'head-mismatch']) })).optional() })
  .openapi('ConsentChainVerdict');
const visitSchema = z.object({ id: z.string(), start: z.string(), end: z.string(), status: z.string(), type: z.string() }).openapi('ClientAppointment');
const clientDetailSchema = z.object({ client: clientSchema, consents: z.array(consentSchema), chain: chainSchema, appointments: z.array(visitSchema) });

function clientJson(client: Client) {
  return {
    id: client.id,
    displayName: client.displayName,
    email: client.email,
    active: client.active,
    restricted: client.restrictedAt !== null,
    createdAt: new Date(client.createdAt).toISOString(),
  };
}

/** Mounted at /api/clients. */
export const clientsApi = routeArea();

clientsApi.openapi(
  jsonRoute({
    method: 'get',
    path: '/',
    access: 'therapist',
    operationId: 'listClients',
    summary: 'Clients of your practice, searchable by name or email',
    request: { query: clientsQuery },
    responses: { 200: jsonResponse('Clients', z.object({ clients: z.array(clientSchema) })), ...errorResponses },
  }),
  async (c) => {
    const { q, includeInactive } = c.req.valid('query');
    const clients = await listClients(c.var.deps, practiceIdOf(c), { q, includeInactive: includeInactive === 'true' });
    return c.json({ clients: clients.map(clientJson) }, 200);
  },
);

clientsApi.openapi(
  jsonRoute({
    method: 'post',
    path: '/',
    access: 'therapist',
    operationId: 'createClient',
    summary: 'Create a client; a pseudonym or initials suffice, the email is optional',
    request: { body: jsonBody(clientCreateBody) },
    responses: { 201: jsonResponse('Created', z.object({ client: clientSchema })), 409: conflictResponse, ...errorResponses },
  }),
  async (c) => c.json({ client: clientJson(await createClient(c.var.deps, therapistActor(c), c.req.valid('json'))) }, 201),
);

clientsApi.openapi(
  jsonRoute({
    method: 'get',
    path: '/{id}',
    access: 'therapist',
    operationId: 'getClient',
    summary: 'One client with consent history (and chain verification) and appointments',
    request: { params: clientIdParam },
    responses: { 200: jsonResponse('Client', clientDetailSchema), 404: notFoundResponse, ...errorResponses },
  }),
  async (c) => {
    const detail = await clientDetail(c.var.deps, practiceIdOf(c), c.req.valid('param').id);
    return c.json(
      {
        client: clientJson(detail.client),
        consents: detail.consents.map((r) => ({ seq: r.seq, kind: r.kind, purposes: r.purposes, termsVersion: r.termsVersion, termsSha256: r.termsSha256, method: r.method, at: new Date(r.at).toISOString(), recordHash: r.recordHash })),
        chain: detail.chain,
        appointments: detail.appointments.map(({ appointment, typeName }) => ({ id: appointment.id, start: new Date(appointment.startAt).toISOString(), end: new Date(appointment.endAt).toISOString(), status: appointment.status, type: typeName })),
      },
      200,
    );
  },
);

clientsApi.openapi(
  jsonRoute({
    method: 'patch',
    path: '/{id}',
    access: 'therapist',
    operationId: 'updateClient',
    summary: 'Rectify, (de)activate or restrict processing of a client',
    request: { params: clientIdParam, body: jsonBody(clientPatchBody) },
    responses: { 200: jsonResponse('Updated', z.object({ client: clientSchema })), 404: notFoundResponse, ...errorResponses },
  }),
  async (c) => c.json({ client: clientJson(await updateClient(c.var.deps, therapistActor(c), practiceIdOf(c), c.req.valid('param').id, c.req.valid('json'))) }, 200),
);

clientsApi.openapi(
  jsonRoute({
    method: 'delete',
    path: '/{id}',
    access: 'therapist',
    operationId: 'deleteClient',
    summary: 'Delete a client completely (appointments and notes included; consent evidence is unlinked)',
    request: { params: clientIdParam },
    responses: { 204: { description: 'Deleted' }, 404: notFoundResponse, ...errorResponses },
  }),
  async (c) => {
    await deleteClient(c.var.deps, therapistActor(c), c.req.valid('param').id);
    return c.body(null, 204);
  },
);
