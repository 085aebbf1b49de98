'use strict';
// The Verifier: JavaScript values converted to what the core takes, and back.

const { pickHeaders } = require('./headers.js');

const inspect = Symbol.for('nodejs.util.inspect.custom');
const encoder = new TextEncoder();

// camelCase option -> the core's override name (the core's names are accepted as is).
const OVERRIDES = {
  signatureHeader: 'signature_header',
  encoding: 'encoding',
  prefix: 'prefix',
  separator: 'separator',
  signedContent: 'signed_content',
  timestampHeader: 'timestamp_header',
  timestampKey: 'timestamp_key',
  timestampUnit: 'timestamp_unit',
  idHeader: 'id_header',
  fallbackIdHeader: 'fallback_id_header',
  eventHeader: 'event_header',
  secretFormat: 'secret_format',
  typeField: 'type_field',
  idField: 'id_field',
  timeField: 'time_field',
  timeUnit: 'time_unit',
  dataField: 'data_field',
  form: 'form',
};
const CORE_OVERRIDES = new Set(Object.values(OVERRIDES));
const OPTIONS = new Set(['provider', 'secrets', 'secret', 'tolerance', 'maxBodyBytes', 'clock', 'overrides']);

/** What the other modules of this layer reach a Verifier's backend through. */
const INTERNAL = Symbol('hookshield.verifier');

