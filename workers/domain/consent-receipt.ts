import type { ConsentKind, ConsentPurpose, StoredConsentRecord } from './consent-chain';
import type { Locale } from './locale';

// A receipt the client keeps, shaped after the Kantara Consent Receipt Specification v1.1, so they hold their own
// copy of what they agreed to (Art. 7 GDPR) and, through recordHash, evidence the practice cannot rewrite unseen.

type ReceiptPurpose = {
  purpose: string;
  purposeCategory: string[];
  consentType: 'EXPLICIT';
  piiCategory: string[];
  primaryPurpose: boolean;
  termination: string;
  thirdPartyDisclosure: false;
};

export type ConsentReceipt = {
  version: 'KI-CR-v1.1.0';
  jurisdiction: string;
  /** Seconds since the epoch, as the specification asks. */
  consentTimestamp: number;
  collectionMethod: string;
  consentReceiptID: string;
  language: Locale;
  /** The client's id: a pseudonym, never a name or an email address. */
  piiPrincipalId: string;
  piiControllers: { piiController: string; contact: string; email: string; piiControllerUrl: string }[];
  policyUrl: string;
  services: { service: string; purposes: ReceiptPurpose[] }[];
  sensitive: true;
  spiCat: ['health'];
  issuedAt: number;
  kind: ConsentKind;
  termsVersion: number;
  termsSha256: string;
  recordSeq: number;
  recordHash: string;
  prevHash: string | null;
};

const PURPOSES: Record<ConsentPurpose, ReceiptPurpose> = {
  booking: {
    purpose: 'Booking and holding appointments with the practice under its terms',
    purposeCategory: ['Contracted Service'],
    consentType: 'EXPLICIT',
    piiCategory: ['Biographical', 'Contact', 'Health'],
    primaryPurpose: true,
    termination: 'On withdrawal; records the practice must keep by law are kept for that period only',
    thirdPartyDisclosure: false,
  },
  reminders: {
    purpose: 'Email reminders before appointments',
    purposeCategory: ['Contact Requested'],
    consentType: 'EXPLICIT',
    piiCategory: ['Contact'],
    primaryPurpose: false,
    termination: 'On withdrawal, or when reminders are switched off',
    thirdPartyDisclosure: false,
  },
};

const LANGUAGE_BY_JURISDICTION: Record<string, Locale> = { DE: 'de', DK: 'da' };

const toSeconds = (ms: number) => Math.floor(ms / 1000);

export function consentReceipt(input: {
  record: StoredConsentRecord;
  practice: { name: string; contactEmail: string; slug: string };
  appOrigin: string;
  jurisdiction: 'DE' | 'DK' | string;
  issuedAt: number;
  /** The language the client used when consenting; defaults to the jurisdiction's language. */
  language?: Locale;
}): ConsentReceipt {
  const { record, practice } = input;
  const bookingPage = `${input.appOrigin.replace(/\/+$/, '')}/book/${encodeURIComponent(practice.slug)}`;
  return {
    version: 'KI-CR-v1.1.0',
    jurisdiction: input.jurisdiction,
    consentTimestamp: toSeconds(record.at),
    collectionMethod: record.method,
    // One receipt per record: issuing it again yields the same id rather than a second, competing receipt.
    consentReceiptID: record.id,
    language: input.language ?? LANGUAGE_BY_JURISDICTION[input.jurisdiction] ?? 'en',
    // A redacted record (client erased) names nobody.
    piiPrincipalId: record.clientId ?? 'erased',
    piiControllers: [
      {
        piiController: practice.name,
        contact: practice.name,
        email: practice.contactEmail,
        piiControllerUrl: bookingPage,
      },
    ],
    policyUrl: `${bookingPage}/terms`,
    services: [{ service: `Appointments at ${practice.name}`, purposes: record.purposes.map((p) => PURPOSES[p]) }],
    // Booking a therapist reveals health data (Art. 9 GDPR).
    sensitive: true,
    spiCat: ['health'],
    issuedAt: toSeconds(input.issuedAt),
    kind: record.kind,
    termsVersion: record.termsVersion,
    termsSha256: record.termsSha256,
    recordSeq: record.seq,
    recordHash: record.recordHash,
    prevHash: record.prevHash,
  };
}
