'use strict';
// Receiving webhooks in Express, Fastify, node:http and Fetch (Next.js route handlers):
// read the raw body (never more than the verifier's `maxBodyBytes`), hand it to
// `Verifier.process` with the store (a MemoryStore unless one is given), log what the
// receiver should know, answer with the outcome's status. No framework is imported:
// each integration only uses what the framework passes in.

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
  const logger = options.logger ?? console;
  if (logger === null || typeof logger.error !== 'function' || typeof logger.warn !== 'function') {
    throw new TypeError(`options.logger must have error() and warn() methods (like console), found ${describe(logger)}`);
  }
  return {
    verifier: options.verifier,
    handler,
    store,
    logger,
    onOutcome: options.onOutcome,
    processOptions: { leaseSeconds: options.leaseSeconds, retentionSeconds: options.retentionSeconds },
  };
}

/**
 * Logs what the receiver should know about an outcome: a handler's error with its stack,
 * each rejection (provider, code, status and the core's message, which never holds a
 * secret or an expected signature), and a store that failed.
 */
function logOutcome(logger, provider, outcome) {
  const { kind, status, error, event } = outcome;
  if (kind === 'handler_failed') {
    const what = `${provider} ${event?.type ?? ''} (key ${event?.idempotencyKey})`;
    logger.error(`hookshield: ${what}: the handler failed, answered ${status} so the provider retries:`, error);
  } else if (kind === 'rejected') {
    const log = error?.code === 'invalid_config' ? logger.error : logger.warn;
    log.call(logger, `hookshield: rejected a ${provider} delivery: ${error?.code} (${status}): ${error?.message}`);
  } else if (kind === 'store_unavailable') {
    logger.error(`hookshield: ${provider} delivery: store unavailable, answered ${status}:`, error);
  }
}

