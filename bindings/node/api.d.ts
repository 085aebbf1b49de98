// Types of hookshield's JavaScript API (lib/), which both npm packages are: the native
// package `hookshield` ships this file with hookshield.d.ts (which adds RedisStore), and
// `@hookshield/wasm` ships the same file (copied at build time) with its index.d.ts
// (which adds init and initSync). Hand-written; the event union is `./events`.
import type { ClaimState, ErrorCode, SchemeOverrides, Secret, SignOptions } from './common.js';
import type { ProviderId, WebhookEvent } from './events.js';

/**
 * The one error of hookshield: `verify` throws nothing else, for any input. Messages say
 * what was expected and what was found, never a secret or an expected signature.
 */
export class VerificationError extends Error {
  readonly name: 'VerificationError';
  readonly code: ErrorCode;
  /** The HTTP status the core gives a delivery rejected this way (undefined for an unknown code). */
  readonly status: number | undefined;
  /** Set by `verifyRequest`: the body bytes it read. */
  body?: Uint8Array;
  constructor(code: ErrorCode, message: string);
}

/** The raw body as received. A parsed object is refused with `invalid_config`. */
export type Body = Uint8Array | ArrayBuffer | ArrayBufferView | string;

/**
 * Request headers in any shape receivers hold (Node's `IncomingHttpHeaders` is a record);
 * names match case-insensitively. Every occurrence of the signature header counts (joined
 * with ", ", as Node's http and `Headers.get` join them); for the other headers the first
 * occurrence counts.
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

/** A verified event as JSON: `timestamp` as ISO 8601 text. */
export interface EventJSON {
  provider: ProviderId;
  type: string;
  family: string;
  id: string | null;
  timestamp: string | null;
  timestampMs: number | null;
  idempotencyKey: string;
  documented: boolean;
  untypedReason: string | null;
  untypedDetail: string | null;
  data: unknown;
}

/** A verified event: the union of `./events`, plus what every event has here. */
export type Event<P extends ProviderId = ProviderId> = WebhookEvent<P> & {
  /** When the event happened, in Unix milliseconds, or null. */
  readonly timestampMs: number | null;
  toJSON(): EventJSON;
};

/** A verified event from `verifyRequest`: the body bytes it read are on `body`. */
export type RequestEvent<P extends ProviderId = ProviderId> = Event<P> & { readonly body: Uint8Array };

/**
 * What `process` (and every helper) did with a delivery. `queued`: appended durably to an
 * inbox (a helper given `inbox`, in the native package), handled later by its worker.
 */
export type OutcomeKind = 'processed' | 'queued' | 'duplicate' | 'in_progress' | 'rejected' | 'handler_failed' | 'store_unavailable';

export interface Outcome<E = Event> {
  kind: OutcomeKind;
  /** The HTTP status the provider should get, knowing its retry policy (the core's). */
  status: number;
  /** Whether the provider should consider the delivery received (processed, queued or duplicate). */
  acknowledged: boolean;
  /** The verified event (null when rejected). */
  event: E | null;
  /** Why it was rejected (VerificationError), the handler's error, or the store's. */
  error: Error | null;
  /**
   * The JSON body every helper answers, the same in every language:
   * `{"outcome", "idempotency_key"?, "error"?: {"code", "message"}}` (a handler's own
   * error text is never in it).
   */
  answer: string;
}

export interface ProcessOptions extends VerifyOptions {
  /** How long a claim holds before a redelivery may take it over (default 30). */
  leaseSeconds?: number;
  /**
   * How long a processed key is remembered (default: the provider's retry horizon plus a
   * day), and the replay horizon: an older signed event time is refused (`timestamp_too_old`).
   */
  retentionSeconds?: number;
}

/**
 * What `process` needs of a store: hookshield's stores, or your own (Workers KV, a
 * Durable Object, a database, ...), whose methods may return promises.
 */
export interface IdempotencyStore {
  begin(key: string, options?: { leaseSeconds?: number }): ClaimState | Promise<ClaimState>;
  complete(key: string, options?: { retentionSeconds?: number }): unknown;
  release(key: string): unknown;
}

/**
 * What handles an event: a function (possibly async), or a Router (or anything with the
 * same `dispatch`), whose event type may be wider than `E`.
 */
export type Handler<E = Event> = ((event: E) => unknown) | { dispatch(event: E): unknown };

/** Where the helpers log (default `console`). */
export interface Logger {
  /** Each rejected delivery: provider, code, status and the core's message (never a secret). */
  warn(message: string): unknown;
  /** What the receiver must fix: a handler's error (passed with its stack), the store down, a wrong setup. */
  error(message: string, error?: unknown): unknown;
}

