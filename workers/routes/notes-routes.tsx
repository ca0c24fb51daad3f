import { z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { notesMessages } from '../../web/i18n/notes';
import { NotesPage } from '../../web/pages/notes';
import { AppError, fieldIssue, fieldIssueWith } from '../lib/errors';
import type { HonoEnv } from '../lib/hono-env';
import { errorResponses, jsonBody, jsonResponse, notFoundResponse } from '../lib/openapi';
import { pageContext } from '../lib/pages';
import { jsonRoute, routeArea } from '../lib/route';
import { therapistActor } from '../lib/session';
import { practiceIdOf } from '../lib/tenant';
import { clientOfPractice } from '../services/clients';
import { addNote, deleteNote, getKey, listNotes, openNotes, replacePassphraseWrap, setKey } from '../services/notes';

// Session notes are end-to-end encrypted: these routes only move opaque base64 strings (see web/client/notes.ts and notes-crypto.ts).

/** Mounted at /dashboard/clients: the notes page of one client. */
export const notesPage = routeArea();
/** Mounted at /api/notes: the practice's wrapped notes key. */
export const notesKeyApi = routeArea();
/** Mounted at /api/clients: one client's encrypted notes. */
export const clientNotesApi = routeArea();

/** Standard base64 whose decoded length lies in [minBytes, maxBytes]; the content itself is never looked at. */
function base64Field(minBytes: number, maxBytes: number) {
  const maxChars = 4 * Math.ceil(maxBytes / 3);
  return z
    .string({ error: fieldIssue('notes.base64') })
    .max(maxChars, fieldIssueWith('notes.atMostBytes', { bytes: maxBytes }))
    .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, fieldIssue('notes.standardBase64'))
    .refine((value) => {
      const bytes = (value.length / 4) * 3 - (value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0);
      return bytes >= minBytes && bytes <= maxBytes;
    }, fieldIssueWith('notes.expectedBytes', { bytes: minBytes === maxBytes ? `${minBytes}` : `${minBytes}–${maxBytes}` }));
}

/** AES-KW output for a 256-bit key: 32 bytes plus the 8-byte integrity block. */
const wrappedKey = base64Field(40, 40);
/** Up to 44,000 bytes of padded plaintext plus the 16-byte tag, which keeps the whole request under the 64 KiB limit. */
export const MAX_CIPHERTEXT_BYTES = 44_048;

const kdfParams = z
  .object({
    alg: z.literal('PBKDF2'),
    hash: z.literal('SHA-256'),
    // OWASP's PBKDF2-HMAC-SHA256 figure; derivation runs in the therapist's browser, not in workerd.
    iterations: z.number().int().min(600_000, fieldIssue('notes.iterations')).max(10_000_000),
    salt: base64Field(16, 64),
    wrap: z.literal('AES-KW'),
  })
  .strict();

const keyId = z.string().min(1).max(80);

// `.strict()` everywhere: a body carrying anything besides the opaque fields (say, a passphrase or note text sent
// by a faulty client) is refused rather than silently dropped.
const keyBody = z.object({ kdf: kdfParams, wrappedByPassphrase: wrappedKey, wrappedByRecovery: wrappedKey }).strict();
const passphraseWrapBody = z.object({ keyId, kdf: kdfParams, wrappedByPassphrase: wrappedKey }).strict();
const noteBody = z.object({ keyId, iv: base64Field(12, 12), ciphertext: base64Field(17, MAX_CIPHERTEXT_BYTES) }).strict();

/** Ids in the path are looked up only within the practice; a malformed one is as unknown as another practice's. */
const ids = createMiddleware<HonoEnv>(async (c, next) => {
  const parsed = z.object({ id: z.string().min(1).max(64), noteId: z.string().min(1).max(64).optional() }).safeParse(c.req.param());
  if (!parsed.success) throw new AppError('NOT_FOUND', 'clients.notFound');
  await next();
});
const pathId = (name: string) => z.string().openapi({ param: { name, in: 'path' } });
const clientParams = z.object({ id: pathId('id') });
const noteParams = z.object({ id: pathId('id'), noteId: pathId('noteId') });

const keySchema = z
  .object({ id: z.string(), kdf: z.record(z.string(), z.union([z.string(), z.number()])), wrappedByPassphrase: z.string(), wrappedByRecovery: z.string(), createdAt: z.number() })
  .openapi('NotesKey');
const noteSchema = z.object({ id: z.string(), keyId: z.string(), iv: z.string(), ciphertext: z.string(), createdAt: z.number() }).openapi('EncryptedNote');
const noKey = { description: 'The practice has no notes key yet', content: { 'application/json': { schema: z.object({ key: keySchema.nullable() }) } } };

