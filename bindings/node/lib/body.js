'use strict';
// Bodies: what `verify` takes, and reading a request's body within the verifier's limit
// (a declared Content-Length over it is refused before reading; a body without one is
// read only until it passes the limit).

const RAW_BODY_HELP =
  'The signature covers the exact bytes that were sent, so pass the raw body: ' +
  "with Express, `express.raw({ type: 'application/json', limit: verifier.maxBodyBytes })` on this route " +
  'instead of `express.json()` (or hookshield.express with no body parser: it reads the body itself); ' +
  'with Fetch or Next.js route handlers, `await req.text()` (or `new Uint8Array(await req.arrayBuffer())`); ' +
  "with Fastify, a content-type parser with `parseAs: 'buffer'` (or hookshield's Fastify plugin); " +
  'with node:http, the collected request chunks (or `hookshield.httpHandler`).';

/** A body over the limit, in place of its bytes (dropped, or never read). */
class TooLarge {
  /** `declared`: its Content-Length, or undefined when it was cut off while read. */
  constructor(declared) {
    this.declared = declared;
  }
}

/** The declared Content-Length when it is over `limit`, else undefined. */
function declaredOver(value, limit) {
  if (value === null || value === undefined || !/^\s*\d+\s*$/.test(String(value))) return undefined;
  const declared = Number(value);
  return declared > limit ? declared : undefined;
}

/** `chunks` (of `size` bytes in all) as one Uint8Array. */
function concat(chunks, size) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
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
      resolve(concat(chunks, size));
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

/**
 * Reads a Fetch `Request`'s body, never holding more than `limit` + 1 bytes of it: the
 * bytes, or a TooLarge (its Content-Length is over the limit, so nothing was read; or
 * the stream passed the limit and was cancelled there).
 */
async function readRequest(request, limit) {
  const stream = request.body;
  const declared = declaredOver(request.headers.get('content-length'), limit);
  if (declared !== undefined) {
    // Not awaited: the sender may never end the stream.
    if (stream && typeof stream.cancel === 'function' && !stream.locked) stream.cancel().catch(() => {});
    return new TooLarge(declared);
  }
  if (stream === null || stream === undefined) return new Uint8Array(0);
  if (typeof stream.getReader !== 'function') {
    // A Request without a readable stream (an old polyfill): all it offers is the whole body.
    const bytes = new Uint8Array(await request.arrayBuffer());
    return bytes.byteLength > limit ? new TooLarge() : bytes;
  }
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concat(chunks, size);
    const chunk = ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : new Uint8Array(value);
    size += chunk.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {}); // not awaited, as above
      return new TooLarge();
    }
    chunks.push(chunk);
  }
}

module.exports = function bodies({ configError, describe }) {
  /** Why `body` cannot be verified: a receiver set up wrongly (`invalid_config`, status 500). */
  function bodyError(value) {
    if (value === undefined || value === null) {
      return configError(`no body to verify (found ${describe(value)}). ${RAW_BODY_HELP}`);
    }
    if (typeof value === 'object') {
      return configError(`the body is ${describe(value)}, already parsed: a parsed body cannot be verified. ${RAW_BODY_HELP}`);
    }
    return configError(`the body must be the raw bytes as received (a Buffer, Uint8Array or string), found ${describe(value)}. ${RAW_BODY_HELP}`);
  }

  /** The body as a Uint8Array or a string, or throws `bodyError`. */
  function bodyOf(value) {
    if (value instanceof Uint8Array || typeof value === 'string') return value;
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    throw bodyError(value);
  }

  return { bodyOf, TooLarge, declaredOver, readStream, readRequest };
};
