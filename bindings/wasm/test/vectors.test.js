// Every case of every tests/vectors/*.json through the Node (CommonJS) build.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const hookshield = require('../dist/node');

const dir = path.resolve(__dirname, '../../../tests/vectors');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

test('the vector folder has vector files', () => {
  assert.ok(files.length > 0, `no *.json in ${dir}`);
});

const CAMEL = { max_body_bytes: 'maxBodyBytes', tolerance: 'tolerance', overrides: 'overrides' };

function verifierOptions(options = {}) {
  const out = {};
  for (const [key, value] of Object.entries(options)) {
    assert.ok(key in CAMEL, `unknown vector option ${key}`);
    out[CAMEL[key]] = value;
  }
  return out;
}

function secretOf(secret) {
  return typeof secret === 'string' ? secret : Uint8Array.from(Buffer.from(secret.hex, 'hex'));
}

function bodyOf(c) {
  return c.body_hex !== undefined ? Uint8Array.from(Buffer.from(c.body_hex, 'hex')) : c.body;
}

// The headers as an object the way Node's http module gives them: lower-cased names,
// repeated values joined with ", ".
function asObject(pairs) {
  const out = {};
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    out[key] = key in out ? `${out[key]}, ${value}` : value;
  }
  return out;
}

// The members of an expected event, by the vector's name.
const MEMBERS = {
  provider: (e) => e.provider,
  type: (e) => e.type,
  family: (e) => e.family,
  id: (e) => e.id,
  timestamp_ms: (e) => e.timestampMs,
  idempotency_key: (e) => e.idempotencyKey,
  documented: (e) => e.documented,
  untyped_reason: (e) => e.untypedReason,
  data: (e) => e.data,
};

// What JSON.parse gives for the event's data, for the cases whose data a JSON file
// cannot hold (their expectation leaves `data` out).
function parsedData(c) {
  const bytes = bodyOf(c);
  const parsed = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  if (c.provider === 'github' || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return parsed;
  return parsed.data ?? null;
}

function outcome(c, headers) {
  let verifier;
  try {
    verifier = new hookshield.Verifier(c.provider, c.secrets.map(secretOf), verifierOptions(c.options));
  } catch (error) {
    return { error };
  }
  const now = c.now * 1000;
  try {
    if ((c.check ?? 'verify') === 'signature') {
      verifier.verifySignature(bodyOf(c), headers, { now });
      return { ok: true };
    }
    return { event: verifier.verify(bodyOf(c), headers, { now }) };
  } catch (error) {
    return { error };
  }
}

function check(c, result) {
  if (c.expect.error !== undefined) {
    assert.ok(result.error, `expected ${c.expect.error}, got success`);
    assert.ok(result.error instanceof hookshield.VerificationError, `not a VerificationError: ${result.error}`);
    assert.equal(result.error.code, c.expect.error, result.error.message);
    for (const secret of c.secrets) {
      if (typeof secret === 'string' && secret.length > 3) assert.ok(!result.error.message.includes(secret), 'message shows a secret');
    }
    return;
  }
  if (result.error) throw result.error;
  if (c.expect.ok !== undefined) {
    assert.equal(result.ok, true);
    return;
  }
  const want = c.expect.event;
  const got = result.event;
  const seen = {};
  for (const name of Object.keys(want)) {
    assert.ok(name in MEMBERS, `unknown expected member ${name}`);
    seen[name] = MEMBERS[name](got);
  }
  assert.deepEqual(seen, want);
  if (!('data' in want)) assert.deepStrictEqual(got.data, parsedData(c));
  assert.equal(got.untypedDetail === null, got.untypedReason === null);
  assert.equal(got.timestamp?.getTime() ?? null, want.timestamp_ms);
  assert.ok(got.matches('*'));
  assert.ok(got.matches(want.type));
}

let cases = 0;
for (const file of files) {
  const { cases: list } = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  for (const c of list) {
    cases += 1;
    test(`${file}: ${c.name}`, () => {
      check(c, outcome(c, c.headers));
      // The same answer whatever shape the headers come in.
      check(c, outcome(c, asObject(c.headers)));
      check(c, outcome(c, new Map(Object.entries(asObject(c.headers)))));
      check(c, outcome(c, new Headers(c.headers)));
      check(c, outcome(c, c.headers.flat())); // a flat list, as Node's req.rawHeaders
    });
  }
}

test('every vector case ran', () => {
  assert.ok(cases > 0, 'no vector cases found');
});
