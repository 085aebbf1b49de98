'use strict';
// Receiving webhooks in Express, Fastify, node:http and Fetch (Next.js route handlers):
// read the raw body, hand it to `Verifier.process`, answer with the outcome's status.
// No framework is imported: each integration only uses what the framework passes in.

function api() {
  // Loaded on first use: hookshield.js requires this file at its end.
  return require('./hookshield.js');
}

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? `an object (${value.constructor?.name ?? 'Object'})` : typeof value;
}

/** Checks the options every integration takes and fills in the defaults. */
function settings(options, { handlerRequired = true } = {}) {
  const { Verifier, MemoryStore, Router, isStore } = api();
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options must be an object { verifier, handler, store? }, found ${describe(options)}`);
  }
  if (!(options.verifier instanceof Verifier)) {
    throw new TypeError(`options.verifier must be a hookshield Verifier, found ${describe(options.verifier)}`);
  }
  const { handler } = options;
  if (handler === undefined ? handlerRequired : !(typeof handler === 'function' || handler instanceof Router)) {
    throw new TypeError(`options.handler must be a function or a Router, found ${describe(handler)}`);
  }
  const store = options.store ?? new MemoryStore();
  if (!isStore(store)) {
    throw new TypeError(`options.store must be a hookshield MemoryStore or RedisStore, found ${describe(store)}`);
  }
  if (options.onOutcome !== undefined && typeof options.onOutcome !== 'function') {
    throw new TypeError(`options.onOutcome must be a function, found ${describe(options.onOutcome)}`);
  }
  return {
    verifier: options.verifier,
    handler,
    store,
    onOutcome: options.onOutcome ?? logProblems,
    processOptions: { leaseSeconds: options.leaseSeconds, retentionSeconds: options.retentionSeconds },
  };
}

/** The default `onOutcome`: says loudly what the receiver (not the sender) must fix. */
function logProblems(outcome) {
  const { kind, error } = outcome;
  if (kind === 'handler_failed' || kind === 'store_unavailable' || error?.code === 'invalid_config') {
    console.error(`hookshield: ${kind} (${outcome.status}): ${error?.message ?? 'unknown error'}`);
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

/**
 * Verifies and processes one delivery: `verifier.process` with the integration's
 * settings, then `onOutcome`. Resolves to the outcome.
 */
async function handleDelivery(config, body, headers) {
  const outcome = await config.verifier.process(body, headers, config.store, config.handler, config.processOptions);
  try {
    await config.onOutcome(outcome);
  } catch (error) {
    console.error('hookshield: onOutcome threw:', error);
  }
  return outcome;
}

/** A body larger than the limit, cut short after limit + 1 bytes. */
class TooLarge {
  constructor(bytes) {
    this.bytes = bytes;
  }
}

/**
 * Reads a Node request stream (at most `limit` + 1 bytes: the core then rejects it with
 * `body_too_large`). Never waits on a stream that was already read.
 */
function readStream(req, limit) {
  return new Promise((resolve, reject) => {
    if (req.readableEnded || req.destroyed) {
      resolve(undefined);
      return;
    }
    const chunks = [];
    let size = 0;
    const done = (value) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      resolve(value);
    };
    const onData = (chunk) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        req.pause();
        done(new TooLarge(Buffer.concat(chunks)));
      }
    };
    const onEnd = () => done(Buffer.concat(chunks, size));
    const onError = (error) => {
      req.off('data', onData);
      req.off('end', onEnd);
      reject(error);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function tooLargeError(limit) {
  const { VerificationError } = api();
  return new VerificationError('body_too_large', `body too large: more than ${limit} bytes, limit is ${limit} bytes`);
}

/** Runs the delivery, turning a body cut short into the core's 413 outcome. */
async function deliver(config, body, headers) {
  if (body instanceof TooLarge) {
    const outcome = await handleDelivery(config, body.bytes, headers);
    if (outcome.error?.code === 'body_too_large') outcome.error = tooLargeError(config.verifier.maxBodyBytes);
    return outcome;
  }
  return handleDelivery(config, body, headers);
}

// ---------------------------------------------------------------------------------
// Express

const PARSED_BY_OTHER =
  "the request body was already read by another middleware (express.json()?): hookshield needs the raw bytes. Mount the webhook route before express.json(), or give it express.raw({ type: 'application/json' })";

/**
 * Express middleware. With `handler`, it answers the delivery itself (status from the
 * outcome); without one, it verifies, sets `req.webhookEvent` and calls `next()`, or
 * answers the rejection.
 *
 * Works with `express.raw({ type: 'application/json' })` (or `express.text`), and
 * without any body parser (it reads the stream). If `express.json()` already consumed
 * the body, it fails loudly: 500 (`invalid_config`, which every provider retries) and
 * an error log naming the fix, never a hang.
 */
function express(options) {
  const config = settings(options, { handlerRequired: false });
  return function hookshieldExpress(req, res, next) {
    rawBodyOfExpress(req, config.verifier.maxBodyBytes)
      .then(async (body) => {
        if (config.handler !== undefined) {
          const outcome = await deliver(config, body, req.headers);
          res.status(outcome.status).type('application/json').send(responseBody(outcome));
          return;
        }
        const { VerificationError, rejectionStatus } = api();
        try {
          if (body instanceof TooLarge) throw tooLargeError(config.verifier.maxBodyBytes);
          req.webhookEvent = config.verifier.verify(body, req.headers);
        } catch (error) {
          if (!(error instanceof VerificationError)) throw error;
          const outcome = { kind: 'rejected', status: rejectionStatus(error.code), acknowledged: false, event: null, error };
          await config.onOutcome(outcome);
          res.status(outcome.status).type('application/json').send(responseBody(outcome));
          return;
        }
        next();
      })
      .catch(next);
  };
}

async function rawBodyOfExpress(req, limit) {
  const parsed = req.body;
  if (Buffer.isBuffer(parsed) || typeof parsed === 'string') return parsed;
  if (parsed instanceof Uint8Array) return parsed;
  // body-parser marks a body it consumed with `req._body`.
  const consumed = req._body === true || req.readableEnded;
  if (parsed !== undefined && parsed !== null && consumed) {
    // Hand the parsed object to the verifier: its error names the fix.
    return parsed;
  }
  if (consumed) {
    const { VerificationError } = api();
    return Promise.reject(new VerificationError('invalid_config', PARSED_BY_OTHER));
  }
  return readStream(req, limit);
}

// ---------------------------------------------------------------------------------
// Fastify

/**
 * Fastify plugin: `app.register(hookshield.fastify, { verifier, handler, path: '/webhooks' })`.
 * Registers `POST path` in its own encapsulated context, where every content type is
 * read as a raw Buffer (the rest of the app keeps its JSON parser).
 */
async function fastify(app, options) {
  const config = settings(options);
  const path = options.path ?? '/webhooks';
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: config.verifier.maxBodyBytes }, (_req, body, done) =>
    done(null, body),
  );
  app.post(path, async (request, reply) => {
    const body = request.body ?? Buffer.alloc(0);
    const outcome = await deliver(config, body, request.headers);
    reply.code(outcome.status).header('content-type', 'application/json').send(responseBody(outcome));
    return reply;
  });
}
fastify[Symbol.for('fastify.display-name')] = 'hookshield';

// ---------------------------------------------------------------------------------
// node:http

/**
 * A `node:http` request listener: `http.createServer(hookshield.httpHandler({ verifier, handler }))`,
 * or call it from your own listener for the webhook path. Reads the body (up to the
 * verifier's limit) and answers with the outcome's status.
 */
function httpHandler(options) {
  const config = settings(options);
  return function hookshieldHttp(req, res) {
    const answer = (status, text) => {
      if (res.headersSent) return;
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    readStream(req, config.verifier.maxBodyBytes)
      .then((body) => deliver(config, body ?? Buffer.alloc(0), req.headers))
      .then((outcome) => answer(outcome.status, responseBody(outcome)))
      .catch((error) => {
        console.error('hookshield: reading the request failed:', error);
        answer(400, JSON.stringify({ outcome: 'aborted' }));
      });
  };
}

// ---------------------------------------------------------------------------------
// Fetch

/**
 * A Fetch handler, `(request: Request) => Promise<Response>`: for Next.js route handlers
 * (`export const POST = hookshield.fetchHandler({ verifier, handler })`), Deno, Bun,
 * Hono, and the like. Reads the body bytes once (`request.arrayBuffer()`).
 */
function fetchHandler(options) {
  const config = settings(options);
  const limit = config.verifier.maxBodyBytes;
  return async function hookshieldFetch(request) {
    const declared = Number(request.headers.get('content-length'));
    let body;
    let outcome;
    if (Number.isFinite(declared) && declared > limit) {
      const { rejectionStatus } = api();
      const error = tooLargeError(limit);
      outcome = { kind: 'rejected', status: rejectionStatus(error.code), acknowledged: false, event: null, error };
      await config.onOutcome(outcome);
    } else {
      body = new Uint8Array(await request.arrayBuffer());
      outcome = await deliver(config, body, request.headers);
    }
    return new Response(responseBody(outcome), {
      status: outcome.status,
      headers: { 'content-type': 'application/json' },
    });
  };
}

module.exports = { express, fastify, httpHandler, fetchHandler, handleDelivery: (options, body, headers) => handleDelivery(settings(options), body, headers) };
