// Events and routing for @hookshield/wasm: the verified `Event` (its JSON parsed by the
// engine's own `JSON.parse`, from the verified text, on first read) and the `Router`.
// scripts/build.mjs puts this file beside js/api.js in both builds (strict mode: an ES
// module, or CommonJS under 'use strict'); `bind` calls it.

// eslint-disable-next-line no-unused-vars
function bindEvent({ raw, configError, describe }) {

  const decoder = new TextDecoder();
  const inspect = Symbol.for('nodejs.util.inspect.custom');

  /** A verified delivery. `raw` and `data` are parsed from the verified body on first use. */
  class Event {
    #body;
    #raw;
    #parsed = false;
    #data;
    #dataParsed = false;
    #dataIsBody;
    #dataRange;

    constructor(meta, body) {
      /** The provider that sent it, e.g. `sentinel`. */
      this.provider = meta.provider;
      /** The event type, e.g. `document.completed`. */
      this.type = meta.type;
      /** The documented group of the type, e.g. `document`, `migration.phase`. */
      this.family = meta.family;
      /** The provider's event id, or null. */
      this.id = meta.id;
      /** When the event happened, in Unix milliseconds, or null. */
      this.timestampMs = meta.timestampMs;
      /** The key that identifies the event across redeliveries. */
      this.idempotencyKey = meta.idempotencyKey;
      /** Whether the data is typed: a documented type whose data has its documented shape. */
      this.documented = meta.documented;
      /**
       * Why the data is untyped, or null when it is typed: `undocumented_type`,
       * `data_mismatch`, `missing_type` or `not_an_object`.
       */
      this.untypedReason = meta.untypedReason;
      /** What the core found, in words (e.g. which field did not match), or null. */
      this.untypedDetail = meta.untypedDetail;
      this.#dataIsBody = meta.dataIsBody;
      this.#dataRange = meta.dataRange;
      // A form-encoded GitHub delivery: the JSON is the decoded `payload`, not the body.
      this.#body = meta.jsonText ?? body;
    }

    /** When the event happened, or null. */
    get timestamp() {
      return this.timestampMs === null ? null : new Date(this.timestampMs);
    }

    /** The JSON text of the delivery (the verified body), decoded once. */
    #text() {
      if (typeof this.#body !== 'string') this.#body = decoder.decode(this.#body);
      return this.#body;
    }

    /** The whole parsed document: `JSON.parse` of the body (of the decoded `payload` for a form-encoded GitHub delivery). */
    get raw() {
      if (!this.#parsed) {
        this.#raw = JSON.parse(this.#text());
        this.#parsed = true;
      }
      return this.#raw;
    }

    /**
     * The envelope's `data` (the whole body for senders without an envelope, such as
     * GitHub; null where the envelope has none), parsed from just its part of the body.
     */
    get data() {
      if (this.#dataIsBody) return this.raw;
      if (!this.#dataParsed) {
        const range = this.#dataRange;
        this.#data = range === null ? null : JSON.parse(this.#text().slice(range[0], range[1]));
        this.#dataParsed = true;
      }
      return this.#data;
    }

    /** Whether the type matches a subscription pattern: `*`, `family.*` or an exact type. */
    matches(pattern) {
      if (typeof pattern !== 'string') throw configError(`pattern must be a string, found ${describe(pattern)}`);
      return raw.typeMatches(pattern, this.type);
    }

    toJSON() {
      return {
        provider: this.provider,
        type: this.type,
        family: this.family,
        id: this.id,
        timestamp: this.timestamp === null ? null : this.timestamp.toISOString(),
        timestampMs: this.timestampMs,
        idempotencyKey: this.idempotencyKey,
        documented: this.documented,
        untypedReason: this.untypedReason,
        untypedDetail: this.untypedDetail,
        data: this.data,
      };
    }

    [inspect]() {
      return `Event ${JSON.stringify(this.toJSON(), null, 2)}`;
    }
  }

  /** Handlers by subscription pattern (`*`, `family.*`, exact type), run in registration order. */
  class Router {
    #routes = [];

    on(pattern, handler) {
      if (typeof pattern !== 'string') throw configError(`pattern must be a string, found ${describe(pattern)}`);
      if (typeof handler !== 'function') throw configError(`handler must be a function, found ${describe(handler)}`);
      this.#routes.push([pattern, handler]);
      return this;
    }

    /** The handlers whose pattern matches `type`, in registration order. */
    handlersFor(type) {
      return this.#routes.filter(([pattern]) => raw.typeMatches(pattern, type)).map(([, handler]) => handler);
    }

    /** Awaits every handler matching `event.type`, in registration order; resolves to how many ran. */
    async dispatch(event) {
      const handlers = this.handlersFor(event.type);
      for (const handler of handlers) await handler(event);
      return handlers.length;
    }
  }

  return { Event, Router };
}
