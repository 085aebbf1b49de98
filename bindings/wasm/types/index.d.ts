// Types of @hookshield/wasm (hand-written). The event union (`./events`) and the shared
// API types (`./common`) are the very files the native package `hookshield` ships
// (bindings/node/events.d.ts and common.d.ts, copied at build time), so both packages
// type errors, options and events the same way.
import type { ClaimState, ErrorCode, SchemeOverrides, Secret, SignOptions } from './common.js';
import type { ProviderId, WebhookEvent } from './events.js';

export * from './common.js';
export * from './events.js';

/**
 * The one error of hookshield: `verify` throws nothing else, for any input. Messages say
 * what was expected and what was found, never a secret or an expected signature.
 */
export class VerificationError extends Error {
  readonly name: 'VerificationError';
  readonly code: ErrorCode;
  /** The HTTP status a delivery rejected this way should get. */
  readonly status: number;
  /** Set by `verifyRequest`: the body bytes it read. */
  body?: Uint8Array;
  constructor(code: ErrorCode, message: string);
}

/** The raw body as received. A parsed object is refused with `invalid_config`. */
export type Body = Uint8Array | ArrayBuffer | ArrayBufferView | string;

/**
 * Request headers in any shape receivers hold; names match case-insensitively. Every
 * occurrence of the signature header counts (joined with ", ", as `Headers.get` joins
 * them); for the other headers the first occurrence counts.
 */
export type HeadersInput =
  | Headers
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | ReadonlyMap<string, string | readonly string[]>
  | ReadonlyArray<readonly [string, string | readonly string[]]>
  /** A flat `[name, value, name, value, ...]` list, such as Node's `req.rawHeaders`. */
  | readonly string[];

/** Options of a verifier, except the provider and secrets. */
export interface VerifierSettings extends SchemeOverrides {
  /** The replay window in seconds each way (default 300). */
  tolerance?: number;
  /** The largest body accepted (default 1 MiB). */
  maxBodyBytes?: number;
  /** "Now" in Unix milliseconds (like `Date.now`) or a Date; default `Date.now`. */
  clock?: () => number | Date;
  /** Overrides by name, camelCase or the core's snake_case (`signature_header`). */
  overrides?: Readonly<Record<string, string | null>>;
}

export interface VerifierOptions<P extends ProviderId = ProviderId> extends VerifierSettings {
  provider: P;
  /** One or more secrets; any may have signed a delivery (rotation). */
  secrets?: Secret | readonly Secret[];
  /** Same as `secrets`. */
  secret?: Secret | readonly Secret[];
}

/** Per-call options of `verify`. */
export interface VerifyOptions {
  /** "Now" for this call, in Unix milliseconds or a Date (default: the verifier's clock). */
  now?: number | Date;
}

/**
 * A verified event, plus what this package adds. `untypedReason` and `untypedDetail`
 * (null when typed) come with the shared event union (`./events`).
 */
export type Event<P extends ProviderId = ProviderId> = WebhookEvent<P> & {
  /** When the event happened, in Unix milliseconds, or null. */
  readonly timestampMs: number | null;
};

/** A verified event from `verifyRequest`: the body bytes it read are on `body`. */
export type RequestEvent<P extends ProviderId = ProviderId> = Event<P> & { readonly body: Uint8Array };

/** What `process` (and `handle`) did with a delivery. */
export type OutcomeKind = 'processed' | 'duplicate' | 'in_progress' | 'rejected' | 'handler_failed' | 'store_unavailable';