/** Logs the outcome, then hands it to the user's `onOutcome` (whose throw is logged). */
async function report(config, outcome) {
  logOutcome(config.logger, config.verifier.provider, outcome);
  if (config.onOutcome === undefined) return;
  try {
    await config.onOutcome(outcome);
  } catch (error) {
    config.logger.error('hookshield: onOutcome threw:', error);
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
 * settings, then logs and reports the outcome. Resolves to the outcome.
 */
async function handleDelivery(config, body, headers) {
  if (body instanceof TooLarge) return rejected(config, tooLargeError(config.verifier.maxBodyBytes, body.declared));
  const outcome = await config.verifier.process(body, headers, config.store, config.handler, config.processOptions);
  await report(config, outcome);
  return outcome;
}

/** The outcome of a delivery refused before the core saw it, logged and reported. */
async function rejected(config, error) {
  const { rejectionStatus } = api();
  const outcome = { kind: 'rejected', status: rejectionStatus(error.code), acknowledged: false, event: null, error };
  await report(config, outcome);
  return outcome;
}

// ---------------------------------------------------------------------------------
// Bounded reads: a declared Content-Length over the limit is refused before reading,
// and a body without one is read only until it passes the limit.

/** A body over the limit, in place of its bytes (dropped, or never read). */
class TooLarge {
  /** `declared`: its Content-Length, or undefined when it was cut short while read. */
  constructor(declared) {
    this.declared = declared;
  }
}

function tooLargeError(limit, declared) {
  const { VerificationError } = api();
  const size = declared === undefined ? `more than ${limit} bytes` : `${declared} bytes (Content-Length)`;
  return new VerificationError('body_too_large', `body too large: ${size}, limit is ${limit} bytes`);
}

/** The declared Content-Length when it is over `limit`, else undefined. */
function declaredOver(value, limit) {
  const declared = Number(value ?? undefined);
  return Number.isFinite(declared) && declared > limit ? declared : undefined;
}

/**
 * Reads a Node request stream, keeping at most `limit` bytes: past them it stops
 * (pauses the stream, drops what it read) and resolves to a TooLarge. Resolves to
 * undefined for a stream that was already read.
 */
function readStream(req, limit) {
  return new Promise((resolve, reject) => {
    if (req.readableEnded || req.destroyed) {
      resolve(undefined);
      return;
    }
    let chunks = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        stop();
        chunks = [];
        resolve(new TooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error) => {
      stop();
      reject(error);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** Reads a Fetch body stream the same way, cancelling it once past `limit`. */
async function readFetchBody(body, limit) {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, size);
    size += value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {}); // not awaited: the sender may never end the stream
      return new TooLarge();
    }
    chunks.push(value);
  }
}

/**
 * The answer to a node:http request. A 413 also closes the connection, so that the rest
 * of a body too large is neither read nor waited for.
 */
function answerHeaders(outcome, text) {
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
  if (outcome.error?.code === 'body_too_large') headers.connection = 'close';
  return headers;
}

// ---------------------------------------------------------------------------------
// Express

const PARSED_BY_OTHER =
  'the request body was already read by another middleware (express.json()?): hookshield needs the raw bytes. ' +
  'Mount the webhook route before express.json(), and give it no body parser (hookshield.express reads the body itself)';

/**
 * Express middleware. With `handler`, it answers the delivery itself (status from the
 * outcome); without one, it verifies, sets `req.webhookEvent` and calls `next()`, or
 * answers the rejection.
 *
 * Needs no body parser: it reads the stream itself, up to the verifier's `maxBodyBytes`
 * (a declared Content-Length over it is answered 413 before reading). A Buffer or string
 * that `express.raw()` / `express.text()` left in `req.body` is used as is (their own
 * `limit`, 100 KiB by default, then applies first). If `express.json()` already consumed
 * the body, it fails loudly: 500 (`invalid_config`, which every provider retries) and an
 * error log naming the fix, never a hang.
 */
function express(options) {
  const config = settings(options, { handlerRequired: false });
  const limit = config.verifier.maxBodyBytes;
  const answer = (res, outcome) => {
    if (outcome.error?.code === 'body_too_large') res.set('connection', 'close');
    res.status(outcome.status).type('application/json').send(responseBody(outcome));
  };
  return function hookshieldExpress(req, res, next) {
    rawBodyOfExpress(req, limit)
      .then(async (body) => {
        if (config.handler !== undefined) {
          answer(res, await handleDelivery(config, body, req.headers));
          return;
        }
        const { VerificationError } = api();
        try {
          if (body instanceof TooLarge) throw tooLargeError(limit, body.declared);
          req.webhookEvent = config.verifier.verify(body, req.headers);
        } catch (error) {
          if (!(error instanceof VerificationError)) throw error;
          answer(res, await rejected(config, error));
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
    throw new VerificationError('invalid_config', PARSED_BY_OTHER);
  }
  const declared = declaredOver(req.headers['content-length'], limit);
  return declared === undefined ? readStream(req, limit) : new TooLarge(declared);
}

// ---------------------------------------------------------------------------------
// Fastify

/**
 * Fastify plugin: `app.register(hookshield.fastify, { verifier, handler, path: '/webhooks' })`.
 * Registers `POST path` in its own encapsulated context, where every content type is
 * read as a raw Buffer of at most the verifier's `maxBodyBytes` (the rest of the app
 * keeps its JSON parser). Fastify refuses a declared Content-Length over it before
 * reading and stops reading a longer body; this plugin answers both as hookshield's
 * `body_too_large` rejection.
 */
async function fastify(app, options) {
  const config = settings(options);
  const path = options.path ?? '/webhooks';
  const limit = config.verifier.maxBodyBytes;
  const answer = (reply, outcome) =>
    reply.code(outcome.status).header('content-type', 'application/json').send(responseBody(outcome));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) => done(null, body));
  app.setErrorHandler(async (error, request, reply) => {
    if (error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw error; // Fastify's own answer
    const declared = declaredOver(request.headers['content-length'], limit);
    return answer(reply, await handleDelivery(config, new TooLarge(declared), request.headers));
  });
  app.post(path, async (request, reply) => {
    const outcome = await handleDelivery(config, request.body ?? Buffer.alloc(0), request.headers);
    return answer(reply, outcome);
  });
}
fastify[Symbol.for('fastify.display-name')] = 'hookshield';

// ---------------------------------------------------------------------------------
// node:http

/**
 * A `node:http` request listener: `http.createServer(hookshield.httpHandler({ verifier, handler }))`,
 * or call it from your own listener for the webhook path. Reads the body (up to the
 * verifier's limit; a declared Content-Length over it is answered 413 before reading)
 * and answers with the outcome's status.
 */
function httpHandler(options) {
  const config = settings(options);
  const limit = config.verifier.maxBodyBytes;
  return function hookshieldHttp(req, res) {
    const answer = (outcome) => {
      if (res.headersSent) return;
      const text = responseBody(outcome);
      res.writeHead(outcome.status, answerHeaders(outcome, text));
      res.end(text);
    };
    const declared = declaredOver(req.headers['content-length'], limit);
    const body = declared === undefined ? readStream(req, limit) : Promise.resolve(new TooLarge(declared));
    body
      .then((read) => handleDelivery(config, read ?? Buffer.alloc(0), req.headers))
      .then(answer)
      .catch((error) => {
        config.logger.error('hookshield: reading the request failed:', error);
        const text = JSON.stringify({ outcome: 'aborted' });
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'application/json' }).end(text);
      });
  };
}

// ---------------------------------------------------------------------------------
// Fetch

/**
 * A Fetch handler, `(request: Request) => Promise<Response>`: for Next.js route handlers
 * (`export const POST = hookshield.fetchHandler({ verifier, handler })`), Deno, Bun,
 * Hono, and the like. Refuses a declared Content-Length over the verifier's limit without
 * reading the body, and reads `request.body` only up to the limit (then cancels it).
 */
function fetchHandler(options) {
  const config = settings(options);
  const limit = config.verifier.maxBodyBytes;
  return async function hookshieldFetch(request) {
    const declared = declaredOver(request.headers.get('content-length'), limit);
    let body;
    if (declared === undefined) {
      body = await readFetchBody(request.body, limit);
    } else {
      request.body?.cancel().catch(() => {});
      body = new TooLarge(declared);
    }
    const outcome = await handleDelivery(config, body, request.headers);
    const headers = { 'content-type': 'application/json' };
    if (outcome.error?.code === 'body_too_large') headers.connection = 'close';
    return new Response(responseBody(outcome), { status: outcome.status, headers });
  };
}

module.exports = {
  express,
  fastify,
  httpHandler,
  fetchHandler,
  handleDelivery: (options, body, headers) => handleDelivery(settings(options), body, headers),
};
