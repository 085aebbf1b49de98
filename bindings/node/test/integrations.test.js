'use strict';
// Each integration driven over real HTTP on 127.0.0.1: valid, forged, stale, duplicate,
// failing handler (then its redelivery), too large; plus the Express body-parser cases.
const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');

const express = require('express');
const Fastify = require('fastify');
const { hookshield } = require('./build.js');

const SECRET = 'whsec_integration_secret';

function listen(server) {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}

function close(server) {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A logger for receivers whose logs these tests do not read (test/integrations-rules.test.js does). */
const quiet = { error() {}, warn() {} };

let counter = 0;

/** A fresh Sentinel delivery (unique report id, so each is a new event). */
function delivery({ at, type = 'report.generated' } = {}) {
  counter += 1;
  const body = JSON.stringify({
    event: type,
    timestamp: new Date().toISOString(),
    data: { report_id: `rpt_${process.pid}_${counter}`, format: 'pdf' },
  });
  const headers = hookshield.sign('sentinel', SECRET, body, at === undefined ? {} : { timestamp: at });
  return { body, headers };
}

async function post(url, body, headers, init = {}) {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers,
    signal: AbortSignal.timeout(5000), // a hang fails the test instead of stalling it
    ...init,
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

/** State shared by one integration's receiver: what its handler saw. */
function receiver() {
  const state = { handled: [], outcomes: [], failNext: false };
  state.options = () => ({
    verifier: new hookshield.Verifier({ provider: 'sentinel', secrets: [SECRET], maxBodyBytes: 4096 }),
    store: new hookshield.MemoryStore(),
    handler: async (event) => {
      if (state.failNext) {
        state.failNext = false;
        throw new Error('handler exploded');
      }
      state.handled.push(event.data.report_id);
    },
    onOutcome: (outcome) => state.outcomes.push(outcome),
    logger: quiet,
  });
  return state;
}

/** The five deliveries every integration must get right. */
function scenarios(name, setup) {
  describe(name, () => {
    const state = receiver();
    let url;
    let teardown;
    before(async () => {
      ({ url, teardown } = await setup(state.options()));
    });
    after(() => teardown());

    test('valid delivery: 200 processed, handler ran once', async () => {
      const { body, headers } = delivery();
      const reply = await post(url, body, headers);
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.json, { outcome: 'processed', idempotency_key: state.outcomes.at(-1).event.idempotencyKey });
      assert.equal(state.handled.at(-1), JSON.parse(body).data.report_id);
      assert.equal(state.outcomes.at(-1).event.type, 'report.generated');
    });

    test('forged delivery: 401, handler not run', async () => {
      const { body, headers } = delivery();
      const before_ = state.handled.length;
      const reply = await post(url, body.replace('pdf', 'exe'), headers);
      assert.equal(reply.status, 401);
      assert.equal(reply.json.outcome, 'rejected');
      assert.equal(reply.json.error.code, 'signature_mismatch');
      assert.ok(!JSON.stringify(reply.json).includes(SECRET));
      assert.equal(state.handled.length, before_);
    });

    test('stale delivery: 401 timestamp_too_old', async () => {
      const { body, headers } = delivery({ at: Math.floor(Date.now() / 1000) - 3600 });
      const reply = await post(url, body, headers);
      assert.equal(reply.status, 401);
      assert.equal(reply.json.error.code, 'timestamp_too_old');
    });

    test('duplicate delivery: 200 duplicate, handler not run again', async () => {
      const { body, headers } = delivery();
      assert.equal((await post(url, body, headers)).json.outcome, 'processed');
      const count = state.handled.length;
      const again = await post(url, body, headers);
      assert.equal(again.status, 200);
      assert.equal(again.json.outcome, 'duplicate');
      assert.equal(state.handled.length, count);
    });

    test('failing handler: 500, then the redelivery is processed', async () => {
      const { body, headers } = delivery();
      state.failNext = true;
      const failed = await post(url, body, headers);
      assert.equal(failed.status, 500);
      assert.deepEqual(
        failed.json,
        {
          outcome: 'handler_failed',
          idempotency_key: state.outcomes.at(-1).event.idempotencyKey,
          error: { code: 'handler_failed', message: 'the handler failed; the delivery will be retried' },
        },
        'the handler error stays private',
      );
      assert.equal(state.outcomes.at(-1).error.message, 'handler exploded');
      const retried = await post(url, body, headers);
      assert.equal(retried.status, 200);
      assert.equal(retried.json.outcome, 'processed');
    });

    test('too large: 413, without reading it all', async () => {
      const body = JSON.stringify({ event: 'report.generated', data: { report_id: 'big', pad: 'x'.repeat(20_000) } });
      const reply = await post(url, body, hookshield.sign('sentinel', SECRET, body));
      assert.equal(reply.status, 413);
    });

    test('missing signature: 401 missing_header', async () => {
      const { body } = delivery();
      const reply = await post(url, body, { 'content-type': 'application/json' });
      assert.equal(reply.status, 401);
      assert.equal(reply.json.error.code, 'missing_header');
    });
  });
}

scenarios('Express (express.raw)', async (options) => {
  const app = express();
  app.post('/webhooks', express.raw({ type: 'application/json' }), hookshield.express(options));
  const server = http.createServer(app);
  const url = await listen(server);
  return { url: `${url}/webhooks`, teardown: () => close(server) };
});

scenarios('Express (no body parser: the middleware reads the stream)', async (options) => {
  const app = express();
  app.post('/webhooks', hookshield.express(options));
  const server = http.createServer(app);
  const url = await listen(server);
  return { url: `${url}/webhooks`, teardown: () => close(server) };
});

scenarios('Fastify plugin', async (options) => {
  const app = Fastify();
  app.register(hookshield.fastify, { ...options, path: '/webhooks' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${app.server.address().port}/webhooks`, teardown: () => app.close() };
});

scenarios('node:http handler', async (options) => {
  const server = http.createServer(hookshield.httpHandler(options));
  const url = await listen(server);
  return { url, teardown: () => close(server) };
});

scenarios('Fetch handler (Request -> Response)', async (options) => {
  const handle = hookshield.fetchHandler(options);
  // A minimal Fetch server: node:http request -> Request -> handler -> Response -> reply.
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
      body: Buffer.concat(chunks),
    });
    const response = await handle(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  const url = await listen(server);
  return { url, teardown: () => close(server) };
});

describe('Express with body parsers that are not raw', () => {
  let server;
  let url;
  const errors = [];
  before(async () => {
    const options = () => ({
      verifier: new hookshield.Verifier({ provider: 'sentinel', secrets: [SECRET] }),
      handler: () => {},
      onOutcome: (outcome) => outcome.error && errors.push(outcome.error),
      logger: quiet,
    });
    const app = express();
    app.post('/json-first', express.json(), hookshield.express(options()));
    app.use('/global-json', express.json());
    app.post('/global-json', hookshield.express(options()));
    app.post('/text', express.text({ type: '*/*' }), hookshield.express(options()));
    app.post(
      '/verify-only',
      express.raw({ type: 'application/json' }),
      hookshield.express({ verifier: new hookshield.Verifier({ provider: 'sentinel', secrets: [SECRET] }), logger: quiet }),
      (req, res) => res.json({ type: req.webhookEvent.type, report: req.webhookEvent.data.report_id }),
    );
    server = http.createServer(app);
    url = await listen(server);
  });
  after(() => close(server));

  test('express.json() consumed the body: 500 naming the fix, no hang', async () => {
    for (const path of ['/json-first', '/global-json']) {
      const { body, headers } = delivery();
      const reply = await post(`${url}${path}`, body, headers);
      assert.equal(reply.status, 500, path);
      assert.equal(reply.json.error.code, 'invalid_config');
      assert.ok(reply.json.error.message.includes("express.raw({ type: 'application/json', limit: verifier.maxBodyBytes })"), reply.json.error.message);
      assert.ok(errors.at(-1).message.includes('already parsed'));
    }
  });

  test('express.text() keeps the exact text: verifies', async () => {
    const { body, headers } = delivery();
    const reply = await post(`${url}/text`, body, headers);
    assert.equal(reply.status, 200);
    assert.equal(reply.json.outcome, 'processed');
  });

  test('without a handler: verifies, sets req.webhookEvent, calls next()', async () => {
    const { body, headers } = delivery();
    const reply = await post(`${url}/verify-only`, body, headers);
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.json, { type: 'report.generated', report: JSON.parse(body).data.report_id });
    const forged = await post(`${url}/verify-only`, body.replace('pdf', 'exe'), headers);
    assert.equal(forged.status, 401);
    assert.equal(forged.json.error.code, 'signature_mismatch');
  });
});

test('Fastify: the raw-body parser stays inside the plugin', async () => {
  const app = Fastify();
  app.register(hookshield.fastify, {
    verifier: new hookshield.Verifier({ provider: 'sentinel', secrets: [SECRET] }),
    handler: () => {},
    logger: quiet,
  });
  app.post('/api/echo', async (request) => ({ parsed: request.body }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const base = `http://127.0.0.1:${app.server.address().port}`;
    const echo = await post(`${base}/api/echo`, '{"a":1}', { 'content-type': 'application/json' });
    assert.deepEqual(echo.json, { parsed: { a: 1 } });
    const { body, headers } = delivery();
    assert.equal((await post(`${base}/webhooks`, body, headers)).status, 200);
  } finally {
    await app.close();
  }
});

test('integrations check their options: invalid_config', () => {
  const verifier = new hookshield.Verifier({ provider: 'sentinel', secrets: [SECRET] });
  const wrong = { name: 'VerificationError', code: 'invalid_config', status: 500 };
  assert.throws(() => hookshield.httpHandler({ handler: () => {} }), wrong);
  assert.throws(() => hookshield.fetchHandler({ verifier }), wrong);
  assert.throws(() => hookshield.express({ verifier, handler: 5 }), wrong);
  assert.throws(() => hookshield.httpHandler({ verifier, handler: () => {}, store: {} }), wrong);
  assert.throws(() => hookshield.fetchHandler({ verifier, handler: () => {}, logger: { error() {} } }), wrong);
});
