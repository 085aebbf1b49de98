'use strict';
// Every case of every tests/vectors/*.json file, through the Node binding.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { VerificationError } = require('./build.js').hookshield;
const { verifierOf, bodyOf } = require('./vector-cases.js');

const dir = path.join(__dirname, '..', '..', '..', 'tests', 'vectors');
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith('.json')).sort() : [];

test('the vector folder has vector files', () => {
  assert.ok(files.length > 0, `no *.json vector files in ${dir}`);
});

/** Senders whose data is the whole document (no `data` member). */
const WHOLE = new Set(['github', 'slack', 'shopify']);

/**
 * JSON.parse of the body's text, or of a form's `payload` field (GitHub, Slack), or a
 * Slack slash command's fields as an object of strings.
 */
function documentOf(vector) {
  const text = bodyOf(vector).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    if (vector.provider !== 'github' && vector.provider !== 'slack') throw error;
    const form = new URLSearchParams(text);
    return form.has('payload') ? JSON.parse(form.get('payload')) : Object.fromEntries(form);
  }
}

/** The event's `data` by the vectors' rule: the whole document for GitHub, Slack, Shopify or a body that is not an object. */
function dataOf(vector, parsed) {
  if (WHOLE.has(vector.provider) || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return parsed;
  return parsed.data ?? null;
}

function run(vector, headers) {
  const verifier = verifierOf(vector);
  const body = bodyOf(vector);
  if ((vector.check ?? 'verify') === 'signature') return { ok: verifier.verifySignature(body, headers) };
  return { event: verifier.verify(body, headers) };
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

/** The vector's headers in every shape a receiver holds: the same answer for each. */
function shapes(pairs) {
  return {
    pairs,
    object: asObject(pairs),
    map: new Map(Object.entries(asObject(pairs))),
    fetchHeaders: new Headers(pairs),
    rawHeaders: pairs.flat(),
  };
}

for (const file of files) {
  const { cases } = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  for (const vector of cases) {
    test(`${file}: ${vector.name}`, () => {
      for (const [shape, headers] of Object.entries(shapes(vector.headers))) check(vector, headers, shape);
    });
  }
}

function check(vector, headers, shape) {
  const expect = vector.expect;
  if (expect.error !== undefined) {
    assert.throws(
      () => run(vector, headers),
      (error) => {
        assert.ok(error instanceof VerificationError, `${shape}: expected a VerificationError, got ${error}`);
        assert.equal(error.code, expect.error, `${shape}: ${error.message}`);
        for (const secret of vector.secrets) {
          if (typeof secret === 'string' && secret.length >= 8) assert.ok(!error.message.includes(secret));
        }
        return true;
      },
    );
    return;
  }
  const result = run(vector, headers);
  if (expect.ok !== undefined) {
    assert.equal(expect.ok, true);
    assert.ok(result.ok, `${shape}: signature check passed`);
    return;
  }
  const { event } = result;
  const want = expect.event;
  assert.equal(event.provider, want.provider);
  assert.equal(event.type, want.type, shape);
  assert.equal(event.family, want.family);
  assert.equal(event.id, want.id);
  assert.equal(event.timestampMs, want.timestamp_ms);
  assert.equal(event.timestamp === null ? null : event.timestamp.getTime(), want.timestamp_ms);
  assert.equal(event.idempotencyKey, want.idempotency_key, shape);
  assert.equal(event.documented, want.documented);
  if ('untyped_reason' in want) assert.equal(event.untypedReason, want.untyped_reason);
  assert.equal(event.untypedDetail === null, event.untypedReason === null);
  const parsed = documentOf(vector);
  assert.deepEqual(event.raw, parsed);
  // A case leaves `data` out where a JSON file cannot carry it to every parser (an
  // unpaired surrogate, deep nesting): then JSON.parse of the body says what it is.
  assert.deepEqual(event.data, 'data' in want ? want.data : dataOf(vector, parsed));
  assert.equal(event.matches('*'), true);
  assert.equal(event.matches(event.type), true);
}
