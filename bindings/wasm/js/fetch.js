// The Fetch side of @hookshield/wasm: reading a `Request`'s body within the limit,
// processing it, logging and answering a `Response`. scripts/build.mjs puts this file
// beside js/api.js in both builds (strict mode); `bind` (js/api.js) calls `bindFetch` with
// what it needs.

// eslint-disable-next-line no-unused-vars
function bindFetch({ Verifier, VerificationError, configError, describe, handlerOf, outcomeOf }) {

  const KIB64 = 64 * 1024;

  /** A Content-Length value as a number of bytes, or null when absent or not a number. */
  function declaredLength(value) {
    if (value === null || value === undefined || !/^\s*\d+\s*$/.test(value)) return null;
    return Number(value);
  }

  /**
   * Reads a Fetch Request's body, never holding more than `limit` + 1 bytes of it:
   * `{ bytes }`, or `{ bytes, tooLarge }` with the reason (`declared`: its Content-Length
   * is over the limit, so nothing was read; `read`: the stream passed the limit and was
   * cancelled there).
   */
  async function readRequest(request, limit) {
    if (!request || typeof request !== 'object' || typeof request.headers?.get !== 'function') {
      throw configError(`request must be a Fetch Request, found ${describe(request)}`);
    }
    const stream = request.body;
    const declared = declaredLength(request.headers.get('content-length'));
    if (declared !== null && declared > limit) {
      if (stream && typeof stream.cancel === 'function' && !stream.locked) await stream.cancel().catch(() => {});
      return { bytes: new Uint8Array(0), tooLarge: 'declared' };
    }
    if (stream === null) return { bytes: new Uint8Array(0) };
    if (typeof stream?.getReader !== 'function') {
      // A Request without a readable stream (an old polyfill): all it offers is the whole body.
      const bytes = new Uint8Array(await request.arrayBuffer());
      return bytes.byteLength > limit ? { bytes: bytes.subarray(0, limit + 1), tooLarge: 'read' } : { bytes };
    }
    const reader = stream.getReader();
    let bytes = new Uint8Array(declared ?? Math.min(limit + 1, KIB64));
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { bytes: bytes.subarray(0, size) };
      const chunk = ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : new Uint8Array(value);
      const take = Math.min(chunk.byteLength, limit + 1 - size);
      if (size + take > bytes.byteLength) {
        const grown = new Uint8Array(Math.min(limit + 1, Math.max(2 * bytes.byteLength, size + take)));
        grown.set(bytes.subarray(0, size));
        bytes = grown;
      }
      bytes.set(take === chunk.byteLength ? chunk : chunk.subarray(0, take), size);
      size += take;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        return { bytes: bytes.subarray(0, size), tooLarge: 'read' };
      }
    }
  }

  /** The `body_too_large` error for a body `readRequest` stopped at. */
  function tooLargeError(read, limit, request) {
    const found =
      read.tooLarge === 'declared'
        ? `${request.headers.get('content-length').trim()} bytes declared (Content-Length), refused unread`
        : `more than ${limit} bytes`;
    const error = new VerificationError('body_too_large', `body too large: ${found}, limit is ${limit} bytes`);
    error.body = read.bytes;
    return error;
  }

  /** Reads and verifies a Request for `verifier.verifyRequest`. */
  async function verifyRequest(verifier, request, options) {
    const read = await readRequest(request, verifier.maxBodyBytes);
    if (read.tooLarge) throw tooLargeError(read, verifier.maxBodyBytes, request);
    try {
      const event = verifier.verify(read.bytes, request.headers, options);
      event.body = read.bytes;
      return event;
    } catch (error) {
      if (error instanceof VerificationError) error.body = read.bytes;
      throw error;
    }
  }

  /**
   * Logs an outcome: each rejection (provider, code, status and the core's message,
   * which never holds a secret or an expected signature) as a warning, and what the
   * receiver must fix as an error, a handler's error with its stack.
   */
  function logOutcome(logger, provider, outcome) {
    const { kind, status, error, event } = outcome;
    if (kind === 'rejected') {
      const line = `hookshield: rejected a ${provider} delivery: ${error.code} (${status}): ${error.message}`;
      if (error.code === 'invalid_config') logger.error(line);
      else logger.warn(line);
    } else if (kind === 'handler_failed') {
      logger.error(`hookshield: the handler failed on ${provider} ${event.type || '(no type)'} ${event.idempotencyKey} (${status}):`, error);
    } else if (kind === 'store_unavailable') {
      logger.error(`hookshield: the idempotency store is unavailable (${status}):`, error);
    }
  }

  /** The JSON body answering an outcome. Handler errors stay private; verification errors are safe to show. */
  function responseBody(outcome) {
    const body = { outcome: outcome.kind };
    if (outcome.kind === 'rejected' && outcome.error) {
      body.error = { code: outcome.error.code, message: outcome.error.message };
    }
    return JSON.stringify(body);
  }

  function settings(options) {
    if (options === null || typeof options !== 'object') {
      throw configError(`options must be an object { verifier, handler, store? }, found ${describe(options)}`);
    }
    if (!(options.verifier instanceof Verifier)) {
      throw configError(`options.verifier must be a Verifier, found ${describe(options.verifier)}`);
    }
    handlerOf(options.handler);
    if (options.onOutcome !== undefined && typeof options.onOutcome !== 'function') {
      throw configError(`options.onOutcome must be a function, found ${describe(options.onOutcome)}`);
    }
    const logger = options.logger ?? console;
    if (typeof logger?.warn !== 'function' || typeof logger?.error !== 'function') {
      throw configError(`options.logger must have warn and error methods (like console), found ${describe(logger)}`);
    }
    return {
      verifier: options.verifier,
      handler: options.handler,
      store: options.store ?? null,
      onOutcome: options.onOutcome,
      logger,
      processOptions: { leaseSeconds: options.leaseSeconds, retentionSeconds: options.retentionSeconds },
    };
  }

  /** Logs an outcome, then hands it to `onOutcome`. */
  async function report(config, outcome) {
    logOutcome(config.logger, config.verifier.provider, outcome);
    if (config.onOutcome === undefined) return;
    try {
      await config.onOutcome(outcome);
    } catch (error) {
      config.logger.error('hookshield: onOutcome threw:', error);
    }
  }

  async function deliver(config, body, headers) {
    const outcome = await config.verifier.process(body, headers, config.store, config.handler, config.processOptions);
    await report(config, outcome);
    return outcome;
  }

  function respond(outcome) {
    return new Response(responseBody(outcome), { status: outcome.status, headers: { 'content-type': 'application/json' } });
  }

  /**
   * A Fetch handler (Workers, Deno, Vercel Edge, Bun, ...):
   * `export default { fetch: fetchHandler({ verifier, handler }) }`. Reads at most
   * `maxBodyBytes` + 1 bytes of the body (none when the declared Content-Length is over
   * it), processes it, logs, and answers the status the provider should get with a JSON
   * body `{outcome, error?: {code, message}}`.
   */
  function fetchHandler(options) {
    const config = settings(options);
    const { verifier } = config;
    return async function hookshieldFetch(request) {
      let read;
      try {
        read = await readRequest(request, verifier.maxBodyBytes);
      } catch (error) {
        if (error instanceof VerificationError) throw error;
        const unreadable = new VerificationError('invalid_json', `the request body could not be read: ${error?.message ?? error}`);
        const outcome = outcomeOf(verifier.provider, 'rejected', null, unreadable);
        await report(config, outcome);
        return respond(outcome);
      }
      if (read.tooLarge) {
        const outcome = outcomeOf(verifier.provider, 'rejected', null, tooLargeError(read, verifier.maxBodyBytes, request));
        await report(config, outcome);
        return respond(outcome);
      }
      return respond(await deliver(config, read.bytes, request.headers));
    };
  }

  /** Verifies and processes one delivery with a handler's options; resolves to the outcome. */
  function handleDelivery(options, body, headers) {
    return deliver(settings(options), body, headers);
  }

  /**
   * Handles one Fetch `Request` with `verifier`: `handle(verifier, request, handler, options)`,
   * the same as `verifier.handle(request, handler, options)`.
   */
  function handle(verifier, request, handler, options) {
    if (!(verifier instanceof Verifier)) throw configError(`handle() takes a Verifier first, found ${describe(verifier)}`);
    return verifier.handle(request, handler, options);
  }

  return { verifyRequest, fetchHandler, handleDelivery, handle };
}
