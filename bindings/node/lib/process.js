'use strict';
// Processing a delivery exactly once: verified and answered by the core, claimed and
// handled here, because stores and handlers may be asynchronous JavaScript.

module.exports = function processing(ctx) {
  const { Event, Verifier, INTERNAL, VerificationError, configError, storeError, rejection, storeOf, describe } = ctx;

  /** A handler: a function, or a Router (or anything with the same `dispatch`). */
  function handlerOf(handler) {
    if (typeof handler === 'function') return handler;
    if (typeof handler?.dispatch === 'function') return (event) => handler.dispatch(event);
    throw configError(`handler must be a function or a Router, found ${describe(handler)}`);
  }

  /**
   * The outcome `{ kind, status, acknowledged, event, error, answer }`: the status, whether
   * it acknowledges the delivery and the JSON body to answer (`answer`) are the core's.
   * `message`: the handler's or the store's error message.
   */
  function outcomeOf(delivery, kind, event, error, message) {
    const settled = delivery.native.settle(kind, message);
    delivery.native.free?.(); // a wasm-bindgen object
    const bar = settled.indexOf('|');
    return {
      kind,
      status: Number(settled.slice(0, bar)),
      acknowledged: settled.charCodeAt(bar + 1) === 49 /* 1 */,
      event,
      error,
      answer: settled.slice(bar + 3),
    };
  }

  /** The outcome of a delivery refused before its event was known. */
  function refused(delivery) {
    return outcomeOf(delivery, 'rejected', null, rejection(delivery.native.packed));
  }

  /** A store's failure as a VerificationError (`store_unavailable`). */
  function unavailable(error) {
    if (error instanceof VerificationError) return error;
    return storeError(error instanceof Error ? error.message : String(error));
  }

  /**
   * Verifies, claims the event's idempotency key in `store`, awaits `handler(event)` (a
   * function, possibly async, or a Router) once per event, and records the result:
   * success completes the claim, a throw or rejection releases it so the provider's
   * retry is processed. Resolves to the outcome (never rejects for a delivery).
   */
  async function processDelivery(verifier, body, headers, store, handler, options) {
    if (!(verifier instanceof Verifier)) throw configError(`process needs a Verifier, found ${describe(verifier)}`);
    const internal = verifier[INTERNAL];
    const run = handlerOf(handler);
    const target = storeOf(store, internal.store);
    const delivery = internal.deliver(body, headers, options ?? {});
    const packed = delivery.native.packed;
    if (packed.charCodeAt(0) === 33 /* ! */) return outcomeOf(delivery, 'rejected', null, rejection(packed));
    const event = new Event(verifier.provider, packed, delivery.body);
    const key = event.idempotencyKey;
    let state;
    try {
      state = await target.begin(key, { leaseSeconds: delivery.native.lease });
    } catch (error) {
      const failure = unavailable(error);
      return outcomeOf(delivery, 'store_unavailable', event, failure, failure.message);
    }
    if (state === 'done') return outcomeOf(delivery, 'duplicate', event, null);
    if (state === 'in_progress') return outcomeOf(delivery, 'in_progress', event, null);
    if (state !== 'fresh') {
      const failure = unavailable(`store.begin answered ${JSON.stringify(state)}; expected fresh, in_progress or done`);
      return outcomeOf(delivery, 'store_unavailable', event, failure, failure.message);
    }
    let failure;
    try {
      await run(event);
    } catch (thrown) {
      failure = thrown instanceof Error ? thrown : new Error(`handler failed: ${String(thrown)}`);
    }
    if (failure !== undefined) {
      try {
        await target.release(key);
      } catch {
        // The lease still expires and frees the key.
      }
      return outcomeOf(delivery, 'handler_failed', event, failure, failure.message || failure.name);
    }
    try {
      await target.complete(key, { retentionSeconds: delivery.native.retention });
    } catch (error) {
      const down = unavailable(error);
      return outcomeOf(delivery, 'store_unavailable', event, down, down.message);
    }
    return outcomeOf(delivery, 'processed', event, null);
  }

  return { processDelivery, refused, handlerOf };
};
