// Verify + typed parse of a 1 KiB Sentinel delivery, side by side in one process:
//
// - hookshield (this package), as a receiver calls it: Buffer body, IncomingHttpHeaders;
//   (a) verify() alone (reading `event.type`: `data` is never built) and (b) verify() +
//   reading `event.data` (the whole object built, as the snippet's JSON.parse builds it);
// - (c) the providers' documented snippet: createHmac(...).digest('hex') +
//   timingSafeEqual + a 5-minute timestamp check + JSON.parse;
// - @octokit/webhooks-methods `verify` (same `sha256=<hex>` of the body) + JSON.parse;
// - standardwebhooks `Webhook.verify` (Standard Webhooks scheme, same body), next to
//   hookshield's `standard` preset on the same delivery;
// - and where the time goes: the native layer's calls alone, JSON.parse, the HMAC.
//
// Run: npm run bench   (node bench/verify.mjs; build first with npm run build).
// BENCH_MODE=rounds npm run bench: contenders alternate over 15 rounds, medians compared
// (fairer on a machine whose load drifts), each against its group's baseline (the
// snippet), with (c)/(a), (c)/(b) and issue 12's target, (c)/(b) >= 1.2; BENCH_FORMAT=markdown
// for a table.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { bench, do_not_optimize, group, run, summary } from 'mitata';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';

const require = createRequire(import.meta.url);
const hookshield = require('../hookshield.js');
const native = require('../index.js');

const SECRET = 'whsec_bench_0123456789abcdef0123456789abcdef';
// The event time, now (whole seconds, as the providers' samples write it): an older one
// would be past the replay horizon.
const EVENT_TIME = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const STANDARD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** A valid Sentinel `document.completed` body of exactly `size` bytes: the documented sample with holdings, padded. */
export function sentinelBody(size = 1024, typeKey = 'event') {
  const holdings = [];
  for (let i = 0; i < 6; i++) {
    holdings.push({ isin: `INE00${i}A01020`, scheme: `Fund ${i} Growth`, units: 1250.5 + i, nav: 42.17 + i });
  }
  const data = {
    document_id: 'doc_abc123',
    tenant_id: 'ten_xyz',
    user_id: 'usr_456',
    document_type: 'cas_statement',
    pages: 4,
    extractions: { holdings_count: 12, total_aum: 12500000, currency: 'INR', holdings },
    confidence: { average: 0.94, minimum: 0.87 },
    processing_time_ms: 45000,
    notes: '',
  };
  const envelope = () => ({ [typeKey]: 'document.completed', timestamp: EVENT_TIME, data });
  const head = JSON.stringify(envelope());
  const pad = size - Buffer.byteLength(head);
  if (pad < 0) throw new Error(`base body is ${Buffer.byteLength(head)} bytes, more than ${size}`);
  data.notes = 'x'.repeat(pad);
  const body = Buffer.from(JSON.stringify(envelope()));
  if (body.length !== size) throw new Error(`body is ${body.length} bytes`);
  return body;
}

const body = sentinelBody(1024);
const now = Math.floor(Date.now() / 1000);
const signed = hookshield.sign('sentinel', SECRET, body, { timestamp: now });
// What Node hands a receiver: lower-cased IncomingHttpHeaders with the usual others.
const headers = {
  host: 'receiver.example.com',
  'user-agent': 'Sentinel-Webhooks/1.0',
  'content-type': 'application/json',
  'content-length': String(body.length),
  accept: '*/*',
  'accept-encoding': 'gzip',
  connection: 'close',
  'x-sentinel-timestamp': signed['X-Sentinel-Timestamp'],
  'x-sentinel-signature': signed['X-Sentinel-Signature'],
};

const verifier = new hookshield.Verifier({ provider: 'sentinel', secrets: [SECRET] });

// The documented snippet, as the providers' documents show it (plus the timestamp check
// Sentinel advises).
function documentedSnippet(rawBody, h) {
  const signature = h['x-sentinel-signature'];
  const timestamp = Number(h['x-sentinel-timestamp']);
  if (!signature || !signature.startsWith('sha256=')) throw new Error('missing signature');
  const expected = 'sha256=' + createHmac('sha256', SECRET).update(rawBody).digest('hex');
  const a = Buffer.from(signature);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new Error('bad signature');
  if (Math.abs(Date.now() / 1000 - timestamp) > 300) throw new Error('stale');
  return JSON.parse(rawBody.toString('utf8'));
}

// Standard Webhooks: the same body (`type` for `event`) under its scheme, for
// standardwebhooks and hookshield's preset.
const standardBody = sentinelBody(1024, 'type');
const standardHeaders = Object.fromEntries(
  Object.entries(
    hookshield.sign('standard', STANDARD_SECRET, standardBody, { timestamp: now, id: 'msg_2Lh9KRb0pzN4LePd3XiA4xVCRqg' }),
  ).map(([k, v]) => [k.toLowerCase(), v]),
);
const standardVerifier = new hookshield.Verifier({ provider: 'standard', secrets: [STANDARD_SECRET] });
const standardWebhook = new Webhook(STANDARD_SECRET);
const bodyText = body.toString('utf8');

