import { DashboardNav } from '../components/dashboard-nav';
import { Layout, type PageContext } from '../components/layout';
import { errorTextsFor, type PlainKey } from '../i18n/errors';
import type { NotesMessages } from '../i18n/notes';

/** What the notes API may refuse with, so the page's script can say it in the page's language. */
const NOTES_API_ERRORS: readonly PlainKey[] = [
  'notes.keyExists',
  'notes.noSuchKey',
  'notes.wrongKey',
  'notes.noSuchNote',
  'clients.notFound',
  'request.csrfToken',
  'session.signInFirst',
  'server.databaseUnavailable',
];

// Secret inputs carry no `name`: if the script failed and a form were submitted natively, nothing would be sent.

function SecretField(props: { id: string; label: string; hint?: string; newSecret?: boolean }) {
  return (
    <>
      <label for={props.id}>
        {props.label}
        <input
          id={props.id}
          type="password"
          autocomplete="off"
          required
          maxlength={1024}
          minlength={props.newSecret ? 12 : undefined}
          aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        />
      </label>
      {props.hint ? (
        <span class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      ) : null}
    </>
  );
}

export function NotesPage(props: {
  page: PageContext;
  n: NotesMessages;
  client: { id: string; displayName: string };
  hasKey: boolean;
  nonce: string | undefined;
}) {
  const { n, page } = props;
  return (
    <Layout page={page} title={`${n.title}: ${props.client.displayName}`}>
      <DashboardNav locale={page.locale} current="/dashboard/clients" />
      <section class="alert" aria-labelledby="notes-warning-title" data-testid="notes-warning">
        <h2 id="notes-warning-title">{n.warningTitle}</h2>
        <p>{n.warning}</p>
      </section>
      <noscript>
        <p class="alert">{n.noScript}</p>
      </noscript>
      <div
        id="notes-app"
        data-client-id={props.client.id}
        data-csrf={page.session?.csrfToken ?? ''}
        data-has-key={props.hasKey ? 'true' : 'false'}
        data-messages={JSON.stringify(n)}
        data-errors={JSON.stringify(errorTextsFor(NOTES_API_ERRORS, page.locale))}
      >
        <p id="notes-status" class="notice" role="status" hidden></p>
        <p id="notes-error" class="alert" role="alert" hidden></p>

        <section id="notes-setup" aria-labelledby="notes-setup-title" hidden>
          <h2 id="notes-setup-title">{n.setupTitle}</h2>
          <p>{n.setupIntro}</p>
          <form class="stack" id="notes-setup-form">
            <SecretField id="setup-passphrase" label={n.passphrase} hint={n.passphraseHint} newSecret />
            <SecretField id="setup-passphrase-repeat" label={n.passphraseRepeat} newSecret />
            <button type="submit">{n.setupSubmit}</button>
          </form>
        </section>

        <section id="notes-recovery" aria-labelledby="notes-recovery-title" hidden>
          <h2 id="notes-recovery-title">{n.recoveryTitle}</h2>
          <p>{n.recoveryHint}</p>
          <p>
            <code class="secret" id="notes-recovery-key" data-testid="recovery-key"></code>
          </p>
          <form class="stack" id="notes-recovery-form">
            <label class="check">
              <input type="checkbox" id="notes-recovery-stored" required />
              {n.recoveryConfirm}
            </label>
            <button type="submit">{n.recoveryContinue}</button>
          </form>
        </section>

        <section id="notes-unlock" aria-labelledby="notes-unlock-title" hidden>
          <h2 id="notes-unlock-title">{n.unlockTitle}</h2>
          <form class="stack" id="notes-unlock-form">
            <SecretField id="unlock-passphrase" label={n.passphrase} />
            <button type="submit">{n.unlockSubmit}</button>
          </form>
          <details>
            <summary>{n.forgotTitle}</summary>
            <form class="stack" id="notes-recover-form">
              <p>{n.forgotIntro}</p>
              <label for="recover-key">
                {n.recoveryKey}
                <input id="recover-key" autocomplete="off" autocapitalize="characters" spellcheck={false} required maxlength={200} />
              </label>
              <SecretField id="recover-passphrase" label={n.newPassphrase} hint={n.passphraseHint} newSecret />
              <SecretField id="recover-passphrase-repeat" label={n.newPassphraseRepeat} newSecret />
              <button type="submit">{n.recoverSubmit}</button>
            </form>
          </details>
        </section>

        <section id="notes-notes" aria-labelledby="notes-list-title" hidden>
          <form class="stack" id="notes-new-form">
            <label for="new-note">
              {n.newNote}
              <textarea id="new-note" rows={8} required></textarea>
            </label>
            <button type="submit">{n.save}</button>
          </form>
          <h2 id="notes-list-title">{n.listTitle}</h2>
          <p id="notes-empty" hidden>
            {n.empty}
          </p>
          <ol id="notes-list" data-testid="notes-list"></ol>
          <p>
            <button type="button" id="notes-lock">
              {n.lock}
            </button>
          </p>
        </section>
      </div>
      <script type="module" nonce={props.nonce} src="/static/notes.js"></script>
    </Layout>
  );
}
