'use strict';
// What the two npm packages once answered differently for the same call (issue 12), each
// pinned to one answer: these tests run against both builds (test/build.js), so both
// must give it. Where both builds are present, the last test also compares them directly.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { hookshield, build } = require('./build.js');
const { Verifier, VerificationError, MemoryStore, sign, sample } = hookshield;

const SECRET = 'whsec_parity_secret';
const NOW = 1_778_839_500;
const pinned = { now: NOW * 1000 };

function delivery() {
  const body = sample('sentinel', 'document.failed', pinned);
  return { body, headers: sign('sentinel', SECRET, body, { timestamp: NOW }) };
}

/** What `fn` threw, as the members a receiver reads. */
function thrown(fn) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof VerificationError, `not a VerificationError: ${error}`);
    return { name: error.name, code: error.code, status: error.status, message: error.message };
  }
  assert.fail('nothing was thrown');
}

test("a flat req.rawHeaders list verifies (it was missing_header in @hookshield/wasm)", () => {
  const { body, headers } = delivery();
  const rawHeaders = ['Host', '127.0.0.1', ...Object.entries(headers).flat(), 'Content-Length', String(body.length)];
  assert.equal(new Verifier('sentinel', SECRET).verify(body, rawHeaders, pinned).type, 'document.failed');
});

test('event.toJSON().timestamp is ISO 8601 text, beside timestampMs (it was a Date in hookshield)', () => {
  const { body, headers } = delivery();
  const event = new Verifier('sentinel', SECRET).verify(body, headers, pinned);
  const json = event.toJSON();
  assert.equal(json.timestamp, '2026-05-15T10:05:00.000Z');
  assert.equal(json.timestampMs, NOW * 1000);
  assert.ok(event.timestamp instanceof Date);
  assert.deepEqual(JSON.parse(JSON.stringify(event)), json);
});

test('an event time before 1970 is negative Unix milliseconds, as in Python and Rust (it read as null)', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const body = '{"type":"invoice.paid","timestamp":"1960-01-01T00:00:00Z","data":{}}';
  const verifier = new Verifier('standard', secret);
  const event = verifier.verify(body, verifier.sign(secret, body, { timestamp: NOW, id: 'msg_1' }), pinned);
  assert.equal(event.timestampMs, Date.UTC(1960, 0, 1));
  assert.equal(event.toJSON().timestamp, '1960-01-01T00:00:00.000Z');
});

test("VerificationError.status is the core's HTTP status for the code (it was undefined in hookshield)", () => {
  const { body, headers } = delivery();
  const verifier = new Verifier('sentinel', SECRET, { maxBodyBytes: 100_000 });
  assert.equal(thrown(() => verifier.verify(`${body} `, headers, pinned)).status, 401);
  assert.equal(thrown(() => new Verifier('sentinel', SECRET, { maxBodyBytes: 10 }).verify(body, headers, pinned)).status, 413);
  assert.equal(thrown(() => verifier.verify('nope', sign('sentinel', SECRET, 'nope', { timestamp: NOW }), pinned)).status, 400);
  assert.equal(thrown(() => verifier.verify({}, headers)).status, 500);
  const statuses = Object.fromEntries(hookshield.errorCodes().map((code) => [code, new VerificationError(code, 'x').status]));
  for (const code of ['missing_header', 'malformed_signature', 'signature_mismatch', 'missing_timestamp', 'timestamp_too_old']) {
    assert.equal(statuses[code], 401, code);
  }
  assert.deepEqual([statuses.invalid_json, statuses.body_too_large, statuses.no_secret, statuses.invalid_config], [400, 413, 500, 500]);
  assert.equal(new VerificationError('store_unavailable', 'x').status, 503);
  assert.equal(new VerificationError('no_such_code', 'x').status, undefined);
});

test('a lease or retention of 0 is refused by the core, in every store and in process (it was accepted by @hookshield/wasm)', async () => {
  const store = new MemoryStore();
  const lease = thrown(() => store.begin('k', { leaseSeconds: 0 }));
  assert.equal(lease.code, 'invalid_config');
  assert.match(lease.message, /^invalid configuration: the lease must be a positive number of seconds/);
  assert.equal(store.begin('k', { leaseSeconds: 0.5 }), 'fresh');
  assert.match(thrown(() => store.complete('k', { retentionSeconds: 0 })).message, /the retention must be a positive number/);
  assert.equal(thrown(() => store.begin('j', { leaseSeconds: -1 })).code, 'invalid_config');
  assert.equal(thrown(() => new MemoryStore({ capacity: 0 })).code, 'invalid_config');
  const { body, headers } = delivery();
  for (const options of [{ leaseSeconds: 0 }, { retentionSeconds: 0 }, { leaseSeconds: Infinity }]) {
    const outcome = await new Verifier('sentinel', SECRET).process(body, headers, null, () => assert.fail('ran'), { ...options, ...pinned });
    assert.deepEqual([outcome.kind, outcome.status, outcome.error.code], ['rejected', 500, 'invalid_config']);
    assert.equal(JSON.parse(outcome.answer).error.message, outcome.error.message);
  }
});

