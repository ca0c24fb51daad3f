import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { validator } from 'hono/validator';
import { z } from 'zod';
import { notesMessages } from '../../web/i18n/notes';
import { NotesPage } from '../../web/pages/notes';
import { AppError, validationError } from '../lib/errors';
import type { HonoEnv } from '../lib/hono-env';
import { pageContext } from '../lib/pages';
import { currentSession, requireRole } from '../lib/session';
import { practiceIdOf } from '../lib/tenant';
import { clientOfPractice } from '../services/clients';
import { addNote, deleteNote, getKey, listNotes, openNotes, replacePassphraseWrap, setKey, type Actor } from '../services/notes';
import type { Access } from './access';

// Session notes are end-to-end encrypted: these routes only move opaque base64 strings (see web/client/notes.ts and notes-crypto.ts).

export const notesRoutes = new Hono<HonoEnv>();

export const NOTES_ACCESS: Record<string, Access> = {
  'GET /dashboard/clients/:id/notes': 'therapist',
  'GET /api/notes/key': 'therapist',
  'POST /api/notes/key': 'therapist',
  'PUT /api/notes/key': 'therapist',
  'GET /api/clients/:id/notes': 'therapist',
  'POST /api/clients/:id/notes': 'therapist',
  'DELETE /api/clients/:id/notes/:noteId': 'therapist',
};

/** Standard base64 whose decoded length lies in [minBytes, maxBytes]; the content itself is never looked at. */
function base64Field(minBytes: number, maxBytes: number) {
  const maxChars = 4 * Math.ceil(maxBytes / 3);
  return z
    .string({ error: 'Expected a base64 string' })
    .max(maxChars, `At most ${maxBytes} bytes`)
    .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'Expected standard base64')
    .refine((value) => {
      const bytes = (value.length / 4) * 3 - (value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0);
      return bytes >= minBytes && bytes <= maxBytes;
    }, `Expected ${minBytes === maxBytes ? minBytes : `${minBytes}–${maxBytes}`} bytes`);
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
    iterations: z.number().int().min(600_000, 'Use at least 600,000 iterations').max(10_000_000),
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

function json<T extends z.ZodType>(schema: T) {
  return validator('json', (value): z.infer<T> => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw validationError(parsed.error);
    return parsed.data;
  });
}

/** Ids in the path are looked up only within the practice; a malformed one is as unknown as another practice's. */
const ids = validator('param', (value: Record<string, string>) => {
  const parsed = z.object({ id: z.string().min(1).max(64), noteId: z.string().min(1).max(64).optional() }).safeParse(value);
  if (!parsed.success) throw new AppError('NOT_FOUND', 'No such client in your practice');
  return parsed.data;
});

const therapist = requireRole('therapist');

/** The tenant check ahead of body validation, so another practice's client id is 404 whatever the body holds. */
const ownClient = createMiddleware<HonoEnv>(async (c, next) => {
  await clientOfPractice(c.var.deps, practiceIdOf(c), c.req.param('id') ?? '');
  await next();
});

function actorOf(c: Context<HonoEnv>): Actor {
  return { practiceId: practiceIdOf(c), userId: currentSession(c).user.id };
}

notesRoutes.get('/dashboard/clients/:id/notes', therapist, ids, async (c) => {
  const { client, hasKey } = await openNotes(c.var.deps, practiceIdOf(c), c.req.valid('param').id);
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

notesRoutes.get('/api/notes/key', therapist, async (c) => c.json({ key: await getKey(c.var.deps, practiceIdOf(c)) }, 200));

notesRoutes.post('/api/notes/key', therapist, json(keyBody), async (c) => {
  const key = await setKey(c.var.deps, actorOf(c), c.req.valid('json'));
  return c.json({ key }, 201);
});

notesRoutes.put('/api/notes/key', therapist, json(passphraseWrapBody), async (c) => {
  const key = await replacePassphraseWrap(c.var.deps, actorOf(c), c.req.valid('json'));
  return c.json({ key }, 200);
});

notesRoutes.get('/api/clients/:id/notes', therapist, ids, async (c) => {
  const notes = await listNotes(c.var.deps, practiceIdOf(c), c.req.valid('param').id);
  return c.json({ notes }, 200);
});

notesRoutes.post('/api/clients/:id/notes', therapist, ids, ownClient, json(noteBody), async (c) => {
  const note = await addNote(c.var.deps, actorOf(c), c.req.valid('param').id, c.req.valid('json'));
  return c.json({ note }, 201);
});

notesRoutes.delete('/api/clients/:id/notes/:noteId', therapist, ids, async (c) => {
  const { id, noteId } = c.req.valid('param');
  if (!noteId) throw new AppError('NOT_FOUND', 'No such note for this client');
  await deleteNote(c.var.deps, actorOf(c), id, noteId);
  return c.body(null, 204);
});
