// Hono on Cloudflare Workers (served here by workerd) with @hookshield/wasm: the same
// route as hono-receiver.mjs on Node, over the WebAssembly package. `c.req.raw` is the
// Fetch Request, whose body hookshield reads itself (at most maxBodyBytes).
//
//   node hono-worker/workerd-config.mjs     # writes hono-worker/config.capnp
//   WEBHOOK_SECRET=whsec_example_secret ../../bindings/wasm/node_modules/.bin/workerd serve hono-worker/config.capnp
//   node send.js http://127.0.0.1:8787/webhooks document.failed
//
// In a wrangler project this file is the Worker's main module as it is: wrangler bundles
// `hono` and resolves `@hookshield/wasm` to the package's `workerd` entry.
import { Hono } from 'hono';
import { Router, Verifier } from '@hookshield/wasm';

// Handlers by subscription pattern (each event once per isolate: the verifier's own
// MemoryStore; pass `{ store }` to handle() for one every isolate shares).
const router = new Router()
  .on('document.*', (event) => {
    if (event.documented && event.type === 'document.failed') {
      console.log(`document ${event.data.document_id} failed: ${event.data.error_code}`);
    }
  })
  .on('report.generated', (event) => console.log(`report ready: ${event.data.url ?? event.data.report_id}`));

// Built once per isolate, from the Worker's secret binding.
let verifier;

const app = new Hono();
app.post('/webhooks', (c) => {
  verifier ??= new Verifier('sentinel', c.env.WEBHOOK_SECRET);
  return verifier.handle(c.req.raw, router);
});
app.get('/health', (c) => c.json({ ok: true }));

export default app;
