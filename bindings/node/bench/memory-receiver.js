'use strict';
// One receiver for bench/memory.mjs: `node memory-receiver.js <setup> [package dir]`
// serves POST /webhooks on a free 127.0.0.1 port with one hookshield integration and
// prints `port <n>`. The package dir (default: this package) lets the same receiver run
// against another checkout, e.g. the committed version before a change.
//
// Setups: `express` (the middleware alone, reading the stream), `express-raw`
// (`express.raw({ type: 'application/json' })` then the middleware), `fastify` (the
// plugin), `http` (`httpHandler`), `fetch` (`fetchHandler`, served by node:http turning
// each request into a Fetch `Request` whose body streams from the socket).
const http = require('node:http');
const path = require('node:path');
const { Readable } = require('node:stream');

const [setup, packageDir = path.join(__dirname, '..')] = process.argv.slice(2);
const hookshield = require(path.resolve(packageDir));

const options = {
  verifier: new hookshield.Verifier({ provider: 'sentinel', secrets: ['whsec_bench_memory'] }),
  handler: () => {},
  onOutcome: () => {},
};
// The default logger (console) would print each rejection: keep stdout for the port.
if (process.env.BENCH_QUIET !== '0') options.logger = { error() {}, warn() {} };

function serve(server) {
  server.listen(0, '127.0.0.1', () => console.log(`port ${server.address().port}`));
}

async function main() {
  switch (setup) {
    case 'express':
    case 'express-raw': {
      const express = require('express');
      const app = express();
      const parsers = setup === 'express-raw' ? [express.raw({ type: 'application/json' })] : [];
      app.post('/webhooks', ...parsers, hookshield.express(options));
      serve(http.createServer(app));
      break;
    }
    case 'fastify': {
      const app = require('fastify')();
      app.register(hookshield.fastify, { ...options, path: '/webhooks' });
      await app.listen({ port: 0, host: '127.0.0.1' });
      console.log(`port ${app.server.address().port}`);
      break;
    }
    case 'http':
      serve(http.createServer(hookshield.httpHandler(options)));
      break;
    case 'fetch': {
      const handle = hookshield.fetchHandler(options);
      serve(
        http.createServer(async (req, res) => {
          const request = new Request(`http://127.0.0.1${req.url}`, {
            method: req.method,
            headers: Object.entries(req.headers),
            body: Readable.toWeb(req),
            duplex: 'half',
          });
          const response = await handle(request);
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
        }),
      );
      break;
    }
    default:
      throw new Error(`unknown setup ${JSON.stringify(setup)}: express, express-raw, fastify, http, fetch`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
