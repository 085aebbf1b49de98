'use strict';
// Authentic deliveries the core cannot type arrive untyped, with the reason; `data` and
// `raw` always equal `JSON.parse` of the text; samples are stamped now.
const { test } = require('node:test');
const assert = require('node:assert/strict');

const { Verifier, sign, sample } = require('./build.js').hookshield;

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'; // base64, as Standard Webhooks wants
const NOW = 1_778_839_500; // 2026-05-15T10:05:00Z

function verify(provider, body, options = {}) {
  const verifier = new Verifier({ provider, secrets: [SECRET], clock: () => NOW * 1000 });
  return verifier.verify(body, sign(provider, SECRET, body, { timestamp: NOW, ...options }));
}

function sentinelCompleted(data) {
  return `{"event":"document.completed","timestamp":"2026-05-15T10:05:00Z","data":${data}}`;
}

test('drifted Sentinel data ("pages": "4") arrives untyped: data_mismatch, data as sent', () => {
  const body = sentinelCompleted('{"document_id":"doc_1","pages":"4"}');
  const event = verify('sentinel', body);
  assert.equal(event.type, 'document.completed');
  assert.equal(event.family, 'document');
  assert.equal(event.documented, false);
  assert.equal(event.untypedReason, 'data_mismatch');
  assert.match(event.untypedDetail, /string "4"/);
  assert.deepEqual(event.data, { document_id: 'doc_1', pages: '4' });
  assert.deepEqual(event.raw, JSON.parse(body));
  assert.equal(JSON.parse(JSON.stringify(event)).untypedReason, 'data_mismatch');
});

test('the details verify() leaves out are the same read first, read late, or read after later events', () => {
  const verifier = new Verifier({ provider: 'sentinel', secrets: [SECRET], clock: () => NOW * 1000 });
  const deliveries = [
    sentinelCompleted('{"document_id":"doc_1","pages":4}'),
    sentinelCompleted('{"document_id":"doc_2","pages":"4"}'),
    '{"event":"document.archived","timestamp":"2026-05-15T10:05:00Z","data":{"document_id":"doc_3"}}',
  ].map((body) => [body, sign('sentinel', SECRET, body, { timestamp: NOW })]);
  const details = (event) => [event.documented, event.idempotencyKey, event.untypedReason, event.untypedDetail];
  // Each read right after its verify, then all verified first and read in reverse order
  // (the backend keeps only the latest event: the others are worked out again), and one
  // verified from text.
  const first = deliveries.map(([body, headers]) => details(verifier.verify(body, headers)));
  const events = deliveries.map(([body, headers]) => verifier.verify(Buffer.from(body), headers));
  assert.deepEqual(events.reverse().map(details), first.slice().reverse());
  assert.deepEqual(details(verifier.verify(...deliveries[1])), first[1]);
  assert.deepEqual(
    first.map(([documented, , reason]) => [documented, reason]),
    [[true, null], [false, 'data_mismatch'], [false, 'undocumented_type']],
  );
  assert.match(first[0][1], /^document\.completed:doc_1:/);
});

test('"pages": 4.0 is the integer 4: typed', () => {
  const event = verify('sentinel', sentinelCompleted('{"document_id":"doc_1","pages":4.0}'));
  assert.equal(event.documented, true);
  assert.equal(event.untypedReason, null);
  assert.equal(event.untypedDetail, null);
  assert.equal(event.data.pages, 4);
});

test('a signed body without a type (Standard Webhooks test suite): type "", missing_type', () => {
  const body = '{"test": 2432232314}';
  const event = verify('standard', body, { id: 'msg_p5jXN8AQM9LWM0D4loKWxJek' });
  assert.equal(event.type, '');
  assert.equal(event.documented, false);
  assert.equal(event.untypedReason, 'missing_type');
  assert.equal(typeof event.untypedDetail, 'string');
  assert.deepEqual(event.raw, { test: 2432232314 });
  assert.equal(event.data, null, 'no `data` member');
  assert.equal(event.idempotencyKey, 'msg_p5jXN8AQM9LWM0D4loKWxJek');
});

