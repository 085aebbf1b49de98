'use strict';
// Fetch `Request`s in process: verifyRequest, handle and fetchHandler, bounded reads, the
// default store, logging. Over real HTTP: integrations*.test.js here, and
// bindings/wasm/test/workerd.test.js and deno.test.js for the web build.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { hookshield: h } = require('./build.js');

const SECRET = 'whsec_fetch_test';
const LIMIT = 1024;
const verifier = new h.Verifier({ provider: 'sentinel', secret: SECRET, maxBodyBytes: LIMIT });

/** A body stream that hands out `chunk`-byte pieces only when read, and says what it gave. */
function meteredStream(total, chunk = 64) {
  const meter = { pulled: 0, cancelled: false };
  const stream = new ReadableStream(
    {
      pull(controller) {
        if (meter.pulled >= total) return controller.close();
        const size = Math.min(chunk, total - meter.pulled);
        meter.pulled += size;
        controller.enqueue(new Uint8Array(size).fill(0x20));
      },
      cancel() {
        meter.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, meter };
}

function recorder() {
  const lines = [];
  return { lines, logger: { warn: (...args) => lines.push(['warn', ...args]), error: (...args) => lines.push(['error', ...args]) } };
}

const post = (headers, body) => new Request('http://127.0.0.1/hook', { method: 'POST', headers, body, duplex: 'half' });

test('a declared Content-Length over maxBodyBytes is answered 413 without reading the body', async () => {
  const { stream, meter } = meteredStream(50 * 1024 * 1024);
  const { lines, logger } = recorder();
  const response = await verifier.handle(post({ 'content-length': String(50 * 1024 * 1024) }, stream), () => {}, { logger });
  assert.equal(response.status, 413);
  const json = await response.json();
  assert.equal(json.error.code, 'body_too_large');
  assert.equal(json.error.message, 'body too large: 52428800 bytes, limit is 1024 bytes');
  assert.equal(meter.pulled, 0);
  assert.ok(meter.cancelled);
  assert.match(lines[0][1], /rejected a sentinel delivery: body_too_large \(413\)/);
  await assert.rejects(verifier.verifyRequest(post({ 'content-length': '5000' }, meteredStream(5000).stream)), { code: 'body_too_large', status: 413 });
});

test('a body without Content-Length is read up to maxBodyBytes + 1 bytes, then cancelled and answered 413', async () => {
  const { stream, meter } = meteredStream(50 * 1024 * 1024, 100);
  const response = await verifier.handle(post({}, stream), () => {}, { logger: recorder().logger });
  assert.equal(response.status, 413);
  // What is known: more than the limit (as every language's helpers say it).
  assert.equal((await response.json()).error.message, 'body too large: 1025 bytes, limit is 1024 bytes');
  assert.ok(meter.cancelled);
  assert.ok(meter.pulled > LIMIT && meter.pulled <= LIMIT + 100, `pulled ${meter.pulled}`);
  // Exactly the limit, in pieces, is read whole and verified.
  const parsed = JSON.parse(h.sample('sentinel', 'document.completed'));
  parsed.data.notes = '';
  parsed.data.notes = 'x'.repeat(LIMIT - JSON.stringify(parsed).length);
  const body = JSON.stringify(parsed);
  assert.equal(body.length, LIMIT);
  const bytes = new TextEncoder().encode(body);
  const pieces = new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 100) controller.enqueue(bytes.subarray(i, i + 100));
      controller.close();
    },
  });
  const event = await verifier.verifyRequest(post(h.sign('sentinel', SECRET, body), pieces));
  assert.equal(event.data.notes.length, parsed.data.notes.length);
});

test('fetchHandler defaults to a MemoryStore: a redelivery is a duplicate', async () => {
  const fetchIt = h.fetchHandler({ verifier: new h.Verifier('sentinel', SECRET), handler: () => {} });
  const body = h.sample('sentinel', 'report.generated');
  const headers = h.sign('sentinel', SECRET, body);
  const first = await fetchIt(post(headers, body));
  const again = await fetchIt(post(headers, body));
  assert.deepEqual([first.status, (await first.json()).outcome], [200, 'processed']);
  assert.deepEqual([again.status, (await again.json()).outcome], [200, 'duplicate']);
});

