'use strict';
// Fetch `Request`s: Workers, Deno, Bun, Vercel Edge, Next.js route handlers, Hono, ...

module.exports = function fetching(ctx) {
  const { Verifier, INTERNAL, TooLarge, VerificationError, configError, describe, rejection, readRequest, settings, deliver, answerHeaders } = ctx;

  function checkRequest(request) {
    if (request === null || typeof request !== 'object' || typeof request.headers?.get !== 'function') {
      throw configError(`request must be a Fetch Request, found ${describe(request)}`);
    }
  }

  /** Reads and verifies a Request for `verifier.verifyRequest`. */
  async function verifyRequest(verifier, request, options) {
    checkRequest(request);
    const read = await readRequest(request, verifier.maxBodyBytes);
    if (read instanceof TooLarge) {
      const delivery = verifier[INTERNAL].tooLarge(read.declared);
      const error = rejection(delivery.native.packed);
      delivery.native.free?.();
      throw error;
    }
    try {
      const event = verifier.verify(read, request.headers, options);
      event.body = read;
      return event;
    } catch (error) {
      if (error instanceof VerificationError) error.body = read;
      throw error;
    }
  }

  /**
   * A Fetch handler, `(request: Request) => Promise<Response>`: `export const POST =
   * fetchHandler({ verifier, handler })` in a Next.js route, `export default { fetch:
   * fetchHandler({ verifier, handler }) }` in a Worker. Refuses a declared Content-Length
   * over the verifier's `maxBodyBytes` without reading the body, reads `request.body`
   * only up to the limit (then cancels it), processes the delivery, logs, and answers the
   * core's status and JSON body.
   */
  function fetchHandler(options) {
    const config = settings(options);
    const limit = config.verifier.maxBodyBytes;
    return async function hookshieldFetch(request) {
      checkRequest(request);
      const body = await readRequest(request, limit);
      const outcome = await deliver(config, body, request.headers);
      return new Response(outcome.answer, { status: outcome.status, headers: answerHeaders(outcome) });
    };
  }

  /** `verifier.handle(request, handler, options)` as a function. */
  function handle(verifier, request, handler, options) {
    if (!(verifier instanceof Verifier)) throw configError(`handle() takes a Verifier first, found ${describe(verifier)}`);
    return verifier.handle(request, handler, options);
  }

  return { verifyRequest, fetchHandler, handle };
};
