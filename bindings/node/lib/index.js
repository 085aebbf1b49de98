'use strict';
// hookshield's JavaScript API, one source for both npm packages: `hookshield` binds it
// to the napi addon (../backend.js), `@hookshield/wasm` to its wasm-bindgen module
// (bindings/wasm/js/backend.js; scripts/build.mjs bundles these files into each build).
//
// This layer converts JavaScript values to what the core takes and back, reads request
// bodies within the limit, and calls handlers and stores (which may be asynchronous).
// Every rule (schemes, order of checks, replay windows, envelopes, idempotency keys,
// option limits, statuses, answers and messages) is the core's.
//
// A backend is an object with: `ready()` (throws until the module is loaded),
// `verifier(provider, secrets, tolerance, maxBodyBytes, overrides)` (a native verifier:
// see bindings/node/src/verifier.rs), `memoryStore(capacity)`, optionally
// `redisStore(url, prefix, timeout)` and `inbox(url)` (bindings/node/src/inbox.rs; the
// WebAssembly package has neither), `sample`, `sampleTypes`, `errorCodes`,
// `errorStatus`, `configMessage`, `storeMessage`, `typeMatches`, `errorOf(thrown)` (the
// core's `{ code, message }` in what it threw, else undefined) and `utf8(bytes)`.

const MODULES = [
  require('./errors.js'),
  require('./event.js'),
  require('./router.js'),
  require('./store.js'),
  require('./body.js'),
  require('./verifier.js'),
  require('./process.js'),
  require('./inbox.js'),
  require('./receive.js'),
  require('./fetch.js'),
  require('./frameworks.js'),
];

module.exports = function bind(backend) {
  // Each module adds what it defines to `ctx`, and finds there what the earlier ones did.
  const ctx = { backend };
  for (const define of MODULES) Object.assign(ctx, define(ctx));
  const { VerificationError, configError, call, describe, Verifier } = ctx;

  /**
   * The headers `provider` would send with `body` signed with `secret`, as an object.
   * `options`: `timestamp` (Unix seconds or a Date, default now), `id`, `event`, and
   * scheme overrides (as for a Verifier: by name, or in `overrides`).
   */
  function sign(provider, secret, body, options = {}) {
    if (typeof provider !== 'string') throw configError(`provider must be a string, found ${describe(provider)}`);
    const { timestamp, id, event, ...scheme } = options ?? {};
    return new Verifier(provider, [secret], scheme).sign(secret, body, { timestamp, id, event });
  }

  /**
   * The sample body (JSON text, from the provider's document) of `type`, or null. Its
   * event time is stamped `options.now` (Unix milliseconds or a Date; default now), so
   * that it verifies within the replay horizon.
   */
  function sample(provider, type, options = {}) {
    backend.ready();
    let now = options?.now ?? Date.now();
    if (now instanceof Date) now = now.getTime();
    if (typeof now !== 'number' || !Number.isFinite(now)) {
      throw configError(`\`now\` must be Unix milliseconds or a Date, found ${describe(now)}`);
    }
    return call(() => backend.sample(String(provider), String(type), Math.floor(now / 1000))) ?? null;
  }

  /** The event types `provider` has samples for. */
  function sampleTypes(provider) {
    backend.ready();
    return call(() => backend.sampleTypes(String(provider)));
  }

  /** The HTTP status a delivery rejected with this error code should get (the core's). */
  function rejectionStatus(code) {
    backend.ready();
    const status = backend.errorStatus(String(code));
    if (status === undefined || status === null) throw configError(`unknown error code ${JSON.stringify(code)}`);
    return status;
  }

  /** Every verification error code, in the core's order. */
  function errorCodes() {
    backend.ready();
    return backend.errorCodes();
  }

  const api = {
    Verifier,
    Event: ctx.Event,
    VerificationError,
    MemoryStore: ctx.MemoryStore,
    Router: ctx.Router,
    sign,
    sample,
    sampleTypes,
    rejectionStatus,
    errorCodes,
    handle: ctx.handle,
    fetchHandler: ctx.fetchHandler,
    handleDelivery: ctx.handleDelivery,
    express: ctx.express,
    fastify: ctx.fastify,
    httpHandler: ctx.httpHandler,
  };
  if (ctx.RedisStore) api.RedisStore = ctx.RedisStore;
  if (backend.inbox) api.Inbox = ctx.Inbox;
  return api;
};
