'use strict';
// Receivers on a free 127.0.0.1 port built from this package's helpers, for the tests
// that send the shared vectors over real HTTP (outcomes, inbox-outcomes).
const http = require('node:http');

const express = require('express');
const Fastify = require('fastify');
const { hookshield } = require('./build.js');

/** Starts `listener` on a free 127.0.0.1 port; resolves to its URL and a stop function. */
function serve(listener) {
  return new Promise((resolve) => {
    const server = http.createServer(listener);
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}/webhooks`, stop: () => new Promise((done) => server.close(done)) }),
    );
  });
}

/** A logger that keeps the test output clean. */
const quiet = { warn() {}, error() {} };

/** Each helper's receiver at /webhooks, given the helper's options: resolves to `{ url, stop }`. */
const RECEIVERS = {
  'node:http': (options) => serve(hookshield.httpHandler(options)),
  Express: (options) => {
    const app = express();
    app.post('/webhooks', hookshield.express(options));
    return serve(app);
  },
  Fastify: async (options) => {
    const app = Fastify();
    await app.register(hookshield.fastify, { ...options, path: '/webhooks' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { url: `http://127.0.0.1:${app.server.address().port}/webhooks`, stop: () => app.close() };
  },
  Fetch: (options) => {
    const handle = hookshield.fetchHandler(options);
    return serve(async (req, res) => {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const request = new Request(`http://127.0.0.1${req.url}`, { method: 'POST', headers: req.headers, body: Buffer.concat(chunks) });
      const response = await handle(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  },
};

module.exports = { serve, quiet, RECEIVERS };
