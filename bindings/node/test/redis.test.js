'use strict';
// RedisStore against a real redis-server (test/redis-server.js starts one on a free
// 127.0.0.1 port, persistence off, and stops it): the store's API, many concurrent
// deliveries from several stores (workers) with failing handlers, a worker that crashes
// mid-handler, shared state, Redis going down mid-run, and Express over real HTTP.
//
// Without redis-server on PATH these tests are skipped, unless HOOKSHIELD_REQUIRE_REDIS=1
// (ci.sh sets it), which makes that a failure.
const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const net = require('node:net');
const util = require('node:util');
const { spawn } = require('node:child_process');
const path = require('node:path');

const express = require('express');
const { hookshield, nativeOnly } = require('./build.js');
const { RedisStore, MemoryStore, Verifier, VerificationError, sign } = hookshield;
const { RedisServer, available, freePort } = require('./redis-server.js');

const SECRET = 'whsec_redis_node_tests';
const PASSWORD = 'pa55-w0rd-never-shown';
const required = process.env.HOOKSHIELD_REQUIRE_REDIS === '1';
const skip =
  nativeOnly || (!available() && !required ? 'redis-server is not on PATH (HOOKSHIELD_REQUIRE_REDIS=1 makes this a failure)' : false);

const verifier = new Verifier({ provider: 'sentinel', secrets: [SECRET] });
let redis;
let prefixes = 0;

/** A prefix of its own per test, so tests never see each other's keys. */
function prefix() {
  prefixes += 1;
  return `test:${process.pid}:${prefixes}:`;
}

let counter = 0;
/** A new Sentinel event (its own report id, so its own idempotency key). */
function delivery(type = 'report.generated') {
  counter += 1;
  const body = JSON.stringify({
    event: type,
    timestamp: new Date().toISOString(),
    data: { report_id: `rpt_${process.pid}_${counter}`, format: 'pdf' },
  });
  return { body, headers: sign('sentinel', SECRET, body), id: `rpt_${process.pid}_${counter}` };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function rejectsWithCode(promise, code) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof VerificationError, `expected a VerificationError, got ${error}`);
    assert.equal(error.code, code);
    return true;
  });
}

