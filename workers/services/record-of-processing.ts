import { CATALOG, type CatalogTable } from '../../db/catalog';
import type { ColumnPrivacy } from '../../db/privacy';
import { SUBJECT_CATEGORIES, type SubjectCategory } from '../domain/breach';
import type { AppConfig } from '../lib/config';

// The record of processing activities (Art. 30 GDPR), generated on every request from the privacy annotation of
// every column and from the configuration, so that it cannot drift from what the code stores. The platform keeps it
// as processor for the practices (Art. 30(2)); it also lists purposes, subjects and retention (Art. 30(1)(b)–(f)) so a
// practice can copy them into its own record as controller. It describes data, never contains any.

type Category = ColumnPrivacy['category'];

export type TableRecord = {
  table: string;
  categories: Category[];
  purposes: string[];
  retention: string[];
  erasure: ColumnPrivacy['erasure'][];
  columns: { column: string; category: Category; purpose: string; retention: string; erasure: ColumnPrivacy['erasure']; exported: boolean }[];
};

export type RecordOfProcessing = {
  title: string;
  generatedFrom: string;
  processor: { name: string; origin: string; role: string };
  dataProtectionOfficer: { contact: string };
  subjectCategories: { id: SubjectCategory; description: string }[];
  dataCategories: { category: Category; specialCategory: boolean; tables: string[] }[];
  recipients: { id: string; name: string; role: string; location: string }[];
  transfers: string;
  tables: TableRecord[];
  securityMeasures: { id: string; text: string; active: boolean }[];
  configuration: { environment: AppConfig['ENVIRONMENT']; durableObjectJurisdiction: string; email: string; callServers: string[] };
};

const SUBJECT_DESCRIPTIONS: Record<SubjectCategory, string> = {
  clients: 'Clients of the practices: people who book appointments (a pseudonym is enough) and receive care',
  therapists: 'Therapists who run a practice account',
  dpo: 'The platform’s data-protection officer',
};

/** Art. 9 GDPR: data concerning health. */
const SPECIAL: readonly Category[] = ['health'];

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Every table of the catalog, by its SQL name, in a stable order. */
export function schemaTableNames(): string[] {
  return CATALOG.map((t) => t.name).sort();
}

function describeTable({ name: table, meanings }: CatalogTable): TableRecord {
  const columns = Object.entries(meanings).map(([column, meaning]) => ({
    column,
    category: meaning.category,
    purpose: meaning.purpose,
    retention: meaning.retention,
    erasure: meaning.erasure,
    exported: meaning.exported ?? true,
  }));
  return {
    table,
    categories: unique(columns.map((c) => c.category)),
    purposes: unique(columns.map((c) => c.purpose)),
    retention: unique(columns.map((c) => c.retention)),
    erasure: unique(columns.map((c) => c.erasure)),
    columns,
  };
}

/** Host names of the configured STUN and TURN servers: they see call participants' network addresses. */
function callServerHosts(config: AppConfig): string[] {
  const urls = `${config.ICE_STUN_URLS},${config.TURN_URLS}`.split(',').map((url) => url.trim());
  return unique(urls.map((url) => /^(?:stuns?|turns?):([^:?/]+)/.exec(url)?.[1]).filter((host): host is string => !!host)).sort();
}

function recipients(config: AppConfig): RecordOfProcessing['recipients'] {
  const list: RecordOfProcessing['recipients'] = [
    {
      id: 'practice',
      name: 'The practice (controller)',
      role: 'Each practice sees only the data of its own clients and appointments',
      location: 'The practice',
    },
    {
      id: 'cloudflare',
      name: 'Cloudflare, Inc.',
      role: 'Hosting (sub-processor): Workers, the D1 database and Durable Objects',
      location: 'Data stored in the EU jurisdiction; requests run at the Cloudflare location nearest to the user',
    },
    {
      id: 'resend',
      name: 'Resend',
      role: 'Email delivery (sub-processor): confirmations, reminders, password resets and notices',
      location: 'Sending region to be set to the EU; the provider is a US company',
    },
  ];
  const hosts = callServerHosts(config);
  if (hosts.length) {
    list.push({ id: 'call-servers', name: hosts.join(', '), role: 'STUN/TURN for video calls: see network addresses, relay encrypted media, store nothing', location: 'As operated by the host named' });
  }
  return list;
}

