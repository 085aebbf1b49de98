'use strict';
// Smoke test of the examples: start each receiver on a free port, send it a delivery,
// a duplicate, a forged and a stale one.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');
const { send } = require('./send.js');

function start(file) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, file)], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
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

for (const file of ['express-receiver.js', 'fastify-receiver.js', 'http-receiver.js', 'fetch-receiver.mjs']) {
  test(file, async () => {
    const { child, url, output } = await start(file);
    try {
      const first = await send(url, 'document.failed');
      assert.equal(first.status, 200, first.body);
      assert.equal(JSON.parse(first.body).outcome, 'processed');
      const again = await send(url, 'document.failed');
      assert.equal(JSON.parse(again.body).outcome, 'duplicate');
      assert.equal((await send(url, 'report.generated', { forge: true })).status, 401);
      assert.equal((await send(url, 'report.generated', { stale: true })).status, 401);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.match(output(), /document doc_abc123 failed: EXTRACTION_TIMEOUT/);
    } finally {
      child.kill();
    }
  });
}
