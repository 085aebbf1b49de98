'use strict';
// The durable inbox (native package only), one suite run against both backends: a real
// SQLite file, and a real redis-server (test/redis-server.js; skipped without one unless
// HOOKSHIELD_REQUIRE_REDIS=1). An Express receiver with `inbox` over real HTTP, then a
// worker draining it (and the Fastify, node:http and Fetch helpers); retries with
// backoff, dead letters and their replay; a graceful stop; a worker process killed
// mid-handler (another finishes after the lease); several lanes at once; a worker
// outliving a Redis restart. And: @hookshield/wasm has no inbox, and says so.
const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const express = require('express');
const Fastify = require('fastify');
const { spawn } = require('node:child_process');
const { hookshield, build, entry, nativeOnly } = require('./build.js');
const { Verifier, VerificationError, sign } = hookshield;
const { RedisServer, available } = require('./redis-server.js');

const SECRET = 'whsec_inbox_node_tests';
const verifier = new Verifier({ provider: 'sentinel', secrets: [SECRET] });
const required = process.env.HOOKSHIELD_REQUIRE_REDIS === '1';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let counter = 0;
/** A new signed Sentinel event, with its own report id (so its own idempotency key). */
function delivery({ secret = SECRET } = {}) {
  counter += 1;
  const id = `rpt_${process.pid}_${counter}`;
  const body = JSON.stringify({ event: 'report.generated', timestamp: new Date().toISOString(), data: { report_id: id, format: 'pdf' } });
  return { body, headers: sign('sentinel', secret, body), id };
}

/** A logger that keeps what it is told. */
function recorder() {
  const lines = [];
  const keep = (...args) => lines.push(args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' '));
  return { lines, warn: keep, error: keep };
}

/** Runs `worker` until `done()` holds (checked every 20 ms, at most 10 s), then stops it. */
async function runUntil(worker, done) {
  const running = worker.run();
  try {
    for (let waited = 0; !(await done()); waited += 20) {
      if (waited > 10_000) assert.fail('the worker did not get there within 10 s');
      await sleep(20);
    }
  } finally {
    await worker.stop();
  }
  await running;
}

