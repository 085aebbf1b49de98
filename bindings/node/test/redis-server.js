'use strict';
// A real `redis-server` for the tests and the benchmarks: started on a free 127.0.0.1 port
// with persistence off (`--save "" --appendonly no`; or, with `{ dir }`, an append-only
// file there written with `appendfsync always`), stopped (and, for the tests of
// Redis going down, restarted on the same port) on demand, killed when the process exits.
const { spawn, spawnSync } = require('node:child_process');
const net = require('node:net');

const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Whether `redis-server` is on PATH. */
function available() {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `PING` on `port` answers `+PONG` (or rejects after `ms`). */
async function waitForPong(port, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const pong = await new Promise((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      let answer = '';
      socket.setTimeout(500, () => socket.destroy());
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk) => {
        answer += chunk;
        if (answer.includes('\r\n')) socket.end();
      });
      socket.on('close', () => resolve(answer.startsWith('+PONG')));
      socket.on('error', () => {});
    });
    if (pong) return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

class RedisServer {
  constructor(port, dir) {
    this.port = port;
    this.dir = dir;
    this.child = null;
  }

  /**
   * Starts redis-server on a free port (or `port`); with `dir`, every write is in an
   * append-only file there, fsynced before Redis answers (what the inbox needs to lose
   * nothing acknowledged).
   */
  static async start(port, { dir } = {}) {
    const server = new RedisServer(port ?? (await freePort()), dir);
    await server.restart();
    return server;
  }

  get url() {
    return `redis://127.0.0.1:${this.port}/`;
  }

  /** (Re)starts the server on its port. */
  async restart() {
    if (this.child !== null) throw new Error('redis-server is already running');
    const persistence =
      this.dir === undefined ? ['--appendonly', 'no'] : ['--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always'];
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persistence], {
      stdio: 'ignore',
    });
    running.add(child);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.once('exit', () => running.delete(child));
    const failed = new Promise((_, reject) => child.once('error', reject));
    this.child = child;
    this.exited = exited;
    await Promise.race([
      waitForPong(this.port),
      failed,
      exited.then((code) => Promise.reject(new Error(`redis-server exited (${code}) on port ${this.port}`))),
    ]);
  }

  /** Kills the server and waits until it has exited. */
  async stop() {
    if (this.child === null) return;
    this.child.kill('SIGKILL');
    await this.exited;
    this.child = null;
  }
}

module.exports = { RedisServer, available, freePort };
