// Verify + typed parse of a 1 KiB delivery, side by side in one Node process:
//   @hookshield/wasm (synchronous; the Rust core compiled to WebAssembly)
//   WebCrypto crypto.subtle.verify (HMAC-SHA256, asynchronous) + timestamp check + JSON.parse
//   the pure-JS `standardwebhooks` package (Webhook#verify, which also JSON.parses)
//
//   cd bindings/wasm && npm run build && npm run bench
//
// Every contender checks the signature, the replay window and parses the body, and each
// iteration reads one field of the data so lazily parsed members are paid for too.
import { createRequire } from 'node:module';
import { Bench } from 'tinybench';
import { Webhook } from 'standardwebhooks';

const require = createRequire(import.meta.url);
const hookshield = require('../dist/node');

const SENTINEL_SECRET = 'whsec_benchmark_secret_0123456789';
const STANDARD_SECRET = `whsec_${Buffer.from('benchmark-secret-key-bytes-012345').toString('base64')}`;

// A 1 KiB Sentinel document.completed delivery: the documented sample, padded with
// fields the document does not show (kept by the core, never dropped).
function kibBody(provider, type) {
  const parsed = JSON.parse(hookshield.sample(provider, type));
  parsed.data.notes = '';
  const base = JSON.stringify(parsed).length;
  parsed.data.notes = 'x'.repeat(1024 - base);
  const body = JSON.stringify(parsed);
  if (Buffer.byteLength(body) !== 1024) throw new Error(`body is ${Buffer.byteLength(body)} bytes`);
  return body;
}

const sentinelBody = kibBody('sentinel', 'document.completed');
const standardBody = kibBody('standard', 'invoice.paid');
const sentinelBytes = new TextEncoder().encode(sentinelBody);
const lower = (headers) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
// As Node's http module hands them over: lower-cased names.
const sentinelHeaders = lower(hookshield.sign('sentinel', SENTINEL_SECRET, sentinelBody));
const standardHeaders = lower(hookshield.sign('standard', STANDARD_SECRET, standardBody, { id: 'msg_bench_1' }));

const sentinel = new hookshield.Verifier('sentinel', SENTINEL_SECRET);
const standard = new hookshield.Verifier('standard', STANDARD_SECRET);
const webhook = new Webhook(STANDARD_SECRET);
const key = await crypto.subtle.importKey(
  'raw',
  new TextEncoder().encode(SENTINEL_SECRET),
  { name: 'HMAC', hash: 'SHA-256' },
  false,
  ['verify'],
);

function hexToBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

// What an edge function does today with WebCrypto for Sentinel's scheme.
async function webcryptoVerify(bodyBytes, headers) {
  const header = headers['x-sentinel-signature'];
  if (!header?.startsWith('sha256=') || header.length !== 71) throw new Error('malformed signature');
  const ok = await crypto.subtle.verify('HMAC', key, hexToBytes(header.slice(7)), bodyBytes);
  if (!ok) throw new Error('signature mismatch');
  const timestamp = Number(headers['x-sentinel-timestamp']);
  if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 300) throw new Error('stale');
  return JSON.parse(new TextDecoder().decode(bodyBytes));
}

// Sanity: every contender accepts the same delivery and reads the same field.
const checks = [
  sentinel.verify(sentinelBody, sentinelHeaders).data.document_id,
  (await webcryptoVerify(sentinelBytes, sentinelHeaders)).data.document_id,
  standard.verify(standardBody, standardHeaders).data.invoice_id ?? standard.verify(standardBody, standardHeaders).type,
  webhook.verify(standardBody, standardHeaders).data?.invoice_id ?? webhook.verify(standardBody, standardHeaders).type,
];
if (checks[0] !== checks[1] || checks[2] !== checks[3]) throw new Error(`contenders disagree: ${checks}`);

let sink = 0;
// Steady state: let V8 tier the WebAssembly (Liftoff -> TurboFan) and the JS up before
// any task is timed, so the first task listed does not pay for everyone's warm-up.
for (let i = 0; i < 20_000; i += 1) {
  sink += sentinel.verify(sentinelBytes, sentinelHeaders).data.document_id.length;
  sink += standard.verify(standardBody, standardHeaders).type.length;
  sink += webhook.verify(standardBody, standardHeaders).type.length;
  if (i % 10 === 0) sink += (await webcryptoVerify(sentinelBytes, sentinelHeaders)).data.document_id.length;
}
const bench = new Bench({ time: Number(process.env.BENCH_TIME_MS ?? 2000), warmupTime: 500 });
bench
  .add('hookshield wasm: sentinel verify + typed parse (sync)', () => {
    sink += sentinel.verify(sentinelBytes, sentinelHeaders).data.document_id.length;
  })
  .add('WebCrypto subtle.verify + JSON.parse: sentinel (async)', async () => {
    sink += (await webcryptoVerify(sentinelBytes, sentinelHeaders)).data.document_id.length;
  })
  .add('hookshield wasm: standard verify + typed parse (sync)', () => {
    sink += standard.verify(standardBody, standardHeaders).type.length;
  })
  .add('standardwebhooks (pure JS) verify + JSON.parse: standard', () => {
    sink += webhook.verify(standardBody, standardHeaders).type.length;
  });

await bench.run();

const rows = bench.tasks.map((task) => {
  const latency = task.result.latency; // milliseconds
  return { name: task.name, meanUs: latency.mean * 1000, p50Us: latency.p50 * 1000, p99Us: latency.p99 * 1000 };
});
const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
const ratio = (a, b, key) => (byName[b][key] / byName[a][key]).toFixed(1);
const [ours, webcrypto, oursStandard, standardJs] = rows.map((r) => r.name);

console.log(`node ${process.version}, body ${sentinelBytes.length} bytes, ${process.env.BENCH_TIME_MS ?? 2000} ms per task\n`);
console.log('| task | ops/s (1/mean) | mean (µs) | median (µs) | p99 (µs) |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  const hz = Math.round(1e6 / r.meanUs).toLocaleString('en-US');
  console.log(`| ${r.name} | ${hz} | ${r.meanUs.toFixed(2)} | ${r.p50Us.toFixed(2)} | ${r.p99Us.toFixed(2)} |`);
}
console.log(`\nhookshield vs WebCrypto (sentinel): ${ratio(ours, webcrypto, 'meanUs')}x faster by mean, ${ratio(ours, webcrypto, 'p50Us')}x by median`);
console.log(`hookshield vs standardwebhooks (standard): ${ratio(oursStandard, standardJs, 'meanUs')}x faster by mean, ${ratio(oursStandard, standardJs, 'p50Us')}x by median`);
if (sink === 0) console.log('(unreachable)');
