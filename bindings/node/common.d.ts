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

/** Scheme overrides, for a preset whose sender differs from its document or for `custom`. */
export interface SchemeOverrides {
  signatureHeader?: string;
  encoding?: 'hex' | 'base64';
  /** Before each signature: `sha256=`, `v1,` or `''`. */
  prefix?: string;
  signedContent?: 'body' | '{timestamp}.{body}' | '{id}.{timestamp}.{body}';
  /** `null` (or `''`) removes it. */
  timestampHeader?: string | null;
  idHeader?: string | null;
  eventHeader?: string | null;
  secretFormat?: 'utf8' | 'whsec_base64';
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
