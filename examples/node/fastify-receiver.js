'use strict';
// Fastify: the plugin registers POST /webhooks with a raw-body parser of its own.
//   node fastify-receiver.js   then   node send.js http://127.0.0.1:3000/webhooks
const Fastify = require('fastify');
const hookshield = require('hookshield');
const { verifier, store, router, onOutcome, PORT, HOST } = require('./common.js');

const app = Fastify();
app.register(hookshield.fastify, { verifier, store, handler: router, onOutcome, path: '/webhooks' });
app.get('/health', async () => ({ ok: true }));

app.listen({ port: PORT, host: HOST }).then(() => {
  console.log(`listening on http://${HOST}:${app.server.address().port}/webhooks`);
});
