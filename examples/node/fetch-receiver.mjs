// A Fetch handler, `Request -> Response`. In a Next.js app this file is
// `app/api/webhooks/route.js` and the export below is all it needs:
//
//   export const POST = hookshield.fetchHandler({ verifier, handler });
//
// (Route handlers read the raw body themselves; outside the helper, pass
// `await request.text()` to `verifier.verify`, never `await request.json()`.)
//
// Run directly, it serves the same handler with node:http so you can try it:
//   node fetch-receiver.mjs   then   node send.js http://127.0.0.1:3000/webhooks
import http from 'node:http';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import * as hookshield from 'hookshield';

const require = createRequire(import.meta.url);
const { verifier, store, router, onOutcome, PORT, HOST } = require('./common.js');

export const POST = hookshield.fetchHandler({ verifier, store, handler: router, onOutcome });

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // The Request's body streams from the socket, so the handler reads only what it needs.
  const server = http.createServer(async (req, res) => {
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers: req.headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Readable.toWeb(req),
      duplex: 'half',
    });
    const response = req.method === 'POST' && req.url === '/webhooks' ? await POST(request) : new Response(null, { status: 404 });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  server.listen(PORT, HOST, () => console.log(`listening on http://${HOST}:${server.address().port}/webhooks`));
}