const TRANSFERS =
  'Cloudflare, Inc. and Resend are US companies. Stored data stays in the EU jurisdiction, but a transfer to a third country (Art. 44 ff. GDPR) cannot be excluded for request processing and email delivery; the safeguards are the standard contractual clauses in the providers’ data-processing agreements.';

function securityMeasures(config: AppConfig): RecordOfProcessing['securityMeasures'] {
  const euPinned = config.DO_JURISDICTION === 'eu';
  const measures: [string, string, boolean?][] = [
    ['argon2id', 'Passwords stored as Argon2id hashes (19 MiB, t=2, p=1); unknown addresses are checked against a dummy hash'],
    ['hashed-tokens', 'Session, link, reset, feed and download tokens are 256 random bits, stored only as SHA-256 hashes; recovery and access codes as hashes'],
    ['sessions', 'Server-side sessions ending after 30 minutes idle and 12 hours at most; HttpOnly, Secure, SameSite=Strict cookie'],
    ['second-factor', 'Optional TOTP second factor with single-use recovery codes'],
    ['throttling', 'Sign-in throttling per account; no IP addresses are stored'],
    ['csrf', 'CSRF protection through Fetch Metadata, Origin and a per-session token'],
    ['csp', 'Content Security Policy with a per-response nonce and no unsafe-inline; frame-ancestors none'],
    ['hsts', 'HSTS for two years, nosniff, no referrer, a restrictive Permissions-Policy, no-store on personal pages'],
    ['tls', 'TLS on every connection; cookies are Secure'],
    ['eu-pinning', 'Data pinned to the EU: the D1 database in the EU jurisdiction, Durable Objects created in jurisdiction eu', euPinned],
    ['e2e-notes', 'Session notes encrypted end to end in the therapist’s browser (AES-GCM; keys wrapped with AES-KW); the server never sees plaintext or keys'],
    ['append-only', 'Append-only consent, agreement, audit, request-trail and incident records enforced by database triggers; consent records form a hash chain per practice'],
    ['minimisation', 'Data minimisation: clients may use a pseudonym, notices to therapists carry no client names, logs carry no personal data'],
    ['retention', 'Retention periods from the schema annotations are enforced by a scheduled job'],
    ['calls', 'Video calls peer to peer with DTLS-SRTP, per-appointment access codes, nothing recorded'],
    ['breach-register', 'Breach register with the 72-hour clock and notices to each affected practice sent exactly once (Art. 33)'],
  ];
  return measures.map(([id, text, active]) => ({ id, text, active: active ?? true }));
}

export function recordOfProcessing(config: AppConfig): RecordOfProcessing {
  const tables = [...CATALOG].sort((a, b) => a.name.localeCompare(b.name)).map(describeTable);
  const categories = unique(tables.flatMap((t) => t.categories)).sort();
  return {
    title: 'Record of processing activities (Art. 30 GDPR)',
    generatedFrom: 'The privacy annotation of every database column (db/schema) and the deployment configuration',
    processor: { name: 'Praxisraum', origin: config.APP_ORIGIN, role: 'Processor for each practice (Art. 28 GDPR); the practice is the controller' },
    // Art. 30(1)(a) and (2)(a) ask for the DPO's contact details: a role address from the configuration.
    dataProtectionOfficer: { contact: config.DPO_EMAIL },
    subjectCategories: SUBJECT_CATEGORIES.map((id) => ({ id, description: SUBJECT_DESCRIPTIONS[id] })),
    dataCategories: categories.map((category) => ({
      category,
      specialCategory: SPECIAL.includes(category),
      tables: tables.filter((t) => t.categories.includes(category)).map((t) => t.table),
    })),
    recipients: recipients(config),
    transfers: TRANSFERS,
    tables,
    securityMeasures: securityMeasures(config),
    configuration: {
      environment: config.ENVIRONMENT,
      durableObjectJurisdiction: config.DO_JURISDICTION || 'none (local development)',
      email: config.RESEND_API_KEY ? 'Resend' : 'local outbox (development only)',
      callServers: callServerHosts(config),
    },
  };
}
