// Deliveries per second through `verifier.process` from 8 concurrent workers (8
// deliveries in flight at once in one Node process, as a busy receiver has them), with
// the Redis store and with the memory store. Each delivery is a new Sentinel event
// (1 KiB-ish, signed), so each is verified, claimed (`begin`), handled (an async no-op
// handler) and completed: two Redis round trips per delivery, made on libuv's thread
// pool. A second measure redelivers events already processed (`begin` answers `done`:
// one round trip).
//
// Run: npm run bench:process   (build first with npm run build)
//   REDIS_URL=redis://host:6379/ to use a running Redis; otherwise a redis-server is
//   started on a free 127.0.0.1 port (persistence off) and stopped at the end.
//   BENCH_WORKERS (default 8), BENCH_SECONDS per round (default 2), BENCH_ROUNDS (default 3).
//   UV_THREADPOOL_SIZE (libuv's pool, default 4) bounds how many Redis calls run at once.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const hookshield = require('../hookshield.js');
const { RedisServer, available } = require('../test/redis-server.js');

const SECRET = 'whsec_bench_process';
const WORKERS = Number(process.env.BENCH_WORKERS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const verifier = new hookshield.Verifier({ provider: 'sentinel', secrets: [SECRET] });

let serial = 0;
/** A new signed Sentinel delivery (its own document id, so its own idempotency key). */
function delivery() {
  serial += 1;
  const body = JSON.stringify({
    event: 'document.completed',
    timestamp: new Date().toISOString(),
    data: {
      document_id: `doc_${process.pid}_${serial}`,
      tenant_id: 'ten_xyz',
      user_id: 'usr_456',
      document_type: 'cas_statement',
      pages: 4,
      extractions: { holdings_count: 12, total_aum: 12500000, currency: 'INR' },
      confidence: { average: 0.94, minimum: 0.87 },
      processing_time_ms: 45000,
    },
  });
  return { body: Buffer.from(body), headers: lower(hookshield.sign('sentinel', SECRET, body)) };
}

function lower(headers) {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/**
 * `WORKERS` loops, each taking the next of `deliveries` and awaiting `process` on it,
 * until none is left. Returns deliveries per second; checks every outcome is `expected`.
 */
async function measure(store, deliveries, expected) {
  let next = 0;
  let handled = 0;
  const handler = async () => {
    handled += 1;
  };
  const worker = async () => {
    while (next < deliveries.length) {
      const { body, headers } = deliveries[next++];
      const outcome = await verifier.process(body, headers, store, handler);
      if (outcome.kind !== expected) throw new Error(`expected ${expected}, got ${outcome.kind}: ${outcome.error?.message}`);
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: WORKERS }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (expected === 'processed' && handled !== deliveries.length) {
    throw new Error(`${deliveries.length} deliveries, ${handled} handler runs`);
  }
  return deliveries.length / seconds;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

let server;
let url = process.env.REDIS_URL;
if (url === undefined) {
  if (!available()) throw new Error('redis-server is not on PATH: install it, or set REDIS_URL');
  server = await RedisServer.start();
  url = server.url;
}
try {
  const prefix = `bench:${process.pid}:${Date.now()}:`;
  const redis = new hookshield.RedisStore(url, { prefix });
  const memory = new hookshield.MemoryStore({ capacity: 1_000_000 });
  const stores = { memory, redis };
  // Warm up, and size each round to last about BENCH_SECONDS (signing is not timed).
  const size = {};
  for (const [name, store] of Object.entries(stores)) {
    const rate = await measure(store, Array.from({ length: 2000 }, delivery), 'processed');
    size[name] = Math.max(1000, Math.round(rate * SECONDS));
  }
  const results = { memory: [], redis: [], memoryDup: [], redisDup: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, store] of Object.entries(stores)) {
      results[name].push(await measure(store, Array.from({ length: size[name] }, delivery), 'processed'));
    }
  }
  // Redeliveries: a batch processed once by each store, then delivered again.
  const batch = Array.from({ length: 4000 }, delivery);
  for (const store of Object.values(stores)) await measure(store, batch, 'processed');
  const again = (n) => Array.from({ length: n }, (_, i) => batch[i % batch.length]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, store] of Object.entries(stores)) {
      results[`${name}Dup`].push(await measure(store, again(size[name] * 2), 'duplicate'));
    }
  }

  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  console.log(
    `node ${process.version}, ${WORKERS} deliveries in flight, ${ROUNDS} rounds of ${SECONDS} s, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}, Redis ${server ? 'started by the bench' : 'from REDIS_URL'}\n`,
  );
  console.log('| store | new events (verify + begin + handler + complete) | redeliveries (verify + begin: done) |');
  console.log('| --- | ---: | ---: |');
  console.log(`| MemoryStore | ${fmt(median(results.memory))}/s | ${fmt(median(results.memoryDup))}/s |`);
  console.log(`| RedisStore | ${fmt(median(results.redis))}/s | ${fmt(median(results.redisDup))}/s |`);
  console.log(
    `\n(medians; every round: ${Object.entries(results)
      .map(([k, v]) => `${k} ${v.map(fmt).join(', ')}`)
      .join('; ')})`,
  );
} finally {
  await server?.stop();
}
