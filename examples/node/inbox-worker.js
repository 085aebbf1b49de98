'use strict';
// The worker of inbox-receiver.js: handles each stored delivery with the examples' Router
// (the same handlers as the other receivers), retrying a failure with backoff and keeping
// what fails 5 times as a dead letter. Ctrl-C (or SIGTERM) lets the running handlers
// finish first.
//   INBOX_URL=sqlite:inbox.db node inbox-worker.js
const { Inbox } = require('hookshield');
const { verifier, router } = require('./common.js');

const inbox = new Inbox(process.env.INBOX_URL ?? 'sqlite:inbox.db');

// A handler may run more than once for one delivery (a worker that dies mid-handler loses
// its lease to another): make outside side effects idempotent with job.idempotencyKey.
const worker = inbox.worker(
  async (event, job) => {
    if (job.attempt > 1) console.log(`attempt ${job.attempt} of ${job.idempotencyKey}`);
    await router.dispatch(event);
  },
  { verifier, concurrency: 4, maxAttempts: 5, backoff: 1 },
);

for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => worker.stop());
console.log('inbox worker running');
worker.run().then(async () => console.log('stopped', await inbox.stats()));
