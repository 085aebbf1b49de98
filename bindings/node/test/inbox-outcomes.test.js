'use strict';
// The inbox's answer vectors (tests/vectors/process/inbox.json): what `inbox.accept`
// answers (outcome, HTTP status, JSON body) for a new delivery, one already in the inbox
// and the common rejections; in process, and over HTTP on 127.0.0.1 through node:http,
// Express, Fastify and the Fetch handler given `inbox`. Each case gets a fresh SQLite
// inbox and the verifier the case describes, its clock pinned to the case's `now`. The
// native package only: @hookshield/wasm has no inbox (inbox.test.js checks it says so).
const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { hookshield, nativeOnly } = require('./build.js');
const { verifierOf } = require('./vector-cases.js');
const { quiet, RECEIVERS } = require('./receivers.js');

const file = path.join(__dirname, '../../../tests/vectors/process/inbox.json');
const { cases } = JSON.parse(fs.readFileSync(file, 'utf8'));

let tmp;
let made = 0;

/** A new SQLite inbox holding the case's history (`inbox.before`). */
async function inboxOf(c, verifier) {
  made += 1;
  const inbox = new hookshield.Inbox(`sqlite:${path.join(tmp, `inbox-${made}.db`)}`);
  if (c.inbox.before === 'queued') {
    assert.equal((await inbox.accept(verifier, c.body, c.headers)).kind, 'queued');
  } else {
    assert.equal(c.inbox.before, null);
  }
  return inbox;
}

/** `{ outcome, status, answer }` as the case expects it (a parser's message only checked present). */
function compare(c, got) {
  const answer = JSON.parse(got.answer);
  if (c.expect.answer.error !== undefined && c.expect.answer.error.message === undefined) {
    assert.equal(typeof answer.error?.message, 'string');
    assert.ok(answer.error.message.length > 0);
    delete answer.error.message;
  }
  assert.deepEqual({ outcome: got.outcome, status: got.status, answer }, c.expect, c.name);
  assert.deepEqual(Object.keys(answer), Object.keys(c.expect.answer), `${c.name}: the members' order`);
}

/** What was acknowledged is in the inbox once; what was rejected is not. */
async function queuedOnceIfAcknowledged(c, inbox) {
  assert.equal((await inbox.stats()).pending, c.expect.status === 200 ? 1 : 0, c.name);
}

describe('inbox vectors', { skip: nativeOnly }, () => {
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hookshield-inbox-vectors-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('every provider is queued, a duplicate and rejected', () => {
    const seen = new Set(cases.map((c) => `${c.provider} ${c.expect.outcome}`));
    const providers = new Set(cases.map((c) => c.provider));
    assert.equal(providers.size, 12);
    for (const provider of providers) {
      for (const kind of ['queued', 'duplicate', 'rejected']) assert.ok(seen.has(`${provider} ${kind}`), `${provider} ${kind}`);
    }
  });

  describe('through inbox.accept', () => {
    for (const c of cases) {
      test(c.name, async () => {
        const verifier = verifierOf(c);
        const inbox = await inboxOf(c, verifier);
        const outcome = await inbox.accept(verifier, c.body, c.headers);
        compare(c, { outcome: outcome.kind, status: outcome.status, answer: outcome.answer });
        assert.equal(outcome.acknowledged, c.expect.status === 200);
        await queuedOnceIfAcknowledged(c, inbox);
      });
    }
  });

  for (const [name, start] of Object.entries(RECEIVERS)) {
    describe(`over HTTP through ${name} with an inbox`, () => {
      for (const c of cases) {
        test(c.name, async () => {
          const verifier = verifierOf(c);
          const inbox = await inboxOf(c, verifier);
          const { url, stop } = await start({ verifier, inbox, logger: quiet });
          try {
            const response = await fetch(url, { method: 'POST', headers: c.headers, body: c.body, signal: AbortSignal.timeout(5000) });
            assert.equal(response.headers.get('content-type').split(';')[0], 'application/json');
            compare(c, { outcome: c.expect.outcome, status: response.status, answer: await response.text() });
          } finally {
            await stop();
          }
          await queuedOnceIfAcknowledged(c, inbox);
        });
      }
    });
  }
});
