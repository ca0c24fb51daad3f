import type { MiddlewareHandler } from 'hono';
import { AppError } from './errors';
import type { HonoEnv } from './hono-env';

/** How much of a refused body is read and dropped (never kept) before the upload is cancelled. */
export const DISCARD_BYTES = 16 * 1024 * 1024;

function joinChunks(chunks: Uint8Array[], size: number): Uint8Array {
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * Reads and drops the rest of a refused upload up to DISCARD_BYTES, then cancels it. Answering while the client is
 * still sending, with the stream left half-read or cancelled at once, made `wrangler dev` fail every later request and
 * then exit (issue 11, item 11); reading a bounded remainder costs no memory, and past it the upload is cut off.
 */
async function discard(reader: ReadableStreamDefaultReader<Uint8Array>, alreadyRead: number): Promise<void> {
  let read = alreadyRead;
  try {
    while (read < DISCARD_BYTES) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // A client that hung up has nothing more to send.
  }
}

/**
 * Refuses a body above `maxBytes` with 413, whether or not it declares its length (chunked uploads do not). The body is
 * read as a stream and kept only while it stays within the limit, so no more than `maxBytes` is ever held in memory.
 */
export function limitBody(maxBytes: number): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const body = c.req.raw.body;
    if (!body) return next();
    const reader = body.getReader();
    const declared = Number(c.req.header('content-length') ?? 0);
    let size = 0;
    const chunks: Uint8Array[] = [];
    let over = declared > maxBytes;
    while (!over) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      over = size > maxBytes;
      if (!over) chunks.push(value);
    }
    if (over) {
      await discard(reader, size);
      throw new AppError('PAYLOAD_TOO_LARGE', { key: 'request.tooLargeKiB', params: { kib: Math.floor(maxBytes / 1024) } });
    }
    c.req.raw = new Request(c.req.raw, { body: joinChunks(chunks, size) });
    await next();
  };
}