// The native layer directly, for where the time goes.
const nativeVerifier = new native.NativeVerifier('sentinel', [SECRET], undefined, undefined, []);
const sig = headers['x-sentinel-signature'];
const ts = headers['x-sentinel-timestamp'];
// The text of `data` (the body's last member), as reading `event.data` parses it.
const dataText = bodyText.slice(bodyText.indexOf('"data":') + 7, -1);
if (JSON.stringify(JSON.parse(dataText)) !== JSON.stringify(JSON.parse(bodyText).data)) throw new Error('data text');

// Sanity: every contender accepts the delivery and sees the same data.
const expected = JSON.stringify(JSON.parse(bodyText).data);
const checks = {
  hookshield: JSON.stringify(verifier.verify(body, headers).data),
  snippet: JSON.stringify(documentedSnippet(body, headers).data),
  octokit: (await octokitVerify(SECRET, bodyText, sig)) ? JSON.stringify(JSON.parse(bodyText).data) : 'rejected',
  standardwebhooks: JSON.stringify(standardWebhook.verify(standardBody, standardHeaders).data),
  hookshieldStandard: JSON.stringify(standardVerifier.verify(standardBody, standardHeaders).data),
  jsonParse: JSON.stringify(JSON.parse(nativeVerifier.verify(body, sig, ts, undefined, undefined, now) && body.toString('utf8')).data),
};
const expectedStandard = JSON.stringify(JSON.parse(standardBody.toString('utf8')).data);
for (const [name, seen] of Object.entries(checks)) {
  if (seen !== (name.toLowerCase().includes('standard') ? expectedStandard : expected)) throw new Error(`${name} does not agree: ${seen}`);
}

// The core's own benchmark body (crates/hookshield/benches/verify.rs): the documented
// sample padded with one long string, so far fewer values to parse.
const padHead =
  `{"event":"document.completed","timestamp":"${EVENT_TIME}","data":{"document_id":"doc_abc123","tenant_id":"ten_xyz","user_id":"usr_456","document_type":"cas_statement","pages":4,"extractions":{"holdings_count":12,"total_aum":12500000,"currency":"INR"},"confidence":{"average":0.94,"minimum":0.87},"processing_time_ms":45000,"notes":"`;
const padded = Buffer.from(`${padHead}${'x'.repeat(1024 - padHead.length - 3)}"}}`);
const paddedSigned = hookshield.sign('sentinel', SECRET, padded, { timestamp: now });
const paddedHeaders = {
  ...headers,
  'x-sentinel-timestamp': paddedSigned['X-Sentinel-Timestamp'],
  'x-sentinel-signature': paddedSigned['X-Sentinel-Signature'],
};
if (padded.length !== 1024 || verifier.verify(padded, paddedHeaders).type !== 'document.completed') throw new Error('padded body');

const groups = [
  {
    name: 'verify + parse, 1 KiB Sentinel body',
    baseline: 2,
    contenders: [
      ['(b) hookshield verify() + event.data', () => verifier.verify(body, headers).data],
      ['(a) hookshield verify() alone, event.data not read', () => verifier.verify(body, headers).type],
      ['(c) documented createHmac + timingSafeEqual + JSON.parse', () => documentedSnippet(body, headers).data],
      [
        '@octokit/webhooks-methods verify + JSON.parse',
        async () => {
          if (!(await octokitVerify(SECRET, body.toString('utf8'), headers['x-sentinel-signature']))) throw new Error('bad');
          return JSON.parse(body.toString('utf8')).data;
        },
      ],
    ],
  },
  {
    name: "1 KiB Sentinel body with few values (the core bench's body)",
    baseline: 2,
    contenders: [
      ['(b) hookshield verify() + event.data', () => verifier.verify(padded, paddedHeaders).data],
      ['(a) hookshield verify() alone, event.data not read', () => verifier.verify(padded, paddedHeaders).type],
      ['(c) documented createHmac + timingSafeEqual + JSON.parse', () => documentedSnippet(padded, paddedHeaders).data],
    ],
  },
  {
    name: 'Standard Webhooks scheme, same 1 KiB body',
    baseline: 1,
    contenders: [
      ['hookshield verify() (standard preset) + event.data', () => standardVerifier.verify(standardBody, standardHeaders).data],
      ['standardwebhooks Webhook.verify', () => standardWebhook.verify(standardBody, standardHeaders)],
    ],
  },
  {
    // Where the time of `verify() + event.data` goes: each part alone.
    name: 'where the time goes (1 KiB Sentinel body)',
    baseline: null,
    contenders: [
      ['native verify: the core verify (signature, envelope; data typed and key derived only when read) + crossing', () =>
        nativeVerifier.verify(body, sig, ts, undefined, undefined, Math.floor(Date.now() / 1000))],
      ['native verifySignature: signature and timestamp only, no parse', () =>
        nativeVerifier.verifySignature(body, sig, ts, undefined, undefined, Math.floor(Date.now() / 1000))],
      ['a napi call floor (typeMatches)', () => native.typeMatches('document.*', 'document.completed')],
      ['JSON.parse of the body text (V8)', () => JSON.parse(bodyText)],
      ["JSON.parse of the text of `data` alone (what event.data runs)", () => JSON.parse(dataText)],
      ['the body decoded to text (Buffer toString, what event.data runs first)', () => body.toString('utf8')],
      ["the snippet's createHmac + timingSafeEqual, no parse", () => {
        const expectedSig = 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex');
        const a = Buffer.from(sig);
        const b = Buffer.from(expectedSig);
        return a.length === b.length && timingSafeEqual(a, b);
      }],
    ],
  },
];

