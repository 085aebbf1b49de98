// Types of the npm package `hookshield` (hand-written; `index.d.ts` is the generated
// declaration of the native layer underneath, not part of the public API).
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ClaimState, ErrorCode, SchemeOverrides, Secret, SignOptions } from './common';
import type { ProviderId, WebhookEvent } from './events';

export * from './common';
export * from './events';

/**
 * The one error of hookshield: `verify` throws nothing else, for any input. Messages say
 * what was expected and what was found, never a secret or an expected signature.
 */
export class VerificationError extends Error {
  readonly name: 'VerificationError';
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string);
}

/** The raw body as received. A parsed object is refused with `invalid_config`. */
export type Body = Buffer | Uint8Array | ArrayBuffer | ArrayBufferView | string;

/**
 * Request headers in any shape receivers hold; names match case-insensitively. Every
 * occurrence of the signature header counts (joined with ", ", as Node's http and
 * `Headers.get` join them); for the other headers the first occurrence counts.
 */
export type HeadersInput =
  | IncomingHttpHeaders
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | Headers
  | ReadonlyMap<string, string | readonly string[]>
  | ReadonlyArray<readonly [string, string | readonly string[]]>
  /** A flat `[name, value, name, value, ...]` list, such as `req.rawHeaders`. */
  | readonly string[];

export interface VerifierOptions<P extends ProviderId = ProviderId> extends SchemeOverrides {
  provider: P;
  /** One or more secrets; any may have signed a delivery (rotation). */
  secrets?: Secret | readonly Secret[];
  /** Same as `secrets`. */
  secret?: Secret | readonly Secret[];
  /** The replay window in seconds each way (default 300). */
  tolerance?: number;
  /** The largest body accepted (default 1 MiB). */
  maxBodyBytes?: number;
  /** "Now" in Unix milliseconds (like `Date.now`) or a Date; default the system clock. */
  clock?: () => number | Date;
  /** Overrides by name, camelCase or the core's snake_case (`signature_header`). */
  overrides?: Readonly<Record<string, string | null>>;
}

/** What `process` (and every integration) did with a delivery. */
export type OutcomeKind = 'processed' | 'duplicate' | 'in_progress' | 'rejected' | 'handler_failed' | 'store_unavailable';

export interface Outcome<E = WebhookEvent> {
  kind: OutcomeKind;
  /** The HTTP status the provider should get, knowing its retry policy. */
  status: number;
  /** Whether the provider should consider the delivery received (processed or duplicate). */
  acknowledged: boolean;
  /** The verified event (null when rejected). */
  event: E | null;
  /** Why it was rejected (VerificationError), the handler's error, or the store's. */
  error: Error | null;
}

export interface ProcessOptions {
  /** How long a claim holds before a redelivery may take it over (default 30). */
  leaseSeconds?: number;
  /**
   * How long a processed key is remembered (default: the provider's retry horizon plus a
   * day), and the replay horizon: an older signed event time is refused (`timestamp_too_old`).
   */
  retentionSeconds?: number;
}

export type Handler<E = WebhookEvent> = ((event: E) => unknown) | Router<E>;

export class Verifier<P extends ProviderId = ProviderId> {
  /** Throws VerificationError (`no_secret`, `invalid_config`) when the options are wrong. */
  constructor(options: VerifierOptions<P>);
  readonly provider: P;
  /** The replay window, in seconds each way. */
  readonly tolerance: number;
  /** The body size limit, in bytes. */
  readonly maxBodyBytes: number;
  /** The lower-cased names of the headers read: signature, timestamp, id, event (null where none). */
  readonly headerNames: (string | null)[];
  /** Verifies a delivery; throws only VerificationError. */
  verify(body: Body, headers: HeadersInput): WebhookEvent<P>;
  /** Checks size, headers, signature and the replay window without parsing the body. */
  verifySignature(body: Body, headers: HeadersInput): { timestamp: number | null; id: string | null; event: string | null };
  /**
   * Verifies, claims the idempotency key, awaits `handler` once per event, records the
   * result. Resolves to the outcome; never rejects for a delivery.
   */
  process(
    body: Body,
    headers: HeadersInput,
    store: Store,
    handler: Handler<WebhookEvent<P>>,
    options?: ProcessOptions,
  ): Promise<Outcome<WebhookEvent<P>>>;
}

/** The runtime class of verified events (typed as `WebhookEvent`). */
export const Event: abstract new (...args: never[]) => WebhookEvent;

