'use strict';
// What every helper (Express, Fastify, node:http, Fetch) does with a delivery: check its
// options, process the body it read (the verifier's own MemoryStore unless a store is
// given), or append it to an inbox, log what the receiver should know, and hand the
// outcome to `onOutcome`. The answer (status and JSON body) is the core's, on the outcome.

module.exports = function receiving(ctx) {
  const { Verifier, INTERNAL, TooLarge, configError, describe, storeOf, inboxOf, processDelivery, refused } = ctx;

  /** Checks the options every helper takes and fills in the defaults. */
  function settings(options, { handlerRequired = true } = {}) {
    if (options === null || typeof options !== 'object') {
      throw configError(`options must be an object { verifier, handler, store? }, found ${describe(options)}`);
    }
    const { verifier, handler } = options;
    if (!(verifier instanceof Verifier)) {
      throw configError(`options.verifier must be a hookshield Verifier, found ${describe(verifier)}`);
    }
    const inbox = inboxOf(options.inbox);
    if (inbox !== undefined && (handler !== undefined || options.store !== undefined)) {
      throw configError('with options.inbox, the handler runs in the inbox\'s worker (inbox.worker(handler, { verifier }).run()), and the inbox remembers deliveries: give no handler or store to the helper');
    }
    if (handler === undefined ? handlerRequired && inbox === undefined : !(typeof handler === 'function' || typeof handler?.dispatch === 'function')) {
      throw configError(`options.handler must be a function or a Router, found ${describe(handler)}`);
    }
    const store = inbox === undefined ? storeOf(options.store, verifier[INTERNAL].store) : undefined;
    if (options.onOutcome !== undefined && typeof options.onOutcome !== 'function') {
      throw configError(`options.onOutcome must be a function, found ${describe(options.onOutcome)}`);
    }
    const logger = options.logger ?? console;
    if (logger === null || typeof logger !== 'object' || typeof logger.error !== 'function' || typeof logger.warn !== 'function') {
      throw configError(`options.logger must have error() and warn() methods (like console), found ${describe(logger)}`);
    }
    return {
      verifier,
      handler,
      store,
      inbox,
      logger,
      onOutcome: options.onOutcome,
      processOptions: { leaseSeconds: options.leaseSeconds, retentionSeconds: options.retentionSeconds },
    };
  }

  /**
   * Logs what the receiver should know about an outcome: each rejection (provider, code,
   * status and the core's message, which never holds a secret or an expected signature)
   * as a warning, or as an error when the receiver is set up wrongly; a handler's error
   * with its stack; a store that failed.
   */
  function logOutcome(logger, provider, outcome, storage) {
    const { kind, status, error, event } = outcome;
    if (kind === 'rejected') {
      const line = `hookshield: rejected a ${provider} delivery: ${error.code} (${status}): ${error.message}`;
      if (error.code === 'invalid_config') logger.error(line);
      else logger.warn(line);
    } else if (kind === 'handler_failed') {
      const what = `${provider} ${event.type || '(no type)'} ${event.idempotencyKey}`;
      logger.error(`hookshield: the handler failed on ${what} (${status}):`, error);
    } else if (kind === 'store_unavailable') {
      logger.error(`hookshield: the ${storage} is unavailable for a ${provider} delivery (${status}):`, error);
    }
  }

  /** Logs the outcome, then hands it to the user's `onOutcome` (whose throw is logged). */
  async function report(config, outcome) {
    logOutcome(config.logger, config.verifier.provider, outcome, config.inbox === undefined ? 'idempotency store' : 'inbox');
    if (config.onOutcome === undefined) return outcome;
    try {
      await config.onOutcome(outcome);
    } catch (error) {
      config.logger.error('hookshield: onOutcome threw:', error);
    }
    return outcome;
  }

  /**
   * Verifies and processes one delivery (`body`: the bytes read, or a TooLarge), logs
   * and reports the outcome; resolves to it.
   */
  async function deliver(config, body, headers) {
    if (body instanceof TooLarge) return report(config, refused(config.verifier[INTERNAL].tooLarge(body.declared)));
    const { verifier, store, inbox, handler, processOptions } = config;
    if (inbox !== undefined) return report(config, await inbox.accept(verifier, body, headers));
    return report(config, await processDelivery(verifier, body, headers, store, handler, processOptions));
  }

  /** An outcome refused before processing (a verify-only helper's rejection), logged and reported. */
  function reject(config, delivery) {
    return report(config, refused(delivery));
  }

  /** The headers of a helper's answer; a 413 also closes the connection, so the rest of the body is never read. */
  function answerHeaders(outcome) {
    const headers = { 'content-type': 'application/json' };
    if (outcome.status === 413) headers.connection = 'close';
    return headers;
  }

  /**
   * Verifies and processes one delivery with a helper's options
   * (`{ verifier, handler, store?, logger?, onOutcome?, leaseSeconds?, retentionSeconds? }`,
   * or `{ verifier, inbox, ... }` to append it to the inbox instead), logs it; resolves to
   * the outcome.
   */
  function handleDelivery(options, body, headers) {
    return deliver(settings(options), body, headers);
  }

  return { settings, deliver, reject, answerHeaders, handleDelivery };
};
