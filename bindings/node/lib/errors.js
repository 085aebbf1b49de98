'use strict';
// The one error of hookshield, and turning what a backend throws into it.

/** A value named for a message: its type, or its class for an object. */
function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    let name;
    try {
      name = Object.getPrototypeOf(value)?.constructor?.name;
    } catch {
      name = undefined; // a Proxy that throws
    }
    return name && name !== 'Object' ? `an object (${name})` : 'an object';
  }
  return typeof value;
}

const REASON = Symbol('hookshield.reason');

module.exports = function errors({ backend }) {
  /**
   * The one error of hookshield. `code` is one of the core's stable codes
   * (`signature_mismatch`, `timestamp_too_old`, ...), `invalid_config` for a verifier
   * (or a receiver) set up wrongly, or `store_unavailable` when the idempotency store
   * failed; `status` is the HTTP status the core gives a delivery rejected that way.
   * Messages never contain a secret or an expected signature.
   */
  class VerificationError extends Error {
    constructor(code, message) {
      super(message);
      this.name = 'VerificationError';
      this.code = code;
    }

    /** The HTTP status for this code (the core's), or undefined for an unknown code. */
    get status() {
      try {
        return backend.errorStatus(String(this.code)) ?? undefined;
      } catch {
        return undefined; // the WebAssembly module is not loaded yet
      }
    }
  }

  /**
   * The core's `invalid_config` error for `reason` (its message is the core's). The
   * reason stays on the error, for a delivery refused with it (see verifier.js).
   */
  function configError(reason) {
    let message;
    try {
      message = backend.configMessage(reason);
    } catch {
      message = reason; // the WebAssembly module is not loaded yet
    }
    const error = new VerificationError('invalid_config', message);
    Object.defineProperty(error, REASON, { value: reason });
    return error;
  }

  /** The core's `store_unavailable` error for `reason`. */
  function storeError(reason) {
    return new VerificationError('store_unavailable', backend.storeMessage(reason));
  }

  /** Anything thrown on the way, as a VerificationError (nothing else leaves `verify`). */
  function toError(error) {
    if (error instanceof VerificationError) return error;
    const known = backend.errorOf(error);
    if (known !== undefined) return new VerificationError(known.code, known.message);
    // Not reachable through the public API; kept so that nothing but a VerificationError
    // ever leaves `verify`.
    let message;
    try {
      message = error instanceof Error ? error.message : String(error);
    } catch {
      message = describe(error);
    }
    return configError(`hookshield internal error: ${message}`);
  }

  /** `fn()`, its throw turned into a VerificationError. */
  function call(fn) {
    try {
      return fn();
    } catch (error) {
      throw toError(error);
    }
  }

  /** The VerificationError for a backend's packed rejection, `!{code}|{message}`. */
  function rejection(packed) {
    const bar = packed.indexOf('|');
    return new VerificationError(packed.slice(1, bar), packed.slice(bar + 1));
  }

  return { VerificationError, configError, storeError, toError, call, rejection, describe, REASON };
};
