import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { LOCALES, type Locale } from '../../workers/domain/locale';
import type { ActiveSession } from '../../workers/services/sessions';
import type { Messages } from '../i18n';

export type PageContext = {
  t: Messages;
  locale: Locale;
  path: string;
  session: ActiveSession | null;
};

const LANGUAGE_NAMES: Record<Locale, string> = { de: 'Deutsch', da: 'Dansk', en: 'English' };

export function Layout(props: { page: PageContext; title: string; children: Child }) {
  const { t, locale, session } = props.page;
  return (
    <>
      {raw('<!doctype html>')}
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${t.appName}`}</title>
        <link rel="stylesheet" href="/static/app.css" />
      </head>
      <body>
        <a class="skip" href="#main">
          {t.skipToContent}
        </a>
        <header class="top">
          <a class="brand" href="/">
            {t.appName}
          </a>
          <nav aria-label="Main">
            <ul>
              {session ? (
                <>
                  <li>
                    <a href={session.user.role === 'dpo' ? '/dpo' : '/dashboard'}>
                      {session.user.role === 'dpo' ? t.dpoConsole : t.dashboard}
                    </a>
                  </li>
                  <li>
                    <a href="/account/security">{t.security}</a>
                  </li>
                  <li>
                    <form method="post" action="/logout">
                      <input type="hidden" name="_csrf" value={session.csrfToken} />
                      <button class="link" type="submit">
                        {t.signOut}
                      </button>
                    </form>
                  </li>
                </>
              ) : (
                <>
                  <li>
                    <a href="/login">{t.signIn}</a>
                  </li>
                  <li>
                    <a href="/signup">{t.signUp}</a>
                  </li>
                </>
              )}
            </ul>
          </nav>
          <nav aria-label={t.language} class="lang">
            <ul>
              {LOCALES.map((code) => (
                <li>
                  <a href={`?lang=${code}`} hreflang={code} lang={code} aria-current={code === locale ? 'true' : undefined}>
                    {LANGUAGE_NAMES[code]}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </header>
        <main id="main">
          <h1>{props.title}</h1>
          {props.children}
        </main>
        <footer>
          <p>{t.privacyFooter}</p>
          <p>
            <a href="/rights">{t.rightsPortal}</a> · <a href="/record-of-processing">{t.recordOfProcessing}</a> · <a href="/api/docs">{t.apiDocs}</a>
          </p>
        </footer>
      </body>
    </html>
    </>
  );
}

/** A confirmation in place, announced politely to screen readers. */
export function Notice(props: { message?: string | undefined }) {
  return props.message ? (
    <p class="notice" role="status">
      {props.message}
    </p>
  ) : null;
}

/** Shows a form's failure in place: the message, and per-field messages next to their inputs. */
export function FormAlert(props: { message?: string | undefined }) {
  return props.message ? (
    <p class="alert" role="alert">
      {props.message}
    </p>
  ) : null;
}

export function FieldError(props: { messages?: string[] | undefined; id: string }) {
  return props.messages?.length ? (
    <span class="field-error" id={props.id}>
      {props.messages.join(' ')}
    </span>
  ) : null;
}

export function CsrfField(props: { session: ActiveSession | null }) {
  return props.session ? <input type="hidden" name="_csrf" value={props.session.csrfToken} /> : null;
}
