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

const PROVIDERS = ['sentinel', 'docintell', 'sentrasa', 'kyc', 'sensei', 'github', 'standard'];
const SECRETS = { standard: 'whsec_c2VjcmV0LWtleS1ieXRlcw==' };
const secretOf = (provider) => SECRETS[provider] ?? `whsec_${provider}_secret`;

Deno.test('every sample of every provider verifies and parses', () => {
  let count = 0;
  for (const provider of PROVIDERS) {
    const verifier = new Verifier(provider, secretOf(provider));
    for (const type of sampleTypes(provider)) {
      const body = sample(provider, type);
      const options = provider === 'github' ? { event: type.split('.')[0] } : {};
      const event = verifier.verify(body, new Headers(sign(provider, secretOf(provider), body, options)));
      equal(event.type, type, `${provider} type`);
      equal(event.provider, provider, 'provider');
      assert(event.matches('*') && event.matches(event.type), 'matches');
      assert(typeof event.idempotencyKey === 'string' && event.idempotencyKey.length > 0, 'key');
      count += 1;
    }
  }
  assert(count >= 40, `ran ${count} samples`);
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

Deno.test('initSync accepts a compiled module (the Workers way)', async () => {
  const { initSync } = await import('../../dist/web/index.js');
  const bytes = await Deno.readFile(new URL('../../dist/web/hookshield_wasm_bg.wasm', import.meta.url));
  initSync(new WebAssembly.Module(bytes)); // already initialised: a no-op, never a second instance
  equal(new Verifier('github', 'g').provider, 'github', 'still usable');
});

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
        equal(
          [e.provider, e.type, e.family, e.id, e.timestampMs, e.idempotencyKey, e.documented, e.data],
          [c.expect.event.provider, c.expect.event.type, c.expect.event.family, c.expect.event.id,
            c.expect.event.timestamp_ms, c.expect.event.idempotency_key, c.expect.event.documented, c.expect.event.data],
          name,
        );
      }
    }
  }
  assert(cases > 0, 'no vector cases');
});
