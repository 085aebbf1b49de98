// The Worker example (examples/wasm/worker) served by workerd, driven over HTTP with
// valid, duplicate, forged, stale and malformed deliveries.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const hookshield = require('../dist/node');
const { bin, freePort, repo, startServer } = require('./helpers');

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

test('a failing handler answers 500 so Sentinel retries, and the retry is processed again', async () => {
  const payload = body('report.generated', { report_id: 'rpt_explode' });
  const headers = hookshield.sign('sentinel', SECRET, payload);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const { status, json } = await post('/webhooks/sentinel', payload, headers);
    assert.equal(status, 500);
    assert.equal(json.outcome, 'handler_failed');
  }
});
