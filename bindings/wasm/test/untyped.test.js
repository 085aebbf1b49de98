// Authentic deliveries the core cannot type arrive untyped, with the reason; `data` and
// `raw` are always what `JSON.parse` gives for the same text; repeated signature headers
// count in every header shape. Through the Node (CommonJS) build.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../dist/node');

const SECRET = 'whsec_untyped_test';
const verifier = new h.Verifier('sentinel', SECRET);

/** The Sentinel document.completed sample with `data` members replaced by raw JSON text. */
function drifted(members) {
  const parsed = JSON.parse(h.sample('sentinel', 'document.completed'));
  let text = JSON.stringify({ ...parsed, data: { ...parsed.data, ...Object.fromEntries(Object.keys(members).map((k) => [k, `@${k}@`])) } });
  for (const [key, json] of Object.entries(members)) text = text.replace(`"@${key}@"`, json);
  return text;
}

const verifyBody = (body) => verifier.verify(body, h.sign('sentinel', SECRET, body));

test('drifted Sentinel data: "pages": "4" arrives untyped (data_mismatch), 4.0 typed', () => {
  const untyped = verifyBody(drifted({ pages: '"4"' }));
  assert.equal(untyped.type, 'document.completed');
  assert.equal(untyped.documented, false);
  assert.equal(untyped.untypedReason, 'data_mismatch');
  assert.match(untyped.untypedDetail, /string "4"/);
  assert.equal(untyped.data.pages, '4');
  assert.deepEqual(JSON.parse(JSON.stringify(untyped)).untypedReason, 'data_mismatch');

  const whole = verifyBody(drifted({ pages: '4.0' }));
  assert.equal(whole.documented, true);
  assert.equal(whole.untypedReason, null);
  assert.equal(whole.untypedDetail, null);
  assert.equal(whole.data.pages, 4);
});

test('a signed {"test": 2432232314} for standard arrives with type "" and missing_type', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const body = '{"test": 2432232314}';
  const event = new h.Verifier('standard', secret).verify(body, h.sign('standard', secret, body, { id: 'msg_p5jXN8AQM9LWM0D4loKWxJek' }));
  assert.equal(event.type, '');
  assert.equal(event.untypedReason, 'missing_type');
  assert.equal(event.documented, false);
  assert.equal(event.id, 'msg_p5jXN8AQM9LWM0D4loKWxJek');
  assert.deepEqual(event.raw, { test: 2432232314 });
  assert.ok(!event.matches('test.*'));
});

test('data and raw equal JSON.parse: lone surrogates, 200 levels deep, big integers, -0', () => {
  const deep = `${'['.repeat(200)}1${']'.repeat(200)}`;
  const cases = {
    surrogate: { note: '"\\ud83d"', pair: '"\\ud83d\\ude00"' },
    deep: { nested: deep },
    big: { big: '18446744073709551617', negative: '-0', small: '1e-400' },
  };
  for (const [name, members] of Object.entries(cases)) {
    const body = drifted(members);
    const event = verifyBody(body);
    assert.deepStrictEqual(event.raw, JSON.parse(body), name);
    assert.deepStrictEqual(event.data, JSON.parse(body).data, name);
  }
  assert.equal(verifyBody(drifted(cases.surrogate)).data.note, '\ud83d');
  assert.ok(Object.is(verifyBody(drifted(cases.big)).data.negative, -0));
});

test('a body that is JSON but not an object arrives untyped (not_an_object)', () => {
  const event = verifyBody('[1, 2]');
  assert.equal(event.untypedReason, 'not_an_object');
  assert.deepEqual(event.raw, [1, 2]);
});

test('a GitHub form-encoded delivery: raw and data are the decoded payload', () => {
  const json = '{"zen":"Keep it logically awesome.","hook_id":1,"n":18446744073709551617}';
  const body = `payload=${encodeURIComponent(json)}`;
  const github = new h.Verifier('github', 'gh_secret');
  const headers = { ...h.sign('github', 'gh_secret', body, { event: 'ping', id: 'd-1' }), 'content-type': 'application/x-www-form-urlencoded' };
  const event = github.verify(body, headers);
  assert.equal(event.type, 'ping');
  assert.deepStrictEqual(event.raw, JSON.parse(json));
  assert.deepStrictEqual(event.data, JSON.parse(json));
});

test('repeated signature headers: every occurrence counts in every header shape', () => {
  const body = h.sample('sentinel', 'report.generated');
  const good = h.sign('sentinel', SECRET, body);
  const bad = h.sign('sentinel', 'whsec_forger', body)['X-Sentinel-Signature'];
  const sig = good['X-Sentinel-Signature'];
  const time = good['X-Sentinel-Timestamp'];
  const shapes = {
    pairs: [['X-Sentinel-Signature', bad], ['x-sentinel-signature', sig], ['X-Sentinel-Timestamp', time]],
    rawHeaders: ['X-Sentinel-Signature', bad, 'X-Sentinel-Signature', sig, 'X-Sentinel-Timestamp', time],
    objectArray: { 'x-sentinel-signature': [bad, sig], 'x-sentinel-timestamp': time },
    objectSpellings: { 'X-Sentinel-Signature': bad, 'x-sentinel-signature': sig, 'x-sentinel-timestamp': time },
    map: new Map([['X-Sentinel-Signature', bad], ['x-sentinel-signature', sig], ['x-sentinel-timestamp', time]]),
    fetchHeaders: new Headers([['X-Sentinel-Signature', bad], ['X-Sentinel-Signature', sig], ['X-Sentinel-Timestamp', time]]),
  };
  for (const [name, headers] of Object.entries(shapes)) {
    assert.equal(verifier.verify(body, headers).type, 'report.generated', name);
  }
  // Only forged ones: still a mismatch, and the first timestamp counts.
  assert.throws(() => verifier.verify(body, [['X-Sentinel-Signature', bad], ['X-Sentinel-Signature', bad], ['X-Sentinel-Timestamp', time]]), { code: 'signature_mismatch' });
  const stale = String(Number(time) - 3600);
  assert.equal(verifier.verify(body, ['X-Sentinel-Signature', sig, 'X-Sentinel-Timestamp', time, 'X-Sentinel-Timestamp', stale]).type, 'report.generated');
  assert.throws(() => verifier.verify(body, ['X-Sentinel-Signature', sig, 'X-Sentinel-Timestamp', stale, 'X-Sentinel-Timestamp', time]), { code: 'timestamp_too_old' });
});

test('sample stamps its event time now, or at options.now', () => {
  const before = Date.now();
  const event = verifyBody(h.sample('sentinel', 'document.completed'));
  assert.ok(event.timestampMs >= Math.floor(before / 1000) * 1000 && event.timestampMs <= Date.now());
  const at = Date.UTC(2027, 0, 2, 3, 4, 5);
  assert.match(h.sample('sentinel', 'document.completed', { now: new Date(at) }), /2027-01-02T03:04:05/);
});
