// The web build under Deno (the binary of the npm package `deno`): its own test file,
// and the Deno example (examples/wasm/deno) served on 127.0.0.1 and driven over HTTP.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const hookshield = require('../dist/node');
const { bin, freePort, pkg, postStream, repo, sleep, startServer } = require('./helpers');

const denoEnv = { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' };

test('deno test: the web build under Deno', () => {
  const result = spawnSync(bin('deno'), ['test', '--allow-read', 'test/deno/'], {
    cwd: pkg,
    env: denoEnv,
    encoding: 'utf8',
    timeout: 120000,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  assert.equal(result.status, 0, output);
  assert.match(output, /ok \| \d+ passed \| 0 failed/);
});

test('deno check: the shipped types (event union narrowing) and the Deno example type-check', () => {
  const result = spawnSync(
    bin('deno'),
    ['check', 'test/types/check.ts', path.join(repo, 'examples/wasm/deno/main.ts')],
    { cwd: pkg, env: denoEnv, encoding: 'utf8', timeout: 120000 },
  );
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
});

test('the Deno example receives Sensei deliveries over HTTP', async () => {
  const secret = 'whsec_deno_example';
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const url = `${base}/webhooks/sensei`;
  const server = await startServer(
    bin('deno'),
    ['run', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', path.join(repo, 'examples/wasm/deno/main.ts')],
    { env: { ...denoEnv, SENSEI_SECRET: secret, PORT: String(port) }, readyUrl: `${base}/seen`, timeoutMs: 60000 },
  );
  const logged = async (pattern) => {
    for (let waited = 0; !pattern.test(server.output()); waited += 100) {
      if (waited > 5000) assert.match(server.output(), pattern);
      await sleep(100);
    }
  };
  try {
    const body = hookshield.sample('sensei', 'migration.phase.completed');
    const post = async (payload, headers) => {
      const response = await fetch(url, { method: 'POST', headers, body: payload });
      return [response.status, (await response.json()).outcome];
    };
    const headers = hookshield.sign('sensei', secret, body);
    assert.deepEqual(await post(body, headers), [200, 'processed']);
    assert.deepEqual(await post(body, headers), [200, 'duplicate']);
    assert.deepEqual(await post(body, hookshield.sign('sensei', 'whsec_forger', body)), [401, 'rejected']);
    await logged(/rejected a sensei delivery: signature_mismatch \(401\)/);
    assert.deepEqual(await post('not json', hookshield.sign('sensei', secret, 'not json')), [400, 'rejected']);

    // Drifted from the document (a count as text): processed, untyped.
    const drifted = body.replace('"evt_abc123def456"', '"evt_drifted"').replace('5234891', '"5234891"');
    assert.deepEqual(await post(drifted, hookshield.sign('sensei', secret, drifted)), [200, 'processed']);

    // Two signature header lines, the first forged: the genuine one counts.
    const other = body.replace('"evt_abc123def456"', '"evt_two_headers"');
    const forged = hookshield.sign('sensei', 'whsec_forger', other)['X-Sensei-Signature'];
    const good = hookshield.sign('sensei', secret, other)['X-Sensei-Signature'];
    const lines = new Headers([['X-Sensei-Signature', forged], ['X-Sensei-Signature', good], ['Content-Type', 'application/json']]);
    assert.deepEqual(await post(other, lines), [200, 'processed']);

    const seen = await (await fetch(`${base}/seen`)).json();
    assert.deepEqual(seen, [
      'migration.phase.completed evt_abc123def456',
      'migration.phase.completed evt_drifted (untyped: data_mismatch)',
      'migration.phase.completed evt_two_headers',
    ]);

    // A failing handler: 500 so Sensei retries, and its stack in the log.
    const escalated = hookshield.sample('sensei', 'error.escalated');
    assert.deepEqual(await post(escalated, hookshield.sign('sensei', secret, escalated)), [500, 'handler_failed']);
    await logged(/handler failed on sensei error\.escalated [^\n]*\n?[^\n]*Error: no pager configured for escalation [^\n]*\n\s+at page \(file:\/\/[^\n]*main\.ts/);

    // 50 MiB: refused before any of it is sent when declared; chunked, answered once past
    // 1 MiB although the body never ends.
    const declared = await postStream(url, { total: 50 * 1024 * 1024, declared: true, send: 0 });
    assert.deepEqual([declared.status, declared.json.error.code, declared.sent], [413, 'body_too_large', 0]);
    const chunked = await postStream(url, { total: 50 * 1024 * 1024, declared: false, send: 1.25 * 1024 * 1024 });
    assert.equal(chunked.status, 413);
    assert.equal(chunked.json.error.message, 'body too large: 1048577 bytes, limit is 1048576 bytes');
  } finally {
    await server.stop();
  }
});
