'use strict';
// MemoryStore, Router and process: exactly once, with the core's statuses and answers.
const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');

const { hookshield } = require('./build.js');
const { Verifier, VerificationError, MemoryStore, Router, sign, sample, sampleTypes } = hookshield;

const NOW = 1_778_839_500; // Unix seconds

function throwsCode(fn, code) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof VerificationError, `expected VerificationError, got ${util.inspect(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
}

describe('MemoryStore', () => {
  test('begin, complete, release', () => {
    const store = new MemoryStore({ capacity: 10 });
    assert.equal(store.begin('evt_1'), 'fresh');
    assert.equal(store.begin('evt_1'), 'in_progress');
    store.complete('evt_1');
    assert.equal(store.begin('evt_1'), 'done');
    assert.equal(store.begin('evt_2', { leaseSeconds: 30 }), 'fresh');
    store.release('evt_2');
    assert.equal(store.begin('evt_2'), 'fresh');
    store.complete('evt_2', { retentionSeconds: 60 });
    assert.equal(store.begin('evt_2'), 'done');
    // Completing or releasing a key this store does not hold changes nothing.
    store.release('evt_2');
    assert.equal(store.begin('evt_2'), 'done');
  });

  test('a lease expires, so a crashed worker does not block redeliveries', async () => {
    const store = new MemoryStore();
    assert.equal(store.begin('k', { leaseSeconds: 0.05 }), 'fresh');
    assert.equal(store.begin('k'), 'in_progress');
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal(store.begin('k'), 'fresh');
  });

  test('retention expires too', async () => {
    const store = new MemoryStore();
    store.begin('k');
    store.complete('k', { retentionSeconds: 0.05 });
    assert.equal(store.begin('k'), 'done');
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal(store.begin('k'), 'fresh');
  });

  test('bad arguments are invalid_config', () => {
    throwsCode(() => new MemoryStore({ capacity: 0 }), 'invalid_config');
    throwsCode(() => new MemoryStore({ capacity: 'big' }), 'invalid_config');
    throwsCode(() => new MemoryStore().begin(5), 'invalid_config');
    throwsCode(() => new MemoryStore().begin('k', { leaseSeconds: -1 }), 'invalid_config');
  });
});

describe('Router', () => {
  test('patterns *, family.* and exact, in registration order', async () => {
    const seen = [];
    const router = new Router()
      .on('migration.*', (e) => seen.push(`family ${e.type}`))
      .on('migration.phase.completed', async (e) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.push(`exact ${e.type}`);
      })
      .on('*', (e) => seen.push(`all ${e.type}`));
    assert.equal(await router.dispatch({ type: 'migration.phase.completed' }), 3);
    assert.deepEqual(seen, ['family migration.phase.completed', 'exact migration.phase.completed', 'all migration.phase.completed']);
    assert.equal(router.handlersFor('error.occurred').length, 1);
    assert.equal(router.handlersFor('migrationx.started').length, 1);
    throwsCode(() => router.on('x', 'not a function'), 'invalid_config');
  });
});

describe('process', () => {
  const sensei = () => new Verifier({ provider: 'sensei', secrets: 'whsec_s', clock: () => NOW * 1000 });
  const senseiDelivery = (type = 'approval.required') => {
    const body = sample('sensei', type);
    return { body, headers: sign('sensei', 'whsec_s', body, { timestamp: NOW }) };
  };

  test('processed once, then duplicate; the handler runs once', async () => {
    const verifier = sensei();
    const store = new MemoryStore();
    const { body, headers } = senseiDelivery();
    let runs = 0;
    const handler = async (event) => {
      assert.equal(event.family, 'approval');
      runs += 1;
    };
    const first = await verifier.process(body, headers, store, handler);
    assert.equal(first.kind, 'processed');
    assert.equal(first.status, 200);
    assert.equal(first.acknowledged, true);
    assert.equal(first.error, null);
    assert.equal(first.event.type, 'approval.required');
    const again = await verifier.process(Buffer.from(body), headers, store, handler);
    assert.equal(again.kind, 'duplicate');
    assert.equal(again.status, 200);
    assert.equal(again.event.idempotencyKey, first.event.idempotencyKey);
    assert.equal(runs, 1);
  });

  test('a failing handler releases the claim so the retry is processed', async () => {
    const verifier = sensei();
    const store = new MemoryStore();
    const { body, headers } = senseiDelivery('error.occurred');
    const failure = new Error('database down');
    const failed = await verifier.process(body, headers, store, async () => {
      throw failure;
    });
    assert.equal(failed.kind, 'handler_failed');
    assert.equal(failed.status, 500);
    assert.equal(failed.acknowledged, false);
    assert.equal(failed.error, failure);
    const sync = await verifier.process(body, headers, store, () => {
      throw 'a string';
    });
    assert.equal(sync.kind, 'handler_failed');
    assert.match(sync.error.message, /a string/);
    const retried = await verifier.process(body, headers, store, () => {});
    assert.equal(retried.kind, 'processed');
  });

  test('a delivery in progress elsewhere gets a status the provider retries', async () => {
    for (const [provider, secret, status] of [
      ['sensei', 'whsec_s', 409],
      ['docintell', 'whsec_abcdefghijklmnopqrstuvwxyz1234567890ABC', 503], // a 4xx would end DocIntell's retries
    ]) {
      const verifier = new Verifier({ provider, secrets: secret, clock: () => NOW * 1000 });
      const store = new MemoryStore();
      const body = sample(provider, sampleTypes(provider)[0]);
      const headers = sign(provider, secret, body, { timestamp: NOW });
      let release;
      const slow = verifier.process(body, headers, store, () => new Promise((resolve) => (release = resolve)));
      const concurrent = await verifier.process(body, headers, store, () => assert.fail('must not run'));
      assert.equal(concurrent.kind, 'in_progress');
      assert.equal(concurrent.status, status, provider);
      release();
      assert.equal((await slow).kind, 'processed');
    }
  });

  test('rejections resolve with the status, never reject', async () => {
    const verifier = sensei();
    const store = new MemoryStore();
    const { body, headers } = senseiDelivery();
    const forged = await verifier.process(body.replace('approval', 'approvaI'), headers, store, () => assert.fail('no'));
    assert.equal(forged.kind, 'rejected');
    assert.equal(forged.status, 401);
    assert.equal(forged.error.code, 'signature_mismatch');
    assert.equal(forged.event, null);
    const notJson = 'not json';
    const bad = await verifier.process(notJson, sign('sensei', 'whsec_s', notJson), store, () => assert.fail('no'));
    assert.equal(bad.status, 400);
    assert.equal(bad.error.code, 'invalid_json');
    const parsed = await verifier.process(JSON.parse(body), headers, store, () => assert.fail('no'));
    assert.equal(parsed.status, 500);
    assert.equal(parsed.error.code, 'invalid_config');
    assert.equal((await verifier.process(body, headers, store, () => {}, { leaseSeconds: -5 })).error.code, 'invalid_config');
  });

  test('a Router is a handler', async () => {
    const verifier = sensei();
    const seen = [];
    const router = new Router().on('migration.*', (e) => seen.push(e.type));
    const { body, headers } = senseiDelivery('migration.phase.completed');
    const outcome = await verifier.process(body, headers, new MemoryStore(), router);
    assert.equal(outcome.kind, 'processed');
    assert.deepEqual(seen, ['migration.phase.completed']);
  });

  test('a store or handler of the wrong kind: invalid_config', async () => {
    const { body, headers } = senseiDelivery();
    await assert.rejects(sensei().process(body, headers, {}, () => {}), { name: 'VerificationError', code: 'invalid_config' });
    await assert.rejects(sensei().process(body, headers, new MemoryStore(), 'handler'), { code: 'invalid_config', status: 500 });
  });
});

describe('stores of any kind', () => {
  const sensei = () => new Verifier('sensei', 'whsec_s', { clock: () => NOW * 1000 });
  const delivery = (type) => {
    const body = sample('sensei', type, { now: NOW * 1000 });
    return { body, headers: sign('sensei', 'whsec_s', body, { timestamp: NOW }) };
  };

  test('MemoryStore: size and capacity; bounded', () => {
    const store = new MemoryStore({ capacity: 2 });
    assert.equal(store.capacity, 2);
    store.begin('a');
    store.begin('b');
    store.begin('c');
    assert.equal(store.size, 2);
  });

  test('a store object of your own (methods may return promises), and its failure', async () => {
    const calls = [];
    const own = {
      begin: async (key, options) => (calls.push(['begin', options.leaseSeconds]), 'fresh'),
      complete: async (key, options) => calls.push(['complete', options.retentionSeconds]),
      release: () => calls.push(['release']),
    };
    const { body, headers } = delivery('approval.required');
    const done = await sensei().process(body, headers, own, () => {});
    assert.deepEqual([done.kind, done.status], ['processed', 200]);
    // The core's defaults: a 30 s lease; Sensei's retention (its retry horizon, 34 h 36 min, plus a day).
    assert.deepEqual(calls, [['begin', 30], ['complete', (34 * 60 + 36) * 60 + 86400]]);
    const broken = { begin: async () => { throw new Error('redis down'); }, complete() {}, release() {} };
    const down = await sensei().process(body, headers, broken, () => {});
    assert.deepEqual([down.kind, down.status, down.acknowledged, down.error.code], ['store_unavailable', 503, false, 'store_unavailable']);
    assert.equal(down.error.message, 'idempotency store unavailable: redis down');
    assert.deepEqual(JSON.parse(down.answer).error, { code: 'store_unavailable', message: 'the idempotency store is unavailable; the delivery will be retried' });
    const odd = { begin: () => 'maybe', complete() {}, release() {} };
    assert.equal((await sensei().process(body, headers, odd, () => {})).kind, 'store_unavailable');
  });

  test('no store: the verifier keeps its own MemoryStore', async () => {
    const verifier = sensei();
    const { body, headers } = delivery('approval.granted');
    assert.equal((await verifier.process(body, headers, null, () => {})).kind, 'processed');
    assert.equal((await verifier.process(body, headers, undefined, () => {})).kind, 'duplicate');
    assert.equal((await sensei().process(body, headers, null, () => {})).kind, 'processed', 'another verifier, another store');
  });
});
