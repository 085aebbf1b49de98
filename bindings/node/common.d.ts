// Types of hookshield's JavaScript API that the native package `hookshield` and the
// WebAssembly package `@hookshield/wasm` share: both ship this same file, as they do
// `events.d.ts`. Self-contained on purpose (no imports).

/** The stable codes a VerificationError carries. */
export type ErrorCode =
  | 'missing_header'
  | 'malformed_signature'
  | 'signature_mismatch'
  | 'missing_timestamp'
  | 'malformed_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'body_too_large'
  | 'invalid_json'
  | 'invalid_envelope'
  | 'header_mismatch'
  | 'no_secret'
  /** A verifier (or a receiver) set up wrongly: bad options, or a body that is not the raw bytes. */
  | 'invalid_config'
  /** The idempotency store failed. */
  | 'store_unavailable';

/** A secret: text (e.g. `whsec_...`) or raw key bytes. */
export type Secret = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/**
 * Scheme overrides, for a preset whose sender differs from its document or for `custom`:
 * every field of the core's scheme language (`VerifierBuilder::set`).
 */
export interface SchemeOverrides {
  signatureHeader?: string;
  encoding?: 'hex' | 'base64';
  /** Before each signature: `sha256=`, `v1,`, a tag key such as `v1=`, or `''`. */
  prefix?: string;
  /** What `sign` writes between the signature header's entries (any of them is read). */
  separator?: ' ' | ',' | ';';
  /** A template of literal text and `{id}`, `{timestamp}`, `{body}`: `v0:{timestamp}:{body}`. */
  signedContent?: string;
  /** `null` (or `''`) removes it. */
  timestampHeader?: string | null;
  /** The signature header's `key=value` entry with the timestamp (`t`, `ts`). */
  timestampKey?: string | null;
  timestampUnit?: 'seconds' | 'milliseconds';
  idHeader?: string | null;
  /** Where the id header is absent (Shopify's `X-Shopify-Webhook-Id`). */
  fallbackIdHeader?: string | null;
  eventHeader?: string | null;
  secretFormat?: 'utf8' | 'whsec_base64';
  /** Body fields by path (`event.type`), several separated by `,`: the first present counts. */
  typeField?: string | null;
  idField?: string | null;
  timeField?: string | null;
  timeUnit?: 'seconds' | 'milliseconds';
  /** The data member; `null` (or `''`): the whole body is the data. */
  dataField?: string | null;
  /** How a body that is not JSON is read. */
  form?: 'none' | 'payload' | 'fields';
}

/** What `begin` answers for an idempotency key. */
export type ClaimState = 'fresh' | 'in_progress' | 'done';

/** Options of `sign`: what a test delivery carries. */
export interface SignOptions {
  /** Unix seconds (or a Date) to sign at; default now. */
  timestamp?: number | Date;
  id?: string;
  event?: string;
  overrides?: SchemeOverrides & Readonly<Record<string, string | null>>;
}
