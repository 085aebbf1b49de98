// Verify + typed parse of a 1 KiB delivery, side by side in one Node process:
//   @hookshield/wasm (synchronous; the Rust core compiled to WebAssembly):
//     (a) verify alone (reading `event.type`: `data` is never built),
//     (b) verify + reading `event.data` (the whole object built, as JSON.parse builds it);
//   (c) WebCrypto crypto.subtle.verify (HMAC-SHA256, asynchronous; the key imported once)
//       + timestamp check + JSON.parse, one delivery at a time (each awaited), and the same
//       with 8 deliveries in flight (time per delivery): Node runs WebCrypto on libuv's
//       thread pool, so one awaited call is mostly the round trip to that pool;
//   the pure-JS `standardwebhooks` package (Webhook#verify, which also JSON.parses);
//   and where the time goes: the wasm module's calls alone, JSON.parse, TextDecoder.
//
//   cd bindings/wasm && npm run build && npm run bench
//   BENCH_MODE=rounds npm run bench    # contenders alternate over 15 rounds of 40 ms,
//                                      # medians compared (fairer when load drifts)
//
// Ratios: (c)/(a) and (c)/(b); issue 12's target is (c)/(b) >= 2.5 (one at a time).
import { createRequire } from 'node:module';
import { Bench } from 'tinybench';
import { Webhook } from 'standardwebhooks';

const require = createRequire(import.meta.url);
const hookshield = require('../dist/node');
const raw = require('../dist/node/hookshield_wasm.js'); // the module's own exports, for the breakdown

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

// The module directly (the verifier the JavaScript layer wraps), for where the time goes.
const rawBuilder = new raw.RawVerifierBuilder();
rawBuilder.secretText(SENTINEL_SECRET);
const rawVerifier = rawBuilder.build('sentinel', undefined, undefined, []);
const [sigName, tsName] = rawVerifier.headerNames;
const sig = sentinelHeaders[sigName];
const ts = sentinelHeaders[tsName];
const nowSeconds = () => Math.floor(Date.now() / 1000);
if (rawVerifier.verify(sentinelBytes, sig, ts, undefined, undefined, nowSeconds()).startsWith('!')) throw new Error('raw verify');
const dataText = sentinelBody.slice(sentinelBody.indexOf('"data":') + 7, -1);
if (JSON.stringify(JSON.parse(dataText)) !== JSON.stringify(JSON.parse(sentinelBody).data)) throw new Error('data text');
const signatureBytes = hexToBytes(sig.slice(7));
const decoder = new TextDecoder();

