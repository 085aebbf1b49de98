'use strict';
// Receiving webhooks in Express, Fastify and node:http. No framework is imported: each
// helper only uses what the framework passes in. Each reads the raw body itself, never
// more than the verifier's `maxBodyBytes`.

const PARSED_BY_OTHER =
  'the request body was already read by another middleware (express.json()?): hookshield needs the raw bytes. ' +
  'Mount the webhook route before express.json(), and give it no body parser (hookshield.express reads the body itself)';

module.exports = function frameworks(ctx) {
  const { INTERNAL, TooLarge, declaredOver, readStream, settings, deliver, reject, answerHeaders, Event } = ctx;

  /** A body another middleware consumed without leaving it parsed. */
  const CONSUMED = Symbol('consumed');

  async function rawBodyOfExpress(req, limit) {
    const parsed = req.body;
    if (parsed instanceof Uint8Array || typeof parsed === 'string') return parsed;
    // body-parser marks a body it consumed with `req._body`.
    const consumed = req._body === true || req.readableEnded;
    // A parsed object goes to the verifier: its error names the fix.
    if (parsed !== undefined && parsed !== null && consumed) return parsed;
    if (consumed) return CONSUMED;
    const declared = declaredOver(req.headers['content-length'], limit);
    return declared === undefined ? readStream(req, limit) : new TooLarge(declared);
  }

  /**
   * Express middleware. With `handler` (or `inbox`), it answers the delivery itself (the
   * core's status and JSON body); without either, it verifies, sets `req.webhookEvent`
   * and calls `next()`, or answers the rejection.
   *
   * Needs no body parser: it reads the stream itself, up to the verifier's
   * `maxBodyBytes` (a declared Content-Length over it is answered 413 before reading). A
   * Buffer or string that `express.raw()` / `express.text()` left in `req.body` is used
   * as is (their own `limit`, 100 KiB by default, then applies first). If
   * `express.json()` already consumed the body, it fails loudly: 500 (`invalid_config`,
   * which every provider retries) and an error log naming the fix, never a hang.
   */
  function express(options) {
    const config = settings(options, { handlerRequired: false });
    const { verifier } = config;
    const answer = (res, outcome) => {
      res.status(outcome.status).set(answerHeaders(outcome)).send(outcome.answer);
    };
    return function hookshieldExpress(req, res, next) {
      rawBodyOfExpress(req, verifier.maxBodyBytes)
        .then(async (body) => {
          if (body === CONSUMED) {
            answer(res, await reject(config, verifier[INTERNAL].misconfigured(PARSED_BY_OTHER)));
            return;
          }
          if (config.handler !== undefined || config.inbox !== undefined) {
            answer(res, await deliver(config, body, req.headers));
            return;
          }
          // Verify only: the same steps as `process`, without a store.
          const delivery =
            body instanceof TooLarge ? verifier[INTERNAL].tooLarge(body.declared) : verifier[INTERNAL].deliver(body ?? new Uint8Array(0), req.headers, {});
          const packed = delivery.native.packed;
          if (packed.charCodeAt(0) === 33 /* ! */) {
            answer(res, await reject(config, delivery));
            return;
          }
          delivery.native.free?.();
          req.webhookEvent = new Event(verifier.provider, packed, delivery.body);
          next();
        })
        .catch(next);
    };
  }

  /**
   * Fastify plugin: `app.register(hookshield.fastify, { verifier, handler, path: '/webhooks' })`.
   * Registers `POST path` in its own encapsulated context, where every content type is
   * read as a raw Buffer of at most the verifier's `maxBodyBytes` (the rest of the app
   * keeps its JSON parser). Fastify refuses a declared Content-Length over it before
   * reading and stops reading a longer body; this plugin answers both as the core's
   * `body_too_large` rejection.
   */
  async function fastify(app, options) {
    const config = settings(options);
    const path = options.path ?? '/webhooks';
    const limit = config.verifier.maxBodyBytes;
    const answer = (reply, outcome) => reply.code(outcome.status).headers(answerHeaders(outcome)).send(outcome.answer);
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) => done(null, body));
    app.setErrorHandler(async (error, request, reply) => {
      if (error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw error; // Fastify's own answer
      const declared = declaredOver(request.headers['content-length'], limit);
      return answer(reply, await deliver(config, new TooLarge(declared), request.headers));
    });
    app.post(path, async (request, reply) => answer(reply, await deliver(config, request.body ?? new Uint8Array(0), request.headers)));
  }
  fastify[Symbol.for('fastify.display-name')] = 'hookshield';

  /**
   * A `node:http` request listener: `http.createServer(hookshield.httpHandler({ verifier, handler }))`,
   * or call it from your own listener for the webhook path. Reads the body (up to the
   * verifier's limit; a declared Content-Length over it is answered 413 before reading)
   * and answers the core's status and JSON body.
   */
  function httpHandler(options) {
    const config = settings(options);
    const limit = config.verifier.maxBodyBytes;
    return function hookshieldHttp(req, res) {
      const declared = declaredOver(req.headers['content-length'], limit);
      const body = declared === undefined ? readStream(req, limit) : Promise.resolve(new TooLarge(declared));
      body
        .then((read) => deliver(config, read ?? new Uint8Array(0), req.headers))
        .then((outcome) => {
          if (res.headersSent) return;
          const headers = answerHeaders(outcome);
          headers['content-length'] = String(Buffer.byteLength(outcome.answer));
          res.writeHead(outcome.status, headers);
          res.end(outcome.answer);
        })
        .catch((error) => {
          // The request broke off while it was read: nobody is left to answer.
          config.logger.error('hookshield: reading the request failed:', error);
          res.destroy();
        });
    };
  }

  return { express, fastify, httpHandler };
};