test("a handler's error is logged with its stack; each rejection is logged without the secret", async () => {
  const { lines, logger } = recorder();
  const body = h.sample('sentinel', 'document.failed');
  const failing = await verifier.handle(post(h.sign('sentinel', SECRET, body), body), function storeTheDocument() {
    throw new Error('the document store is down');
  }, { logger });
  assert.equal(failing.status, 500);
  assert.deepEqual((await failing.json()).error, { code: 'handler_failed', message: 'the handler failed; the delivery will be retried' });
  const [level, line, error] = lines[0];
  assert.equal(level, 'error');
  assert.match(line, /handler failed on sentinel document\.failed/);
  assert.match(error.stack, /the document store is down\n\s+at storeTheDocument/);

  const forged = await verifier.handle(post(h.sign('sentinel', 'whsec_forger', body), body), () => {}, { logger });
  assert.equal(forged.status, 401);
  assert.equal(lines[1][0], 'warn');
  assert.match(lines[1][1], /rejected a sentinel delivery: signature_mismatch \(401\)/);
  assert.ok(!lines.flat().join(' ').includes(SECRET));

  // Without a logger: console.error gets the error itself, so the runtime prints its stack.
  const printed = [];
  const original = console.error;
  console.error = (...args) => printed.push(args);
  try {
    await verifier.handle(post(h.sign('sentinel', SECRET, body), body), () => {
      throw new Error('again');
    });
  } finally {
    console.error = original;
  }
  assert.ok(printed[0][1] instanceof Error && /again/.test(printed[0][1].stack));
});

test('onOutcome sees every outcome after it is logged; a bad logger is a config error', async () => {
  const { lines, logger } = recorder();
  const seen = [];
  const fetchIt = h.fetchHandler({ verifier, handler: () => {}, logger, onOutcome: (o) => seen.push([o.kind, lines.length]) });
  await fetchIt(post({}, 'x'));
  assert.deepEqual(seen, [['rejected', 1]]);
  assert.throws(() => h.fetchHandler({ verifier, handler: () => {}, logger: {} }), { code: 'invalid_config' });
});

test('verifyRequest reads a Request once and hands back the bytes, or puts them on the error', async () => {
  const verifier = new h.Verifier('sentinel', SECRET);
  const body = h.sample('sentinel', 'document.completed');
  const request = post(h.sign('sentinel', SECRET, body), body);
  const event = await verifier.verifyRequest(request);
  assert.ok(request.bodyUsed);
  assert.equal(new TextDecoder().decode(event.body), body);
  const forged = post(h.sign('sentinel', 'whsec_x', body), body);
  await assert.rejects(verifier.verifyRequest(forged), (error) => error.code === 'signature_mismatch' && error.body.length === Buffer.byteLength(body));
  await assert.rejects(verifier.verifyRequest({}), { code: 'invalid_config' });
});

test('handle answers the core status and body: DocIntell never gets a retry-ending 4xx', async () => {
  const verifier = new h.Verifier('docintell', 'whsec_doc');
  const store = new h.MemoryStore({ capacity: 10 });
  const doc = h.sample('docintell', 'document.processing.completed');
  const headers = h.sign('docintell', 'whsec_doc', doc);
  const key = verifier.verify(doc, headers).idempotencyKey;
  store.begin(key, { leaseSeconds: 60 });
  const quiet = recorder().logger;
  const busy = await h.handle(verifier, post(headers, doc), () => {}, { store, logger: quiet });
  assert.equal(busy.status, 503);
  assert.deepEqual(await busy.json(), { outcome: 'in_progress', idempotency_key: key });
  const bad = await verifier.handle(post(headers, `${doc} `), () => {}, { logger: quiet });
  assert.equal(bad.status, 401);
  assert.equal((await bad.json()).error.code, 'signature_mismatch');
  assert.throws(() => h.handle({}, post(headers, doc), () => {}), { code: 'invalid_config' });
});
