import { fill } from './page-data';

/**
 * /static/export.js: the export page's progress display (a module, loaded with the page's CSP nonce). It takes over
 * clicks on download links marked data-export: fetches the streamed file, counts bytes and records (every record of
 * the export is one line) while it arrives, then saves it under the server's file name. Without JavaScript, or in a
 * browser without streams, the links download directly.
 */
type Stage = 'progress' | 'done' | 'failed';

const messages = document.getElementById('export-messages');
const status = document.querySelector<HTMLElement>('[data-export-status]');
const bar = document.querySelector<HTMLProgressElement>('[data-export-progress]');
const size = (bytes: number) => (bytes < 1048576 ? Math.ceil(bytes / 1024) + ' KB' : (bytes / 1048576).toFixed(1) + ' MB');
let busy = false;

function show(key: Stage, records: number, bytes: number, total: number) {
  if (!messages || !status) return;
  status.textContent = fill(messages.dataset[key] || '', { records, size: size(bytes) });
  if (bar) {
    bar.hidden = key !== 'progress';
    if (total > 0) {
      bar.max = total;
      bar.value = Math.min(records, total);
    } else bar.removeAttribute('value');
  }
}

function countLines(chunk: Uint8Array) {
  let lines = 0;
  for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
  return lines;
}

function save(parts: Uint8Array<ArrayBuffer>[], response: Response) {
  const type = response.headers.get('content-type') || 'application/octet-stream';
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') || '');
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name?.[1] ?? 'export';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

async function download(link: HTMLAnchorElement) {
  busy = true;
  const total = Number(link.dataset.total || 0);
  let records = 0;
  let bytes = 0;
  let shownAt = 0;
  show('progress', 0, 0, total);
  try {
    const response = await fetch(link.href, { credentials: 'same-origin' });
    if (!response.ok || !response.body) throw new Error('status ' + response.status);
    const reader = response.body.getReader();
    const parts: Uint8Array<ArrayBuffer>[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      bytes += value.byteLength;
      records += countLines(value);
      if (Date.now() - shownAt > 200) {
        shownAt = Date.now();
        show('progress', records, bytes, total);
      }
    }
    save(parts, response);
    show('done', records, bytes, total);
  } catch {
    show('failed', records, bytes, total);
  } finally {
    busy = false;
  }
}

document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest<HTMLAnchorElement>('a[data-export]') : null;
  if (!link || typeof ReadableStream === 'undefined') return;
  event.preventDefault();
  if (!busy) void download(link);
});
