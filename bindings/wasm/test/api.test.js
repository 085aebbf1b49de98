// The JavaScript API of the Node (CommonJS) build.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const h = require('../dist/node');

const SECRET = 'whsec_api_test_secret';
const AT = 1_778_839_500; // the document's example time
const pinned = { now: AT * 1000 };
const body = h.sample('sentinel', 'document.completed', pinned);

test('require() of dist/node gives the whole API', () => {
  for (const name of ['Verifier', 'Event', 'VerificationError', 'MemoryStore', 'Router', 'sign', 'sample', 'sampleTypes', 'rejectionStatus', 'handle', 'fetchHandler', 'handleDelivery']) {
    assert.ok(h[name], name);
  }
  assert.deepEqual([...h.providers], h.coreProviders());
  assert.equal(h.errorCodes().length, 13);
});

test('headers in every shape a JS receiver holds, matched case-insensitively', () => {
  const verifier = new h.Verifier('sentinel', SECRET);
  const signed = h.sign('sentinel', SECRET, body, { timestamp: AT });
  const lower = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toLowerCase(), v]));
  const shapes = [
    signed,
    lower,
    Object.fromEntries(Object.entries(lower).map(([k, v]) => [k, [v]])), // IncomingHttpHeaders arrays
    new Headers(signed),
    new Map(Object.entries(signed)),
    Object.entries(signed).map(([k, v]) => [k.toUpperCase(), v]),
    Object.entries(signed).flat(), // a flat list, as Node's req.rawHeaders
  ];
  for (const headers of shapes) {
    assert.equal(verifier.verify(body, headers, pinned).type, 'document.completed');
  }
  assert.throws(() => verifier.verify(body, null), { name: 'VerificationError', code: 'invalid_config' });
  assert.throws(() => verifier.verify(42, signed), { name: 'VerificationError', code: 'invalid_config' });
  assert.throws(() => verifier.verify({ parsed: true }, signed), /raw bytes/);
});

test('bodies as string, Buffer, Uint8Array, ArrayBuffer and DataView', () => {
  const verifier = new h.Verifier('sentinel', SECRET);
  const signed = h.sign('sentinel', SECRET, body, { timestamp: AT });
  const buffer = Buffer.from(body);
  const copy = new Uint8Array(buffer).buffer;
  for (const b of [body, buffer, new Uint8Array(buffer), copy, new DataView(copy)]) {
    assert.equal(verifier.verify(b, signed, pinned).data.document_id, 'doc_abc123');
  }
});

test('the event: typed members, lazy raw/data, matches, JSON', () => {
  const verifier = new h.Verifier('sentinel', SECRET);
  const event = verifier.verify(body, h.sign('sentinel', SECRET, body, { timestamp: AT }), pinned);
  assert.ok(event instanceof h.Event);
  assert.equal(event.family, 'document');
  assert.equal(event.id, null);
  assert.equal(event.timestamp.toISOString(), '2026-05-15T10:05:00.000Z');
  assert.deepEqual(event.raw, JSON.parse(body));
  // `data` is parsed from its own part of the body, once.
  assert.deepEqual(event.data, event.raw.data);
  assert.equal(event.data, event.data);
  assert.ok(event.matches('document.*'));
  assert.ok(!event.matches('documentx.*'));
  assert.equal(JSON.parse(JSON.stringify(event)).idempotencyKey, event.idempotencyKey);
});

