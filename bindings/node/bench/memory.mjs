// Peak memory of a receiver sent one 50 MiB body: for each integration, a fresh receiver
// process (bench/memory-receiver.js, default `maxBodyBytes`, 1 MiB) gets one small signed
// delivery (warm-up), then one 50 MiB POST, sent either with its Content-Length declared
// or chunked (no Content-Length). The figure is the growth of the receiver's VmHWM (peak
// resident set, /proc/<pid>/status) across the big request. The sender stops sending
// once the answer arrives or the connection closes.
//
// Run (build first: npm run build): npm run bench:memory, or
//   node bench/memory.mjs [package dir]     e.g. a worktree of a commit before a change:
//   git worktree add /tmp/before <commit> && (cd /tmp/before/bindings/node && npm ci && npm run build)
//   node bench/memory.mjs /tmp/before/bindings/node
// BENCH_MIB (default 50) sets the body size; BENCH_SETUPS a comma-separated subset of
// express,express-raw,fastify,http,fetch.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(process.argv[2] ?? path.join(here, '..'));
const require = createRequire(import.meta.url);
const hookshield = require(packageDir);

const SECRET = 'whsec_bench_memory';
const MIB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_MIB ?? 50) * MIB;
const SETUPS = (process.env.BENCH_SETUPS ?? 'express,express-raw,fastify,http,fetch').split(',');

function start(setup) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'memory-receiver.js'), setup, packageDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stderr.on('data', (chunk) => (out += chunk)); // shown only if it fails to start
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /port (\d+)/.exec(out);
      if (match && !child.port) {
        child.port = Number(match[1]);
        resolve(child);
      }
    });
    child.on('exit', (code) => reject(new Error(`${setup} receiver exited with ${code}: ${out}`)));
  });
}

function vmHwmKiB(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]);
}

/** POSTs `size` bytes (declared or chunked); resolves to the status and the bytes sent. */
function send(port, size, { declared } = {}) {
  const body = Buffer.from(JSON.stringify({ event: 'report.generated', data: { report_id: 'r1' } }));
  const headers = { 'content-type': 'application/json', ...hookshield.sign('sentinel', SECRET, body) };
  if (size === undefined) return post(port, { ...headers, 'content-length': String(body.length) }, [body], { declared: true });
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const chunks = { count: Math.ceil(size / chunk.length), chunk };
  return post(port, declared ? { ...headers, 'content-length': String(size) } : headers, chunks, { declared });
}

function post(port, headers, chunks, { declared }) {
  return new Promise((resolve) => {
    let sent = 0;
    let answered = null;
    const req = http.request({ host: '127.0.0.1', port, path: '/webhooks', method: 'POST', headers });
    const finish = (status) => {
      if (answered === null) answered = status;
    };
    req.on('response', (res) => {
      finish(res.statusCode);
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, sent }));
    });
    req.on('error', (error) => {
      finish(error.code);
      resolve({ status: answered, sent });
    });
    if (!declared) req.setHeader('transfer-encoding', 'chunked');
    const list = Array.isArray(chunks) ? chunks : null;
    let index = 0;
    const total = list ? list.length : chunks.count;
    const pump = () => {
      while (answered === null && index < total) {
        const chunk = list ? list[index] : chunks.chunk;
        index += 1;
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (answered === null) req.end();
      else req.destroy();
    };
    pump();
  });
}

async function measure(setup, declared) {
  const child = await start(setup);
  try {
    await send(child.port); // warm-up: a small delivery, answered 200
    const before = vmHwmKiB(child.pid);
    const { status, sent } = await send(child.port, SIZE, { declared });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = vmHwmKiB(child.pid);
    return { status, sent, growth: (after - before) / 1024, base: before / 1024 };
  } finally {
    child.kill();
  }
}

console.log(`package: ${packageDir}; body ${SIZE / MIB} MiB; maxBodyBytes 1 MiB; node ${process.version}`);
console.log('| setup | body | answer | written before the answer | VmHWM growth |');
console.log('| --- | --- | --- | ---: | ---: |');
for (const setup of SETUPS) {
  for (const declared of [true, false]) {
    const { status, sent, growth } = await measure(setup, declared);
    const mode = declared ? 'Content-Length' : 'chunked';
    console.log(`| ${setup} | ${mode} | ${status} | ${(sent / MIB).toFixed(1)} MiB | ${growth.toFixed(1)} MiB |`);
  }
}
