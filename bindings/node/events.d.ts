// Typed webhook events of hookshield: one discriminated union on `type` per provider.
//
// Generated: `node bindings/node/scripts/gen-events-dts.mjs` writes this file from
// crates/hookshield/schema/events.json, the JSON Schema the Rust core writes of its event
// types (crates/hookshield/src/events/, `cargo run -p hookshield --features schema
// --example event_schema`). Do not edit it: change the core's types or the script, then
// run both. CI fails when it is stale.
//
// Self-contained on purpose (no imports): the native package `hookshield` and the
// WebAssembly package `@hookshield/wasm` ship this same file.
//
// Where the field names come from: the providers' own webhook documents, as the Rust
// core types them. Identifiers the core requires are required here (data without one
// arrives untyped, `data_mismatch`); every other documented field may be absent or null,
// and fields a document does not show are kept (the index signatures), never dropped.
//
// Narrowing: an authentic delivery is never refused for its payload. What the core can
// type arrives documented (`documented: true`, `untypedReason: null`) with its documented
// data; anything else arrives as an `UnknownEvent` (`documented: false`) whose
// `untypedReason` says why: an undocumented type, data not matching the documented shape
// (so a documented type string can arrive untyped), no type in the body (`type` is ""),
// or a body that is not an object. Its `data` is any JSON. Because that member's `type`
// is `string`, TypeScript keeps it when you compare `event.type` with a literal; check
// `event.documented` first (a boolean discriminant) to narrow to exactly one documented
// event:
//
//   if (event.documented && event.type === 'document.failed') {
//     event.data.error_code; // string | null | undefined
//   }
//
// Without the `documented` check, `event.data` of `event.type === 'document.failed'` is
// that event's data or any JSON, so reading its fields does not type-check.

/** Any JSON value, as `JSON.parse` returns it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The preset ids. */
export type ProviderId = 'sentinel' | 'docintell' | 'sentrasa' | 'kyc' | 'sensei' | 'github' | 'standard' | 'stripe' | 'svix' | 'slack' | 'shopify' | 'paddle' | 'custom';

/** Fields a provider's document does not show: kept as they arrived. */
export interface Extra {
  readonly [key: string]: unknown;
}

/**
 * Why an authentic event arrived untyped: a type hookshield has no data type for, data
 * not matching the documented shape, a body naming no type, or a body that is not an
 * object.
 */
export type UntypedReason = 'undocumented_type' | 'data_mismatch' | 'missing_type' | 'not_an_object';

/** What every verified event has. */
export interface EventBase<
  P extends ProviderId,
  T extends string,
  F extends string,
  D,
  Documented extends boolean,
  Reason extends UntypedReason | null = Documented extends true ? null : UntypedReason,
> {
  /** The provider that sent it. */
  readonly provider: P;
  /** The event type, e.g. `document.completed`. */
  readonly type: T;
  /** The documented group of the type, e.g. `document`, `migration.phase`, `session`. */
  readonly family: F;
  /** The provider's event id, where it sends one. */
  readonly id: string | null;
  /** When the event happened (from the envelope, or the timestamp header). */
  readonly timestamp: Date | null;
  /** The envelope's `data` (the whole body for senders without an envelope, such as GitHub). */
  readonly data: D;
  /** The whole parsed body. */
  readonly raw: JsonValue;
  /** The key that identifies this event across redeliveries. */
  readonly idempotencyKey: string;
  /** Whether the type is documented and `data` has its documented shape. */
  readonly documented: Documented;
  /** Why `data` is untyped, or null when it is typed (`documented`). */
  readonly untypedReason: Reason;
  /** What the core found, in words (e.g. "`pages`: invalid type: ..."), or null when typed. */
  readonly untypedDetail: Reason extends null ? null : string;
  /** Whether the type matches a subscription pattern: `*`, `family.*`, `family/*` or an exact type. */
  matches(pattern: string): boolean;
}

/** A documented event of provider `P`. */
export type Documented<P extends ProviderId, T extends string, F extends string, D> = EventBase<P, T, F, D, true>;

/**
 * The data of an untyped event: the JSON as sent, of any shape (`null` where the body has
 * no `data` member).
 */