/** The bounded in-memory idempotency store (one process). Its methods are synchronous. */
export class MemoryStore {
  constructor(options?: { capacity?: number });
  begin(key: string, options?: { leaseSeconds?: number }): ClaimState;
  complete(key: string, options?: { retentionSeconds?: number }): void;
  release(key: string): void;
}

export interface RedisStoreOptions {
  /** Prefix of every key in Redis (default `hookshield:`). */
  prefix?: string;
  /** Connect, read and write timeout in seconds (default 2): Redis down fails within it. */
  timeout?: number;
}

/**
 * The Redis idempotency store, shared by every receiver process and machine. The same
 * methods as MemoryStore, returning promises (Redis calls run off the event loop); they
 * reject with a VerificationError whose code is `store_unavailable` when Redis cannot be
 * reached. The URL (which may hold a password) never appears in errors or inspect output.
 */
export class RedisStore {
  /** `url`: `redis://[user:password@]host:port/db`. Connects lazily. */
  constructor(url: string, options?: RedisStoreOptions);
  readonly prefix: string;
  begin(key: string, options?: { leaseSeconds?: number }): Promise<ClaimState>;
  complete(key: string, options?: { retentionSeconds?: number }): Promise<void>;
  release(key: string): Promise<void>;
}

/** A store `process` and the integrations take. */
export type Store = MemoryStore | RedisStore;

/** Handlers by subscription pattern: `*`, `family.*`, or an exact type. */
export class Router<E = WebhookEvent> {
  on(pattern: string, handler: (event: E) => unknown): this;
  handlersFor(type: string): ((event: E) => unknown)[];
  /** Awaits every handler matching `event.type`, in registration order; resolves to how many ran. */
  dispatch(event: E): Promise<number>;
}

/** The headers `provider` would send with `body`, for testing receivers. */
export function sign(provider: ProviderId, secret: Secret, body: Body, options?: SignOptions): Record<string, string>;
/**
 * A sample body from the provider's document, or null, its event time stamped `now`
 * (Unix milliseconds or a Date; default now) so that it verifies within the replay horizon.
 */
export function sample(provider: ProviderId, type: string, options?: { now?: number | Date }): string | null;
export function sampleTypes(provider: ProviderId): string[];
/** The HTTP status a delivery rejected with this code should get. */
export function rejectionStatus(code: ErrorCode): number;
export const providers: ProviderId[];

// Integrations -------------------------------------------------------------------

/** Where the integrations log (default `console`). */
export interface Logger {
  /** Each rejected delivery: provider, code, status and the core's message (never a secret). */
  warn(message: string): unknown;
  /** What the receiver must fix: a handler's error (passed with its stack), the store down, a wrong setup. */
  error(message: string, error?: unknown): unknown;
}

export interface IntegrationOptions<P extends ProviderId = ProviderId> extends ProcessOptions {
  verifier: Verifier<P>;
  handler: Handler<WebhookEvent<P>>;
  /** Default: a new MemoryStore for this integration; a RedisStore when several receivers run. */
  store?: Store;
  /** Called with every outcome, after it is logged. */
  onOutcome?: (outcome: Outcome<WebhookEvent<P>>) => unknown;
  /** Default `console`. */
  logger?: Logger;
}

/** Minimal shapes of the frameworks' objects, so no framework types are required. */
export type ExpressMiddleware = (req: any, res: any, next: (error?: unknown) => void) => void;

/**
 * Express middleware; needs no body parser (it reads at most `maxBodyBytes` itself). With
 * `handler` it answers the delivery; without one it verifies, sets `req.webhookEvent` and
 * calls `next()`.
 */
export function express<P extends ProviderId>(
  options: Omit<IntegrationOptions<P>, 'handler'> & { handler?: Handler<WebhookEvent<P>> },
): ExpressMiddleware;

/** Fastify plugin: registers `POST path` (default `/webhooks`) reading raw bodies. */
export function fastify(app: any, options: IntegrationOptions<any> & { path?: string }): Promise<void>;

/** A node:http request listener. */
export function httpHandler<P extends ProviderId>(
  options: IntegrationOptions<P>,
): (req: IncomingMessage, res: ServerResponse) => void;

/** A Fetch handler for Next.js route handlers, Deno, Bun, Hono, ... */
export function fetchHandler<P extends ProviderId>(options: IntegrationOptions<P>): (request: Request) => Promise<Response>;

/** Verifies and processes one delivery with an integration's options. */
export function handleDelivery<P extends ProviderId>(
  options: IntegrationOptions<P>,
  body: Body,
  headers: HeadersInput,
): Promise<Outcome<WebhookEvent<P>>>;
