'use strict';
// The verified event: the backend's packed fields unpacked, `data` and `raw` parsed by
// the engine's own JSON.parse from the verified text on first read.

/**
 * Reads one `{len}:{text}` field (or `-` for none) of the packed event fields, starting
 * at `at`; returns the index after it. See `packed` in bindings/node/src/wire.rs.
 */
function field(packed, at, out, slot) {
  if (packed.charCodeAt(at) === 45 /* - */) {
    out[slot] = null;
    return at + 1;
  }
  const start = digits(packed, at) + 1;
  const end = start + number;
  out[slot] = packed.slice(start, end);
  return end;
}

/** The value of the decimal digits read by the last `digits` call. */
let number = 0;

/**
 * Reads the decimal number at `at` of `packed` into `number`; returns the index of the
 * first character after its digits. (Read in place: `Number(packed.slice(...))` makes
 * and hashes a string per number.)
 */
function digits(packed, at) {
  number = 0;
  for (;;) {
    const digit = packed.charCodeAt(at) - 48;
    if (!(digit >= 0 && digit <= 9)) return at;
    number = number * 10 + digit;
    at++;
  }
}

const unpacked = [null, null, null, null, null, null, null];

module.exports = function events({ backend, configError, describe }) {
  /**
   * A verified delivery. See `events.d.ts` for the typed union on `type`. `raw` and
   * `data` are parsed on first read from the body given to `verify` (not copied: do not
   * write into bytes you have verified), or from the JSON text the core decoded where it
   * is not the body (a form-encoded GitHub delivery).
   */
  class Event {
    #body;
    #raw;
    #data;
    /** Where `data`'s text is: 'body' (the whole JSON text), 'range' (#dataStart..#dataEnd), 'text' (#dataText), or null. */
    #dataFrom = null;
    #dataStart = 0;
    #dataEnd = 0;
    #dataText;
    #timestamp;
    #documented;
    #idempotencyKey;
    #untypedReason;
    #untypedDetail;
    /** Where the details were left out (flags `?{number}`): the function that asks the backend for them, and the number. */
    #details;
    #number;

    /**
     * `packed`: the backend's event fields (see `packed` in src/wire.rs); `body`: the
     * verified body as given to `verify` (a string or bytes, decoded when `raw` or
     * `data` is first read); `details`: where `packed` leaves the details out, a function
     * of the event's number returning them (see `details` in src/wire.rs), called on the
     * first read of one.
     */
    constructor(provider, packed, body, details) {
      let at = 2;
      if (packed.charCodeAt(0) === 63 /* ? */) {
        at = digits(packed, 1) + 1;
        this.#details = details;
        this.#number = number;
      } else {
        this.#documented = ((packed.charCodeAt(0) - 48) & 1) === 1;
      }
      for (let slot = 0; slot < 6; slot++) at = field(packed, at, unpacked, slot) + 1;
      const mark = packed.charCodeAt(at);
      if (mark === 42 /* * */) {
        this.#dataFrom = 'body';
        at += 2;
      } else if (mark === 61 /* = */) {
        this.#dataFrom = 'text';
        at = field(packed, at + 1, unpacked, 6) + 1;
        this.#dataText = unpacked[6];
      } else if (mark === 45 /* - */) {
        at += 2;
      } else {
        this.#dataFrom = 'range';
        at = digits(packed, at) + 1;
        this.#dataStart = number;
        at = digits(packed, at) + 1;
        this.#dataEnd = number;
      }
      // Unix milliseconds (negative before 1970), or `-` alone for none.
      let timestampMs = null;
      let end = at + 1;
      const negative = packed.charCodeAt(at) === 45; /* - */
      const first = packed.charCodeAt(negative ? at + 1 : at) - 48;
      if (first >= 0 && first <= 9) {
        end = digits(packed, negative ? at + 1 : at);
        timestampMs = negative ? -number : number;
      }
      /** The provider that sent it, e.g. `sentinel`. */
      this.provider = provider;
      /** The event type, e.g. `document.completed` ("" when the body names none). */
      this.type = unpacked[0];
      /** The documented group of the type, e.g. `document`, `migration.phase`. */
      this.family = unpacked[1];
      /** The provider's event id, or null. */
      this.id = unpacked[2];
      /** When the event happened, in Unix milliseconds, or null. */
      this.timestampMs = timestampMs;
      this.#idempotencyKey = unpacked[3];
      this.#untypedReason = unpacked[4];
      this.#untypedDetail = unpacked[5];
      // The JSON text where it is not the body (a form-encoded GitHub delivery).
      this.#body = end < packed.length ? packed.slice(end + 1) : body;
    }

    /** The details, asked for on the first read of one where `verify` left them out. */
    #detailed() {
      if (this.#details === undefined) return;
      const details = this.#details(this.#number);
      this.#details = undefined;
      this.#documented = ((details.charCodeAt(0) - 48) & 1) === 1;
      let at = 2;
      for (let slot = 0; slot < 3; slot++) at = field(details, at, unpacked, slot) + 1;
      this.#idempotencyKey = unpacked[0];
      this.#untypedReason = unpacked[1];
      this.#untypedDetail = unpacked[2];
    }

    /** The key that identifies the event across redeliveries. */
    get idempotencyKey() {
      this.#detailed();
      return this.#idempotencyKey;
    }

    /** Whether the type is documented and `data` has its documented shape. */
    get documented() {
      this.#detailed();
      return this.#documented;
    }

    /**
     * Why `data` is untyped (`undocumented_type`, `data_mismatch`, `missing_type`,
     * `not_an_object`), or null when it is typed.
     */
    get untypedReason() {
      this.#detailed();
      return this.#untypedReason;
    }

    /** What the core found, in words, or null when typed. */
    get untypedDetail() {
      this.#detailed();
      return this.#untypedDetail;
    }

    /** When the event happened, or null. */
    get timestamp() {
      if (this.#timestamp === undefined) {
        this.#timestamp = this.timestampMs === null ? null : new Date(this.timestampMs);
      }
      return this.#timestamp;
    }

    /** The verified JSON text, decoded once. */
    #text() {
      if (typeof this.#body !== 'string') this.#body = backend.utf8(this.#body);
      return this.#body;
    }

    /**
     * The whole parsed body (for a form-encoded GitHub delivery, its `payload`), parsed
     * on first use from the verified text (the core has already checked it and parsed
     * what it needs), which measured faster than building the objects in Rust.
     */
    get raw() {
      if (this.#raw === undefined) this.#raw = JSON.parse(this.#text());
      return this.#raw;
    }

    /**
     * The envelope's `data` (the whole body for senders without an envelope, such as
     * GitHub; null where the envelope has none). Parsed on first use from just its part
     * of the verified text.
     */
    get data() {
      if (this.#data === undefined) {
        switch (this.#dataFrom) {
          case 'body':
            return this.raw;
          case 'range':
            this.#data = JSON.parse(this.#text().slice(this.#dataStart, this.#dataEnd));
            break;
          case 'text':
            this.#data = JSON.parse(this.#dataText);
            break;
          default:
            this.#data = null;
        }
      }
      return this.#data;
    }

    /** Whether the type matches a subscription pattern: `*`, `family.*`, `family/*` or an exact type. */
    matches(pattern) {
      if (typeof pattern !== 'string') throw configError(`pattern must be a string, found ${describe(pattern)}`);
      return backend.typeMatches(pattern, this.type);
    }

    /** The event as JSON: `timestamp` as ISO 8601 text (and `timestampMs`), `data` parsed. */
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

    [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
      const json = this.toJSON();
      return `Event ${typeof inspect === 'function' ? inspect(json, options) : JSON.stringify(json, null, 2)}`;
    }
  }

  return { Event };
};