test('new Verifier(provider, secrets, options) and new Verifier(options) are the same verifier (the first worked only in @hookshield/wasm)', () => {
  const { body, headers } = delivery();
  const positional = new Verifier('sentinel', SECRET, { tolerance: 60 });
  const object = new Verifier({ provider: 'sentinel', secrets: [SECRET], tolerance: 60 });
  for (const verifier of [positional, object, new Verifier('sentinel', [SECRET, 'whsec_other'])]) {
    assert.equal(verifier.provider, 'sentinel');
    assert.equal(verifier.verify(body, headers, pinned).type, 'document.failed');
  }
  assert.equal(positional.tolerance, object.tolerance);
  assert.equal(String(positional), String(object));
});

test('errors for bad options carry the same members: name, code, status and the core\'s message', () => {
  const cases = [
    () => new Verifier('sentinel', SECRET, { tolerance: -1 }),
    () => new Verifier('sentinel', SECRET, { tolerance: '300' }),
    () => new Verifier('sentinel', SECRET, { maxBodyBytes: 0 }),
    () => new Verifier('sentinel', SECRET, { colour: 'red' }),
    () => new Verifier('sentinel', SECRET, { encoding: 'octal' }),
    () => new Verifier('acme', SECRET),
    () => new Verifier(42),
    () => new MemoryStore({ capacity: 1.5 }),
    () => new MemoryStore().begin(7),
    () => new hookshield.Router().on(1, () => {}),
    () => hookshield.fetchHandler({ verifier: new Verifier('sentinel', SECRET), handler: () => {}, logger: {} }),
    () => hookshield.express({ verifier: {}, handler: () => {} }),
  ];
  for (const fn of cases) {
    const error = thrown(fn);
    assert.deepEqual([error.name, error.code, error.status], ['VerificationError', 'invalid_config', 500], error.message);
    assert.match(error.message, /^invalid configuration: /);
  }
  const none = thrown(() => new Verifier('sentinel', []));
  assert.deepEqual([none.code, none.status], ['no_secret', 500]);
});

test('where both builds are present, they answer every call above alike', { skip: !bothBuilt() && 'build both packages to compare them' }, async () => {
  const native = require(path.join(__dirname, '..'));
  const wasm = require(path.join(__dirname, '../../wasm/dist/node'));
  assert.equal(build === 'wasm' ? wasm : native, hookshield);
  const answers = [];
  for (const h of [native, wasm]) {
    const body = h.sample('sensei', 'approval.required', pinned);
    const headers = h.sign('sensei', SECRET, body, { timestamp: NOW });
    const verifier = new h.Verifier('sensei', SECRET, { clock: () => NOW * 1000 });
    const store = new h.MemoryStore({ capacity: 10 });
    const run = async (payload, handler = () => {}) => {
      const outcome = await verifier.process(payload, headers, store, handler);
      return [outcome.kind, outcome.status, outcome.acknowledged, outcome.answer, outcome.error?.message ?? null];
    };
    answers.push({
      headers,
      event: verifier.verify(body, Object.entries(headers).flat()).toJSON(),
      outcomes: [
        await run(body, () => {
          throw new Error('db down');
        }),
        await run(body),
        await run(body),
        await run(`${body} `),
        await run({}),
      ],
      errors: [() => store.begin('k', { leaseSeconds: 0 }), () => new h.Verifier('sensei', SECRET, { colour: 1 }), () => h.rejectionStatus('nope')].map(
        (fn) => {
          try {
            fn();
            return null;
          } catch (error) {
            return [error.name, error.code, error.status, error.message];
          }
        },
      ),
      providers: [...h.providers],
      codes: h.errorCodes(),
    });
  }
  assert.deepEqual(answers[1], answers[0]);
});

function bothBuilt() {
  const node = path.join(__dirname, '..');
  return (
    fs.readdirSync(node).some((name) => name.endsWith('.node')) &&
    fs.existsSync(path.join(node, '../wasm/dist/node/hookshield_wasm_bg.wasm'))
  );
}
