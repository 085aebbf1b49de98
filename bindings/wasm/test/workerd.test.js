// The Worker example (examples/wasm/worker) served by workerd, driven over HTTP on
// 127.0.0.1 with valid, drifted, duplicate, forged, stale, malformed and oversized
// deliveries.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const path = require('node:path');
const hookshield = require('../dist/node');
const { bin, freePort, postStream, repo, sleep, startServer } = require('./helpers');

const SECRET = 'whsec_worker_test_secret';
let server;
let base;

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = await startServer(
    bin('workerd'),
    ['serve', path.join(repo, 'examples/wasm/worker/config.capnp'), '--socket-addr', `http=127.0.0.1:${port}`],
    { env: { SENTINEL_SECRET: SECRET }, readyUrl: `${base}/processed` },
  );
});

after(async () => {
  await server?.stop();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

function body(type, patch = {}) {
  const parsed = JSON.parse(hookshield.sample('sentinel', type));
  Object.assign(parsed.data, patch);
  return JSON.stringify(parsed);
}

const MIB = 1024 * 1024;

/** Waits (at most 5 s) for workerd to print a line matching `pattern`. */
async function logged(pattern) {
  for (let waited = 0; !pattern.test(server.output()); waited += 100) {
    if (waited > 5000) assert.match(server.output(), pattern);
    await sleep(100);
  }
}

/** POSTs with the header lines exactly as listed (`[name, value, ...]`, repeats kept; no Host added). */
function postLines(pathname, payload, lines) {
  return new Promise((resolve, reject) => {
    const request = http.request(base + pathname, { method: 'POST', headers: lines }, (response) => {
      let text = '';
      response.on('data', (part) => (text += part));
      response.on('end', () => resolve({ status: response.statusCode, json: JSON.parse(text) }));
    });
    request.on('error', reject);
    request.end(payload);
  });
}

async function post(pathname, payload, headers) {
  const response = await fetch(base + pathname, { method: 'POST', headers, body: payload });
  return { status: response.status, json: await response.json() };
}

test('a valid delivery is processed once; its redelivery is a duplicate', async () => {
  const payload = body('document.completed', { document_id: 'doc_worker_1' });
  const headers = hookshield.sign('sentinel', SECRET, payload);
  const first = await post('/webhooks/sentinel', payload, headers);
  assert.equal(first.status, 200);
  assert.equal(first.json.outcome, 'processed');
  const again = await post('/webhooks/sentinel', payload, headers);
  assert.equal(again.status, 200);
  assert.equal(again.json.outcome, 'duplicate');
  const processed = await (await fetch(`${base}/processed`)).json();
  assert.equal(processed.filter((p) => p.documentId === 'doc_worker_1').length, 1);
});

test('verifyRequest answers the typed event and leaves the body readable', async () => {
  const payload = body('report.generated', { report_id: 'rpt_verify' });
  const { status, json } = await post('/verify', payload, hookshield.sign('sentinel', SECRET, payload));
  assert.equal(status, 200);
  assert.equal(json.event.type, 'report.generated');
  assert.equal(json.event.family, 'report');
  assert.equal(json.event.data.report_id, 'rpt_verify');
  assert.equal(json.bodyBytes, Buffer.byteLength(payload));
});

test('a delivery signed with another secret is rejected with 401', async () => {
  const payload = body('document.completed', { document_id: 'doc_forged' });
  const { status, json } = await post('/webhooks/sentinel', payload, hookshield.sign('sentinel', 'whsec_attacker', payload));
  assert.equal(status, 401);
  assert.equal(json.error.code, 'signature_mismatch');
  assert.ok(!JSON.stringify(json).includes(SECRET));
});

test('a tampered body is rejected with 401', async () => {
  const payload = body('document.completed', { document_id: 'doc_tampered' });
  const headers = hookshield.sign('sentinel', SECRET, payload);
  const { status, json } = await post('/webhooks/sentinel', payload.replace('doc_tampered', 'doc_tampere2'), headers);
  assert.equal(status, 401);
  assert.equal(json.error.code, 'signature_mismatch');
});

test('a stale delivery (replayed an hour later) is rejected with 401', async () => {
  const payload = body('document.completed', { document_id: 'doc_stale' });
  const headers = hookshield.sign('sentinel', SECRET, payload, { timestamp: nowSeconds() - 3600 });
  const { status, json } = await post('/webhooks/sentinel', payload, headers);
  assert.equal(status, 401);
  assert.equal(json.error.code, 'timestamp_too_old');
});

test('a delivery from too far in the future is rejected with 401', async () => {
  const payload = body('document.completed', { document_id: 'doc_future' });
  const headers = hookshield.sign('sentinel', SECRET, payload, { timestamp: nowSeconds() + 3600 });
  const { status, json } = await post('/webhooks/sentinel', payload, headers);
  assert.equal(status, 401);
  assert.equal(json.error.code, 'timestamp_in_future');
});

test('a delivery without a signature is rejected with 401', async () => {
  const payload = body('document.completed');
  const { status, json } = await post('/webhooks/sentinel', payload, { 'X-Sentinel-Timestamp': String(nowSeconds()) });
  assert.equal(status, 401);
  assert.equal(json.error.code, 'missing_header');
});

test('a signed body that is not JSON is rejected with 400', async () => {
  const payload = '{"event": "document.completed",';
  const { status, json } = await post('/webhooks/sentinel', payload, hookshield.sign('sentinel', SECRET, payload));
  assert.equal(status, 400);
  assert.equal(json.error.code, 'invalid_json');
});

test('a failing handler answers 500 so Sentinel retries; its stack is in the log', async () => {
  const payload = body('report.generated', { report_id: 'rpt_explode' });
  const headers = hookshield.sign('sentinel', SECRET, payload);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const { status, json } = await post('/webhooks/sentinel', payload, headers);
    assert.equal(status, 500);
    assert.equal(json.outcome, 'handler_failed');
  }
  await logged(/handler failed on sentinel report\.generated [^\n]*: Error: report store is down\n\s+at /);
});

test('a drifted payload ("pages": "4") is processed untyped (data_mismatch) with 200', async () => {
  const payload = body('document.completed', { document_id: 'doc_drifted', pages: '4' });
  const { status, json } = await post('/webhooks/sentinel', payload, hookshield.sign('sentinel', SECRET, payload));
  assert.deepEqual([status, json.outcome], [200, 'processed']);
  const processed = await (await fetch(`${base}/processed`)).json();
  assert.deepEqual(processed.find((p) => p.documentId === 'doc_drifted').untypedReason, 'data_mismatch');
});

test('two signature header lines, one forged and one genuine: accepted', async () => {
  const payload = body('document.completed', { document_id: 'doc_two_headers' });
  const good = hookshield.sign('sentinel', SECRET, payload);
  const forged = hookshield.sign('sentinel', 'whsec_forger', payload)['X-Sentinel-Signature'];
  const { status, json } = await postLines('/webhooks/sentinel', payload, [
    'Host', new URL(base).host,
    'X-Sentinel-Signature', forged,
    'X-Sentinel-Signature', good['X-Sentinel-Signature'],
    'X-Sentinel-Timestamp', good['X-Sentinel-Timestamp'],
    'Content-Type', 'application/json',
  ]);
  assert.deepEqual([status, json.outcome], [200, 'processed']);
});

test('a declared 50 MiB body is answered 413 before any of it is sent', async () => {
  const answer = await postStream(`${base}/webhooks/sentinel`, { total: 50 * MIB, declared: true, send: 0 });
  assert.equal(answer.status, 413);
  assert.equal(answer.json.error.code, 'body_too_large');
  assert.equal(answer.json.error.message, 'body too large: 52428800 bytes, limit is 1048576 bytes');
  assert.equal(answer.sent, 0);
  await logged(/rejected a sentinel delivery: body_too_large \(413\)/);
});

test('a chunked body is cut off past 1 MiB and answered 413, without waiting for its end', async () => {
  // 1.25 MiB of a body whose end never comes: the answer must not wait for it. (Sending
  // no further keeps the sender from writing into a connection workerd has closed.)
  const answer = await postStream(`${base}/webhooks/sentinel`, { total: 50 * MIB, declared: false, send: 1.25 * MIB });
  assert.equal(answer.status, 413);
  assert.equal(answer.json.error.message, 'body too large: 1048577 bytes, limit is 1048576 bytes');
});
