import { CLOSE } from '../../workers/rooms/protocol';
import { Layout, type PageContext } from '../components/layout';
import { callMessages } from '../i18n/call';

export type CallPageProps = {
  page: PageContext;
  role: 'therapist' | 'client';
  appointmentId: string;
  practiceName: string;
  when: string;
  nonce: string | undefined;
};

/** Keys are renewed at least every ten minutes: a fresh peer connection (new DTLS handshake) after this long. */
export const KEY_RENEWAL_MS = 9 * 60_000;

// Everything the browser module needs travels in data attributes (no inline script under the CSP). The join form's
// inputs carry no `name`: should the script fail, a native submit could not put the access code into a URL.

function CheckItem(props: { check: string; label: string; pending: string }) {
  return (
    <li data-check={props.check}>
      {props.label}: <span data-result>{props.pending}</span>
    </li>
  );
}

export function CallPage(props: CallPageProps) {
  const m = callMessages(props.page.locale);
  const client = props.role === 'client';
  return (
    <Layout page={props.page} title={props.practiceName ? `${m.title}: ${props.practiceName}` : m.title}>
      <link rel="stylesheet" href="/static/call.css" />
      <p>
        {m.appointment}: {props.when}
      </p>
      <noscript>
        <p class="alert">{m.noScript}</p>
      </noscript>
      <div
        id="call-app"
        data-role={props.role}
        data-appointment-id={props.appointmentId}
        data-csrf={props.page.session?.csrfToken ?? ''}
        data-renew-ms={String(KEY_RENEWAL_MS)}
        data-close-codes={JSON.stringify(CLOSE)}
        data-messages={JSON.stringify(m)}
        data-state="loading"
      >
        <p id="call-status" class="notice" role="status" data-testid="call-status" hidden></p>
        <p id="call-error" class="alert" role="alert" data-testid="call-error" hidden></p>

        {client ? (
          <section id="call-join" aria-labelledby="call-join-intro" hidden>
            <form class="stack" id="call-join-form" novalidate>
              <p id="call-join-intro">{m.joinIntro}</p>
              <label for="call-name">
                {m.name}
                <input id="call-name" autocomplete="name" required maxlength={80} aria-describedby="call-name-hint call-name-error" />
              </label>
              <span class="hint" id="call-name-hint">
                {m.nameHint}
              </span>
              <span class="field-error" id="call-name-error" hidden></span>
              <label for="call-code">
                {m.code}
                <input
                  id="call-code"
                  autocomplete="one-time-code"
                  autocapitalize="characters"
                  spellcheck={false}
                  required
                  maxlength={32}
                  aria-describedby="call-code-hint call-code-error"
                />
              </label>
              <span class="hint" id="call-code-hint">
                {m.codeHint}
              </span>
              <span class="field-error" id="call-code-error" hidden></span>
              <button type="submit">{m.joinSubmit}</button>
            </form>
          </section>
        ) : null}

        {client ? (
          <section id="call-waiting" class="notice" aria-labelledby="call-waiting-title" data-testid="waiting-room" hidden>
            <h2 id="call-waiting-title">{m.waitingTitle}</h2>
            <p>{m.waiting}</p>
            <p>{m.waitingHint}</p>
          </section>
        ) : (
          <section id="call-lobby" aria-labelledby="call-lobby-title" hidden>
            <h2 id="call-lobby-title">{m.lobbyTitle}</h2>
            <p id="call-lobby-empty">{m.lobbyEmpty}</p>
            <div id="call-lobby-client" class="call-controls" hidden>
              <p id="call-waiting-name" data-testid="waiting-client"></p>
              <button type="button" id="call-admit">
                {m.admit}
              </button>
              <button type="button" id="call-deny" class="secondary">
                {m.deny}
              </button>
            </div>
          </section>
        )}

        <section id="call-media" aria-label={m.title} hidden>
          <div class="call-videos">
            <div id="call-remote-box" hidden>
              <video id="call-remote" autoplay playsinline aria-label={m.remoteVideo} data-testid="remote-video"></video>
              <p>
                <button type="button" id="call-sound" hidden>
                  {m.enableSound}
                </button>
              </p>
              <p id="call-quality" class="call-quality" data-testid="call-quality">
                {m.quality}: <span id="call-quality-value">–</span>
              </p>
            </div>
            <video id="call-local" autoplay playsinline muted aria-label={m.localVideo} data-testid="local-video"></video>
          </div>
          <p id="call-media-notice" class="alert" hidden>
            {m.noMedia}
          </p>
          <div class="call-controls">
            <button type="button" id="call-mute">
              {m.mute}
            </button>
            <button type="button" id="call-camera">
              {m.cameraOff}
            </button>
            <button type="button" id="call-end" class="danger">
              {m.end}
            </button>
          </div>
          <fieldset class="call-devices">
            <legend>{m.devices}</legend>
            <label for="call-camera-select">
              {m.cameraSelect}
              <select id="call-camera-select"></select>
            </label>
            <label for="call-mic-select">
              {m.micSelect}
              <select id="call-mic-select"></select>
            </label>
          </fieldset>
          {client ? (
            <section id="call-check" aria-labelledby="call-check-title" hidden>
              <h2 id="call-check-title">{m.checkTitle}</h2>
              <ul class="call-checks" data-testid="device-check">
                <CheckItem check="camera" label={m.camera} pending={m.checking} />
                <CheckItem check="microphone" label={m.microphone} pending={m.checking} />
                <CheckItem check="relay" label={m.relay} pending={m.checking} />
              </ul>
              <label for="call-mic-level">
                {m.micLevel}
                <meter id="call-mic-level" min={0} max={1} low={0.05} value={0} aria-describedby="call-mic-hint"></meter>
              </label>
              <span class="hint" id="call-mic-hint">
                {m.micHint}
              </span>
              <p>
                {m.speakers}:{' '}
                <button type="button" id="call-tone" class="secondary" aria-describedby="call-tone-hint">
                  {m.tone}
                </button>{' '}
                <span class="hint" id="call-tone-hint">
                  {m.toneHint}
                </span>
              </p>
            </section>
          ) : null}
        </section>

        <section id="call-ended" hidden>
          <p id="call-ended-text" data-testid="call-ended"></p>
          <p>
            <a class="button" href={`/call/${encodeURIComponent(props.appointmentId)}`}>
              {m.rejoin}
            </a>
          </p>
        </section>
      </div>
      <script type="module" nonce={props.nonce} src="/static/call.js"></script>
    </Layout>
  );
}
