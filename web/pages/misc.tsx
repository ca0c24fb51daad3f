import { Layout, Notice, type PageContext } from '../components/layout';

export function HomePage(props: { page: PageContext; notice?: string | undefined }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t.appName}>
      <Notice message={props.notice} />
      <p>{t.tagline}</p>
      <p>
        <a class="button" href="/signup">
          {t.signUp}
        </a>{' '}
        <a href="/login">{t.signIn}</a>
      </p>
    </Layout>
  );
}

export function ErrorPage(props: { page: PageContext; message: string }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t.errorTitle}>
      <p class="alert" role="alert">
        {props.message}
      </p>
      <p>
        <a href="/">{t.back}</a>
      </p>
    </Layout>
  );
}

export type OutboxEntry = {
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; contentType: string }[];
  sentAt: string;
};

export function OutboxPage(props: { page: PageContext; messages: OutboxEntry[] }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t.outboxTitle}>
      <p>{t.outboxIntro}</p>
      {props.messages.length === 0 ? <p>{t.outboxEmpty}</p> : null}
      {props.messages.map((message) => (
        <article class="stack">
          <h2>{message.subject}</h2>
          <p>
            {t.email}: {message.to} · {message.sentAt}
          </p>
          <pre class="legal" tabindex={0}>
            {message.text}
          </pre>
          {message.attachments.length ? (
            <p>
              {t.attachments}: {message.attachments.map((a) => `${a.filename} (${a.contentType})`).join(', ')}
            </p>
          ) : null}
        </article>
      ))}
    </Layout>
  );
}

export type ApiOperation = { method: string; path: string; summary: string };

export function ApiDocsPage(props: { page: PageContext; operations: ApiOperation[] }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t.apiDocs}>
      <p>
        OpenAPI 3: <a href="/api/openapi.json">/api/openapi.json</a>
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col">Path</th>
            <th scope="col">Summary</th>
          </tr>
        </thead>
        <tbody>
          {props.operations.map((op) => (
            <tr>
              <td>
                <code>{op.method.toUpperCase()}</code>
              </td>
              <td>
                <code>{op.path}</code>
              </td>
              <td>{op.summary}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