export type UnknownData = JsonValue;

/**
 * An untyped event: a type the provider does not document (or any event of GitHub,
 * Standard Webhooks, custom), a documented type whose data does not match its documented
 * shape, a body naming no type, or a body that is not an object (see `untypedReason`).
 */
export type UnknownEvent<P extends ProviderId = ProviderId> = EventBase<P, string, string, UnknownData, false>;

// ---------------------------------------------------------------------------------
// Sentinel (sentinel.txt): `{event, timestamp, data}`.

/** Data of `document.completed`. */
export interface SentinelDocumentCompleted extends Extra {
  /** The document, e.g. `doc_abc123`. */
  document_id: string;
  /** The tenant. */
  tenant_id?: string | null;
  /** The user who uploaded it. */
  user_id?: string | null;
  /** The classified type, e.g. `cas_statement`. */
  document_type?: string | null;
  /** Page count. */
  pages?: number | null;
  /** What was extracted. */
  extractions?: ({
    /** Number of holdings found. */
    holdings_count?: number | null;
    /** Total assets under management. */
    total_aum?: number | null;
    /** ISO 4217 currency of `total_aum`. */
    currency?: string | null;
  } & Extra) | null;
  /** Extraction confidence. */
  confidence?: ({
    /** Mean confidence, 0 to 1. */
    average?: number | null;
    /** Lowest confidence, 0 to 1. */
    minimum?: number | null;
  } & Extra) | null;
  /** Processing time in milliseconds. */
  processing_time_ms?: number | null;
}

/** Data of `document.failed`. */
export interface SentinelDocumentFailed extends Extra {
  /** The document. */
  document_id: string;
  /** Machine-readable cause, e.g. `EXTRACTION_TIMEOUT`. */
  error_code?: string | null;
  /** Human-readable cause. */
  error_message?: string | null;
  /** The pipeline stage that failed, e.g. `layout_extraction`. */
  stage?: string | null;
  /** Whether resubmitting may succeed. */
  retryable?: boolean | null;
}

/** Data of `chat.session.closed`. */
export interface SentinelChatSessionClosed extends Extra {
  /** The chat session, e.g. `ses_def456`. */
  session_id: string;
  /** The user. */
  user_id?: string | null;
  /** Messages exchanged. */
  message_count?: number | null;
  /** Tokens used. */
  token_usage?: ({
    /** Input tokens. */
    input?: number | null;
    /** Output tokens. */
    output?: number | null;
  } & Extra) | null;
  /** A summary of the session. */
  summary?: string | null;
}

/** Data of `report.generated`. */
export interface SentinelReportGenerated extends Extra {
  /** The report, e.g. `rpt_ghi789`. */
  report_id: string;
  /** Its kind, e.g. `portfolio_review`. */
  report_type?: string | null;
  /** The client it is for. */
  client_id?: string | null;
  /** Where to fetch it. */
  url?: string | null;
  /** File format, e.g. `pdf`. */
  format?: string | null;
  /** The user who requested it. */
  generated_by?: string | null;
}

export type SentinelEvent =
  | Documented<'sentinel', 'document.completed', 'document', SentinelDocumentCompleted>
  | Documented<'sentinel', 'document.failed', 'document', SentinelDocumentFailed>
  | Documented<'sentinel', 'chat.session.closed', 'chat', SentinelChatSessionClosed>
  | Documented<'sentinel', 'report.generated', 'report', SentinelReportGenerated>;

// ---------------------------------------------------------------------------------
// DocIntell (docintell.txt): `{event, timestamp, data}`, `X-DocIntell-Event`.

/** Data of `document.uploaded`. */
export interface DocIntellDocumentUploaded extends Extra {
  /** The document. */
  document_id: string;
  /** The processing job. */
  job_id: string;
  /** The tenant. */
  tenant_id?: string | null;
  /** `queued`. */
  status?: string | null;
}

