import { el, maybeEl, root, state, t, type View } from './call-context';
import { fill } from './page-data';

/** Part of /static/call.js: the page's views, status lines, field errors, device checks and the waiting-room panel. */
const VIEWS: Record<View, string[]> = {
  loading: [],
  join: ['call-join'],
  checking: ['call-media', 'call-check'],
  waiting: ['call-waiting', 'call-media', 'call-check'],
  lobby: ['call-lobby', 'call-media'],
  connecting: ['call-media', 'call-remote-box'],
  'in-call': ['call-media', 'call-remote-box'],
  reconnecting: ['call-media', 'call-remote-box'],
  ended: ['call-ended'],
};
const SECTIONS = ['call-join', 'call-waiting', 'call-lobby', 'call-media', 'call-check', 'call-remote-box', 'call-ended'];

export function setView(next: View) {
  state.view = next;
  root.dataset.state = next;
  const visible = VIEWS[next];
  for (const id of SECTIONS) {
    const section = maybeEl(id);
    if (section) section.hidden = !visible.includes(id);
  }
  renderLobby();
}

export function say(text: string) {
  el('call-status').textContent = text || '';
  el('call-status').hidden = !text;
}

export function fail(text: string) {
  el('call-error').textContent = text || '';
  el('call-error').hidden = !text;
}

export function fieldError(field: string, text: string) {
  const input = maybeEl('call-' + field);
  const error = maybeEl('call-' + field + '-error');
  if (!input || !error) return;
  error.textContent = text || '';
  error.hidden = !text;
  if (text) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

export function setCheck(name: string, text: string, ok?: boolean) {
  const item = document.querySelector<HTMLElement>('[data-check="' + name + '"]');
  if (!item) return;
  item.dataset.ok = ok === undefined ? '' : String(ok);
  const result = item.querySelector('[data-result]');
  if (result) result.textContent = text;
}

/** The therapist's waiting-room panel: shown before the call and whenever someone waits. */
export function renderLobby() {
  const lobby = maybeEl('call-lobby');
  if (!lobby) return;
  lobby.hidden = state.view === 'ended' || !(state.view === 'lobby' || state.waitingName);
  el('call-lobby-empty').hidden = !!state.waitingName;
  el('call-lobby-client').hidden = !state.waitingName;
  el('call-waiting-name').textContent = state.waitingName ? fill(t.waitingName, { name: state.waitingName }) : '';
}