/** The tenant check ahead of body validation, so another practice's client id is 404 whatever the body holds. */
const ownClient = createMiddleware<HonoEnv>(async (c, next) => {
  await clientOfPractice(c.var.deps, practiceIdOf(c), c.req.param('id') ?? '');
  await next();
});

notesPage.get('/:id/notes', 'therapist', ids, async (c) => {
  const { client, hasKey } = await openNotes(c.var.deps, practiceIdOf(c), c.req.param('id'));
  return c.html(
    <NotesPage
      page={pageContext(c)}
      n={notesMessages(c.var.locale)}
      client={{ id: client.id, displayName: client.displayName }}
      hasKey={hasKey}
      nonce={c.get('secureHeadersNonce')}
    />,
  );
});

notesKeyApi.openapi(
  jsonRoute({ method: 'get', path: '/key', access: 'therapist', operationId: 'getNotesKey', summary: 'The practice’s notes key, wrapped (null before it is set up)', responses: { ...errorResponses, 200: noKey } }),
  async (c) => c.json({ key: await getKey(c.var.deps, practiceIdOf(c)) }, 200),
);

notesKeyApi.openapi(
  jsonRoute({
    method: 'post',
    path: '/key',
    access: 'therapist',
    operationId: 'setNotesKey',
    summary: 'Store the practice’s notes key, wrapped by the passphrase and by the recovery key (once)',
    request: { body: jsonBody(keyBody.openapi('NotesKeyRequest')) },
    responses: { ...errorResponses, 201: jsonResponse('Stored', z.object({ key: keySchema })), 409: { description: 'The practice already has a key', content: noKey.content } },
  }),
  async (c) => {
    const key = await setKey(c.var.deps, therapistActor(c), c.req.valid('json'));
    return c.json({ key }, 201);
  },
);

notesKeyApi.openapi(
  jsonRoute({
    method: 'put',
    path: '/key',
    access: 'therapist',
    operationId: 'replaceNotesPassphraseWrap',
    summary: 'Replace the passphrase wrapping of the notes key (after a passphrase change or a recovery)',
    request: { body: jsonBody(passphraseWrapBody.openapi('NotesPassphraseWrapRequest')) },
    responses: { ...errorResponses, 200: jsonResponse('Replaced', z.object({ key: keySchema })), 404: notFoundResponse },
  }),
  async (c) => {
    const key = await replacePassphraseWrap(c.var.deps, therapistActor(c), c.req.valid('json'));
    return c.json({ key }, 200);
  },
);

clientNotesApi.openapi(
  jsonRoute({
    method: 'get',
    path: '/{id}/notes',
    access: 'therapist',
    operationId: 'listClientNotes',
    summary: 'One client’s notes, encrypted in the browser (opaque base64)',
    middleware: [ids],
    request: { params: clientParams },
    responses: { ...errorResponses, 200: jsonResponse('Notes', z.object({ notes: z.array(noteSchema) })), 404: notFoundResponse },
  }),
  async (c) => {
    const notes = await listNotes(c.var.deps, practiceIdOf(c), c.req.valid('param').id);
    return c.json({ notes }, 200);
  },
);

clientNotesApi.openapi(
  jsonRoute({
    method: 'post',
    path: '/{id}/notes',
    access: 'therapist',
    operationId: 'addClientNote',
    summary: 'Add a note encrypted in the browser; the server never sees its text',
    middleware: [ids, ownClient],
    request: { params: clientParams, body: jsonBody(noteBody.openapi('EncryptedNoteRequest')) },
    responses: { ...errorResponses, 201: jsonResponse('Stored', z.object({ note: noteSchema })), 404: notFoundResponse },
  }),
  async (c) => {
    const note = await addNote(c.var.deps, therapistActor(c), c.req.valid('param').id, c.req.valid('json'));
    return c.json({ note }, 201);
  },
);

clientNotesApi.openapi(
  jsonRoute({
    method: 'delete',
    path: '/{id}/notes/{noteId}',
    access: 'therapist',
    operationId: 'deleteClientNote',
    summary: 'Delete one note',
    middleware: [ids],
    request: { params: noteParams },
    responses: { ...errorResponses, 204: { description: 'Deleted' }, 404: notFoundResponse },
  }),
  async (c) => {
    const { id, noteId } = c.req.valid('param');
    if (!noteId) throw new AppError('NOT_FOUND', 'notes.noSuchNote');
    await deleteNote(c.var.deps, therapistActor(c), id, noteId);
    return c.body(null, 204);
  },
);
