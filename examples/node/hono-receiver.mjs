// Hono on Node (@hono/node-server): Hono hands each route the Fetch `Request` (`c.req.raw`),
// whose body still streams from the socket, so hookshield's Fetch handler reads the exact
// signed bytes itself, never more than the verifier's maxBodyBytes.
//   node hono-receiver.mjs   then   node send.js http://127.0.0.1:3000/webhooks
// (On Cloudflare Workers, Deno or Bun the same route works with @hookshield/wasm: see
// hono-worker/worker.js.)
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createRequire } from 'node:module';
import * as hookshield from 'hookshield';

const require = createRequire(import.meta.url);
const { verifier, store, router, onOutcome, PORT, HOST } = require('./common.js');

const webhooks = hookshield.fetchHandler({ verifier, store, handler: router, onOutcome });

const app = new Hono();
// No body middleware on this route: the handler answers the core's status and JSON body.
app.post('/webhooks', (c) => webhooks(c.req.raw));
app.get('/health', (c) => c.json({ ok: true }));

serve({ fetch: app.fetch, port: PORT, hostname: HOST }, (info) => {
  console.log(`listening on http://${HOST}:${info.port}/webhooks`);
});