test('an undocumented type and a body that is not an object arrive untyped', () => {
  const other = verify('sentinel', '{"event":"document.teleported","timestamp":"2026-05-15T10:05:00Z","data":[1,2]}');
  assert.equal(other.untypedReason, 'undocumented_type');
  assert.deepEqual(other.data, [1, 2]);
  const array = verify('sentinel', ' [1, {"a": "é"}] ');
  assert.equal(array.untypedReason, 'not_an_object');
  assert.equal(array.type, '');
  assert.deepEqual(array.data, [1, { a: 'é' }]);
  assert.deepEqual(array.raw, [1, { a: 'é' }]);
});

test('data and raw equal JSON.parse: lone surrogates, 200 levels deep, big integers, -0', () => {
  const deep = `${'['.repeat(200)}1${']'.repeat(200)}`;
  const cases = [
    '{"document_id":"doc_1","note":"\\ud83d alone","pages":4}',
    `{"document_id":"doc_1","deep":${deep}}`,
    '{"document_id":"doc_1","big":18446744073709551617,"neg":-0,"small":-1e-400}',
    '{"document_id":"doc_1","pages":"4","note":"\\udc00"}',
  ];
  for (const data of cases) {
    for (const body of [sentinelCompleted(data), Buffer.from(`é${sentinelCompleted(data)}`).subarray(2)]) {
      const event = verify('sentinel', body);
      const text = body.toString();
      assert.deepEqual(event.raw, JSON.parse(text), data);
      assert.deepEqual(event.data, JSON.parse(text).data, data);
      if (data.includes('"neg"')) assert.ok(Object.is(event.data.neg, -0));
    }
  }
});

// The core reads GitHub bodies with serde_json's Value, which refuses both (invalid_json).
test('GitHub: a lone surrogate and 200 levels deep equal JSON.parse', { todo: 'the core refuses them for GitHub' }, () => {
  for (const body of ['{"zen":"\\ud83d"}', `{"deep":${'['.repeat(200)}1${']'.repeat(200)}}`]) {
    assert.deepEqual(verify('github', body, { event: 'ping', id: 'd-1' }).data, JSON.parse(body));
  }
});

test('a form-encoded GitHub delivery: data and raw are the decoded payload', () => {
  const payload = { action: 'opened', issue: { title: 'naïve & "quoted" = 100%' } };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const event = verify('github', body, { event: 'issues', id: 'd-2' });
  assert.equal(event.type, 'issues.opened');
  assert.equal(event.untypedReason, 'undocumented_type');
  assert.deepEqual(event.raw, payload);
  assert.deepEqual(event.data, payload);
  const json = verify('github', JSON.stringify(payload), { event: 'issues', id: 'd-2' });
  assert.deepEqual(json.data, payload);
});

test('sample() stamps the event time: now by default, or options.now', () => {
  const at = Date.UTC(2026, 0, 2, 3, 4, 5);
  assert.match(sample('sentinel', 'report.generated', { now: at }), /"timestamp": "2026-01-02T03:04:05Z"/);
  assert.match(sample('sentinel', 'report.generated', { now: new Date(at) }), /"timestamp": "2026-01-02T03:04:05Z"/);
  assert.match(sample('kyc', 'kyc.session.created', { now: at }), new RegExp(`"created": ${at / 1000}`));
  const stamped = JSON.parse(sample('sensei', 'migration.phase.completed')).created_at;
  assert.ok(Math.abs(Date.parse(stamped) - Date.now()) < 5000, stamped);
  assert.throws(() => sample('sentinel', 'report.generated', { now: 'today' }), { code: 'invalid_config' });
  // A sample verifies as it is, within the replay horizon, with the system clock.
  const body = sample('sensei', 'migration.phase.completed');
  const event = new Verifier({ provider: 'sensei', secrets: [SECRET] }).verify(body, sign('sensei', SECRET, body));
  assert.equal(event.documented, true);
});
