'use strict';
// Smoke test of the examples: start each receiver on a free port, send it a delivery,
// a duplicate, a forged and a stale one, and a genuine 200 KiB one.
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const redisServer = require('../../bindings/node/test/redis-server.js');
const { SECRET } = require('./common.js');
const { send } = require('./send.js');

function start(file, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, file)], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${file} did not start: ${out}`)), 10_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => out });
      }
    });
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => reject(new Error(`${file} exited with ${code}: ${out}`)));
  });
}

// The NestJS example is TypeScript (decorators): compiled in place, as `npm run nestjs` does.
before(() => {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(__dirname, 'nestjs')], { stdio: 'inherit' });
});

const RECEIVERS = ['express-receiver.js', 'fastify-receiver.js', 'http-receiver.js', 'fetch-receiver.mjs', 'hono-receiver.mjs', 'nestjs/main.js'];

/** Waits (at most 5 s) for the receiver to print a line matching `pattern`. */
async function printed(output, pattern) {
  for (let waited = 0; !pattern.test(output()); waited += 50) {
    if (waited > 5000) assert.match(output(), pattern);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What every example receiver must do, over HTTP. */
async function exercise(url, output) {
  const now = Date.now(); // one event time: the second send is the same event
  const first = await send(url, 'document.failed', { now });
  assert.equal(first.status, 200, first.body);
  const answer = JSON.parse(first.body);
  assert.equal(answer.outcome, 'processed');
  assert.match(answer.idempotency_key, /^document\.failed:doc_abc123:/, 'the core\'s answer');
  const again = await send(url, 'document.failed', { now });
  assert.deepEqual(JSON.parse(again.body), { ...answer, outcome: 'duplicate' });
  const forged = await send(url, 'report.generated', { forge: true });
  assert.equal(JSON.parse(forged.body).error.code, 'signature_mismatch');
  assert.equal((await send(url, 'report.generated', { forge: true })).status, 401);
  assert.equal((await send(url, 'report.generated', { stale: true })).status, 401);
  const big = await send(url, 'report.generated', { pad: 200 * 1024 });
  assert.equal(big.status, 200, big.body);
  assert.equal(JSON.parse(big.body).outcome, 'processed');
  await printed(output, /document doc_abc123 failed: EXTRACTION_TIMEOUT/);
  await printed(output, /rejected a sentinel delivery: signature_mismatch \(401\)/);
  await printed(output, /rejected a sentinel delivery: timestamp_too_old \(401\)/);
}

for (const file of RECEIVERS) {
  test(file, async () => {
    const { child, url, output } = await start(file);
    try {
      await exercise(url, output);
    } finally {
      child.kill();
    }
  });
}

// Hono on workerd, over @hookshield/wasm: needs that package built (bindings/wasm/ci.sh
// builds it, then runs this test with HOOKSHIELD_REQUIRE_WASM=1; skipped before that).
const wasm = path.resolve(__dirname, '../../bindings/wasm');
const workerd = path.join(wasm, 'node_modules/.bin/workerd');
const skipWorkerd =
  !(fs.existsSync(path.join(wasm, 'dist/web/workerd.js')) && fs.existsSync(workerd)) && process.env.HOOKSHIELD_REQUIRE_WASM !== '1'
    ? '@hookshield/wasm is not built (bindings/wasm: npm ci && npm run build)'
    : false;

test('hono-worker/worker.js (workerd, @hookshield/wasm)', { skip: skipWorkerd }, async () => {
  const config = execFileSync(process.execPath, [path.join(__dirname, 'hono-worker/workerd-config.mjs')], { encoding: 'utf8' }).trim();
  const port = await redisServer.freePort();
  const child = spawn(workerd, ['serve', config, '--socket-addr', `http=127.0.0.1:${port}`], {
    env: { ...process.env, WEBHOOK_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let waited = 0; ; waited += 100) {
      const up = await fetch(`${base}/health`).then((r) => r.ok, () => false);
      if (up) break;
      if (waited > 20_000 || child.exitCode !== null) assert.fail(`workerd did not start: ${out}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await exercise(`${base}/webhooks`, () => out);
  } finally {
    child.kill();
  }
});

// The inbox: the receiver answers `queued`, the worker (another process) handles it.
test('inbox-receiver.js and inbox-worker.js over one SQLite file', async () => {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'hookshield-example-inbox-'));
  const env = { INBOX_URL: `sqlite:${path.join(dir, 'inbox.db')}` };
  const running = [];
  try {
    running.push(await start('inbox-receiver.js', env));
    const [{ url }] = running;
    const now = Date.now();
    const first = await send(url, 'document.failed', { now });
    assert.equal(first.status, 200, first.body);
    assert.equal(JSON.parse(first.body).outcome, 'queued');
    assert.equal(JSON.parse((await send(url, 'document.failed', { now })).body).outcome, 'duplicate');
    assert.equal((await send(url, 'report.generated', { forge: true })).status, 401);
    const worker = spawn(process.execPath, [path.join(__dirname, 'inbox-worker.js')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    worker.stdout.on('data', (chunk) => (out += chunk));
    worker.stderr.on('data', (chunk) => (out += chunk));
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    await printed(() => out, /document doc_abc123 failed: EXTRACTION_TIMEOUT/);
    worker.kill('SIGTERM');
    assert.equal(await exited, 0, out);
    assert.match(out, /stopped \{[^}]*pending: 0,[^}]*done: 1/);
    const stats = await (await fetch(url.replace(/webhooks$/, 'inbox'))).json();
    assert.deepEqual([stats.pending, stats.done, stats.dead], [0, 1, 0]);
  } finally {
    for (const { child } of running) child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Two receivers sharing a Redis store (REDIS_URL): a delivery processed by one is a
// duplicate for the other. Starts its own redis-server (skipped without one, unless
// HOOKSHIELD_REQUIRE_REDIS=1).
const skipRedis =
  !redisServer.available() && process.env.HOOKSHIELD_REQUIRE_REDIS !== '1' ? 'redis-server is not on PATH' : false;

test('two express receivers sharing REDIS_URL', { skip: skipRedis }, async () => {
  const redis = await redisServer.RedisServer.start();
  const env = { REDIS_URL: redis.url, REDIS_PREFIX: `examples:${process.pid}:` };
  const receivers = [];
  try {
    receivers.push(await start('express-receiver.js', env), await start('fastify-receiver.js', env));
    const [a, b] = receivers;
    const now = Date.now();
    const first = await send(a.url, 'document.failed', { now });
    assert.equal(JSON.parse(first.body).outcome, 'processed', first.body);
    const second = await send(b.url, 'document.failed', { now });
    assert.equal(second.status, 200, second.body);
    assert.equal(JSON.parse(second.body).outcome, 'duplicate');
    await redis.stop();
    const down = await send(b.url, 'report.generated');
    assert.equal(down.status, 503, down.body);
    assert.equal(JSON.parse(down.body).outcome, 'store_unavailable');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.doesNotMatch(b.output(), /report ready/);
  } finally {
    for (const { child } of receivers) child.kill();
    await redis.stop();
  }
});
