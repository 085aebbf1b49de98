// Time to acknowledge a delivery over HTTP, from 8 concurrent senders: a node:http
// receiver (`hookshield.httpHandler`) that runs the handler inline (`process`, with its
// MemoryStore, the handler an async no-op or one that takes 50 ms), beside the same
// receiver with an inbox (`{ verifier, inbox }`: verify, append durably, answer
// `queued`), over a SQLite file and over Redis (`appendonly yes`, `appendfsync always`:
// each append is on disk before Redis answers). Each delivery is a new signed Sentinel
// event. Prints deliveries acknowledged per second and the p50/p99 time from sending the
// request to reading the answer.
//
// Run: node bench/inbox.mjs   (build first with npm run build; redis-server on PATH)
//   BENCH_SENDERS (default 8), BENCH_DELIVERIES per round (default 2000), BENCH_ROUNDS (default 3).
// The senders run in this process too (keep-alive connections), so the figures include
// their cost; they are comparable with each other, not with a receiver on its own machine.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const hookshield = require('../hookshield.js');
const { RedisServer, available } = require('../test/redis-server.js');

const SECRET = 'whsec_bench_inbox';
const SENDERS = Number(process.env.BENCH_SENDERS ?? 8);
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const verifier = new hookshield.Verifier({ provider: 'sentinel', secrets: [SECRET] });
const silent = { warn() {}, error: console.error };

let serial = 0;
/** A new signed Sentinel delivery (its own document id, so its own idempotency key). */
function delivery() {
  serial += 1;
  const body = JSON.stringify({
    event: 'document.completed',
    timestamp: new Date().toISOString(),
    data: { document_id: `doc_${process.pid}_${serial}`, tenant_id: 'ten_xyz', pages: 4, processing_time_ms: 45000 },
  });
  return { body, headers: { ...hookshield.sign('sentinel', SECRET, body), 'content-type': 'application/json' } };
}

/** Sends `deliveries` from SENDERS loops; resolves to `{ perSecond, latencies }` (ms). */
async function send(port, deliveries, expected) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS });
  const latencies = [];
  let next = 0;
  const post = ({ body, headers }) =>
    new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const request = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/webhooks', headers, agent }, (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => {
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
          const { outcome } = JSON.parse(text);
          if (outcome !== expected) reject(new Error(`expected ${expected}, got ${response.statusCode} ${text}`));
          else resolve();
        });
      });
      request.on('error', reject);
      request.end(body);
    });
  const sender = async () => {
    while (next < deliveries.length) await post(deliveries[next++]);
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: SENDERS }, sender));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  return { perSecond: deliveries.length / seconds, latencies };
}

/** Starts an httpHandler with `options` on a free port; resolves to `{ port, close }`. */
function serve(options) {
  const server = http.createServer(hookshield.httpHandler({ verifier, logger: silent, ...options }));
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, close: () => new Promise((done) => server.close(done)) }));
  });
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

if (!available()) throw new Error('redis-server is not on PATH');
const dir = mkdtempSync(join(tmpdir(), 'hookshield-bench-inbox-'));
const redis = await RedisServer.start(undefined, { dir });
const cases = [
  ['inline `process` (MemoryStore), no-op handler', { handler: async () => {}, store: new hookshield.MemoryStore({ capacity: 1_000_000 }) }, 'processed'],
  ['inline `process` (MemoryStore), 50 ms handler', { handler: () => new Promise((r) => setTimeout(r, 50)), store: new hookshield.MemoryStore({ capacity: 1_000_000 }) }, 'processed'],
  ['inbox, SQLite file', { inbox: new hookshield.Inbox(`sqlite:${join(dir, 'inbox.db')}`) }, 'queued'],
  ['inbox, Redis (appendfsync always)', { inbox: new hookshield.Inbox(`${redis.url}0`) }, 'queued'],
];
const rows = [];
try {
  for (const [name, options, expected] of cases) {
    const { port, close } = await serve(options);
    await send(port, Array.from({ length: 200 }, delivery), expected); // warm-up
    const rates = [];
    const latencies = [];
    for (let round = 0; round < ROUNDS; round++) {
      const result = await send(port, Array.from({ length: DELIVERIES }, delivery), expected);
      rates.push(result.perSecond);
      latencies.push(...result.latencies);
    }
    await close();
    latencies.sort((a, b) => a - b);
    rows.push([name, median(rates), quantile(latencies, 0.5), quantile(latencies, 0.99), rates]);
  }
} finally {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log(`node ${process.version}, ${SENDERS} concurrent senders over HTTP (keep-alive), ${ROUNDS} rounds of ${DELIVERIES} deliveries\n`);
console.log('| receiver | acknowledged/s | p50 | p99 |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, rate, p50, p99] of rows) console.log(`| ${name} | ${fmt(rate)} | ${p50.toFixed(2)} ms | ${p99.toFixed(2)} ms |`);
console.log(`\n(acknowledged/s: the median round; every round: ${rows.map(([name, , , , rates]) => `${name}: ${rates.map(fmt).join(', ')}`).join('; ')})`);
