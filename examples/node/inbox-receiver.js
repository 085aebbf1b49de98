'use strict';
// Express with a durable inbox: the route only verifies and stores each delivery, and
// answers 200 {"outcome":"queued"} as soon as it is durable (503 when it is not: the
// provider retries). inbox-worker.js runs the handlers later, with retries.
//   INBOX_URL=sqlite:inbox.db node inbox-receiver.js     (or redis://127.0.0.1:6379/0)
//   INBOX_URL=sqlite:inbox.db node inbox-worker.js       in another shell, then:
//   node send.js http://127.0.0.1:3000/webhooks document.failed
const express = require('express');
const hookshield = require('hookshield');
const { verifier, onOutcome, PORT, HOST } = require('./common.js');

const inbox = new hookshield.Inbox(process.env.INBOX_URL ?? 'sqlite:inbox.db');

const app = express();
// No handler and no store here: the inbox remembers deliveries, its worker handles them.
app.post('/webhooks', hookshield.express({ verifier, inbox, onOutcome }));
app.get('/inbox', async (_req, res) => res.json(await inbox.stats()));

const server = app.listen(PORT, HOST, () => {
  console.log(`listening on http://${HOST}:${server.address().port}/webhooks`);
});
