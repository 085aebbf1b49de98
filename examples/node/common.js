'use strict';
// Shared by the example receivers: the verifier, the store and the handlers.
const { MemoryStore, RedisStore, Router, Verifier } = require('hookshield');

// The secret you configured in the provider's dashboard (a demo value by default).
const SECRET = process.env.WEBHOOK_SECRET ?? 'whsec_example_secret';
const PROVIDER = process.env.WEBHOOK_PROVIDER ?? 'sentinel';

const verifier = new Verifier({ provider: PROVIDER, secrets: [SECRET] });
// One store per process, or, with REDIS_URL set (redis://[:password@]host:6379/0), a Redis
// store shared by every receiver process and machine: a redelivery that reaches another
// receiver is then still a duplicate.
const store = process.env.REDIS_URL
  ? new RedisStore(process.env.REDIS_URL, { prefix: process.env.REDIS_PREFIX ?? 'hookshield:' })
  : new MemoryStore({ capacity: 100_000 });

// Handlers by subscription pattern; each runs once per event, however often it is delivered.
const router = new Router()
  .on('document.*', async (event) => {
    if (event.documented && event.type === 'document.failed') {
      console.log(`document ${event.data.document_id} failed: ${event.data.error_code}`);
    } else {
      console.log(`${event.type} ${JSON.stringify(event.data)}`);
    }
  })
  .on('report.generated', (event) => console.log(`report ready: ${event.data.url ?? event.data.report_id}`))
  .on('*', (event) => {
    // An authentic delivery hookshield cannot type (an undocumented type, drifted data, no
    // type) still arrives: untypedReason says why, data is the JSON as sent.
    const untyped = event.untypedReason === null ? '' : ` untyped=${event.untypedReason} (${event.untypedDetail})`;
    console.log(`[audit] ${event.provider} ${event.type} key=${event.idempotencyKey}${untyped}`);
  });

/**
 * Logs each delivery the provider should consider received. (hookshield itself logs
 * each rejection with console.warn and a failing handler's error, with its stack, with
 * console.error; pass `logger` to an integration to send them elsewhere.)
 */
function onOutcome(outcome) {
  if (outcome.acknowledged) console.log(`-> ${outcome.status} ${outcome.kind} ${outcome.event?.type ?? ''}`);
}

const PORT = Number(process.env.PORT ?? 3000);
const HOST = process.env.HOST ?? '127.0.0.1';

module.exports = { verifier, store, router, onOutcome, PORT, HOST, SECRET, PROVIDER };