/** Data of `document.processing.completed`. */
export interface DocIntellProcessingCompleted extends Extra {
  /** The document. */
  document_id: string;
  /** The processing job. */
  job_id: string;
  /** The tenant. */
  tenant_id?: string | null;
  /** `completed`. */
  status?: string | null;
  /** Seconds spent processing. */
  processing_time_seconds?: number | null;
  /** Page count. */
  page_count?: number | null;
  /** Version of the intermediate representation, e.g. `v001`. */
  ir_version?: string | null;
}

/** Data of `document.processing.failed`. */
export interface DocIntellProcessingFailed extends Extra {
  /** The document. */
  document_id: string;
  /** The processing job. */
  job_id: string;
  /** The tenant. */
  tenant_id?: string | null;
  /** `failed`. */
  status?: string | null;
  /** Why it failed. */
  error_message?: string | null;
}

export type DocIntellEvent =
  | Documented<'docintell', 'document.uploaded', 'document', DocIntellDocumentUploaded>
  | Documented<'docintell', 'document.processing.completed', 'document', DocIntellProcessingCompleted>
  | Documented<'docintell', 'document.processing.failed', 'document', DocIntellProcessingFailed>;

// ---------------------------------------------------------------------------------
// Sentrasa (sentrasa.txt): names the events, shows no payload.

/** Data of `job.completed` and `job.failed`. */
export interface SentrasaJob extends Extra {
  /** The job. */
  job_id?: string | null;
  /** The workspace the webhook belongs to. */
  workspace_id?: string | null;
  /** The job's status. */
  status?: string | null;
}

/** Data of `alert.triggered`. */
export interface SentrasaAlert extends Extra {
  /** The alert. */
  alert_id?: string | null;
  /** The workspace the webhook belongs to. */
  workspace_id?: string | null;
  /** The alert's severity. */
  severity?: string | null;
}

export type SentrasaEvent =
  | Documented<'sentrasa', 'job.completed', 'job', SentrasaJob>
  | Documented<'sentrasa', 'job.failed', 'job', SentrasaJob>
  | Documented<'sentrasa', 'alert.triggered', 'alert', SentrasaAlert>;

// ---------------------------------------------------------------------------------
// KYC-Webhooks (kyc-webhooks.txt): typed by family, `{id, type, created, data}`.

/** Data of a session event. */
export interface KycSession extends Extra {
  /** The KYC session (the document shows no data fields, so none is required). */
  session_id?: string | null;
  /** Its status after the event. */
  status?: string | null;
  /** The status before a status change. */
  previous_status?: string | null;
}

/** Data of a watchlist event. */
export interface KycWatchlist extends Extra {
  /** The monitored subject (not shown by the document either). */
  subject_id?: string | null;
  /** Its monitoring status. */
  status?: string | null;
  /** New matches found. */
  matches?: unknown[] | null;
}

/** `kyc.session.created`, `kyc.session.completed`, `kyc.session.processed`, `kyc.session.status_changed`, ... */
export type KycSessionEvent = Documented<'kyc', `kyc.session.${string}`, 'session', KycSession>;
/** `kyc.watchlist.match_found`, `kyc.watchlist.status_changed`, ... */
export type KycWatchlistEvent = Documented<'kyc', `kyc.watchlist.${string}`, 'watchlist', KycWatchlist>;

export type KycEvent =
  | KycSessionEvent
  | KycWatchlistEvent;

// ---------------------------------------------------------------------------------
// Sensei (sensei.md): `{id, type, created_at, data, metadata}`.

/** Data of the `migration.*` lifecycle events. */
export interface SenseiMigration extends Extra {
  /** The migration, e.g. `mig_xyz789`. */
  migration_id?: string | null;
  /** Its name, e.g. `Q1 Database Modernization`. */
  migration_name?: string | null;
  /** Its status after the event. */
  status?: string | null;
}

/** Data of `migration.phase.started` and `migration.phase.failed`. */
export interface SenseiPhase extends Extra {
  /** The migration. */
  migration_id?: string | null;
  /** Its name. */
  migration_name?: string | null;
  /** The phase. */
  phase?: string | null;
  /** 1-based position of the phase. */
  phase_number?: number | null;
  /** Phases in the migration. */
  total_phases?: number | null;
}

