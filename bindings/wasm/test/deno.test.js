// The web build under Deno (the binary of the npm package `deno`): its own test file,
// and the Deno example (examples/wasm/deno) served on 127.0.0.1 and driven over HTTP.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const hookshield = require('../dist/node');
const { bin, freePort, pkg, repo, startServer } = require('./helpers');

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
  const server = await startServer(
    bin('deno'),
    ['run', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', path.join(repo, 'examples/wasm/deno/main.ts')],
    { env: { ...denoEnv, SENSEI_SECRET: secret, PORT: String(port) }, readyUrl: `${base}/seen`, timeoutMs: 60000 },
  );
  try {
    const body = hookshield.sample('sensei', 'migration.phase.completed');
    const post = async (payload, headers) => {
      const response = await fetch(`${base}/webhooks/sensei`, { method: 'POST', headers, body: payload });
      return [response.status, (await response.json()).outcome];
    };
    const headers = hookshield.sign('sensei', secret, body);
    assert.deepEqual(await post(body, headers), [200, 'processed']);
    assert.deepEqual(await post(body, headers), [200, 'duplicate']);
    assert.deepEqual(await post(body, hookshield.sign('sensei', 'whsec_forger', body)), [401, 'rejected']);
    assert.deepEqual(await post('not json', hookshield.sign('sensei', secret, 'not json')), [400, 'rejected']);
    const seen = await (await fetch(`${base}/seen`)).json();
    assert.deepEqual(seen, ['migration.phase.completed evt_abc123def456']);
  } finally {
    await server.stop();
  }
});
