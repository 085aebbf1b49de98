// The public API of @hookshield/wasm, built on the wasm-bindgen exports (`raw`).
//
// This file is shared by both builds: scripts/build.mjs wraps it into an ES module
// (dist/web) and a CommonJS module (dist/node). It only converts JavaScript values to
// what the Rust core takes and back: every rule (schemes, replay windows, envelopes,
// idempotency keys, statuses) lives in the core.
//
// `now` comes from the JavaScript side: WebAssembly has no clock of its own.

// eslint-disable-next-line no-unused-vars
function bind(raw, isReady) {
  'use strict';

  function ensureReady() {
    if (!isReady()) {
      throw new Error('@hookshield/wasm is not initialised: await init() (or call initSync(module)) first');
    }
  }

  const encoder = new TextEncoder();
  const inspect = Symbol.for('nodejs.util.inspect.custom');

  /**
   * The one error of hookshield. `code` is one of the contract's stable codes
   * (`signature_mismatch`, `timestamp_too_old`, ...), `invalid_config` for a verifier (or
   * a receiver) set up wrongly, or `store_unavailable` when the idempotency store failed.
   * Messages never contain a secret or an expected signature.
   */
  class VerificationError extends Error {
    constructor(code, message) {
      super(message);
      this.name = 'VerificationError';
      this.code = code;
    }

    /** The HTTP status a delivery rejected this way should get (the core's mapping). */
    get status() {
      return rejectionStatus(this.code);
    }
  }

  function convert(error) {
    if (error instanceof raw.RawError) {
      const converted = new VerificationError(error.code, error.message);
      error.free();
      return converted;
    }
    return error;
  }

  function call(fn) {
    try {
      return fn();
    } catch (error) {
      throw convert(error);
    }
  }

  function storeError(error) {
    if (error instanceof VerificationError) return error;
    return new VerificationError('store_unavailable', `idempotency store unavailable: ${String(error?.message ?? error)}`);
  }

  function configError(message) {
    return new VerificationError('invalid_config', message);
  }

  /** Body bytes from a string, Uint8Array/Buffer, ArrayBuffer or any ArrayBufferView. */
  function toBytes(body, what = 'body') {
    if (body instanceof Uint8Array) return body;
    if (typeof body === 'string') return encoder.encode(body);
    if (body instanceof ArrayBuffer) return new Uint8Array(body);
    if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    throw configError(
      `${what} must be the raw bytes as received (a string, Uint8Array, Buffer, ArrayBuffer or ArrayBufferView), found ${describe(body)}`,
    );
  }

  function describe(value) {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'an array';
    return typeof value === 'object' ? `an object (${value.constructor?.name ?? 'Object'})` : typeof value;
  }

  /** A header's value as text; an array gives its first value, or all of them joined with ", ". */
  function valueText(value, all) {
    if (Array.isArray(value)) {
      if (!all) return valueText(value[0], false);
      const parts = value.filter((part) => part !== undefined && part !== null).map(String);
      return parts.length > 0 ? parts.join(', ') : undefined;
    }
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? value : String(value);
  }

  /**
   * The values of the headers a scheme reads (`lower`: signature, timestamp, id, event,
   * lower-cased; '' where none) in a Fetch `Headers`, a `Map`, an array of
   * `[name, value]` pairs, a flat `[name, value, ...]` list such as Node's `rawHeaders`,
   * or a plain object such as Node's `IncomingHttpHeaders`; names match
   * case-insensitively. Every occurrence of the signature header counts, joined with
   * ", " as Fetch's `Headers.get` and Node's http module join them; for the others the
   * first occurrence counts.
   */
  function pickHeaders(headers, lower) {
    checkHeaders(headers);
    const out = [undefined, undefined, undefined, undefined];
    const add = (name, value) => {
      if (typeof name !== 'string' || name === '') return;
      // Most names have none of the four lengths: pass them over without lower-casing.
      const n = name.length;
      if (n !== lower[0].length && n !== lower[1].length && n !== lower[2].length && n !== lower[3].length) return;
      const index = lower.indexOf(name.toLowerCase());
      if (index === 0) {
        const text = valueText(value, true);
        if (text !== undefined) out[0] = out[0] === undefined ? text : `${out[0]}, ${text}`;
      } else if (index > 0 && out[index] === undefined) {
        out[index] = valueText(value, false);
      }
    };
    if (Array.isArray(headers)) {
      if (typeof headers[0] === 'string') {
        for (let i = 0; i + 1 < headers.length; i += 2) add(headers[i], headers[i + 1]);
      } else {
        for (const pair of headers) if (pair) add(pair[0], pair[1]);
      }
    } else if (headers instanceof Map) {
      for (const [name, value] of headers) add(name, value);
    } else if (typeof headers.get === 'function' && typeof headers.entries === 'function') {
      // Fetch `Headers` (or one from another realm or a polyfill): `get` matches
      // case-insensitively and joins repeated values with ", ".
      for (let i = 0; i < 4; i++) if (lower[i]) out[i] = valueText(headers.get(lower[i]), false);
    } else {
      for (const name of Object.keys(headers)) add(name, headers[name]);
    }
    return out;
  }

  function checkHeaders(headers) {
    if (headers === null || typeof headers !== 'object') {
      throw configError(
        `headers must be a Headers, a Map, an array of [name, value] pairs or an object, found ${describe(headers)}`,
      );
    }
  }

  const { Event, Router } = bindEvent({ raw, configError, describe });
  const { MemoryStore } = bindStore({ raw, ensureReady, call, configError, describe });

  // camelCase option -> the core's override name.
  const OVERRIDE_OPTIONS = {
    signatureHeader: 'signature_header',
    encoding: 'encoding',
    prefix: 'prefix',
    signedContent: 'signed_content',
    timestampHeader: 'timestamp_header',
    idHeader: 'id_header',
    eventHeader: 'event_header',
    secretFormat: 'secret_format',
  };
  const OTHER_OPTIONS = new Set(['tolerance', 'maxBodyBytes', 'overrides']);

  function overridesOf(options) {
    const pairs = [];
    for (const [key, value] of Object.entries(options)) {
      if (value === undefined) continue;
      if (key in OVERRIDE_OPTIONS) pairs.push([OVERRIDE_OPTIONS[key], value]);
      else if (!OTHER_OPTIONS.has(key)) {
        const known = [...OTHER_OPTIONS, ...Object.keys(OVERRIDE_OPTIONS)].join(', ');
        throw configError(`unknown option ${JSON.stringify(key)}; expected one of ${known}`);
      }
    }
    if (options.overrides !== undefined) {
      if (options.overrides === null || typeof options.overrides !== 'object') {
        throw configError('`overrides` must be an object of {name: value}');
      }
      // Core names (`signature_header`), as in the test vectors, or camelCase ones.
      for (const [key, value] of Object.entries(options.overrides)) {
        pairs.push([OVERRIDE_OPTIONS[key] ?? key, value]);
      }
    }
    return pairs.map(([name, value]) => {
      // `null` removes an optional header, like the core's empty string.
      if (value === null) return [name, ''];
      if (typeof value !== 'string') {
        throw configError(`option \`${name}\` must be a string, found ${describe(value)}`);
      }
      return [name, value];
    });
  }

  function number(name, value) {
    if (typeof value !== 'number') throw configError(`\`${name}\` must be a number, found ${describe(value)}`);
    return value;
  }

  function buildRaw(provider, secrets, options) {
    ensureReady();
    if (typeof provider !== 'string') {
      throw configError(`provider must be a string such as "sentinel", found ${describe(provider)}`);
    }
    if (options === null || typeof options !== 'object') throw configError('options must be an object');
    const builder = call(() => new raw.RawVerifierBuilder(provider));
    try {
      const list = Array.isArray(secrets) ? secrets : secrets === undefined || secrets === null ? [] : [secrets];
      for (const secret of list) {
        if (typeof secret === 'string') builder.secretText(secret);
        else if (secret instanceof ArrayBuffer || ArrayBuffer.isView(secret)) builder.secretBytes(toBytes(secret));
        else throw configError(`a secret must be a string or bytes, found ${describe(secret)}`);
      }
      if (options.tolerance !== undefined) builder.tolerance(number('tolerance', options.tolerance));
      if (options.maxBodyBytes !== undefined) builder.maxBodyBytes(number('maxBodyBytes', options.maxBodyBytes));
      for (const [name, value] of overridesOf(options)) builder.set(name, value);
    } catch (error) {
      builder.free();
      throw error;
    }
    return call(() => builder.build());
  }

  /**
   * Verifies deliveries from one provider. As in the native package:
   * `new Verifier({ provider: 'sentinel', secrets: ['whsec_...'], tolerance: 300 })`;
   * `new Verifier('sentinel', 'whsec_...', { tolerance: 300 })` is the same.
   *
   * `secrets` (or `secret`): one or more, any may match (rotation), each a string or
   * bytes. Overrides: `signatureHeader`, `encoding`, `prefix`, `signedContent`,
   * `timestampHeader`, `idHeader`, `eventHeader` (null removes it), `secretFormat`, or
   * `overrides: { signature_header: ... }`. `clock`: "now" in Unix milliseconds (or a
   * Date), default `Date.now`.
   */
  class Verifier {
    #raw;
    #lower;
    #clock;
    #store;

    constructor(providerOrOptions, secrets, options) {
      let settings;
      if (typeof providerOrOptions === 'string') {
        if (options !== undefined && (options === null || typeof options !== 'object')) {
          throw configError(`options must be an object, found ${describe(options)}`);
        }
        settings = { ...options, provider: providerOrOptions, secrets };
      } else if (providerOrOptions !== null && typeof providerOrOptions === 'object' && secrets === undefined) {
        settings = { ...providerOrOptions };
        if (settings.secrets === undefined) settings.secrets = settings.secret;
      } else {
        throw configError(
          `new Verifier(options) takes an object such as { provider: 'sentinel', secrets: ['whsec_...'] }, found ${describe(providerOrOptions)}`,
        );
      }
      const { provider, secrets: list, secret: _secret, clock, ...rest } = settings;
      if (clock !== undefined && typeof clock !== 'function') {
        throw configError(`\`clock\` must be a function returning Unix milliseconds, found ${describe(clock)}`);
      }
      this.#raw = buildRaw(provider, list, rest);
      this.#lower = this.#raw.headerNames.map((n) => n.toLowerCase());
      this.#clock = clock;
      /** The provider's preset id. */
      this.provider = this.#raw.provider;
      /** The replay window, in seconds each way. */
      this.tolerance = this.#raw.tolerance;
      /** The body size limit, in bytes. */
      this.maxBodyBytes = this.#raw.maxBodyBytes;
      /** The lower-cased names of the headers read: signature, timestamp, id, event (null where none). */
      this.headerNames = this.#lower.map((n) => n || null);
    }

    #now(options) {
      const now = options && options.now !== undefined ? options.now : this.#clock ? this.#clock() : Date.now();
      return now instanceof Date ? now.getTime() : now;
    }

    /**
     * Verifies a delivery synchronously: the raw body as received and the request's
     * headers. Returns the typed Event; throws only VerificationError.
     * `options.now`: "now" in Unix milliseconds (or a Date), to pin the clock for a call.
     */
    verify(body, headers, options) {
      const bytes = toBytes(body);
      const [signature, timestamp, id, event] = pickHeaders(headers, this.#lower);
      let meta;
      try {
        meta = this.#raw.verify(bytes, signature, timestamp, id, event, this.#now(options), options?.horizonMs);
      } catch (error) {
        throw convert(error);
      }
      return new Event(JSON.parse(meta), typeof body === 'string' ? body : bytes);
    }

    /** Checks size, headers, signature and the replay window only: `{timestamp, id, event}`. */
    verifySignature(body, headers, options) {
      const bytes = toBytes(body);
      const [signature, timestamp, id, event] = pickHeaders(headers, this.#lower);
      return JSON.parse(
        call(() => this.#raw.verifySignature(bytes, signature, timestamp, id, event, this.#now(options))),
      );
    }

    /**
     * Verifies a Fetch `Request`: reads its body once (at most `maxBodyBytes` + 1 bytes)
     * and verifies it with its headers. The request's body cannot be read again, so the
     * bytes read are on `event.body` (and on the error's `body` when it fails).
     */
    async verifyRequest(request, options) {
      return web.verifyRequest(this, request, options);
    }

    /**
     * Verifies, claims the event's idempotency key in `store`, awaits `handler` (a
     * function or a Router) once per event, and records the result. Resolves to the
     * Outcome `{kind, status, acknowledged, event, error}`; never rejects for a delivery.
     * `store`: a MemoryStore, any object with the same `begin`/`complete`/`release`
     * (which may return promises), or null for this verifier's own MemoryStore.
     * Options: `leaseSeconds`, `retentionSeconds` (default: the provider's retry horizon).
     */
    async process(body, headers, store, handler, options = {}) {
      const run = handlerOf(handler);
      const target = store ?? this.#defaultStore();
      const leaseSeconds = options?.leaseSeconds;
      const retentionSeconds =
        options?.retentionSeconds ?? call(() => raw.defaultRetentionMs(this.provider)) / 1000;
      const outcome = (kind, event, error) => outcomeOf(this.provider, kind, event, error);
      let event;
      try {
        // The retention is the replay horizon: a replay is either remembered or refused.
        event = this.verify(body, headers, { now: options?.now, horizonMs: retentionSeconds * 1000 });
      } catch (error) {
        if (!(error instanceof VerificationError)) throw error;
        return outcome('rejected', null, error);
      }
      const key = event.idempotencyKey;
      let state;
      try {
        state = await target.begin(key, { leaseSeconds });
      } catch (error) {
        return outcome('store_unavailable', event, storeError(error));
      }
      if (state === 'done') return outcome('duplicate', event, null);
      if (state === 'in_progress') return outcome('in_progress', event, null);
      if (state !== 'fresh') {
        const answer = `store.begin answered ${JSON.stringify(state)}; expected fresh, in_progress or done`;
        return outcome('store_unavailable', event, storeError(answer));
      }
      try {
        await run(event);
      } catch (error) {
        try {
          await target.release(key);
        } catch {
          // The lease still expires and frees the key.
        }
        return outcome('handler_failed', event, error instanceof Error ? error : new Error(String(error)));
      }
      try {
        await target.complete(key, { retentionSeconds });
      } catch (error) {
        return outcome('store_unavailable', event, storeError(error));
      }
      return outcome('processed', event, null);
    }

    /**
     * Handles a Fetch `Request` end to end and answers the `Response` the provider
     * should get: 200 when processed or a duplicate, 401 for a bad signature or a stale
     * timestamp, 400/413 for a bad payload, and a status the provider retries when the
     * handler fails or the event is in progress (never a 4xx for DocIntell).
     * Options: `store`, `leaseSeconds`, `retentionSeconds`, `onOutcome(outcome)`, `logger`.
     */
    async handle(request, handler, options = {}) {
      return web.fetchHandler({ ...options, verifier: this, handler })(request);
    }

    /** Signs `body` as this verifier's provider (overrides included) would, for tests. */
    sign(secret, body, options = {}) {
      const [text, bytes] = splitSecret(secret);
      return pairsToObject(
        call(() =>
          this.#raw.signWith(text, bytes, toBytes(body), signTime(options?.timestamp, this.#clock), options?.id, options?.event),
        ),
      );
    }

    #defaultStore() {
      this.#store ??= new MemoryStore();
      return this.#store;
    }

    toString() {
      return this.#raw.describe();
    }

    [inspect]() {
      return this.#raw.describe();
    }
  }

  function signTime(timestamp, clock) {
    if (timestamp === undefined || timestamp === null) {
      const now = clock ? clock() : Date.now();
      return Math.floor((now instanceof Date ? now.getTime() : now) / 1000);
    }
    if (timestamp instanceof Date) return Math.floor(timestamp.getTime() / 1000);
    if (typeof timestamp !== 'number') throw configError(`\`timestamp\` must be Unix seconds or a Date, found ${describe(timestamp)}`);
    return timestamp;
  }

  function handlerOf(handler) {
    if (typeof handler === 'function') return handler;
    if (handler instanceof Router) return (event) => handler.dispatch(event);
    throw configError(`handler must be a function or a Router, found ${describe(handler)}`);
  }

  /** An Outcome of `process`, its status from the core's mapping for `provider`. */
  function outcomeOf(provider, kind, event, error) {
    return {
      kind,
      status: call(() => raw.outcomeStatus(kind, provider, kind === 'rejected' ? error.code : undefined)),
      acknowledged: kind === 'processed' || kind === 'duplicate',
      event,
      error,
    };
  }

  function splitSecret(secret) {
    if (typeof secret === 'string') return [secret, undefined];
    if (secret instanceof ArrayBuffer || ArrayBuffer.isView(secret)) return [undefined, toBytes(secret, 'secret')];
    throw configError(`a secret must be a string or bytes, found ${describe(secret)}`);
  }

  function pairsToObject(flat) {
    const headers = {};
    for (let i = 0; i < flat.length; i += 2) headers[flat[i]] = flat[i + 1];
    return headers;
  }

  /**
   * The headers `provider` would send with `body`, signed with `secret`, as an object.
   * Options: `timestamp` (Unix seconds or a Date, default now), `id`, `event`, and
   * `overrides` (camelCase or the core's names) for a custom scheme.
   */
  function sign(provider, secret, body, options = {}) {
    const { timestamp, id, event, overrides, ...flat } = options ?? {};
    const verifier = new Verifier(provider, [secret], { ...flat, overrides });
    return verifier.sign(secret, body, { timestamp, id, event });
  }

  /**
   * The sample body (JSON text) of a documented event type, or null, with its event time
   * stamped `options.now` (Unix milliseconds or a Date; default now), so that it verifies
   * within the replay horizon.
   */
  function sample(provider, type, options) {
    ensureReady();
    const now = options?.now ?? Date.now();
    return call(() => raw.sample(provider, type, now instanceof Date ? now.getTime() : now)) ?? null;
  }

  /** The event types `provider` has samples for. */
  function sampleTypes(provider) {
    ensureReady();
    return call(() => raw.sampleTypes(provider));
  }

  /** The HTTP status a delivery rejected with `code` should get. */
  function rejectionStatus(code) {
    if (code === 'store_unavailable') return call(() => raw.outcomeStatus('store_unavailable', 'custom', undefined));
    return call(() => raw.rejectionStatus(String(code)));
  }

  /** The provider preset ids (tests check them against the core's list). */
  const providers = Object.freeze(['sentinel', 'docintell', 'sentrasa', 'kyc', 'sensei', 'github', 'standard', 'custom']);

  const web = bindFetch({ Verifier, VerificationError, configError, describe, handlerOf, outcomeOf });

  return {
    Verifier,
    Event,
    VerificationError,
    MemoryStore,
    Router,
    sign,
    sample,
    sampleTypes,
    rejectionStatus,
    handle: web.handle,
    fetchHandler: web.fetchHandler,
    handleDelivery: web.handleDelivery,
    providers,
    errorCodes: () => raw.errorCodes(),
    coreProviders: () => raw.providers(),
  };
}
