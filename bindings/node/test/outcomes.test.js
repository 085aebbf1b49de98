'use strict';
// The outcome vectors (tests/vectors/process/outcomes.json): what `process` answers (outcome, HTTP
// status, JSON body) for each delivery, store state and handler result; in process, and
// over HTTP on 127.0.0.1 through node:http, Express and the Fetch handler. Against both
// builds (test/build.js); the same file the Rust core and every other language runs.
const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { hookshield, build } = require('./build.js');
const { verifierOf } = require('./vector-cases.js');
const { quiet, RECEIVERS } = require('./receivers.js');
const { freePort } = require('./redis-server.js');

const file = path.join(__dirname, '../../../tests/vectors/process/outcomes.json');
const { cases } = JSON.parse(fs.readFileSync(file, 'utf8'));

/** A store whose every call fails, as a Redis store does when Redis is down. */
const unavailable = {
  begin: async () => {
    throw new Error('connection refused');
  },
  complete: async () => {
    throw new Error('connection refused');
  },
  release: async () => {
    throw new Error('connection refused');
  },
};

/** The store a case starts from (`before`: processed once, or claimed and not finished). */
async function storeOf(c, verifier, unreachable) {
  if (c.process.store === 'unavailable') return unreachable;
  const store = new hookshield.MemoryStore({ capacity: 100 });
  if (c.process.before === 'processed') {
    assert.equal((await verifier.process(c.body, c.headers, store, () => {})).kind, 'processed');
  } else if (c.process.before === 'claimed') {
    assert.equal(store.begin(verifier.verify(c.body, c.headers).idempotencyKey, { leaseSeconds: 30 }), 'fresh');
  }
  return store;
}

function handlerOf(c) {
  return () => {
    if (c.process.handler === 'fail') throw new Error('the database is down');
  };
}

/** `{ outcome, status, answer }` as the case expects it (a parser's message only checked present). */
function compare(c, got) {
  const answer = JSON.parse(got.answer);
  assert.ok(!got.answer.includes('the database is down'), 'a handler\'s own error text is never in the answer');
  if (c.expect.answer.error !== undefined && c.expect.answer.error.message === undefined) {
    assert.equal(typeof answer.error?.message, 'string');
    assert.ok(answer.error.message.length > 0);
    delete answer.error.message;
  }
  assert.deepEqual({ outcome: got.outcome, status: got.status, answer }, c.expect, c.name);
}

describe('outcome vectors through process', () => {
  test('the vector file has cases', () => {
    assert.ok(cases.length > 50, `${cases.length} cases in ${file}`);
  });
  for (const c of cases) {
    test(c.name, async () => {
      const verifier = verifierOf(c);
      const store = await storeOf(c, verifier, unavailable);
      const outcome = await verifier.process(c.body, c.headers, store, handlerOf(c));
      compare(c, { outcome: outcome.kind, status: outcome.status, answer: outcome.answer });
      assert.equal(outcome.acknowledged, c.expect.status === 200);
    });
  }
});

describe('outcome vectors with a Redis store at a closed port', { skip: build !== 'napi' && 'the native package' }, () => {
  for (const c of cases.filter((one) => one.process.store === 'unavailable')) {
    test(c.name, async () => {
      const closed = new hookshield.RedisStore(`redis://127.0.0.1:${await freePort()}/`, { timeout: 1 });
      const outcome = await verifierOf(c).process(c.body, c.headers, closed, handlerOf(c));
      compare(c, { outcome: outcome.kind, status: outcome.status, answer: outcome.answer });
    });
  }
});

const { 'node:http': nodeHttp, Express, Fetch } = RECEIVERS;
const HELPERS = { 'node:http': nodeHttp, Express, Fetch };

for (const [name, start] of Object.entries(HELPERS)) {
  describe(`outcome vectors over HTTP through ${name}`, () => {
    for (const c of cases) {
      test(c.name, async () => {
        const verifier = verifierOf(c);
        const store = await storeOf(c, verifier, unavailable);
        const { url, stop } = await start({ verifier, store, handler: handlerOf(c), logger: quiet });
        try {
          const response = await fetch(url, { method: 'POST', headers: c.headers, body: c.body, signal: AbortSignal.timeout(5000) });
          assert.equal(response.headers.get('content-type').split(';')[0], 'application/json');
          compare(c, { outcome: c.expect.outcome, status: response.status, answer: await response.text() });
        } finally {
          await stop();
        }
      });
    }
  });
}