export interface Outcome<E = Event> {
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

export interface ProcessOptions extends VerifyOptions {
  /** How long a claim holds before a redelivery may take it over (default 30). */
  leaseSeconds?: number;
  /** How long a processed key is remembered (default: the provider's retry horizon). */
  retentionSeconds?: number;
}

/**
 * What `process` needs of a store: the MemoryStore, or your own (Workers KV, a Durable
 * Object, Redis over HTTP, ...), whose methods may return promises.
 */
export interface IdempotencyStore {
  begin(key: string, options?: { leaseSeconds?: number }): ClaimState | Promise<ClaimState>;
  complete(key: string, options?: { retentionSeconds?: number }): unknown;
  release(key: string): unknown;
}

// A Router of any event can take any event: its handlers see the general `Event` type.
export type Handler<E = Event> = ((event: E) => unknown) | Router<E> | Router<Event>;

/** Where the Fetch helpers log (default `console`). */
export interface Logger {
  /** Each rejected delivery: provider, code, status and the core's message (never a secret). */
  warn(message: string): unknown;
  /** What the receiver must fix: a handler's error (passed with its stack), the store down. */
  error(message: string, error?: unknown): unknown;
}

export interface HandleOptions extends ProcessOptions {
  /** Default: the verifier's own MemoryStore. */
  store?: IdempotencyStore | null;
  /** Called with every outcome, after it is logged. */
  onOutcome?: (outcome: Outcome) => unknown;
  /** Default `console`. */
  logger?: Logger;
}

export class Verifier<P extends ProviderId = ProviderId> {
  /** Throws VerificationError (`no_secret`, `invalid_config`) when the options are wrong. */
  constructor(options: VerifierOptions<P>);
  constructor(provider: P, secrets: Secret | readonly Secret[], options?: VerifierSettings);
  readonly provider: P;
  /** The replay window, in seconds each way. */
  readonly tolerance: number;
  /** The body size limit, in bytes. */
  readonly maxBodyBytes: number;
  /** The lower-cased names of the headers read: signature, timestamp, id, event (null where none). */
  readonly headerNames: (string | null)[];
  /** Verifies a delivery synchronously; throws only VerificationError. */
  verify(body: Body, headers: HeadersInput, options?: VerifyOptions): Event<P>;
  /** Checks size, headers, signature and the replay window without parsing the body. */
  verifySignature(
    body: Body,
    headers: HeadersInput,
    options?: VerifyOptions,
  ): { timestamp: number | null; id: string | null; event: string | null };
  /**
   * Reads a Fetch Request's body once and verifies it; the bytes read are on `event.body`
   * (and on the error's `body`). A declared Content-Length over `maxBodyBytes` is refused
   * (`body_too_large`) without reading; otherwise at most `maxBodyBytes` + 1 bytes are read.
   */
  verifyRequest(request: Request, options?: VerifyOptions): Promise<RequestEvent<P>>;
  /**
   * Verifies, claims the idempotency key, awaits `handler` once per event, records the
   * result. Resolves to the outcome; never rejects for a delivery.
   */
  process(
    body: Body,
    headers: HeadersInput,
    store: IdempotencyStore | null | undefined,
    handler: Handler<Event<P>>,
    options?: ProcessOptions,
  ): Promise<Outcome<Event<P>>>;
  /** Handles a Fetch Request end to end: the Response carries the status the provider should get. */
  handle(request: Request, handler: Handler<Event<P>>, options?: HandleOptions): Promise<Response>;
  /** Signs `body` as this verifier's scheme (overrides included) would, for tests. */
  sign(secret: Secret, body: Body, options?: Omit<SignOptions, 'overrides'>): Record<string, string>;
}

/** The runtime class of verified events (typed as `Event`). */
export const Event: abstract new (...args: never[]) => Event;

/** The bounded in-memory idempotency store (one isolate), timed by `Date.now()`. */
export class MemoryStore implements IdempotencyStore {
  constructor(options?: { capacity?: number });
  begin(key: string, options?: { leaseSeconds?: number }): ClaimState;
  complete(key: string, options?: { retentionSeconds?: number }): void;
  release(key: string): void;
  /** How many keys it remembers now. */
  readonly size: number;
  /** The most keys it keeps. */
  readonly capacity: number;
}

/** Handlers by subscription pattern: `*`, `family.*`, or an exact type. */
export class Router<E = Event> {
  on(pattern: string, handler: (event: E) => unknown): this;
  handlersFor(type: string): ((event: E) => unknown)[];
  /** Awaits every handler matching `event.type`, in registration order; resolves to how many ran. */
  dispatch(event: E): Promise<number>;
}

/** The headers `provider` would send with `body`, for testing receivers. */
export function sign(provider: ProviderId, secret: Secret, body: Body, options?: SignOptions): Record<string, string>;
/**
 * A sample body from the provider's document, or null, its event time stamped `now`
 * (default: now) so that it verifies within the replay horizon.
 */
export function sample(provider: ProviderId, type: string, options?: { now?: number | Date }): string | null;
export function sampleTypes(provider: ProviderId): string[];
/** The HTTP status a delivery rejected with this code should get. */
export function rejectionStatus(code: ErrorCode): number;
export const providers: readonly ProviderId[];
/** Every error code, in the contract's order (from the core). */
export function errorCodes(): ErrorCode[];
/** The provider ids as the core lists them. */
export function coreProviders(): ProviderId[];

export interface FetchHandlerOptions<P extends ProviderId = ProviderId> extends HandleOptions {
  verifier: Verifier<P>;
  handler: Handler<Event<P>>;
}

/** `verifier.handle(request, handler, options)` as a function. */
export function handle<P extends ProviderId>(
  verifier: Verifier<P>,
  request: Request,
  handler: Handler<Event<P>>,
  options?: HandleOptions,
): Promise<Response>;
/** A Fetch handler for Workers, Deno, Vercel Edge, Bun, ...: `export default { fetch: fetchHandler({ verifier, handler }) }`. */
export function fetchHandler<P extends ProviderId>(options: FetchHandlerOptions<P>): (request: Request) => Promise<Response>;
/** Verifies and processes one delivery with a handler's options. */
export function handleDelivery<P extends ProviderId>(
  options: FetchHandlerOptions<P>,
  body: Body,
  headers: HeadersInput,
): Promise<Outcome<Event<P>>>;

/**
 * Loads the WebAssembly module (web build; a no-op in the Node build). Without an
 * argument it is fetched next to the package's JavaScript (Deno, browsers).
 */
export function init(input?: URL | string | Response | BufferSource | WebAssembly.Module): Promise<void>;
/** Instantiates a compiled module (or bytes) synchronously, e.g. in a Worker. */
export function initSync(module: BufferSource | WebAssembly.Module): void;
