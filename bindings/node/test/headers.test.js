'use strict';
// Header shapes a receiver holds, and a header sent more than once.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');

const { Verifier, VerificationError, sign, sample } = require('./build.js').hookshield;

const SECRET = 'whsec_test_secret_0123456789';
const NOW = 1_778_839_500; // Unix seconds

function sentinel() {
  return new Verifier({ provider: 'sentinel', secrets: [SECRET], clock: () => NOW * 1000 });
}

function signedSentinel() {
  const body = sample('sentinel', 'document.failed', { now: NOW * 1000 });
  return { body, headers: sign('sentinel', SECRET, body, { timestamp: NOW }) };
}

const lower = (headers) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

function throwsCode(fn, code) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof VerificationError, `expected VerificationError, got ${util.inspect(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
}

test('every header shape, matched case-insensitively', () => {
  const { body, headers } = signedSentinel();
  const pairs = Object.entries(headers);
  const shapes = [
    headers, // X-Sentinel-Signature spelling
    lower(headers), // IncomingHttpHeaders
    Object.fromEntries(pairs.map(([k, v]) => [k.toUpperCase(), [v]])), // string[] values
    new Headers(headers), // Fetch
    new Map(pairs),
    pairs,
    pairs.flat(), // req.rawHeaders
  ];
  for (const shape of shapes) assert.equal(sentinel().verify(body, shape).type, 'document.failed');
});

test('a repeated signature header: every occurrence counts (joined with ", "); other headers: the first', () => {
  const { body, headers } = signedSentinel();
  const good = headers['X-Sentinel-Signature'];
  const bad = `sha256=${'0'.repeat(64)}`;
  const ts = headers['X-Sentinel-Timestamp'];
  const stale = String(NOW - 3600);
  const shapes = (first, second) => [
    { 'x-sentinel-signature': [first, second], 'x-sentinel-timestamp': ts },
    { 'x-sentinel-signature': `${first}, ${second}`, 'x-sentinel-timestamp': ts }, // as node:http joins them
    [['X-Sentinel-Signature', first], ['x-sentinel-signature', second], ['X-Sentinel-Timestamp', ts]],
    ['X-Sentinel-Signature', first, 'X-Sentinel-Timestamp', ts, 'x-sentinel-signature', second], // req.rawHeaders
    new Map([['X-Sentinel-Signature', first], ['x-sentinel-signature', second], ['x-sentinel-timestamp', ts]]),
    new Headers([['X-Sentinel-Signature', first], ['x-sentinel-signature', second], ['x-sentinel-timestamp', ts]]),
  ];
  for (const shape of [...shapes(good, bad), ...shapes(bad, good)]) {
    assert.equal(sentinel().verify(body, shape).type, 'document.failed', util.inspect(shape));
  }
  throwsCode(() => sentinel().verify(body, shapes(bad, bad)[2]), 'signature_mismatch');
  // The timestamp (like the id and event headers): the first occurrence counts.
  assert.equal(sentinel().verify(body, [['x-sentinel-signature', good], ['x-sentinel-timestamp', ts], ['x-sentinel-timestamp', stale]]).type, 'document.failed');
  throwsCode(
    () => sentinel().verify(body, ['x-sentinel-signature', good, 'x-sentinel-timestamp', stale, 'x-sentinel-timestamp', ts]),
    'timestamp_too_old',
  );
  throwsCode(() => sentinel().verify(body, { 'x-sentinel-signature': good, 'x-sentinel-timestamp': [stale, ts] }), 'timestamp_too_old');
});