test('errors are VerificationError with code and status; secrets never shown', () => {
  const verifier = new h.Verifier('sentinel', [SECRET, 'whsec_second_secret']);
  const cases = [
    [() => verifier.verify(body, {}, pinned), 'missing_header', 401],
    [() => verifier.verify(body, { 'x-sentinel-signature': 'sha256=zz', 'x-sentinel-timestamp': String(AT) }, pinned), 'malformed_signature', 401],
    [() => verifier.verify(body, h.sign('sentinel', 'whsec_other', body, { timestamp: AT }), pinned), 'signature_mismatch', 401],
    [() => verifier.verify(body, h.sign('sentinel', SECRET, body, { timestamp: AT - 301 }), pinned), 'timestamp_too_old', 401],
    [() => verifier.verify(body, h.sign('sentinel', SECRET, body, { timestamp: AT + 301 }), pinned), 'timestamp_in_future', 401],
    [() => verifier.verify('nope', h.sign('sentinel', SECRET, 'nope', { timestamp: AT }), pinned), 'invalid_json', 400],
    [() => verifier.verify('[1', h.sign('sentinel', SECRET, '[1', { timestamp: AT }), pinned), 'invalid_json', 400],
    [() => new h.Verifier('sentinel', SECRET, { maxBodyBytes: 10 }).verify(body, {}, pinned), 'body_too_large', 413],
    [() => new h.Verifier('sentinel', ''), 'no_secret', 500],
    [() => new h.Verifier('sentinel', SECRET, { tolerance: -1 }), 'invalid_config', 500],
    [() => new h.Verifier('sentinel', SECRET, { signatureHeadr: 'x' }), 'invalid_config', 500],
    [() => new h.Verifier('acme', SECRET), 'invalid_config', 500],
  ];
  for (const [fn, code, status] of cases) {
    let caught;
    try {
      fn();
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof h.VerificationError, `${code}: ${caught}`);
    assert.ok(caught instanceof Error);
    assert.equal(caught.code, code, caught.message);
    assert.equal(caught.status, status, code);
    assert.ok(!caught.message.includes(SECRET) && !caught.message.includes('whsec_second'), caught.message);
  }
  const shown = `${util.inspect(verifier)} ${String(verifier)}`;
  assert.ok(!shown.includes('api_test_secret') && !shown.includes('second_secret'), shown);
  assert.match(shown, /2 redacted/);
});

test('a clock option pins "now"; options.now overrides it per call', () => {
  const signed = h.sign('sentinel', SECRET, body, { timestamp: AT });
  const verifier = new h.Verifier('sentinel', SECRET, { clock: () => (AT + 100) * 1000 });
  assert.equal(verifier.verify(body, signed).type, 'document.completed');
  assert.throws(() => verifier.verify(body, signed, { now: new Date((AT + 1000) * 1000) }), { code: 'timestamp_too_old' });
  assert.throws(() => new h.Verifier('sentinel', SECRET, { clock: 5 }), { code: 'invalid_config' });
});

test('overrides: camelCase options, core names, and null to remove a header', () => {
  const options = { signatureHeader: 'X-Acme-Sig', timestampHeader: 'X-Acme-Time', signedContent: '{timestamp}.{body}', encoding: 'base64', prefix: '' };
  const verifier = new h.Verifier('custom', 'acme-secret', options);
  const payload = '{"type":"thing.happened","id":"t1","data":{}}';
  const signed = h.sign('custom', 'acme-secret', payload, { ...options, timestamp: AT });
  assert.deepEqual(Object.keys(signed).sort(), ['Content-Type', 'X-Acme-Sig', 'X-Acme-Time']);
  assert.equal(verifier.verify(payload, signed, pinned).idempotencyKey, 't1');
  const viaCore = new h.Verifier('custom', 'acme-secret', { overrides: { signature_header: 'X-Acme-Sig', timestamp_header: 'X-Acme-Time', signed_content: '{timestamp}.{body}', encoding: 'base64', prefix: '' } });
  assert.equal(viaCore.verify(payload, signed, pinned).type, 'thing.happened');
  // DocIntell without its event header.
  const doc = h.sample('docintell', 'document.uploaded');
  const noEvent = new h.Verifier('docintell', 'whsec_d', { eventHeader: null });
  const docHeaders = h.sign('docintell', 'whsec_d', doc);
  delete docHeaders['X-DocIntell-Event'];
  assert.equal(noEvent.verify(doc, docHeaders).type, 'document.uploaded');
});

