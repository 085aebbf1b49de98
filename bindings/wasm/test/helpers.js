// Starting and stopping the servers the tests drive over HTTP on 127.0.0.1.
'use strict';
const { spawn } = require('node:child_process');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

const pkg = path.resolve(__dirname, '..');
const repo = path.resolve(pkg, '../..');
const bin = (name) => path.join(pkg, 'node_modules', '.bin', name);

/** A port the kernel says is free now on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spawns `command`, then polls `readyUrl` until it answers (at most `timeoutMs`).
 * Resolves to `{ child, output, stop }`; `stop()` ends that child only.
 */
async function startServer(command, args, { env = {}, readyUrl, timeoutMs = 20000, cwd = pkg } = {}) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const stop = () =>
    new Promise((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, 3000).unref();
    });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`${command} exited early (${JSON.stringify(exited)}):\n${output}`);
    try {
      await fetch(readyUrl, { signal: AbortSignal.timeout(1000) });
      return { child, stop, output: () => output };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`${command} did not answer ${readyUrl} within ${timeoutMs} ms:\n${output}`);
      }
      await sleep(100);
    }
  }
}

/**
 * POSTs as a hostile sender would: announces `total` bytes (a Content-Length when
 * `declared`, else a chunked body), writes the first `send` of them (default: all) in
 * 64 KiB writes as fast as the receiver takes them, and, when `send` is short of `total`,
 * waits for the answer without ever finishing the body. Resolves to
 * `{ status, json, sent }` (`sent`: the bytes written before the answer came).
 */
function postStream(url, { headers = {}, total, declared, send = total }) {
  const chunk = Buffer.alloc(64 * 1024, ' ');
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answer = null;
    const request = http.request(url, { method: 'POST', headers: declared ? { ...headers, 'content-length': total } : headers });
    request.on('response', (response) => {
      let text = '';
      response.on('data', (part) => (text += part));
      response.on('end', () => {
        answer = { status: response.statusCode, json: JSON.parse(text), sent };
        request.destroy();
        resolve(answer);
      });
    });
    request.on('error', (error) => (answer ? resolve(answer) : reject(error)));
    const pump = () => {
      while (answer === null && sent < send) {
        const piece = chunk.subarray(0, Math.min(chunk.length, send - sent));
        sent += piece.length;
        if (!request.write(piece)) return void request.once('drain', pump);
      }
      if (answer === null && sent === total) request.end();
    };
    if (send > 0) pump();
    else request.flushHeaders();
  });
}

module.exports = { bin, freePort, pkg, postStream, repo, sleep, startServer };
