'use strict';
// The rules every helper meets (issue 11), over real HTTP on 127.0.0.1 with each
// framework's own server: an authentic drifted payload is processed (untyped, 200); a
// declared Content-Length over the limit is answered 413 before any body is sent; a
// chunked body is cut short past the limit and answered 413; the default store
// de-duplicates; a failing handler's stack and each rejection are logged (never the
// secret); two signature headers, one bad and one good, are accepted.
const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const net = require('node:net');
const util = require('node:util');
const { Readable } = require('node:stream');

const express = require('express');
const Fastify = require('fastify');
const { hookshield } = require('./build.js');

const SECRET = 'whsec_rules_secret_never_logged';
const LIMIT = 4096;
const MIB = 1024 * 1024;

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

function close(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/** Records, per request, how many bytes the server read from the socket by its answer. */
function watchReads(server, reads) {
  // First, before the framework's listener (which may answer, and detach the socket, at once).
  server.prependListener('request', (req, res) => {
    const { socket } = req;
    res.on('finish', () => reads.push(socket.bytesRead));
  });
}

/**
 * One POST /webhooks written by hand on a socket: `head` headers (an array value is sent
 * as several header lines), then `body` (a string) or, with `chunked`, that many bytes
 * in 64 KiB chunks, stopping once the answer starts. Resolves to the status, the answer's
 * JSON and how many body bytes were written.
 */
function rawPost(port, head, { body, chunked, declare } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let written = 0;
    const lines = ['POST /webhooks HTTP/1.1', 'Host: 127.0.0.1', 'Content-Type: application/json'];
    for (const [name, value] of Object.entries(head)) {
      for (const one of [value].flat()) lines.push(`${name}: ${one}`);
    }
    if (chunked !== undefined) lines.push('Transfer-Encoding: chunked');
    else lines.push(`Content-Length: ${declare ?? Buffer.byteLength(body ?? '')}`);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 5 s (wrote ${written} body bytes)`));
    }, 5000);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const match = /^HTTP\/1\.1 (\d+)[^]*?\r\n\r\n([^]*)$/.exec(received);
      if (!match) {
        reject(new Error(`no HTTP answer (wrote ${written} body bytes): ${JSON.stringify(received.slice(0, 200))}`));
        return;
      }
      const text = match[2].replace(/^[0-9a-f]+\r\n|\r\n0\r\n\r\n$/g, '');
      resolve({ status: Number(match[1]), json: JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)), written });
    };
    socket.on('data', (chunk) => {
      received += chunk;
      if (/\r\n\r\n[^]*\}/.test(received)) done();
    });
    socket.on('error', () => done()); // a reset after the answer: judge what arrived
    socket.on('end', () => done());
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (body !== undefined) {
      written = Buffer.byteLength(body);
      socket.write(body);
    }
    if (chunked === undefined) return;
    const piece = Buffer.alloc(64 * 1024, 'x');
    const frame = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
    const pump = () => {
      while (received === '' && !socket.destroyed && written < chunked) {
        written += piece.length;
        if (!socket.write(frame)) {
          socket.once('drain', pump);
          return;
        }
      }
      if (received === '' && !socket.destroyed) socket.write('0\r\n\r\n');
    };
    pump();
  });
}

let serial = 0;
function delivery(data) {
  serial += 1;
  const body = JSON.stringify({
    event: 'document.completed',
    timestamp: new Date().toISOString(),
    data: data ?? { document_id: `doc_${process.pid}_${serial}`, pages: 4 },
  });
  return { body, headers: hookshield.sign('sentinel', SECRET, body) };
}

/** The options of one receiver, with a logger and a handler that record what they saw. */
function receiver() {
  const seen = { events: [], logs: [], failNext: false };
  const logger = {
    error: (...args) => seen.logs.push(['error', util.format(...args)]),
    warn: (...args) => seen.logs.push(['warn', util.format(...args)]),
  };
  seen.options = {
    verifier: new hookshield.Verifier({ provider: 'sentinel', secrets: [SECRET], maxBodyBytes: LIMIT }),
    logger,
    handler: async function recordDelivery(event) {
      if (seen.failNext) {
        seen.failNext = false;
        throw new Error('the handler broke');
      }
      seen.events.push(event);
    },
  }; // no `store`: the default MemoryStore
  return seen;
}

const SETUPS = {
  'Express (no body parser, as in the README)': async (options) => {
    const app = express();
    app.post('/webhooks', hookshield.express(options));
    const server = http.createServer(app);
    return { server, port: await listen(server), stop: () => close(server) };
  },
  'Fastify plugin': async (options) => {
    const app = Fastify();
    app.register(hookshield.fastify, { ...options, path: '/webhooks' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { server: app.server, port: app.server.address().port, stop: () => app.close() };
  },
  'node:http handler': async (options) => {
    const server = http.createServer(hookshield.httpHandler(options));
    return { server, port: await listen(server), stop: () => close(server) };
  },
  'Fetch handler (a Request streaming from node:http)': async (options) => {
    const handle = hookshield.fetchHandler(options);
    const server = http.createServer(async (req, res) => {
      const request = new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers: Object.entries(req.headers),
        body: Readable.toWeb(req),
        duplex: 'half',
      });
      const response = await handle(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    return { server, port: await listen(server), stop: () => close(server) };
  },
};

for (const [name, setup] of Object.entries(SETUPS)) {
  describe(name, () => {
    const seen = receiver();
    const reads = [];
    let port;
    let stop;
    before(async () => {
      let server;
      ({ server, port, stop } = await setup(seen.options));
      watchReads(server, reads);
    });
    after(() => stop());

    test('an authentic drifted payload ("pages": "4") is processed untyped: 200', async () => {
      const { body, headers } = delivery({ document_id: `doc_drift_${name}`, pages: '4' });
      const reply = await rawPost(port, headers, { body });
      assert.equal(reply.status, 200);
      const event = seen.events.at(-1);
      assert.deepEqual(reply.json, { outcome: 'processed', idempotency_key: event.idempotencyKey });
      assert.equal(event.type, 'document.completed');
      assert.equal(event.untypedReason, 'data_mismatch');
      assert.equal(event.data.pages, '4');
    });

    test('a declared Content-Length over the limit: 413 before any body byte is sent', async () => {
      const { headers } = delivery();
      const reply = await rawPost(port, headers, { declare: 50 * MIB });
      assert.equal(reply.status, 413);
      assert.equal(reply.written, 0);
      assert.equal(reply.json.error.code, 'body_too_large');
      assert.match(reply.json.error.message, /52428800 bytes/);
    });

    test('a chunked body over the limit: cut short, 413', async () => {
      const { headers } = delivery();
      const reply = await rawPost(port, headers, { chunked: 50 * MIB });
      assert.equal(reply.status, 413);
      assert.equal(reply.json.error.code, 'body_too_large');
      assert.ok(reply.written < 50 * MIB, `the answer came after all ${reply.written} bytes`);
      // Stopped at the first socket read (64 KiB) past the limit; the rest stays unread.
      assert.ok(reads.at(-1) <= LIMIT + 128 * 1024, `the server read ${reads.at(-1)} bytes for a ${LIMIT}-byte limit`);
    });

    test('the default store de-duplicates: the same delivery twice is a duplicate', async () => {
      const { body, headers } = delivery();
      assert.equal((await rawPost(port, headers, { body })).json.outcome, 'processed');
      const count = seen.events.length;
      const again = await rawPost(port, headers, { body });
      assert.equal(again.status, 200);
      assert.equal(again.json.outcome, 'duplicate');
      assert.equal(seen.events.length, count);
    });

    test("a failing handler's stack is logged; each rejection is logged without the secret", async () => {
      const { body, headers } = delivery();
      seen.failNext = true;
      assert.equal((await rawPost(port, headers, { body })).status, 500);
      const failure = seen.logs.find(([level, text]) => level === 'error' && text.includes('the handler broke'));
      assert.ok(failure, util.inspect(seen.logs));
      assert.match(failure[1], /sentinel document\.completed/);
      assert.match(failure[1], /at recordDelivery \(.*integrations-rules\.test\.js:\d+:\d+\)/);
      const forged = await rawPost(port, headers, { body: body.replace('doc_', 'dox_') });
      assert.equal(forged.status, 401);
      const rejection = seen.logs.at(-1);
      assert.equal(rejection[0], 'warn');
      assert.match(rejection[1], /rejected a sentinel delivery: signature_mismatch \(401\)/);
      const sizes = seen.logs.filter(([, text]) => text.includes('body_too_large (413)'));
      assert.equal(sizes.length, 2, 'the declared and the chunked 413');
      assert.ok(seen.logs.every(([, text]) => !text.includes(SECRET)));
    });

    test('two signature headers, one bad and one good: accepted', async () => {
      const { body, headers } = delivery();
      const bad = `sha256=${'0'.repeat(64)}`;
      const good = headers['X-Sentinel-Signature'];
      const reply = await rawPost(port, { ...headers, 'X-Sentinel-Signature': [bad, good] }, { body });
      assert.equal(reply.status, 200);
      assert.equal(reply.json.outcome, 'processed');
    });
  });
}

test('Express: a genuine 200 KiB delivery passes with maxBodyBytes 1 MiB (README setup)', async () => {
  const seen = receiver();
  const verifier = new hookshield.Verifier({ provider: 'sentinel', secrets: [SECRET], maxBodyBytes: MIB });
  const app = express();
  app.post('/webhooks', hookshield.express({ ...seen.options, verifier }));
  const server = http.createServer(app);
  const port = await listen(server);
  try {
    const { body, headers } = delivery({ document_id: 'doc_big', note: 'x'.repeat(200 * 1024) });
    const reply = await rawPost(port, headers, { body });
    assert.equal(reply.status, 200, JSON.stringify(reply.json));
    assert.equal(seen.events.at(-1).data.note.length, 200 * 1024);
  } finally {
    await close(server);
  }
});

test('the default logger is console: a handler error goes to console.error with its stack', async () => {
  const logged = [];
  const { error, warn } = console;
  console.error = (...args) => logged.push(util.format(...args));
  console.warn = (...args) => logged.push(util.format(...args));
  try {
    const handle = hookshield.handleDelivery.bind(null, {
      verifier: new hookshield.Verifier({ provider: 'sentinel', secrets: [SECRET] }),
      handler: function explode() {
        throw new TypeError('boom');
      },
    });
    const { body, headers } = delivery();
    assert.equal((await handle(body, headers)).kind, 'handler_failed');
    assert.equal((await handle(body, {})).kind, 'rejected');
  } finally {
    Object.assign(console, { error, warn });
  }
  assert.match(logged[0], /TypeError: boom\n\s+at explode/);
  assert.match(logged[1], /rejected a sentinel delivery: missing_header \(401\)/);
});