/**
 * BENCH_MODE=rounds: every contender of a group runs in turn, for several rounds, and
 * each gets its median round. On a shared machine whose load drifts, this keeps the
 * comparison fair (mitata runs one contender to the end before the next). Each round is
 * also timed in the process's CPU time (user + system, every thread), which time spent
 * waiting for a core held by other work does not count: the speed-ups are given for both.
 */
async function rounds(count = Number(process.env.BENCH_ROUNDS ?? 15)) {
  const now = () => Number(process.hrtime.bigint()) / 1000;
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  };
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const lines = [
    '| group | contender | median µs/iter | best round µs/iter | median CPU µs/iter | baseline ÷ this (speed-up; by CPU time) |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ];
  const summaries = [];
  for (const { name, contenders, baseline = 0 } of groups) {
    const samples = contenders.map(() => []);
    const cpuSamples = contenders.map(() => []);
    for (let round = 0; round < count; round++) {
      for (const [index, [, fn]] of contenders.entries()) {
        const isAsync = fn.constructor.name === 'AsyncFunction';
        let iterations = 0;
        const cpuStart = cpu();
        const start = now();
        while (now() - start < 40_000) {
          for (let i = 0; i < 100; i++) do_not_optimize(isAsync ? await fn() : fn());
          iterations += 100;
        }
        samples[index].push((now() - start) / iterations);
        cpuSamples[index].push((cpu() - cpuStart) / iterations);
      }
    }
    const medians = samples.map(median);
    const cpuMedians = cpuSamples.map(median);
    for (const [index, [label]] of contenders.entries()) {
      let speedup = '';
      if (baseline !== null) {
        speedup =
          index === baseline
            ? 'baseline'
            : `${(medians[baseline] / medians[index]).toFixed(2)}x; ${(cpuMedians[baseline] / cpuMedians[index]).toFixed(2)}x`;
      }
      lines.push(
        `| ${name} | ${label} | ${medians[index].toFixed(2)} | ${Math.min(...samples[index]).toFixed(2)} | ${cpuMedians[index].toFixed(2)} | ${speedup} |`,
      );
    }
    const at = (tag) => contenders.findIndex(([label]) => label.startsWith(tag));
    if (at('(a)') >= 0 && at('(b)') >= 0 && at('(c)') >= 0) {
      const ratio = (of, tag) => (of[at('(c)')] / of[at(tag)]).toFixed(2);
      const withData = medians[at('(c)')] / medians[at('(b)')];
      summaries.push(
        `${name}: (c)/(a) = ${ratio(medians, '(a)')}x, (c)/(b) = ${withData.toFixed(2)}x ` +
          `(by CPU time: ${ratio(cpuMedians, '(a)')}x, ${ratio(cpuMedians, '(b)')}x); ` +
          `issue 12 target (c)/(b) >= 1.2x: ${withData >= 1.2 ? 'met' : 'not met'}`,
      );
    }
  }
  console.log(`node ${process.version}, ${count} rounds of 40 ms per contender (median of the rounds; best round and median CPU time beside it)\n`);
  console.log(lines.join('\n'));
  console.log(`\n${summaries.join('\n')}`);
}

if (process.env.BENCH_MODE === 'rounds') {
  await rounds();
} else {
  for (const { name, contenders } of groups) {
    group(name, () => {
      summary(() => {
        for (const [label, fn] of contenders) {
          bench(label, fn.constructor.name === 'AsyncFunction' ? async () => do_not_optimize(await fn()) : () => do_not_optimize(fn()));
        }
      });
    });
  }
  await run({
    format: process.env.BENCH_FORMAT ?? 'mitata',
    ...(process.env.BENCH_FILTER && { filter: new RegExp(process.env.BENCH_FILTER) }),
  });
}