test('the options-object constructor, as in the native package', () => {
  const verifier = new h.Verifier({ provider: 'sentinel', secrets: [SECRET], tolerance: 60 });
  assert.equal(verifier.tolerance, 60);
  assert.deepEqual(verifier.headerNames, ['x-sentinel-signature', 'x-sentinel-timestamp', null, null]);
  assert.equal(new h.Verifier({ provider: 'sentinel', secret: SECRET }).verify(body, h.sign('sentinel', SECRET, body, { timestamp: new Date(AT * 1000) }), pinned).type, 'document.completed');
  assert.throws(() => new h.Verifier(42), { code: 'invalid_config' });
});

test('raw key bytes and rotation', () => {
  const key = Buffer.from(SECRET);
  const signed = h.sign('sentinel', key, body, { timestamp: AT });
  assert.equal(new h.Verifier('sentinel', SECRET).verify(body, signed, pinned).type, 'document.completed');
  assert.equal(new h.Verifier('sentinel', ['whsec_new', new Uint8Array(key)]).verify(body, signed, pinned).type, 'document.completed');
});

test('verifyRequest reads a Request once and hands back the bytes', async () => {
  const verifier = new h.Verifier('sentinel', SECRET);
  const request = new Request('http://x/hook', { method: 'POST', headers: h.sign('sentinel', SECRET, body, { timestamp: AT }), body });
  const event = await verifier.verifyRequest(request, pinned);
  assert.ok(request.bodyUsed);
  assert.equal(Buffer.from(event.body).toString(), body);
  const forged = new Request('http://x/hook', { method: 'POST', headers: h.sign('sentinel', 'whsec_x', body, { timestamp: AT }), body });
  await assert.rejects(verifier.verifyRequest(forged, pinned), (error) => error.code === 'signature_mismatch' && error.body.length === Buffer.byteLength(body));
});

test('process: processed, duplicate, in progress, handler failure, store failure', async () => {
  const verifier = new h.Verifier('sensei', 'whsec_s');
  const store = new h.MemoryStore({ capacity: 100 });
  const event = h.sample('sensei', 'approval.required');
  const headers = h.sign('sensei', 'whsec_s', event);
  const seen = [];
  const first = await verifier.process(event, headers, store, async (e) => seen.push(e.type));
  assert.deepEqual([first.kind, first.status, first.acknowledged], ['processed', 200, true]);
  const again = await verifier.process(event, headers, store, (e) => seen.push(e.type));
  assert.deepEqual([again.kind, again.status], ['duplicate', 200]);
  assert.deepEqual(seen, ['approval.required']);

  const other = h.sample('sensei', 'approval.granted');
  const otherHeaders = h.sign('sensei', 'whsec_s', other);
  const failed = await verifier.process(other, otherHeaders, store, () => { throw new Error('db down'); });
  assert.deepEqual([failed.kind, failed.status, failed.error.message], ['handler_failed', 500, 'db down']);
  const retried = await verifier.process(other, otherHeaders, store, () => {});
  assert.equal(retried.kind, 'processed', 'a failed handler released its claim');

  const third = h.sample('sensei', 'approval.denied');
  const thirdHeaders = h.sign('sensei', 'whsec_s', third);
  assert.equal(store.begin(verifier.verify(third, thirdHeaders).idempotencyKey), 'fresh');
  const busy = await verifier.process(third, thirdHeaders, store, () => {});
  assert.deepEqual([busy.kind, busy.status], ['in_progress', 409]);

  const broken = { begin: async () => { throw new Error('redis down'); }, complete() {}, release() {} };
  const down = await verifier.process(third, thirdHeaders, broken, () => {});
  assert.deepEqual([down.kind, down.status, down.error.code], ['store_unavailable', 503, 'store_unavailable']);

  const rejected = await verifier.process(`${event} `, headers, null, () => {});
  assert.deepEqual([rejected.kind, rejected.status, rejected.error.code], ['rejected', 401, 'signature_mismatch']);
});

