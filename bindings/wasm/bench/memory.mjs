// Peak memory (VmHWM) of a receiver sent a 50 MiB body, for the Fetch handler:
//   node  bench/fetch-receiver.cjs (node:http -> Request -> fetchHandler, the Node build)
//   deno  examples/wasm/deno/main.ts (Deno.serve -> verifier.handle, the web build)
// Each case starts a fresh receiver, warms it with one valid delivery, reads its VmHWM
// from /proc/PID/status, sends 50 MiB (with a Content-Length, then chunked) as fast as
// the receiver takes it, stops sending once the answer arrives, and reads VmHWM again.
//
//   cd bindings/wasm && npm run build && node bench/memory.mjs
//   node bench/memory.mjs --repo /tmp/before    # another checkout (built), e.g. the previous commit
//   node bench/memory.mjs --runtime node        # only one runtime (node | deno)
//   node bench/memory.mjs --runs 5              # receivers per case (default 3); the median is shown
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.resolve(here, '..');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const repo = path.resolve(option('--repo', path.resolve(pkg, '../..')));
const runtimes = option('--runtime', 'node,deno').split(',');
const runs = Number(option('--runs', '3'));

const SECRET = 'whsec_memory_bench';
const TOTAL = 50 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');
const hookshield = createRequire(import.meta.url)(path.join(repo, 'bindings/wasm/dist/node'));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function receiver(runtime) {
  const env = { ...process.env, SENSEI_SECRET: SECRET, SECRET, PROVIDER: 'sensei', PORT: '0', NO_COLOR: '1' };
  if (runtime === 'node') {
    env.HOOKSHIELD_DIST = path.join(repo, 'bindings/wasm/dist/node');
    return spawn(process.execPath, [path.join(here, 'fetch-receiver.cjs')], { env });
  }
  const deno = path.join(pkg, 'node_modules/.bin/deno');
  const main = path.join(repo, 'examples/wasm/deno/main.ts');
  return spawn(deno, ['run', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', main], { env });
}

async function start(runtime) {
  const child = receiver(runtime);
  let output = '';
  const port = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening (?:on 127\.0\.0\.1:)?(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => reject(new Error(`${runtime} receiver exited (${code}):\n${output}`)));
  });
  return { child, port, output: () => output };
}

function hwmKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]);
}

/** POSTs one small body whole. */
async function deliver(port, headers, body) {
  const response = await fetch(`http://127.0.0.1:${port}/webhooks/sensei`, { method: 'POST', headers, body });
  await response.arrayBuffer();
  return response.status;
}

/** POSTs `size` bytes (declared or chunked), stopping once the answer arrives. */
function send(port, headers, size, declared) {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = null;
    const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/webhooks/sensei', headers: declared ? { ...headers, 'content-length': size } : headers });
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        answered = { status: response.statusCode, text, sentBeforeAnswer: sent };
        resolve(answered);
      });
    });
    request.on('error', (error) => (answered ? resolve(answered) : reject(error)));
    const pump = () => {
      while (!answered && sent < size) {
        sent += CHUNK.length;
        if (!request.write(CHUNK)) return request.once('drain', pump);
      }
      if (!answered) request.end();
    };
    pump();
  });
}

async function measure(runtime, declared) {
  const { child, port } = await start(runtime);
  try {
    const body = hookshield.sample('sensei', 'migration.phase.completed');
    const warm = await deliver(port, hookshield.sign('sensei', SECRET, body), body);
    await sleep(300);
    const before = hwmKiB(child.pid);
    const answer = await send(port, { 'content-type': 'application/json' }, TOTAL, declared);
    await sleep(300);
    const after = hwmKiB(child.pid);
    return { warm, status: answer.status, sentMiB: answer.sentBeforeAnswer / 1048576, before: before / 1024, after: after / 1024 };
  } finally {
    child.kill('SIGTERM');
  }
}

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];

console.log(`receivers from ${repo}, ${runs} per case, median growth`);
const rows = [];
for (const runtime of runtimes) {
  for (const declared of [true, false]) {
    const results = [];
    for (let run = 0; run < runs; run += 1) results.push(await measure(runtime, declared));
    rows.push({
      runtime,
      body: declared ? 'declared 50 MiB' : 'chunked 50 MiB',
      statuses: [...new Set(results.map((r) => `${r.warm}/${r.status}`))].join(' '),
      sentMiB: median(results.map((r) => r.sentMiB)).toFixed(1),
      hwmBeforeMiB: median(results.map((r) => r.before)).toFixed(1),
      growthMiB: median(results.map((r) => r.after - r.before)).toFixed(1),
      growthRangeMiB: `${Math.min(...results.map((r) => r.after - r.before)).toFixed(1)}..${Math.max(...results.map((r) => r.after - r.before)).toFixed(1)}`,
    });
  }
}
console.table(rows);
console.log('statuses: warm-up delivery / 50 MiB delivery; sentMiB: written by the sender before the answer arrived');