/** POSTs to an Express app listening on 127.0.0.1, then closes it. */
async function withExpress(middleware, fn) {
  const app = express();
  app.post('/webhooks', middleware);
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${server.address().port}/webhooks`;
  const post = async ({ body, headers }) => {
    const response = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
    return { status: response.status, json: await response.json() };
  };
  try {
    await fn(post);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

function suite(name, { skip, url }) {
  describe(`Inbox over ${name}`, { skip }, () => {
    let inbox;
    let inboxUrl;
    before(async () => {
      inboxUrl = await url();
      inbox = new hookshield.Inbox(inboxUrl);
    });

    test('an Express receiver answers queued over HTTP, then a worker handles each delivery once', async () => {
      const logger = recorder();
      const first = delivery();
      const second = delivery();
      await withExpress(hookshield.express({ verifier, inbox, logger }), async (post) => {
        const queued = await post(first);
        assert.equal(queued.status, 200);
        assert.equal(queued.json.outcome, 'queued');
        assert.match(queued.json.idempotency_key, new RegExp(`^report\\.generated:${first.id}`));
        assert.deepEqual(await post(first), { status: 200, json: { ...queued.json, outcome: 'duplicate' } });
        assert.equal((await post(second)).json.outcome, 'queued');
        const forged = await post(delivery({ secret: 'whsec_forger' }));
        assert.deepEqual([forged.status, forged.json.error.code], [401, 'signature_mismatch']);
      });
      assert.match(logger.lines.join('\n'), /rejected a sentinel delivery: signature_mismatch \(401\)/);
      const before = await inbox.stats();
      assert.ok(before.pending >= 2, JSON.stringify(before));
      assert.equal(typeof before.oldestPendingSeconds, 'number');

      const seen = [];
      const worker = inbox.worker(
        async (event, job) => {
          seen.push({ id: event.data.report_id, type: event.type, attempt: job.attempt, key: job.idempotencyKey, provider: job.provider });
        },
        { verifier, concurrency: 2, pollInterval: 0.02 },
      );
      await runUntil(worker, () => seen.some((s) => s.id === first.id) && seen.some((s) => s.id === second.id));
      const mine = seen.filter((s) => s.id === first.id || s.id === second.id);
      assert.equal(mine.length, 2, JSON.stringify(seen));
      for (const s of mine) {
        assert.deepEqual([s.type, s.attempt, s.provider], ['report.generated', 1, 'sentinel']);
        assert.match(s.key, new RegExp(`^report\\.generated:${s.id}`));
      }
      const after = await inbox.stats();
      assert.equal(after.pending, 0);
      assert.equal(after.inFlight, 0);
      assert.ok(after.done >= 2);
      assert.equal(after.oldestPendingSeconds, null);
      assert.equal(worker.running, false);
    });

    test('Fastify, node:http and Fetch helpers take `inbox` too', async () => {
      const app = Fastify();
      await app.register(hookshield.fastify, { verifier, inbox, path: '/webhooks' });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const server = http.createServer(hookshield.httpHandler({ verifier, inbox }));
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      const fetchHandler = hookshield.fetchHandler({ verifier, inbox });
      try {
        for (const url of [`http://127.0.0.1:${app.server.address().port}/webhooks`, `http://127.0.0.1:${server.address().port}/`, null]) {
          const { body, headers } = delivery();
          const request = new Request(url ?? 'http://fetch.invalid/', { method: 'POST', headers, body });
          const response = url === null ? await fetchHandler(request) : await fetch(request);
          assert.equal(response.status, 200);
          assert.match(response.headers.get('content-type'), /^application\/json/);
          assert.equal((await response.json()).outcome, 'queued');
        }
      } finally {
        await app.close();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    test('a failing handler is retried with backoff, logged with its stack, then a dead letter; replay runs it again', async () => {
      const { body, headers, id } = delivery();
      const outcome = await inbox.accept(verifier, body, headers);
      assert.deepEqual([outcome.kind, outcome.status, outcome.acknowledged], ['queued', 200, true]);
      assert.equal(outcome.event.data.report_id, id);
      const key = outcome.event.idempotencyKey;

      const logger = recorder();
      const attempts = [];
      const failing = inbox.worker(
        (event, job) => {
          if (event.data.report_id !== id) return; // another test's delivery
          attempts.push(job.attempt);
          throw new Error(`report store is down for ${event.data.report_id}`);
        },
        { verifier, maxAttempts: 3, backoff: 0.01, maxBackoff: 0.02, pollInterval: 0.01, logger },
      );
      const dead = async () => (await inbox.deadLetters()).find((letter) => letter.idempotencyKey === key);
      await runUntil(failing, dead);
      assert.deepEqual(attempts, [1, 2, 3]);
      const letter = await dead();
      assert.equal(letter.provider, 'sentinel');
      assert.equal(letter.attempts, 3);
      assert.equal(letter.lastError, `report store is down for ${id}`);
      assert.ok(letter.failedAt instanceof Date);
      const log = logger.lines.join('\n');
      assert.match(log, /the inbox handler failed on sentinel report\.generated \S+ \(attempt 1\); retry in \d+\.\d s: Error: report store is down[^\n]*\n\s+at /);
      assert.match(log, /\(attempt 3\); now a dead letter: Error: report store is down/);

      assert.equal(await inbox.replay([key, 'not-a-dead-letter']), 1);
      assert.equal((await dead()) ?? null, null);
      const handled = [];
      const fixed = inbox.worker((event, job) => handled.push([event.data.report_id, job.attempt]), { verifier, pollInterval: 0.01 });
      await runUntil(fixed, () => handled.some(([reportId]) => reportId === id));
      assert.deepEqual(handled.filter(([reportId]) => reportId === id), [[id, 1]]);
      assert.equal(await inbox.replayAllDead(), 0);
    });

    test('stop() lets the running handler finish and record it', async () => {
      const { body, headers, id } = delivery();
      assert.equal((await inbox.accept(verifier, body, headers)).kind, 'queued');
      let started;
      const inHandler = new Promise((resolve) => (started = resolve));
      let finished = false;
      const worker = inbox.worker(
        async (event) => {
          if (event.data.report_id !== id) return;
          started();
          await sleep(100);
          finished = true;
        },
        { verifier, pollInterval: 0.01 },
      );
      const running = worker.run();
      await inHandler;
      await worker.stop();
      await running;
      assert.equal(finished, true);
      const stats = await inbox.stats();
      assert.deepEqual([stats.pending, stats.inFlight], [0, 0]);
    });

    test('a worker process killed mid-handler loses its lease; another worker finishes the delivery (attempt 2)', async () => {
      const { body, headers, id } = delivery();
      assert.equal((await inbox.accept(verifier, body, headers)).kind, 'queued');
      // A worker in another process whose handler never returns (lease 1 s), killed with SIGKILL once it holds the delivery.
      const script = `
        const { Inbox, Verifier } = require(${JSON.stringify(entry)});
        const verifier = new Verifier({ provider: 'sentinel', secrets: [${JSON.stringify(SECRET)}] });
        new Inbox(${JSON.stringify(inboxUrl)}).worker((event) => {
          if (event.data.report_id === ${JSON.stringify(id)}) console.log('holding');
          return new Promise(() => {});
        }, { verifier, lease: 1, pollInterval: 0.01 }).run();`;
      const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await new Promise((resolve) => child.stdout.on('data', (chunk) => String(chunk).includes('holding') && resolve()));
      child.kill('SIGKILL');
      await exited;
      const handled = [];
      const worker = inbox.worker((event, job) => event.data.report_id === id && handled.push(job.attempt), { verifier, pollInterval: 0.02 });
      await runUntil(worker, () => handled.length > 0);
      assert.deepEqual(handled, [2]);
    });

    test('four lanes handle 24 deliveries, each once', async () => {
      const ids = new Set();
      for (let i = 0; i < 24; i += 1) {
        const { body, headers, id } = delivery();
        ids.add(id);
        assert.equal((await inbox.accept(verifier, body, headers)).kind, 'queued');
      }
      const counts = new Map();
      let atOnce = 0;
      let most = 0;
      const worker = inbox.worker(
        async (event) => {
          atOnce += 1;
          most = Math.max(most, atOnce);
          await sleep(5);
          counts.set(event.data.report_id, (counts.get(event.data.report_id) ?? 0) + 1);
          atOnce -= 1;
        },
        { verifier, concurrency: 4, pollInterval: 0.01 },
      );
      await runUntil(worker, () => [...ids].every((id) => counts.has(id)));
      assert.deepEqual([...ids].map((id) => counts.get(id)), [...ids].map(() => 1));
      assert.ok(most > 1, 'the lanes overlapped');
    });

    test('a delivery whose provider the worker has no verifier for goes to the dead letters, never to the handler', async () => {
      const { body, headers } = delivery();
      const key = (await inbox.accept(verifier, body, headers)).event.idempotencyKey;
      const kyc = new Verifier({ provider: 'kyc', secrets: [SECRET] });
      let called = false;
      const worker = inbox.worker(() => (called = true), { verifiers: [kyc], pollInterval: 0.01 });
      const dead = async () => (await inbox.deadLetters({ limit: 1000 })).find((letter) => letter.idempotencyKey === key);
      await runUntil(worker, dead);
      assert.equal(called, false);
      assert.match((await dead()).lastError, /no verifier for provider `sentinel`/);
    });
  });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hookshield-inbox-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