test('handle maps outcomes to Responses (DocIntell never gets a retry-ending 4xx)', async () => {
  const verifier = new h.Verifier('docintell', 'whsec_doc');
  const store = new h.MemoryStore({ capacity: 10 });
  const doc = h.sample('docintell', 'document.processing.completed');
  const headers = h.sign('docintell', 'whsec_doc', doc);
  const key = verifier.verify(doc, headers).idempotencyKey;
  store.begin(key, { leaseSeconds: 60 });
  const response = await h.handle(verifier, new Request('http://x', { method: 'POST', headers, body: doc }), () => {}, { store });
  assert.equal(response.status, 503);
  assert.deepEqual(await response.json(), { outcome: 'in_progress' });
  const bad = await verifier.handle(new Request('http://x', { method: 'POST', headers, body: `${doc} ` }), () => {});
  assert.equal(bad.status, 401);
  assert.equal((await bad.json()).error.code, 'signature_mismatch');
  // An oversized body is cut short after maxBodyBytes + 1 bytes and answered 413.
  const small = new h.Verifier({ provider: 'docintell', secret: 'whsec_doc', maxBodyBytes: 100 });
  const big = new ReadableStream({ pull(controller) { controller.enqueue(new Uint8Array(64)); } }); // endless
  const tooBig = await small.handle(new Request('http://x', { method: 'POST', headers, body: big, duplex: 'half' }), () => {});
  assert.equal(tooBig.status, 413);
  assert.match((await tooBig.json()).error.message, /more than 100 bytes/);
  const declared = await small.handle(new Request('http://x', { method: 'POST', headers: { ...headers, 'content-length': '5000' }, body: 'x'.repeat(5000) }), () => {});
  assert.equal(declared.status, 413);
  // fetchHandler, as in the native package.
  const onOutcome = [];
  const fetchIt = h.fetchHandler({ verifier, handler: () => {}, onOutcome: (o) => onOutcome.push(o.kind) });
  const other = h.sample('docintell', 'document.uploaded');
  const ok = await fetchIt(new Request('http://x', { method: 'POST', headers: h.sign('docintell', 'whsec_doc', other), body: other }));
  assert.equal(ok.status, 200);
  assert.deepEqual(onOutcome, ['processed']);
});

test('Router: patterns in registration order', async () => {
  const calls = [];
  const router = new h.Router()
    .on('migration.*', () => calls.push('family'))
    .on('migration.phase.completed', () => calls.push('exact'))
    .on('*', () => calls.push('all'))
    .on('approval.*', () => calls.push('never'));
  assert.equal(router.handlersFor('migration.phase.completed').length, 3);
  assert.equal(router.handlersFor('migrationx.started').length, 1);
  const sensei = new h.Verifier('sensei', 'whsec_s');
  const payload = h.sample('sensei', 'migration.phase.completed');
  assert.equal(await router.dispatch(sensei.verify(payload, h.sign('sensei', 'whsec_s', payload))), 3);
  assert.deepEqual(calls, ['family', 'exact', 'all']);
  assert.throws(() => router.on(1, () => {}), { code: 'invalid_config' });
});

test('MemoryStore: two phases, bounded', () => {
  const store = new h.MemoryStore({ capacity: 2 });
  assert.equal(store.begin('a', { leaseSeconds: 30 }), 'fresh');
  assert.equal(store.begin('a'), 'in_progress');
  store.release('a');
  assert.equal(store.begin('a'), 'fresh');
  store.complete('a', { retentionSeconds: 60 });
  assert.equal(store.begin('a'), 'done');
  store.begin('b');
  store.begin('c');
  assert.equal(store.size, 2);
  assert.equal(store.capacity, 2);
  assert.throws(() => new h.MemoryStore({ capacity: -1 }), { code: 'invalid_config' });
  assert.throws(() => store.begin('z', { leaseSeconds: -1 }), { code: 'invalid_config' });
  assert.throws(() => store.begin(7), { code: 'invalid_config' });
});

test('sample, sampleTypes, rejectionStatus', () => {
  assert.equal(h.rejectionStatus('timestamp_too_old'), 401);
  assert.equal(h.rejectionStatus('body_too_large'), 413);
  assert.equal(h.rejectionStatus('store_unavailable'), 503);
  assert.equal(h.sampleTypes('sensei').length, 22);
  assert.equal(h.sample('sensei', 'migration.teleported'), null);
  assert.throws(() => h.sample('acme', 'x'), { code: 'invalid_config' });
});