describe('RedisStore', { skip }, () => {
  before(async () => {
    redis = await RedisServer.start();
  });
  after(async () => {
    await redis?.stop();
  });

  test('begin / complete / release, as MemoryStore but returning promises', async () => {
    const store = new RedisStore(redis.url, { prefix: prefix() });
    const claim = store.begin('evt_1', { leaseSeconds: 30 });
    assert.ok(claim instanceof Promise);
    assert.equal(await claim, 'fresh');
    assert.equal(await store.begin('evt_1'), 'in_progress');
    await store.release('evt_1');
    assert.equal(await store.begin('evt_1'), 'fresh');
    await store.complete('evt_1', { retentionSeconds: 60 });
    assert.equal(await store.begin('evt_1'), 'done');
    // complete/release of a key this store does not hold leave it alone.
    await store.release('evt_1');
    await store.complete('evt_2');
    assert.equal(await store.begin('evt_1'), 'done');
    assert.equal(await store.begin('evt_2'), 'fresh');
  });

  test('bad arguments are typed errors (rejections for the async methods)', async () => {
    assert.throws(() => new RedisStore(42), { code: 'invalid_config' });
    assert.throws(() => new RedisStore(redis.url, { prefix: 7 }), { code: 'invalid_config' });
    assert.throws(() => new RedisStore(redis.url, { timeout: -1 }), { code: 'invalid_config' });
    assert.throws(() => new RedisStore(redis.url, { timout: 1 }), { code: 'invalid_config' });
    assert.throws(() => new RedisStore('not a url'), { code: 'store_unavailable', name: 'VerificationError' });
    const store = new RedisStore(redis.url, { prefix: prefix() });
    await rejectsWithCode(store.begin(5), 'invalid_config');
    await rejectsWithCode(store.begin('k', { leaseSeconds: 0 }), 'invalid_config');
  });

  test('the prefix namespaces the keys; two instances with one prefix share state', async () => {
    const shared = prefix();
    const a = new RedisStore(redis.url, { prefix: shared });
    const b = new RedisStore(redis.url, { prefix: shared });
    const other = new RedisStore(redis.url, { prefix: prefix() });
    assert.equal(await a.begin('evt'), 'fresh');
    assert.equal(await b.begin('evt'), 'in_progress');
    assert.equal(await other.begin('evt'), 'fresh');
    // b does not hold the claim: its complete/release do nothing.
    await b.release('evt');
    await b.complete('evt');
    assert.equal(await b.begin('evt'), 'in_progress');
    await a.complete('evt');
    assert.equal(await b.begin('evt'), 'done');

    // Through process: one worker processes, the other sees a duplicate.
    const { body, headers } = delivery();
    let runs = 0;
    const first = await verifier.process(body, headers, a, () => {
      runs += 1;
    });
    const second = await verifier.process(body, headers, b, () => {
      runs += 1;
    });
    assert.deepEqual([first.kind, first.status, first.acknowledged], ['processed', 200, true]);
    assert.deepEqual([second.kind, second.status, second.acknowledged], ['duplicate', 200, true]);
    assert.equal(runs, 1);
    assert.equal(second.event.idempotencyKey, first.event.idempotencyKey);
  });

  test('the URL (and its password) never shows in errors or inspect output', async () => {
    const port = await freePort(); // nothing listens there
    const url = `redis://:${PASSWORD}@127.0.0.1:${port}/3`;
    const store = new RedisStore(url, { prefix: 'p:', timeout: 1 });
    const shown = [util.inspect(store), JSON.stringify(store), String(Object.keys(store)), util.format('%o', store)];
    for (const text of shown) {
      assert.ok(!text.includes(PASSWORD), text);
      assert.ok(!text.includes('redis://'), text);
    }
    assert.match(util.inspect(store), /RedisStore \{ addr: "127\.0\.0\.1:\d+", prefix: "p:"/);
    let error;
    try {
      await store.begin('k');
    } catch (thrown) {
      error = thrown;
    }
    assert.equal(error?.code, 'store_unavailable');
    assert.ok(!util.inspect(error).includes(PASSWORD));
    assert.ok(!error.stack.includes(PASSWORD));
    // A server that wants another password.
    const wrong = new RedisStore(`redis://:${PASSWORD}@127.0.0.1:${redis.port}/`, { prefix: prefix() });
    await rejectsWithCode(wrong.begin('k'), 'store_unavailable');
    await wrong.begin('k').catch((thrown) => assert.ok(!thrown.message.includes(PASSWORD), thrown.message));
    // A URL that cannot be parsed.
    try {
      new RedisStore(`redis://:${PASSWORD}@[not-a-host/`);
      assert.fail('expected an error');
    } catch (thrown) {
      assert.equal(thrown.code, 'store_unavailable');
      assert.ok(!thrown.message.includes(PASSWORD), thrown.message);
    }
  });

  test('Redis calls run off the event loop: a server that never answers times out, timers keep firing', async () => {
    // A TCP server that accepts and never answers: each call waits out the timeout.
    const sockets = new Set();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
    });
    await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const store = new RedisStore(`redis://127.0.0.1:${silent.address().port}/`, { timeout: 1 });
      let ticks = 0;
      const timer = setInterval(() => {
        ticks += 1;
      }, 20);
      const { body, headers } = delivery();
      let ran = false;
      const outcome = await verifier.process(body, headers, store, () => {
        ran = true;
      });
      clearInterval(timer);
      assert.equal(outcome.kind, 'store_unavailable');
      assert.equal(outcome.status, 503);
      assert.equal(outcome.acknowledged, false);
      assert.equal(outcome.error.code, 'store_unavailable');
      assert.equal(ran, false);
      // The event loop ran while the claim waited on the silent server (the timeout is
      // 1 s, the interval 20 ms): it was never blocked.
      assert.ok(ticks >= 5, `timers fired ${ticks} times while Redis was waited on`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('many concurrent deliveries from several workers, handlers failing: each event processed once, none lost', async () => {
    const shared = prefix();
    // Four workers, each with its own store (its own connections), as on four machines.
    const workers = Array.from({ length: 4 }, () => new RedisStore(redis.url, { prefix: shared }));
    const events = Array.from({ length: 24 }, () => delivery());
    const succeeded = new Map(); // report id -> successful handler runs
    const attempts = new Map(); // report id -> handler runs
    const handler = async (event) => {
      const id = event.data.report_id;
      const attempt = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, attempt);
      await sleep(Math.floor(Math.random() * 4));
      // Every third event fails its first run, every fifth its first two.
      if ((counterOf(id) % 3 === 0 && attempt === 1) || (counterOf(id) % 5 === 0 && attempt <= 2)) {
        throw new Error(`flaky downstream for ${id}`);
      }
      succeeded.set(id, (succeeded.get(id) ?? 0) + 1);
    };
    const kinds = new Map();
    const deliver = async (event, copy) => {
      const store = workers[(copy + counterOf(event.id)) % workers.length];
      // Providers retry until the delivery is acknowledged.
      for (let attempt = 0; attempt < 200; attempt++) {
        const outcome = await verifier.process(event.body, event.headers, store, handler, { leaseSeconds: 30 });
        kinds.set(outcome.kind, (kinds.get(outcome.kind) ?? 0) + 1);
        if (outcome.acknowledged) {
          assert.equal(outcome.status, 200);
          return;
        }
        assert.ok(['handler_failed', 'in_progress'].includes(outcome.kind), `${outcome.kind}: ${outcome.error?.message}`);
        assert.ok([500, 409].includes(outcome.status), String(outcome.status));
        await sleep(2);
      }
      assert.fail(`delivery of ${event.id} was never acknowledged`);
    };
    // Every event delivered 5 times at once, all events concurrently.
    await Promise.all(events.flatMap((event) => Array.from({ length: 5 }, (_, copy) => deliver(event, copy))));
    for (const event of events) {
      assert.equal(succeeded.get(event.id), 1, `${event.id} processed ${succeeded.get(event.id)} times`);
    }
    assert.equal(succeeded.size, events.length);
    assert.ok(kinds.get('handler_failed') >= 8, `handler failures: ${kinds.get('handler_failed')}`);
    assert.ok(kinds.get('duplicate') > 0);
    // Afterwards every worker sees every event as done.
    for (const event of events) {
      const outcome = await verifier.process(event.body, event.headers, workers[0], () => assert.fail('ran again'));
      assert.equal(outcome.kind, 'duplicate');
    }
  });

  test('a worker that crashes mid-handler: the redelivery is processed once its lease expires', async () => {
    const shared = prefix();
    const { body, headers } = delivery();
    // A separate Node process claims the event with a 1 s lease and dies (SIGKILL) in the
    // handler: its claim is never completed nor released.
    const script = `
      const h = require(${JSON.stringify(path.join(__dirname, '..'))});
      const verifier = new h.Verifier({ provider: 'sentinel', secrets: [${JSON.stringify(SECRET)}] });
      const store = new h.RedisStore(${JSON.stringify(redis.url)}, { prefix: ${JSON.stringify(shared)} });
      verifier.process(${JSON.stringify(body)}, ${JSON.stringify(headers)}, store, () => {
        process.stdout.write('claimed\\n');
        process.kill(process.pid, 'SIGKILL');
        return new Promise(() => {});
      }, { leaseSeconds: 1 });
    `;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    assert.equal(signal, 'SIGKILL');
    assert.equal(out, 'claimed\n');

    const store = new RedisStore(redis.url, { prefix: shared });
    let runs = 0;
    const handler = () => {
      runs += 1;
    };
    const during = await verifier.process(body, headers, store, handler);
    if (during.kind === 'in_progress') {
      // The crashed worker's lease still holds: the provider is told to retry.
      assert.equal(during.status, 409);
      assert.equal(during.acknowledged, false);
    }
    let outcome = during;
    for (let i = 0; i < 100 && outcome.kind === 'in_progress'; i++) {
      await sleep(100);
      outcome = await verifier.process(body, headers, store, handler);
    }
    assert.equal(outcome.kind, 'processed');
    assert.equal(runs, 1);
    assert.equal((await verifier.process(body, headers, store, handler)).kind, 'duplicate');
    assert.equal(runs, 1);
  });

  test('Redis stopped mid-run: store_unavailable (503, not acknowledged) within seconds; processed once it is back', async () => {
    const own = await RedisServer.start();
    try {
      const store = new RedisStore(own.url, { prefix: prefix(), timeout: 1 });
      const before = delivery();
      let runs = 0;
      const handler = () => {
        runs += 1;
      };
      assert.equal((await verifier.process(before.body, before.headers, store, handler)).kind, 'processed');
      assert.equal(runs, 1);

      await own.stop();
      const during = delivery();
      const outcomes = await Promise.all(
        Array.from({ length: 4 }, () => verifier.process(during.body, during.headers, store, handler)),
      );
      for (const outcome of outcomes) {
        assert.equal(outcome.kind, 'store_unavailable');
        assert.equal(outcome.status, 503);
        assert.equal(outcome.acknowledged, false);
        assert.ok(outcome.error instanceof VerificationError);
        assert.equal(outcome.error.code, 'store_unavailable');
        assert.equal(outcome.event.idempotencyKey, outcomes[0].event.idempotencyKey);
      }
      assert.equal(runs, 1, 'no handler runs while the store is down');
      await rejectsWithCode(store.begin('k'), 'store_unavailable');
      // DocIntell ends its retries at any 4xx: the status is a 5xx for every provider.
      const docintell = new Verifier({ provider: 'docintell', secrets: [SECRET] });
      const docBody = hookshield.sample('docintell', hookshield.sampleTypes('docintell')[0]);
      const docOutcome = await docintell.process(docBody, sign('docintell', SECRET, docBody), store, handler);
      assert.equal(docOutcome.kind, 'store_unavailable');
      assert.ok(docOutcome.status >= 500, String(docOutcome.status));

      // Redis is back: the provider's retry of the unacknowledged delivery is processed.
      await own.restart();
      const retried = await verifier.process(during.body, during.headers, store, handler);
      assert.equal(retried.kind, 'processed');
      assert.equal(runs, 2);
    } finally {
      await own.stop();
    }
  });

  test('Redis going down between claim and complete: store_unavailable, never acknowledged', async () => {
    const own = await RedisServer.start();
    try {
      const store = new RedisStore(own.url, { prefix: prefix(), timeout: 1 });
      const { body, headers } = delivery();
      const outcome = await verifier.process(body, headers, store, async () => {
        await own.stop();
      });
      assert.equal(outcome.kind, 'store_unavailable');
      assert.equal(outcome.status, 503);
      assert.equal(outcome.acknowledged, false);
    } finally {
      await own.stop();
    }
  });

  test('MemoryStore keeps its synchronous API; await works on both stores', async () => {
    const memory = new MemoryStore();
    assert.equal(memory.begin('k'), 'fresh');
    const stores = [memory, new RedisStore(redis.url, { prefix: prefix() })];
    for (const store of stores) {
      assert.equal(await store.begin('x'), 'fresh');
      await store.complete('x');
      assert.equal(await store.begin('x'), 'done');
    }
  });

  test('Express over HTTP: two receivers sharing Redis process a delivery once; 503 while Redis is down', async () => {
    const own = await RedisServer.start();
    const shared = prefix();
    const seen = [];
    const servers = [];
    try {
      const urls = [];
      for (let i = 0; i < 2; i++) {
        const app = express();
        const store = new RedisStore(own.url, { prefix: shared, timeout: 1 });
        app.post(
          '/webhooks',
          express.raw({ type: 'application/json' }),
          hookshield.express({
            verifier,
            store,
            handler: async (event) => {
              await sleep(5);
              seen.push([i, event.data.report_id]);
            },
            onOutcome: () => {},
          }),
        );
        const server = http.createServer(app);
        servers.push(server);
        await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
        urls.push(`http://127.0.0.1:${server.address().port}/webhooks`);
      }
      const post = async (url, { body, headers }) => {
        const response = await fetch(url, {
          method: 'POST',
          body,
          headers: { ...headers, 'content-type': 'application/json' },
        });
        return { status: response.status, outcome: (await response.json()).outcome };
      };
      const event = delivery();
      // The same delivery to both receivers at once, then again: one of them processes it.
      const first = await Promise.all(urls.map((url) => post(url, event)));
      const statuses = first.map((r) => r.outcome).sort();
      assert.ok(
        JSON.stringify(statuses) === '["duplicate","processed"]' || JSON.stringify(statuses) === '["in_progress","processed"]',
        JSON.stringify(first),
      );
      for (const r of first) assert.equal(r.status, r.outcome === 'in_progress' ? 409 : 200);
      const again = await Promise.all(urls.map((url) => post(url, event)));
      assert.deepEqual(again, [
        { status: 200, outcome: 'duplicate' },
        { status: 200, outcome: 'duplicate' },
      ]);
      assert.equal(seen.length, 1);

      await own.stop();
      const down = delivery();
      assert.deepEqual(await post(urls[1], down), { status: 503, outcome: 'store_unavailable' });
      assert.equal(seen.length, 1);
      await own.restart();
      // The provider retries until acknowledged. (A connection pooled before the restart
      // fails its next call, with store_unavailable again, and is then replaced.)
      let retried;
      for (let attempt = 0; attempt < 20; attempt++) {
        retried = await post(urls[0], down);
        if (retried.status !== 503) break;
        assert.equal(retried.outcome, 'store_unavailable');
      }
      assert.deepEqual(retried, { status: 200, outcome: 'processed' });
      let duplicate;
      for (let attempt = 0; attempt < 20; attempt++) {
        duplicate = await post(urls[1], down);
        if (duplicate.status !== 503) break;
      }
      assert.deepEqual(duplicate, { status: 200, outcome: 'duplicate' });
      assert.deepEqual(
        seen.map(([, id]) => id),
        [event.id, down.id],
      );
    } finally {
      for (const server of servers) await new Promise((resolve) => server.close(resolve));
      await own.stop();
    }
  });
});

function counterOf(id) {
  return Number(id.slice(id.lastIndexOf('_') + 1));
}

test('redis-server is available when required', { skip: !required && 'HOOKSHIELD_REQUIRE_REDIS is not set' }, () => {
  assert.ok(available(), 'redis-server is not on PATH (apt-get install redis-server)');
});