suite('SQLite', { skip: nativeOnly, url: () => `sqlite:${path.join(tmp, 'inbox.db')}` });

let redis;
suite('Redis', {
  skip: nativeOnly || (!available() && !required ? 'redis-server is not on PATH (HOOKSHIELD_REQUIRE_REDIS=1 makes this a failure)' : false),
  url: async () => {
    redis = await RedisServer.start();
    return `${redis.url}0`;
  },
});
after(() => redis?.stop());

describe('Inbox: options and errors', { skip: nativeOnly }, () => {
  const url = () => `sqlite:${path.join(tmp, 'options.db')}`;

  test('worker options are checked: invalid_config', () => {
    const inbox = new hookshield.Inbox(url());
    const handler = () => {};
    for (const [options, message] of [
      [{}, /needs `verifier`/],
      [{ verifier, verifiers: [verifier] }, /not both/],
      [{ verifiers: [{}] }, /must be hookshield Verifiers/],
      [{ verifier, concurrency: 0 }, /concurrency/],
      [{ verifier, maxAttempts: 1.5 }, /max_attempts/],
      [{ verifier, lease: -1 }, /lease/],
      [{ verifier, backoff: 2, maxBackoff: 1 }, /longest backoff/],
      [{ verifier, retries: 3 }, /unknown inbox.worker option "retries"/],
    ]) {
      assert.throws(() => inbox.worker(handler, options), (error) => {
        assert.ok(error instanceof VerificationError, String(error));
        assert.equal(error.code, 'invalid_config');
        assert.match(error.message, message);
        return true;
      });
    }
    assert.throws(() => inbox.worker('not a handler', { verifier }), { code: 'invalid_config' });
  });

  test('a URL naming no backend is invalid_config; a helper refuses inbox with a handler', () => {
    assert.throws(() => new hookshield.Inbox('postgres://u:secret-pw@db/app'), (error) => {
      assert.equal(error.code, 'invalid_config');
      assert.doesNotMatch(error.message, /secret-pw/);
      return true;
    });
    const inbox = new hookshield.Inbox(url());
    assert.throws(() => hookshield.express({ verifier, inbox, handler: () => {} }), { code: 'invalid_config', message: /runs in the inbox's worker/ });
    assert.throws(() => hookshield.fetchHandler({ verifier, inbox: {} }), { code: 'invalid_config', message: /must be a hookshield Inbox/ });
  });

  test('a store that is down answers 503 store_unavailable (the provider retries)', { skip: !available() && 'redis-server is not on PATH' }, async () => {
    const down = await RedisServer.start();
    const inbox = new hookshield.Inbox(down.url);
    await down.stop();
    const { body, headers } = delivery();
    const outcome = await inbox.accept(verifier, body, headers);
    assert.deepEqual([outcome.kind, outcome.status, outcome.acknowledged], ['store_unavailable', 503, false]);
    assert.equal(outcome.error.code, 'store_unavailable');
    assert.equal(JSON.parse(outcome.answer).outcome, 'store_unavailable');
    await assert.rejects(inbox.stats(), { code: 'store_unavailable' });
  });
});

test('a worker outlives a Redis restart: it logs once that it cannot claim, then handles what was queued', { skip: nativeOnly || (!available() && 'redis-server is not on PATH') }, async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'redis-'));
  const server = await RedisServer.start(undefined, { dir }); // append-only: what was queued survives the restart
  try {
    const inbox = new hookshield.Inbox(server.url);
    const { body, headers, id } = delivery();
    assert.equal((await inbox.accept(verifier, body, headers)).kind, 'queued');
    await server.stop();
    const logger = recorder();
    const handled = [];
    const worker = inbox.worker((event) => handled.push(event.data.report_id), { verifier, pollInterval: 0.02, logger });
    const running = worker.run();
    for (let waited = 0; !logger.lines.some((line) => line.includes('cannot claim')); waited += 20) {
      if (waited > 10_000) assert.fail(`no log of the failure: ${logger.lines}`);
      await sleep(20);
    }
    await sleep(100); // more failed claims: still one line
    await server.restart();
    await runUntil({ run: () => running, stop: () => worker.stop() }, () => handled.includes(id));
    assert.deepEqual(handled, [id]);
    assert.equal(logger.lines.filter((line) => line.includes('cannot claim')).length, 1, logger.lines.join('\n'));
    assert.match(logger.lines.join('\n'), /cannot claim deliveries \(retrying\): store_unavailable[\s\S]*claims deliveries again/);
  } finally {
    await server.stop();
  }
});

test('@hookshield/wasm has no inbox, and says so', { skip: build !== 'wasm' && 'the WebAssembly build only' }, () => {
  assert.equal(hookshield.Inbox, undefined);
  assert.throws(() => hookshield.fetchHandler({ verifier, inbox: {} }), (error) => {
    assert.equal(error.code, 'invalid_config');
    assert.match(error.message, /no inbox: @hookshield\/wasm runs where the platform has its own queues/);
    return true;
  });
});