/** Data of `migration.phase.completed`, every field the document shows. */
export interface SenseiPhaseCompleted extends Extra {
  /** The migration. */
  migration_id: string;
  /** Its name. */
  migration_name: string;
  /** The phase, e.g. `data_transfer`. */
  phase: string;
  /** 1-based position of the phase. */
  phase_number: number;
  /** Phases in the migration. */
  total_phases: number;
  /** Time the phase took. */
  duration_seconds: number;
  /** Records moved. */
  records_processed: number;
  /** Errors recovered automatically. */
  errors_recovered: number;
  /** Errors escalated to a human. */
  errors_escalated: number;
}

/** Data of the `approval.*` events. */
export interface SenseiApproval extends Extra {
  /** The approval request. */
  approval_id?: string | null;
  /** The migration waiting on it. */
  migration_id?: string | null;
}

/** Data of the `error.*` events. */
export interface SenseiError extends Extra {
  /** The error. */
  error_id?: string | null;
  /** The migration it occurred in. */
  migration_id?: string | null;
  /** A description. */
  message?: string | null;
}

/** Data of the `validation.*` events. */
export interface SenseiValidation extends Extra {
  /** The migration being validated. */
  migration_id?: string | null;
  /** The validation run. */
  validation_id?: string | null;
}

/** Data of `certificate.generated`. */
export interface SenseiCertificate extends Extra {
  /** The migration certified. */
  migration_id?: string | null;
  /** The Behavioral Equivalence Certificate. */
  certificate_id?: string | null;
  /** Where to fetch it. */
  url?: string | null;
}

export type SenseiEvent =
  | Documented<'sensei', 'migration.created', 'migration', SenseiMigration>
  | Documented<'sensei', 'migration.started', 'migration', SenseiMigration>
  | Documented<'sensei', 'migration.paused', 'migration', SenseiMigration>
  | Documented<'sensei', 'migration.resumed', 'migration', SenseiMigration>
  | Documented<'sensei', 'migration.completed', 'migration', SenseiMigration>
  | Documented<'sensei', 'migration.failed', 'migration', SenseiMigration>
  | Documented<'sensei', 'migration.cancelled', 'migration', SenseiMigration>
  | Documented<'sensei', 'migration.phase.started', 'migration.phase', SenseiPhase>
  | Documented<'sensei', 'migration.phase.completed', 'migration.phase', SenseiPhaseCompleted>
  | Documented<'sensei', 'migration.phase.failed', 'migration.phase', SenseiPhase>
  | Documented<'sensei', 'approval.required', 'approval', SenseiApproval>
  | Documented<'sensei', 'approval.granted', 'approval', SenseiApproval>
  | Documented<'sensei', 'approval.denied', 'approval', SenseiApproval>
  | Documented<'sensei', 'approval.timeout', 'approval', SenseiApproval>
  | Documented<'sensei', 'error.occurred', 'error', SenseiError>
  | Documented<'sensei', 'error.recovered', 'error', SenseiError>
  | Documented<'sensei', 'error.escalated', 'error', SenseiError>
  | Documented<'sensei', 'error.resolved', 'error', SenseiError>
  | Documented<'sensei', 'validation.started', 'validation', SenseiValidation>
  | Documented<'sensei', 'validation.completed', 'validation', SenseiValidation>
  | Documented<'sensei', 'validation.failed', 'validation', SenseiValidation>
  | Documented<'sensei', 'certificate.generated', 'validation', SenseiCertificate>;

// ---------------------------------------------------------------------------------

/** The documented events of each provider. */
export interface DocumentedEvents {
  sentinel: SentinelEvent;
  docintell: DocIntellEvent;
  sentrasa: SentrasaEvent;
  kyc: KycEvent;
  sensei: SenseiEvent;
  github: never;
  standard: never;
  stripe: never;
  svix: never;
  slack: never;
  shopify: never;
  paddle: never;
  custom: never;
}

/** Every event a verifier for provider `P` can return. */
export type WebhookEvent<P extends ProviderId = ProviderId> = P extends ProviderId
  ? DocumentedEvents[P] | UnknownEvent<P>
  : never;

/** Every documented event type string of provider `P`. */
export type EventType<P extends ProviderId = ProviderId> = DocumentedEvents[P]['type'];