module.exports = function verifiers(ctx) {
  const { backend, call, configError, toError, rejection, describe, bodyOf, Event, REASON } = ctx;

  /** Scheme overrides as `[name, value, ...]` for the core, from top-level options and `overrides`. */
  function overridesOf(options) {
    const flat = [];
    const add = (key, value, nested) => {
      const name = OVERRIDES[key] ?? (nested || CORE_OVERRIDES.has(key) ? key : undefined);
      if (name === undefined) {
        const known = [...OPTIONS, ...Object.keys(OVERRIDES)].join(', ');
        throw configError(`unknown option ${JSON.stringify(key)}; expected one of ${known}`);
      }
      if (value === undefined) return;
      // null (or '') removes an optional header, as in the core.
      if (value !== null && typeof value !== 'string') {
        throw configError(`option \`${key}\` must be a string, found ${describe(value)}`);
      }
      flat.push(name, value ?? '');
    };
    for (const key of Object.keys(options)) {
      if (!OPTIONS.has(key)) add(key, options[key], false);
    }
    if (options.overrides !== undefined) {
      if (options.overrides === null || typeof options.overrides !== 'object') {
        throw configError(`\`overrides\` must be an object of { name: value }, found ${describe(options.overrides)}`);
      }
      // camelCase or the core's names; the core refuses a name it does not know.
      for (const key of Object.keys(options.overrides)) add(key, options.overrides[key], true);
    }
    return flat;
  }

  /** A secret as the backend takes it: text, or bytes. */
  function secretOf(secret) {
    if (typeof secret === 'string' || secret instanceof Uint8Array) return secret;
    if (secret instanceof ArrayBuffer) return new Uint8Array(secret);
    if (ArrayBuffer.isView(secret)) return new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength);
    throw configError(`a secret must be a string, Buffer or Uint8Array, found ${describe(secret)}`);
  }

  function numberOption(options, name) {
    const value = options[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'number') throw configError(`\`${name}\` must be a number, found ${describe(value)}`);
    return value;
  }

  /** The settings of `new Verifier(options)` or `new Verifier(provider, secrets, options)`. */
  function settingsOf(first, secrets, options) {
    if (typeof first === 'string') {
      if (options !== undefined && (options === null || typeof options !== 'object')) {
        throw configError(`new Verifier(provider, secrets, options): options must be an object, found ${describe(options)}`);
      }
      return { ...options, provider: first, secrets };
    }
    if (first === null || typeof first !== 'object' || secrets !== undefined) {
      throw configError(
        `new Verifier(options) takes an object such as { provider: 'sentinel', secrets: ['whsec_...'] }, found ${describe(first)}`,
      );
    }
    return first;
  }

  /** Unix milliseconds from a clock's answer or `options.now`, as the Unix seconds the core counts in. */
  function secondsOf(now) {
    if (now instanceof Date) now = now.getTime();
    if (typeof now !== 'number' || !Number.isFinite(now)) {
      throw configError(`"now" must be Unix milliseconds (a finite number) or a Date, found ${describe(now)}`);
    }
    return Math.floor(now / 1000);
  }

  /**
   * Verifies deliveries from one provider.
   *
   * `new Verifier({ provider: 'sentinel', secrets: ['whsec_...'] })`, or
   * `new Verifier('sentinel', 'whsec_...', { tolerance: 300 })`. Options: `tolerance`
   * (seconds each way, default 300), `maxBodyBytes` (default 1 MiB), `clock`
   * (`() => number`: "now" in Unix milliseconds, like `Date.now`; a `Date` also works),
   * and scheme overrides by name: `signatureHeader`, `encoding`, `prefix`,
   * `signedContent`, `timestampHeader`, `idHeader`, `eventHeader` (null removes it),
   * `secretFormat` (or the same in `overrides`, in camelCase or the core's snake_case).
   * Throws a VerificationError (`no_secret`, `invalid_config`) when the options are wrong.
   */
  class Verifier {
    #native;
    #names;
    #clock;
    #provider;
    #store;
    #internal;
    #scratch = [undefined, undefined, undefined, undefined];

    constructor(providerOrOptions, secrets, options) {
      backend.ready();
      const settings = settingsOf(providerOrOptions, secrets, options);
      if (typeof settings.provider !== 'string') {
        throw configError(`\`provider\` must be a string such as "sentinel", found ${describe(settings.provider)}`);
      }
      if (settings.clock !== undefined && typeof settings.clock !== 'function') {
        throw configError(`\`clock\` must be a function returning Unix milliseconds, found ${describe(settings.clock)}`);
      }
      let list = settings.secrets !== undefined ? settings.secrets : settings.secret;
      if (list === undefined || list === null) list = [];
      if (!Array.isArray(list)) list = [list];
      const tolerance = numberOption(settings, 'tolerance');
      const maxBodyBytes = numberOption(settings, 'maxBodyBytes');
      const overrides = overridesOf(settings);
      this.#native = call(() => backend.verifier(settings.provider, list.map(secretOf), tolerance, maxBodyBytes, overrides));
      this.#names = this.#native.headerNames.map((name) => name || null);
      this.#provider = this.#native.provider;
      this.#clock = settings.clock;
    }

    /** The provider's preset id. */
    get provider() {
      return this.#provider;
    }

    /** The replay window, in seconds each way. */
    get tolerance() {
      return this.#native.tolerance;
    }

    /** The body size limit, in bytes. */
    get maxBodyBytes() {
      return this.#native.maxBodyBytes;
    }

    /** The lower-cased names of the headers this verifier reads: signature, timestamp, id, event (null where none). */
    get headerNames() {
      return [...this.#names];
    }

    /** The configuration, secrets redacted (the core's description). */
    toString() {
      return this.#native.describe();
    }

    [inspect]() {
      return this.#native.describe();
    }

    /** "Now" in Unix seconds: `options.now`, else the clock, else `Date.now()`. */
    #now(options) {
      if (options?.now !== undefined) return secondsOf(options.now);
      if (this.#clock === undefined) return Math.floor(Date.now() / 1000);
      let now;
      try {
        now = this.#clock();
      } catch (error) {
        throw configError(`the clock threw: ${error instanceof Error ? error.message : String(error)}`);
      }
      return secondsOf(now);
    }

    /** The values of the scheme's headers in `headers`, in `#scratch`. */
    #pick(headers) {
      if (headers === null || typeof headers !== 'object') {
        throw configError(`headers must be an object, a Headers, a Map or a list of [name, value], found ${describe(headers)}`);
      }
      pickHeaders(headers, this.#names, this.#scratch);
      return this.#scratch;
    }

    /**
     * Verifies a delivery: `body` is the raw body as received (Buffer, Uint8Array or
     * string), `headers` the request's headers (Node `IncomingHttpHeaders`, a record,
     * Fetch `Headers`, a Map, pairs, or a flat `rawHeaders` list). `options.now` pins
     * "now" for this call. Returns the typed Event; throws only VerificationError.
     */
    verify(body, headers, options) {
      let packed;
      let signature, timestamp, id, event, now;
      try {
        const v = this.#pick(headers);
        signature = v[0];
        timestamp = v[1];
        id = v[2];
        event = v[3];
        now = this.#now(options);
        if (typeof body === 'string') {
          packed = this.#native.verifyText(body, signature, timestamp, id, event, now);
        } else {
          body = bodyOf(body);
          packed = this.#native.verify(body, signature, timestamp, id, event, now);
        }
      } catch (error) {
        throw toError(error);
      }
      if (packed.charCodeAt(0) === 33 /* ! */) throw rejection(packed);
      // The backend leaves out what makes the core type `data` and derive the key: asked
      // for (event `number`, the same inputs) only if read.
      const native = this.#native;
      const details = (number) => {
        const text =
          typeof body === 'string'
            ? native.detailsText(number, body, signature, timestamp, id, event, now)
            : native.details(number, body, signature, timestamp, id, event, now);
        if (text.charCodeAt(0) === 33 /* ! */) throw rejection(text);
        return text;
      };
      return new Event(this.#provider, packed, body, details);
    }

    /**
     * Checks size, headers, signature and the replay window only, without parsing the
     * body: `{ timestamp, id, event }` (the timestamp header in Unix seconds, the id and
     * event headers; null where the scheme has none). Throws only VerificationError.
     */
    verifySignature(body, headers, options) {
      const [timestamp, id, event] = call(() => {
        const v = this.#pick(headers);
        const now = this.#now(options);
        const bytes = bodyOf(body);
        return this.#native.verifySignature(typeof bytes === 'string' ? encoder.encode(bytes) : bytes, v[0], v[1], v[2], v[3], now);
      });
      return { timestamp: timestamp === '' ? null : Number(timestamp), id: id || null, event: event || null };
    }

    /**
     * The headers this verifier's scheme (overrides included) would send with `body`
     * signed with `secret`, for tests. `options`: `timestamp` (Unix seconds or a Date,
     * default now), `id`, `event`.
     */
    sign(secret, body, options = {}) {
      const opts = options ?? {};
      const pairs = call(() => {
        const key = secretOf(secret);
        let at = opts.timestamp;
        if (at === undefined || at === null) at = this.#now();
        else if (at instanceof Date) at = Math.floor(at.getTime() / 1000);
        else if (typeof at !== 'number') throw configError(`\`timestamp\` must be Unix seconds or a Date, found ${describe(at)}`);
        const bytes = bodyOf(body);
        return this.#native.sign(
          typeof key === 'string' ? key : undefined,
          typeof key === 'string' ? undefined : key,
          typeof bytes === 'string' ? encoder.encode(bytes) : bytes,
          at,
          opts.id,
          opts.event,
        );
      });
      const headers = {};
      for (let i = 0; i < pairs.length; i += 2) headers[pairs[i]] = pairs[i + 1];
      return headers;
    }

    /**
     * Verifies, claims the event's idempotency key in `store`, awaits `handler(event)`
     * (a function, possibly async, or a Router) once per event, and records the result:
     * success completes the claim, a throw or rejection releases it so the provider's
     * retry is processed. Never rejects for a delivery: resolves to the outcome
     * `{ kind, status, acknowledged, event, error, answer }`, with the HTTP status and the
     * JSON body (`answer`) the provider should get. `store`: a MemoryStore, a RedisStore
     * (native package), any object with the same `begin`/`complete`/`release` (which may
     * return promises), or null for this verifier's own MemoryStore. `options`:
     * `leaseSeconds` (default 30), `retentionSeconds` (default: the provider's retry
     * horizon plus a day), which is also the replay horizon: an event whose signed time
     * is older is refused (`timestamp_too_old`) rather than processed again; `now`.
     */
    async process(body, headers, store, handler, options = {}) {
      return ctx.processDelivery(this, body, headers, store, handler, options);
    }

    /**
     * Verifies a Fetch `Request`: reads its body once (at most `maxBodyBytes` + 1 bytes;
     * none when its Content-Length is over the limit) and verifies it with its headers.
     * The request's body cannot be read again, so the bytes read are on `event.body`
     * (and on the error's `body` when verification fails).
     */
    async verifyRequest(request, options) {
      return ctx.verifyRequest(this, request, options);
    }

    /**
     * Handles a Fetch `Request` end to end and resolves to the `Response` the provider
     * should get (the core's status and JSON body). `options`: `store`, `leaseSeconds`,
     * `retentionSeconds`, `onOutcome(outcome)`, `logger`.
     */
    async handle(request, handler, options = {}) {
      return ctx.fetchHandler({ ...options, verifier: this, handler })(request);
    }

    /** For the other modules of this layer: the delivery steps the core answers. */
    get [INTERNAL]() {
      return (this.#internal ??= {
        /**
         * Verifies for `process` (the lease and retention checked, the retention as the
         * replay horizon); never throws: a delivery that cannot be verified is refused.
         */
        deliver: (body, headers, options) => {
          try {
            const v = this.#pick(headers);
            const now = this.#now(options);
            const lease = numberOption(options, 'leaseSeconds');
            const retention = numberOption(options, 'retentionSeconds');
            const value = bodyOf(body);
            const native =
              typeof value === 'string'
                ? this.#native.deliverText(value, v[0], v[1], v[2], v[3], now, lease, retention)
                : this.#native.deliver(value, v[0], v[1], v[2], v[3], now, lease, retention);
            return { native, body: value };
          } catch (thrown) {
            const error = toError(thrown);
            return { native: this.#native.misconfigured(error[REASON] ?? error.message), body: null };
          }
        },
        /** The values of the scheme's headers and "now" (Unix seconds), for the inbox; throws VerificationError. */
        read: (headers, options) => {
          const v = this.#pick(headers);
          return { values: [v[0], v[1], v[2], v[3]], now: this.#now(options) };
        },
        /** The backend's verifier (the inbox verifies and checks deliveries again with it). */
        native: this.#native,
        /** A delivery the receiver could not hand over, refused as `invalid_config` for `reason`. */
        misconfigured: (reason) => ({ native: this.#native.misconfigured(reason), body: null }),
        /** A body over the limit, refused: `declared` is its Content-Length, undefined when it was cut off while read. */
        tooLarge: (declared) => ({ native: this.#native.tooLarge(declared), body: null }),
        /** This verifier's own MemoryStore, made on first use. */
        store: () => {
          this.#store ??= new ctx.MemoryStore();
          return this.#store;
        },
      });
    }
  }

  return { Verifier, INTERNAL };
};
