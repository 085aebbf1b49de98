// Verify + typed parse of a 1 KiB Sentinel delivery, side by side in one process:
//
// - hookshield (this package), as a receiver calls it: Buffer body, IncomingHttpHeaders;
// - the providers' documented snippet: createHmac(...).digest('hex') + timingSafeEqual
//   + a 5-minute timestamp check + JSON.parse;
// - @octokit/webhooks-methods `verify` (same `sha256=<hex>` of the body) + JSON.parse;
// - standardwebhooks `Webhook.verify` (Standard Webhooks scheme, same body), next to
//   hookshield's `standard` preset on the same delivery;
// - and, to decide how `Event.data` crosses into JavaScript, the native layer with
//   `raw`/`data` built as JavaScript objects in Rust (napi) against handing V8 the JSON
//   text (`JSON.parse` in JavaScript, which the package ships).
//
// Run: npm run bench   (node bench/verify.mjs; build first with npm run build)
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { bench, do_not_optimize, group, run, summary } from 'mitata';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';

const require = createRequire(import.meta.url);
const hookshield = require('../hookshield.js');
const native = require('../index.js');

const SECRET = 'whsec_bench_0123456789abcdef0123456789abcdef';
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
  const envelope = () => ({ [typeKey]: 'document.completed', timestamp: '2026-05-15T10:05:00Z', data });
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

// The native layer directly, for the data-crossing comparison.
const nativeVerifier = new native.NativeVerifier('sentinel', [SECRET], {});
const sig = headers['x-sentinel-signature'];
const ts = headers['x-sentinel-timestamp'];

// Sanity: every contender accepts the delivery and sees the same data.
const expected = JSON.stringify(JSON.parse(bodyText).data);
const checks = {
  hookshield: JSON.stringify(verifier.verify(body, headers).data),
  snippet: JSON.stringify(documentedSnippet(body, headers).data),
  octokit: (await octokitVerify(SECRET, bodyText, sig)) ? JSON.stringify(JSON.parse(bodyText).data) : 'rejected',
  standardwebhooks: JSON.stringify(standardWebhook.verify(standardBody, standardHeaders).data),
  hookshieldStandard: JSON.stringify(standardVerifier.verify(standardBody, standardHeaders).data),
  rustObjects: JSON.stringify(nativeVerifier.verifyWithData(body, sig, ts, undefined, undefined, undefined).data),
  jsonParse: JSON.stringify(JSON.parse(nativeVerifier.verify(body, sig, ts) && body.toString('utf8')).data),
};
const expectedStandard = JSON.stringify(JSON.parse(standardBody.toString('utf8')).data);
for (const [name, seen] of Object.entries(checks)) {
  if (seen !== (name.toLowerCase().includes('standard') ? expectedStandard : expected)) throw new Error(`${name} does not agree: ${seen}`);
}

group('verify + parse, 1 KiB Sentinel body', () => {
  summary(() => {
    bench('hookshield verify() + event.data', () => do_not_optimize(verifier.verify(body, headers).data));
    bench('hookshield verify(), event.data not read', () => do_not_optimize(verifier.verify(body, headers).type));
    bench('documented createHmac + timingSafeEqual + JSON.parse', () =>
      do_not_optimize(documentedSnippet(body, headers).data),
    );
    bench('@octokit/webhooks-methods verify + JSON.parse', async () => {
      if (!(await octokitVerify(SECRET, body.toString('utf8'), headers['x-sentinel-signature']))) throw new Error('bad');
      do_not_optimize(JSON.parse(body.toString('utf8')).data);
    });
  });
});

// The core's own benchmark body (crates/hookshield/benches/verify.rs): the documented
// sample padded with one long string, so far fewer values to parse.
const padHead =
  '{"event":"document.completed","timestamp":"2026-05-15T10:05:00Z","data":{"document_id":"doc_abc123","tenant_id":"ten_xyz","user_id":"usr_456","document_type":"cas_statement","pages":4,"extractions":{"holdings_count":12,"total_aum":12500000,"currency":"INR"},"confidence":{"average":0.94,"minimum":0.87},"processing_time_ms":45000,"notes":"';
const padded = Buffer.from(`${padHead}${'x'.repeat(1024 - padHead.length - 3)}"}}`);
const paddedSigned = hookshield.sign('sentinel', SECRET, padded, { timestamp: now });
const paddedHeaders = {
  ...headers,
  'x-sentinel-timestamp': paddedSigned['X-Sentinel-Timestamp'],
  'x-sentinel-signature': paddedSigned['X-Sentinel-Signature'],
};
if (padded.length !== 1024 || verifier.verify(padded, paddedHeaders).type !== 'document.completed') throw new Error('padded body');

group("1 KiB Sentinel body with few values (the core bench's body)", () => {
  summary(() => {
    bench('hookshield verify() + event.data', () => do_not_optimize(verifier.verify(padded, paddedHeaders).data));
    bench('documented createHmac + timingSafeEqual + JSON.parse', () =>
      do_not_optimize(documentedSnippet(padded, paddedHeaders).data),
    );
  });
});

group('Standard Webhooks scheme, same 1 KiB body', () => {
  summary(() => {
    bench('hookshield verify() (standard preset) + event.data', () =>
      do_not_optimize(standardVerifier.verify(standardBody, standardHeaders).data),
    );
    bench('standardwebhooks Webhook.verify', () => do_not_optimize(standardWebhook.verify(standardBody, standardHeaders)));
  });
});

group('Event.data across the boundary (native layer)', () => {
  summary(() => {
    bench('data built in Rust (napi objects)', () =>
      do_not_optimize(nativeVerifier.verifyWithData(body, sig, ts, undefined, undefined, undefined).data),
    );
    bench('JSON text to V8 (JSON.parse in JS)', () => {
      const meta = nativeVerifier.verify(body, sig, ts, undefined, undefined, undefined);
      do_not_optimize(meta);
      do_not_optimize(JSON.parse(body.toString('utf8')).data);
    });
  });
});

await run({ format: process.env.BENCH_FORMAT ?? 'mitata' });
