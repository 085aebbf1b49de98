'use strict';
// Plain node:http: the handler reads the body (up to the verifier's limit) itself.
//   node http-receiver.js   then   node send.js http://127.0.0.1:3000/webhooks
const http = require('node:http');
const hookshield = require('hookshield');
const { verifier, store, router, onOutcome, PORT, HOST } = require('./common.js');

const webhooks = hookshield.httpHandler({ verifier, store, handler: router, onOutcome });

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/webhooks') return webhooks(req, res);
  res.writeHead(404).end();
});
server.listen(PORT, HOST, () => {
  console.log(`listening on http://${HOST}:${server.address().port}/webhooks`);
});
