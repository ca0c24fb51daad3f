/**
 * /static/copy.js: copy buttons (`data-copy` names the element whose text is copied), shown only where the clipboard
 * can be used. Without it the code stays selectable text (web/pages/call-code.tsx).
 */
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
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