let sink = 0;
// Steady state: let V8 tier the WebAssembly (Liftoff -> TurboFan) and the JS up before
// any task is timed, so the first task listed does not pay for everyone's warm-up.
for (let i = 0; i < 20_000; i += 1) {
  sink += sentinel.verify(sentinelBytes, sentinelHeaders).data.document_id.length;
  sink += standard.verify(standardBody, standardHeaders).type.length;
  sink += webhook.verify(standardBody, standardHeaders).type.length;
  if (i % 10 === 0) sink += (await webcryptoVerify(sentinelBytes, sentinelHeaders)).data.document_id.length;
}
const IN_FLIGHT = 8;
/** [label, fn, kind]: kind 'sync', 'async' (awaited one at a time) or 'batch' (IN_FLIGHT deliveries per call). */
const groups = [
  {
    name: 'Sentinel 1 KiB',
    baseline: 2,
    tasks: [
      ['(a) hookshield wasm: verify alone, event.data not read (sync)', () => {
        sink += sentinel.verify(sentinelBytes, sentinelHeaders).type.length;
      }, 'sync'],
      ['(b) hookshield wasm: verify + event.data (sync)', () => {
        sink += sentinel.verify(sentinelBytes, sentinelHeaders).data.document_id.length;
      }, 'sync'],
      ['(c) WebCrypto subtle.verify (cached key) + JSON.parse, one at a time (async)', async () => {
        sink += (await webcryptoVerify(sentinelBytes, sentinelHeaders)).data.document_id.length;
      }, 'async'],
      [`WebCrypto subtle.verify (cached key) + JSON.parse, ${IN_FLIGHT} in flight, per delivery (async)`, async () => {
        const all = await Promise.all(Array.from({ length: IN_FLIGHT }, () => webcryptoVerify(sentinelBytes, sentinelHeaders)));
        sink += all.length;
      }, 'batch'],
    ],
  },
  {
    name: 'Standard Webhooks 1 KiB',
    baseline: 1,
    tasks: [
      ['hookshield wasm: standard verify + event.data (sync)', () => {
        sink += standard.verify(standardBody, standardHeaders).data.invoice_id.length;
      }, 'sync'],
      ['standardwebhooks (pure JS) verify + JSON.parse', () => {
        sink += webhook.verify(standardBody, standardHeaders).type.length;
      }, 'sync'],
    ],
  },
  {
    name: 'where the time goes (Sentinel 1 KiB)',
    baseline: null,
    tasks: [
      ['module verify: core verify (signature, envelope; data typed and key derived only when read) + crossing', () => {
        sink += rawVerifier.verify(sentinelBytes, sig, ts, undefined, undefined, nowSeconds()).length;
      }, 'sync'],
      ['module verifySignature: signature and window only, no parse, + crossing', () => {
        sink += rawVerifier.verifySignature(sentinelBytes, sig, ts, undefined, undefined, nowSeconds()).length;
      }, 'sync'],
      ['a module call floor (typeMatches)', () => {
        sink += raw.typeMatches('document.*', 'document.completed') ? 1 : 0;
      }, 'sync'],
      ['TextDecoder: the body to text (what event.data runs first)', () => {
        sink += decoder.decode(sentinelBytes).length;
      }, 'sync'],
      ['JSON.parse of the text of `data` alone (what event.data runs)', () => {
        sink += JSON.parse(dataText).document_id.length;
      }, 'sync'],
      ['JSON.parse of the whole body', () => {
        sink += JSON.parse(sentinelBody).data.document_id.length;
      }, 'sync'],
      ['WebCrypto subtle.verify alone (cached key), one at a time', async () => {
        sink += (await crypto.subtle.verify('HMAC', key, signatureBytes, sentinelBytes)) ? 1 : 0;
      }, 'async'],
    ],
  },
];

/** Per-delivery figures in µs: { label: { mean, median, p99 } } or { label: { median, best } }. */
function report(results, columns) {
  console.log(`| group | task | ${columns.join(' | ')} | baseline ÷ this (speed-up) |`);
  console.log(`| --- | --- | ${columns.map(() => '---:').join(' | ')} | ---: |`);
  const summaries = [];
  for (const { name, baseline, tasks } of groups) {
    const key0 = columns[0];
    const base = baseline === null ? null : results[tasks[baseline][0]][key0];
    for (const [index, [label]] of tasks.entries()) {
      const r = results[label];
      let speedup = '';
      if (base !== null) speedup = index === baseline ? 'baseline' : `${(base / r[key0]).toFixed(2)}x`;
      console.log(`| ${name} | ${label} | ${columns.map((c) => r[c].toFixed(2)).join(' | ')} | ${speedup} |`);
    }
    const at = (tag) => tasks.find(([label]) => label.startsWith(tag))?.[0];
    if (at('(a)') && at('(b)') && at('(c)')) {
      const c = results[at('(c)')][key0];
      const withData = c / results[at('(b)')][key0];
      const inFlight = results[tasks[3][0]][key0];
      summaries.push(
        `${name}, by ${key0}: (c)/(a) = ${(c / results[at('(a)')][key0]).toFixed(2)}x, (c)/(b) = ${withData.toFixed(2)}x; ` +
          `issue 12 target (c)/(b) >= 2.5x: ${withData >= 2.5 ? 'met' : 'not met'}; ` +
          `with ${IN_FLIGHT} WebCrypto deliveries in flight: ${(inFlight / results[at('(a)')][key0]).toFixed(2)}x (a), ` +
          `${(inFlight / results[at('(b)')][key0]).toFixed(2)}x (b)`,
      );
      if (columns.includes('cpu')) {
        const cpuOf = (label) => results[label].cpu;
        summaries.push(
          `${name}, by CPU time per delivery: (c)/(a) = ${(cpuOf(at('(c)')) / cpuOf(at('(a)'))).toFixed(2)}x, ` +
            `(c)/(b) = ${(cpuOf(at('(c)')) / cpuOf(at('(b)'))).toFixed(2)}x; with ${IN_FLIGHT} in flight: ` +
            `${(cpuOf(tasks[3][0]) / cpuOf(at('(a)'))).toFixed(2)}x (a), ${(cpuOf(tasks[3][0]) / cpuOf(at('(b)'))).toFixed(2)}x (b)`,
        );
      }
    }
  }
  console.log(`\n${summaries.join('\n')}`);
}

