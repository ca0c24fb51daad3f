import { CALL_SCRIPT } from '../../web/client/call-script';
import { CALL_STYLESHEET } from '../../web/client/call-styles';
import { routeArea } from '../lib/route';

/** Mounted at /static: the call page's browser module and stylesheet, static text, the same for everyone. */
export const callStatic = routeArea();

/** Copy buttons (`data-copy` names the element whose text is copied); shown only where the clipboard can be used. */
const COPY_SCRIPT = String.raw`for (const button of document.querySelectorAll('button[data-copy]')) {
  const source = document.getElementById(button.dataset.copy || '');
  if (!source || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    const status = document.getElementById('copy-status');
    try {
      await navigator.clipboard.writeText(source.textContent || '');
      if (status) status.textContent = button.dataset.copied || '';
    } catch {
      if (status) status.textContent = '';
    }
  });
}
`;

// no-cache, as for the notes script: a deployment must never leave a page with last week's signaling code.
callStatic.get('/call.js', 'public', (c) => c.body(CALL_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }));
callStatic.get('/call.css', 'public', (c) => c.body(CALL_STYLESHEET, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }));
callStatic.get('/copy.js', 'public', (c) => c.body(COPY_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }));
