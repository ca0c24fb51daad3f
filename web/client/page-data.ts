/** The element a page script works in; the page renders it, so its absence is a bug worth a loud failure. */
export function pageRoot(id: string): HTMLElement {
  const root = document.getElementById(id);
  if (!root) throw new Error(`#${id} is missing`);
  return root;
}

/** An element the page renders by id; `kind` checks its type, so a renamed or retyped element fails at once. */
export function byId<T extends HTMLElement>(id: string, kind: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof kind)) throw new Error(`#${id} is missing`);
  return found;
}

/** Like byId, for the elements only some pages or roles render. */
export function maybeById<T extends HTMLElement>(id: string, kind: new () => T): T | null {
  const found = document.getElementById(id);
  return found instanceof kind ? found : null;
}

/**
 * The page's message catalogue from its data attribute. The server renders it from the typed catalogue named by `T`
 * (web/i18n), so every key the type promises is there; only texts are kept. No zod here: the notes and export bundles
 * stay small, and the value comes from our own server-rendered page, not from a peer.
 */
export function readMessages<T extends Readonly<Record<string, string>>>(json: string | undefined): T {
  const data: unknown = JSON.parse(json || '{}');
  const texts: Record<string, string> = {};
  if (data && typeof data === 'object') for (const [key, value] of Object.entries(data)) if (typeof value === 'string') texts[key] = value;
  return texts as T;
}

/** Fills `{name}` placeholders; unknown ones stay as they are. */
export const fill = (text: string, values: Record<string, string | number>): string =>
  text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
