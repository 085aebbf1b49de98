// A Cloudflare Worker that receives Sentinel webhooks with @hookshield/wasm.
//
//   POST /webhooks/sentinel   verify, process once, answer the status Sentinel should get
//   POST /verify              verify only; answers the event (and shows the body is still readable)
//   GET  /processed           what the handlers saw (this isolate only)
//
// In a wrangler project import from '@hookshield/wasm' instead; workerd's config.capnp
// maps the module names used here onto bindings/wasm/dist/web.
import { Router, VerificationError, Verifier } from '@hookshield/wasm';

const processed = [];

// Handlers by subscription pattern, run in registration order.
const router = new Router()
  .on('document.*', (event) => {
    // A payload that drifted from Sentinel's document (`"pages": "4"`) still arrives,
    // untyped: `event.untypedReason` says why (`data_mismatch`), `event.data` is the JSON.
    processed.push({ type: event.type, documentId: event.data.document_id, key: event.idempotencyKey, untypedReason: event.untypedReason });
  })
  .on('report.generated', (event) => {
    if (event.data.report_id === 'rpt_explode') throw new Error('report store is down');
    processed.push({ type: event.type, reportId: event.data.report_id, key: event.idempotencyKey });
  })
  .on('*', () => {
    // e.g. an audit log
  });

// Built once per isolate: the secret's keyed HMAC state is computed here. Its own
// MemoryStore (one per isolate) answers redeliveries `duplicate`; pass `{ store }` to
// handle() for one shared by every isolate (a Durable Object, Workers KV, ...).
let verifier;

export default {
  async fetch(request, env) {
    verifier ??= new Verifier('sentinel', env.SENTINEL_SECRET);
    const { pathname } = new URL(request.url);

    if (request.method === 'POST' && pathname === '/webhooks/sentinel') {
      // 200 processed/duplicate, 401 forged or stale, 400 not JSON, 413 over maxBodyBytes
      // (1 MiB; a larger Content-Length is refused unread), 500 handler failed (logged with
      // its stack). Each rejection is logged as a warning.
      return verifier.handle(request, router);
    }

    if (request.method === 'POST' && pathname === '/verify') {
      try {
        const event = await verifier.verifyRequest(request);
        return Response.json({ event, bodyBytes: event.body.byteLength });
      } catch (error) {
        if (error instanceof VerificationError) {
          return Response.json({ code: error.code, message: error.message }, { status: error.status });
        }
        throw error;
      }
    }

    if (request.method === 'GET' && pathname === '/processed') {
      return Response.json(processed);
    }

    return new Response('not found\n', { status: 404 });
  },
};
