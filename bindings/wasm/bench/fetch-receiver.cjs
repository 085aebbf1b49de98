// A webhook receiver for bench/memory.mjs: the package's Fetch handler under Node, served
// by node:http. Each request becomes a Fetch `Request` whose body streams from the socket
// (nothing is buffered here), so what the receiver holds is what the handler reads.
//
//   HOOKSHIELD_DIST=/path/to/dist/node PROVIDER=sensei SECRET=whsec_... node bench/fetch-receiver.cjs
//
// Prints `listening <port>` once it accepts connections (port 0: the kernel chooses).
'use strict';
const http = require('node:http');
const path = require('node:path');

const dist = process.env.HOOKSHIELD_DIST ?? path.join(__dirname, '..', 'dist', 'node');
const { Verifier, fetchHandler } = require(dist);

const verifier = new Verifier(process.env.PROVIDER ?? 'sensei', process.env.SECRET);
const fetchIt = fetchHandler({ verifier, handler: () => {} });

/** The request body as a ReadableStream that pulls from the socket only when read. */
function bodyOf(req) {
  return new ReadableStream(
    {
      start(controller) {
        req.pause();
        req.on('data', (chunk) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if (controller.desiredSize <= 0) req.pause();
        });
        req.on('end', () => controller.close());
        req.on('error', (error) => controller.error(error));
      },
      pull() {
        req.resume();
      },
      cancel() {
        // Stop holding what arrives; once answered, the rest is read and dropped.
        req.removeAllListeners('data');
      },
    },
    { highWaterMark: 1 },
  );
}

const server = http.createServer(async (req, res) => {
  const headers = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
  const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, body: bodyOf(req), duplex: 'half' });
  const response = await fetchIt(request);
  const text = await response.text();
  res.writeHead(response.status, { 'content-type': 'application/json' });
  // Read (and drop) what the handler left unread, so the sender gets the answer rather
  // than a reset connection.
  res.end(text, () => req.resume());
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