export interface HandleOptions<P extends ProviderId = ProviderId> extends ProcessOptions {
  /** Default: the verifier's own MemoryStore. */
  store?: IdempotencyStore | null;
  /** Called with every outcome, after it is logged. */
  onOutcome?: (outcome: Outcome<Event<P>>) => unknown;
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
  /** The lower-cased names of the headers read: the signature's, then those of the timestamp, id, fallback id and event the scheme has (null after them). */
  readonly headerNames: (string | null)[];
  /** Verifies a delivery; throws only VerificationError. */
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
   * Verifies, claims the idempotency key in `store` (null: this verifier's own
   * MemoryStore), awaits `handler` once per event, records the result. Resolves to the
   * outcome; never rejects for a delivery.
   */
  process(
    body: Body,
    headers: HeadersInput,
    store: IdempotencyStore | null | undefined,
    handler: Handler<Event<P>>,
    options?: ProcessOptions,
  ): Promise<Outcome<Event<P>>>;
  /** Handles a Fetch Request end to end: the Response carries the core's status and JSON body. */
  handle(request: Request, handler: Handler<Event<P>>, options?: HandleOptions<P>): Promise<Response>;
  /** Signs `body` as this verifier's scheme (overrides included) would, for tests. */
  sign(secret: Secret, body: Body, options?: Omit<SignOptions, 'overrides'>): Record<string, string>;
}

/** The runtime class of verified events (typed as `Event`). */
export const Event: abstract new (...args: never[]) => Event;

/** The bounded in-memory idempotency store (one process, or one isolate). Its methods are synchronous. */
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

/** Handlers by subscription pattern: `*`, `family.*` or `family/*` (Shopify's topics), or an exact type. */
export class Router<E = Event> {
  on(pattern: string, handler: (event: E) => unknown): this;
  handlersFor(type: string): ((event: E) => unknown)[];
  /** Awaits every handler matching `event.type`, in registration order; resolves to how many ran. */
  dispatch(event: E): Promise<number>;
}

/** The headers `provider` would send with `body`, for testing receivers. */
export function sign(provider: ProviderId, secret: Secret, body: Body, options?: SignOptions & SchemeOverrides): Record<string, string>;
/**
 * A sample body from the provider's document, or null, its event time stamped `now`
 * (Unix milliseconds or a Date; default now) so that it verifies within the replay horizon.
 */
export function sample(provider: ProviderId, type: string, options?: { now?: number | Date }): string | null;
export function sampleTypes(provider: ProviderId): string[];
/** The HTTP status a delivery rejected with this code should get (the core's). */
export function rejectionStatus(code: ErrorCode): number;
/** Every verification error code, in the core's order. */
export function errorCodes(): ErrorCode[];
/** The provider preset ids. */
export const providers: readonly ProviderId[];

// Helpers ------------------------------------------------------------------------

/**
 * What a helper's `inbox` option takes: the native package's `Inbox`, which verifies and
 * appends each delivery durably, answered `queued` (`@hookshield/wasm` has no inbox and
 * refuses the option: edge runtimes have their own queues).
 */
export interface DeliveryInbox {
  accept(verifier: Verifier<any>, body: Body, headers: HeadersInput, options?: VerifyOptions): Promise<Outcome<Event<any>>>;
}

/**
 * The options of every helper: a `handler` run in the request (exactly once per event,
 * with `store`), or an `inbox` the delivery is appended to, answered as soon as it is
 * durable (the inbox's worker runs the handler later).
 */
export type HelperOptions<P extends ProviderId = ProviderId> = HandleOptions<P> & { verifier: Verifier<P> } & (
  | { handler: Handler<Event<P>>; inbox?: undefined }
  | { inbox: DeliveryInbox; handler?: undefined; store?: undefined }
);
/** The options of every helper (the native package's name). */
export type IntegrationOptions<P extends ProviderId = ProviderId> = HelperOptions<P>;
/** The options of every helper (the WebAssembly package's name). */
export type FetchHandlerOptions<P extends ProviderId = ProviderId> = HelperOptions<P>;

/** Minimal shape of Express middleware, so no framework types are required. */
export type ExpressMiddleware = (req: any, res: any, next: (error?: unknown) => void) => void;

/**
 * Express middleware; needs no body parser (it reads at most `maxBodyBytes` itself). With
 * `handler` (or `inbox`) it answers the delivery; without either it verifies, sets
 * `req.webhookEvent` and calls `next()`.
 */
export function express<P extends ProviderId>(
  options: HelperOptions<P> | (HandleOptions<P> & { verifier: Verifier<P>; handler?: undefined; inbox?: undefined }),
): ExpressMiddleware;

/** Fastify plugin: registers `POST path` (default `/webhooks`) reading raw bodies. */
export function fastify(app: any, options: HelperOptions<any> & { path?: string }): Promise<void>;

/** A node:http request listener. */
export function httpHandler<P extends ProviderId>(options: HelperOptions<P>): (req: any, res: any) => void;

/** A Fetch handler for Workers, Deno, Bun, Vercel Edge, Next.js route handlers, Hono, ... */
export function fetchHandler<P extends ProviderId>(options: HelperOptions<P>): (request: Request) => Promise<Response>;

/** `verifier.handle(request, handler, options)` as a function. */
export function handle<P extends ProviderId>(
  verifier: Verifier<P>,
  request: Request,
  handler: Handler<Event<P>>,
  options?: HandleOptions<P>,
): Promise<Response>;

/** Verifies and processes one delivery with a helper's options. */
export function handleDelivery<P extends ProviderId>(
  options: HelperOptions<P>,
  body: Body,
  headers: HeadersInput,
): Promise<Outcome<Event<P>>>;