const perCall = (kind) => (kind === 'batch' ? IN_FLIGHT : 1);

if (process.env.BENCH_MODE === 'rounds') {
  // Every task in turn for 40 ms, 15 rounds; each task's median round (µs per delivery),
  // and the process's CPU time per delivery (user + system, every thread: WebCrypto's
  // work on the thread pool included) in that round.
  const count = Number(process.env.BENCH_ROUNDS ?? 15);
  const clock = () => Number(process.hrtime.bigint()) / 1000;
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  };
  const all = groups.flatMap((g) => g.tasks);
  const samples = new Map(all.map(([label]) => [label, []]));
  const cpuSamples = new Map(all.map(([label]) => [label, []]));
  for (let round = 0; round < count; round += 1) {
    for (const [label, fn, kind] of all) {
      let calls = 0;
      const cpuStart = cpu();
      const start = clock();
      while (clock() - start < 40_000) {
        if (kind === 'sync') for (let i = 0; i < 100; i += 1) fn();
        else for (let i = 0; i < 10; i += 1) await fn();
        calls += kind === 'sync' ? 100 : 10;
      }
      samples.get(label).push((clock() - start) / (calls * perCall(kind)));
      cpuSamples.get(label).push((cpu() - cpuStart) / (calls * perCall(kind)));
    }
  }
  const results = {};
  for (const [label, values] of samples) {
    values.sort((a, b) => a - b);
    const cpuValues = cpuSamples.get(label).sort((a, b) => a - b);
    results[label] = { median: values[Math.floor(values.length / 2)], best: values[0], cpu: cpuValues[Math.floor(cpuValues.length / 2)] };
  }
  console.log(`node ${process.version}, body ${sentinelBytes.length} bytes, ${count} rounds of 40 ms per task, µs per delivery\n`);
  report(results, ['median', 'best', 'cpu']);
} else {
  const bench = new Bench({ time: Number(process.env.BENCH_TIME_MS ?? 2000), warmupTime: 500 });
  for (const { tasks } of groups) for (const [label, fn] of tasks) bench.add(label, fn);
  await bench.run();
  const results = {};
  for (const task of bench.tasks) {
    const kind = groups.flatMap((g) => g.tasks).find(([label]) => label === task.name)[2];
    const latency = task.result.latency; // milliseconds per call
    const us = 1000 / perCall(kind);
    results[task.name] = { mean: latency.mean * us, median: latency.p50 * us, p99: latency.p99 * us };
  }
  console.log(`node ${process.version}, body ${sentinelBytes.length} bytes, tinybench, ${process.env.BENCH_TIME_MS ?? 2000} ms per task, µs per delivery\n`);
  report(results, ['mean', 'median', 'p99']);
}
if (sink === 0) console.log('(unreachable)');
