// The web build (dist/web, ES module) under Deno: `deno test --allow-read test/deno/`.
// Run from test/deno.test.js with the deno binary of the npm package `deno`.
import {
  handle,
  init,
  MemoryStore,
  Router,
  sample,
  sampleTypes,
  sign,
  VerificationError,
  Verifier,
} from '../../dist/web/index.js';

await init();

function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}
function equal(actual, expected, message = '') {
  const [a, b] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== b) throw new Error(`${message}: expected ${b}, found ${a}`);
}
function throwsCode(fn, code) {
  try {
    fn();
  } catch (error) {
    assert(error instanceof VerificationError, `${error} is a VerificationError`);
    equal(error.code, code, 'error code');
    return error;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

const PROVIDERS = [
  'sentinel', 'docintell', 'sentrasa', 'kyc', 'sensei', 'github', 'standard',
  'stripe', 'svix', 'slack', 'shopify', 'paddle',
];
const SECRETS = { standard: 'whsec_c2VjcmV0LWtleS1ieXRlcw==', svix: 'whsec_c2VjcmV0LWtleS1ieXRlcw==' };
const secretOf = (provider) => SECRETS[provider] ?? `whsec_${provider}_secret`;

Deno.test('every sample of every provider verifies and parses', () => {
  let count = 0;
  for (const provider of PROVIDERS) {
    const verifier = new Verifier(provider, secretOf(provider));
    for (const type of sampleTypes(provider)) {
      const body = sample(provider, type);
      // GitHub and Shopify name the type in a header only.
      const options = { github: { event: type.split('.')[0] }, shopify: { event: type } }[provider] ?? {};
      const event = verifier.verify(body, new Headers(sign(provider, secretOf(provider), body, options)));
      equal(event.type, type, `${provider} type`);
      equal(event.provider, provider, 'provider');
      assert(event.matches('*') && event.matches(event.type), 'matches');
      assert(typeof event.idempotencyKey === 'string' && event.idempotencyKey.length > 0, 'key');
      count += 1;
    }
  }
  assert(count >= 46, `ran ${count} samples`);
});

Deno.test('forged, tampered and stale deliveries get their codes', () => {
  const verifier = new Verifier('sentinel', 'whsec_right');
  const body = sample('sentinel', 'report.generated');
  throwsCode(() => verifier.verify(body, sign('sentinel', 'whsec_wrong', body)), 'signature_mismatch');
  throwsCode(() => verifier.verify(`${body} `, sign('sentinel', 'whsec_right', body)), 'signature_mismatch');
  const now = Math.floor(Date.now() / 1000);
  const stale = throwsCode(
    () => verifier.verify(body, sign('sentinel', 'whsec_right', body, { timestamp: now - 301 })),
    'timestamp_too_old',
  );
  equal(stale.status, 401, 'status');
  assert(!stale.message.includes('whsec_right'), 'no secret in messages');
  // Exactly at the edge of the window passes.
  verifier.verify(body, sign('sentinel', 'whsec_right', body, { timestamp: now - 300 }), { now: now * 1000 });
});

Deno.test('options are camelCase and overrides reach the core', () => {
  const verifier = new Verifier('custom', 'acme', {
    signatureHeader: 'X-Acme-Signature',
    encoding: 'base64',
    prefix: '',
    maxBodyBytes: 64,
  });
  const body = '{"type":"order.shipped","data":{"order_id":"o1"}}';
  const event = verifier.verify(body, verifier.sign('acme', body));
  equal(event.data, { order_id: 'o1' }, 'data');
  throwsCode(() => verifier.verify('x'.repeat(65), {}), 'body_too_large');
  throwsCode(() => new Verifier('sentinel', 's', { colour: 'red' }), 'invalid_config');
  throwsCode(() => new Verifier('sentinel', []), 'no_secret');
});

Deno.test('verifyRequest reads the body once and hands it back', async () => {
  const verifier = new Verifier('docintell', 'whsec_doc');
  const body = sample('docintell', 'document.processing.completed');
  const request = new Request('http://localhost/hook', {
    method: 'POST',
    headers: sign('docintell', 'whsec_doc', body),
    body,
  });
  const event = await verifier.verifyRequest(request);
  equal(event.family, 'document', 'family');
  assert(request.bodyUsed, 'the request body was read');
  equal(new TextDecoder().decode(event.body), body, 'the bytes read are on event.body');
});

Deno.test('handle answers the status the provider should get', async () => {
  const verifier = new Verifier('docintell', 'whsec_doc');
  const store = new MemoryStore({ capacity: 100 });
  const body = sample('docintell', 'document.uploaded');
  const headers = sign('docintell', 'whsec_doc', body);
  const request = (payload = body, h = headers) =>
    new Request('http://localhost/hook', { method: 'POST', headers: h, body: payload });
  let calls = 0;
  const router = new Router().on('document.*', () => {
    calls += 1;
  });
  equal((await verifier.handle(request(), router, { store })).status, 200, 'processed');
  equal((await handle(verifier, request(), router, { store })).status, 200, 'duplicate');
  equal(calls, 1, 'handler ran once');
  const forged = await verifier.handle(request(`${body} `), router, { store });
  equal(forged.status, 401, 'forged');
  equal((await forged.json()).error.code, 'signature_mismatch', 'forged code');
  // DocIntell ends its retries on any 4xx: a failing handler and an event in progress get 5xx.
  const other = sample('docintell', 'document.processing.failed');
  const failing = await verifier.handle(request(other, sign('docintell', 'whsec_doc', other)), () => {
    throw new Error('db down');
  }, { store });
  equal(failing.status, 500, 'handler failed');
  const held = sample('docintell', 'document.processing.completed');
  const heldHeaders = sign('docintell', 'whsec_doc', held);
  store.begin(verifier.verify(held, heldHeaders).idempotencyKey, { leaseSeconds: 30 }); // another worker has it
  const busy = await verifier.handle(request(held, heldHeaders), router, { store });
  equal([busy.status, (await busy.json()).outcome], [503, 'in_progress'], 'in progress');
});

Deno.test('authentic deliveries it cannot type arrive untyped; data is what JSON.parse gives', () => {
  const verifier = new Verifier('sentinel', 'whsec_s');
  const drift = (pages) => sample('sentinel', 'document.completed').replace(/"pages": \d+/, `"pages": ${pages}`);
  const verify = (body) => verifier.verify(body, sign('sentinel', 'whsec_s', body));
  const mismatch = verify(drift('"4"'));
  equal([mismatch.documented, mismatch.untypedReason, mismatch.data.pages], [false, 'data_mismatch', '4'], 'pages "4"');
  assert(typeof mismatch.untypedDetail === 'string', 'a detail');
  const whole = verify(drift('4.0'));
  equal([whole.documented, whole.untypedReason, whole.untypedDetail, whole.data.pages], [true, null, null, 4], 'pages 4.0');
  const deep = `${'['.repeat(200)}"\\ud83d"${']'.repeat(200)}`;
  const odd = drift(`{"deep": ${deep}, "big": 18446744073709551617, "zero": -0}`);
  assert(deepEqual(verify(odd).data, JSON.parse(odd).data), 'deep, lone surrogate, big integer, -0');
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const test = '{"test": 2432232314}';
  const untyped = new Verifier('standard', secret).verify(test, sign('standard', secret, test, { id: 'msg_1' }));
  equal([untyped.type, untyped.untypedReason, untyped.raw], ['', 'missing_type', { test: 2432232314 }], 'no type');
});

Deno.test('handle reads at most maxBodyBytes + 1 bytes; a declared larger body is not read', async () => {
  const verifier = new Verifier({ provider: 'sentinel', secret: 'whsec_s', maxBodyBytes: 1000 });
  let pulled = 0;
  const endless = new ReadableStream({ pull(c) { pulled += 100; c.enqueue(new Uint8Array(100)); } }, { highWaterMark: 0 });
  const quiet = { warn() {}, error() {} };
  const chunked = await verifier.handle(new Request('http://localhost/', { method: 'POST', body: endless }), () => {}, { logger: quiet });
  equal([chunked.status, pulled], [413, 1100], 'chunked');
  const declared = await verifier.handle(
    new Request('http://localhost/', { method: 'POST', headers: { 'content-length': '5000' }, body: 'x'.repeat(5000) }),
    () => {},
    { logger: quiet },
  );
  equal(declared.status, 413, 'declared');
  equal((await declared.json()).error.message, 'body too large: 5000 bytes, limit is 1000 bytes', 'refused for its Content-Length');
});

Deno.test('initSync accepts a compiled module (the Workers way)', async () => {
  const { initSync } = await import('../../dist/web/index.js');
  const bytes = await Deno.readFile(new URL('../../dist/web/hookshield_wasm_bg.wasm', import.meta.url));
  initSync(new WebAssembly.Module(bytes)); // already initialised: a no-op, never a second instance
  equal(new Verifier('github', 'g').provider, 'github', 'still usable');
});

// Expected members by the vectors' names, where the JavaScript name differs.
const MEMBERS = {
  timestamp_ms: 'timestampMs',
  idempotency_key: 'idempotencyKey',
  untyped_reason: 'untypedReason',
};

/** Structural equality that tells -0 from 0 and keeps lone surrogates (unlike JSON.stringify). */
function deepEqual(a, b) {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const [ka, kb] = [Object.keys(a), Object.keys(b)];
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && deepEqual(a[k], b[k]));
}

Deno.test('every vector case agrees (web build)', async () => {
  const dir = new URL('../../../../tests/vectors/', import.meta.url);
  let cases = 0;
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith('.json')) continue;
    const { cases: list } = JSON.parse(await Deno.readTextFile(new URL(entry.name, dir)));
    for (const c of list) {
      cases += 1;
      const options = {};
      for (const [k, v] of Object.entries(c.options ?? {})) options[k === 'max_body_bytes' ? 'maxBodyBytes' : k] = v;
      const secrets = c.secrets.map((s) =>
        typeof s === 'string' ? s : Uint8Array.from(s.hex.match(/../g) ?? [], (h) => parseInt(h, 16)),
      );
      const body = c.body_hex !== undefined ? Uint8Array.from(c.body_hex.match(/../g) ?? [], (h) => parseInt(h, 16)) : c.body;
      let result;
      try {
        const verifier = new Verifier(c.provider, secrets, options);
        result = c.check === 'signature'
          ? verifier.verifySignature(body, c.headers, { now: c.now * 1000 }) && { ok: true }
          : { event: verifier.verify(body, c.headers, { now: c.now * 1000 }) };
      } catch (error) {
        result = { error: error.code ?? String(error) };
      }
      const name = `${entry.name}: ${c.name}`;
      if (c.expect.error !== undefined) equal(result.error, c.expect.error, name);
      else if (c.expect.ok !== undefined) equal(result.ok, true, name);
      else {
        const e = result.event;
        assert(e, `${name}: ${result.error}`);
        // Only the members the expectation has; data it leaves out is what JSON.parse gives.
        const got = {};
        for (const key of Object.keys(c.expect.event)) got[key] = e[MEMBERS[key] ?? key];
        equal(got, c.expect.event, name);
        if (!('data' in c.expect.event)) {
          const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
          const parsed = JSON.parse(text);
          const whole = c.provider === 'github' || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed);
          assert(deepEqual(e.data, whole ? parsed : (parsed.data ?? null)), `${name}: data is JSON.parse's`);
        }
      }
    }
  }
  assert(cases > 0, 'no vector cases');
});
