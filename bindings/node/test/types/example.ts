// A typed receiver, checked by `tsc --noEmit` in the tests (test/types.test.js): the
// event union narrows on `type`, per provider. Lines marked @ts-expect-error must fail.
import express from 'express';
import Fastify from 'fastify';
import * as http from 'node:http';
import * as hookshield from 'hookshield';
import {
  MemoryStore,
  RedisStore,
  Router,
  VerificationError,
  Verifier,
  sample,
  sign,
  type Outcome,
  type SenseiEvent,
  type WebhookEvent,
} from 'hookshield';

const verifier = new Verifier({ provider: 'sentinel', secrets: ['whsec_x'], tolerance: 300, clock: () => Date.now() });
const body = sample('sentinel', 'document.failed') ?? '{}';
const event = verifier.verify(Buffer.from(body), sign('sentinel', 'whsec_x', body));

// The provider is known from the verifier.
const provider: 'sentinel' = event.provider;

// Comparing `type` with a literal type-checks, but keeps the untyped member (an
// authentic document.failed whose data drifted arrives untyped, with any JSON as data)...
if (event.type === 'document.failed') {
  const data: hookshield.SentinelDocumentFailed | hookshield.JsonValue = event.data;
  void data;
}

// ...and with `documented` (the untyped member is excluded) narrows to one event.
if (event.documented && event.type === 'document.failed') {
  const typed: null = event.untypedReason;
  const noDetail: null = event.untypedDetail;
  void [typed, noDetail];
  const code: string | null | undefined = event.data.error_code;
  const id: string = event.data.document_id;
  const retryable: boolean | null | undefined = event.data.retryable;
  // @ts-expect-error `report_id` is not a field of document.failed (only extras, typed unknown)
  const report: string = event.data.report_id;
  void [code, id, retryable, report];
}

if (event.documented) {
  switch (event.type) {
    case 'document.completed': {
      const pages: number | null | undefined = event.data.pages;
      const currency: string | null | undefined = event.data.extractions?.currency;
      void [pages, currency];
      break;
    }
    case 'chat.session.closed': {
      const session: string = event.data.session_id;
      void session;
      break;
    }
    case 'report.generated': {
      const url: string | null | undefined = event.data.url;
      void url;
      break;
    }
    case 'document.failed':
      break;
    default: {
      // Every documented Sentinel type is handled above.
      const exhaustive: never = event;
      void exhaustive;
    }
  }
  // @ts-expect-error a Sentinel verifier never yields Sensei types
  if (event.type === 'migration.phase.completed') void 0;
} else {
  // An untyped event: any type string ("" when the body names none), any JSON, and why.
  const type: string = event.type;
  const reason: hookshield.UntypedReason = event.untypedReason;
  const detail: string = event.untypedDetail;
  const data: hookshield.JsonValue = event.data;
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) void data['anything'];
  if (reason === 'data_mismatch') console.log(`${type}: ${detail}`);
}

// Sensei and KYC: families and template types.
const sensei = new Verifier({ provider: 'sensei', secrets: 'whsec_s' });
function handle(any: WebhookEvent): void {
  if (!any.documented) return;
  if (any.type === 'migration.phase.completed') {
    const records: number = any.data.records_processed;
    const family: 'migration.phase' = any.family;
    void [records, family];
  }
  if (any.type === 'kyc.session.processed') {
    const session: string | null | undefined = any.data.session_id;
    const family: 'session' = any.family;
    void [session, family];
  }
  if (any.type === 'kyc.watchlist.match_found') {
    const subject: string | null | undefined = any.data.subject_id;
    void subject;
  }
  if (any.type === 'document.processing.failed') {
    const job: string = any.data.job_id;
    void job;
  }
}
void handle;
const senseiOnly: SenseiEvent['type'] = 'certificate.generated';
void [provider, senseiOnly];

// Errors carry a code.
try {
  verifier.verify('{}', new Headers());
} catch (error) {
  if (error instanceof VerificationError) {
    const code: hookshield.ErrorCode = error.code;
    void code;
  }
}

// Idempotency, routing, processing.
const store = new MemoryStore({ capacity: 1000 });
const state: 'fresh' | 'in_progress' | 'done' = store.begin('evt_1', { leaseSeconds: 30 });
store.complete('evt_1');
store.release('evt_1');
const router = new Router<WebhookEvent<'sensei'>>().on('migration.*', async (e) => {
  void e.type;
});
async function run(): Promise<void> {
  const outcome: Outcome<WebhookEvent<'sensei'>> = await sensei.process('{}', {}, store, router);
  const status: number = outcome.status;
  void [status, state];
  // The Redis store: the same methods, returning promises.
  const shared = new RedisStore('redis://127.0.0.1:6379/', { prefix: 'billing:', timeout: 2 });
  const claimed: 'fresh' | 'in_progress' | 'done' = await shared.begin('evt_1', { leaseSeconds: 30 });
  await shared.complete('evt_1', { retentionSeconds: 3600 });
  await shared.release('evt_1');
  // @ts-expect-error a RedisStore's begin is a promise
  const notAwaited: 'fresh' | 'in_progress' | 'done' = shared.begin('evt_2');
  const viaRedis: Outcome<WebhookEvent<'sensei'>> = await sensei.process('{}', {}, shared, router);
  void [claimed, notAwaited, viaRedis];
  hookshield.httpHandler({ verifier, handler: () => {}, store: shared });
}
void run;

// Integrations.
const app = express();
app.post('/webhooks', express.raw({ type: 'application/json' }), hookshield.express({ verifier, handler: () => {} }));
const fastify = Fastify();
fastify.register(hookshield.fastify, { verifier, handler: () => {}, path: '/webhooks' });
http.createServer(hookshield.httpHandler({ verifier, handler: (e) => void e.type, logger: console }));
const lines: string[] = [];
const logger: hookshield.Logger = { warn: (m) => lines.push(m), error: (m, e) => lines.push(`${m} ${String(e)}`) };
hookshield.fetchHandler({ verifier, handler: () => {}, logger, onOutcome: (o) => void o.status });
const stamped: string | null = sample('sentinel', 'report.generated', { now: new Date() });
void stamped;
export const POST: (request: Request) => Promise<Response> = hookshield.fetchHandler({
  verifier,
  handler: async (e) => {
    if (e.documented && e.type === 'report.generated') void e.data.report_id;
  },
});

// The API both packages share: the positional constructor, "now" per call, any store,
// the core's status and answer body.
const positional: Verifier<'sentinel'> = new Verifier('sentinel', 'whsec_x', { tolerance: 60 });
const when: number | null = positional.verify(body, ['X-Sentinel-Signature', 'sha256=00'], { now: new Date() }).timestampMs;
const status: number | undefined = new VerificationError('timestamp_too_old', 'x').status;
const ownStore: hookshield.IdempotencyStore = { begin: async () => 'fresh' as const, complete() {}, release() {} };
export async function answer(request: Request): Promise<Response> {
  const outcome = await positional.process(body, new Headers(), ownStore, () => {});
  const text: string = outcome.answer;
  void [when, status, text];
  return positional.handle(request, new Router<hookshield.Event<'sentinel'>>(), { store: null });
}

// The durable inbox (native package): helpers answer `queued`, a worker handles later.
const inbox = new hookshield.Inbox('sqlite:inbox.db');
app.post('/queued', hookshield.express({ verifier, inbox }));
hookshield.fetchHandler({ verifier, inbox, onOutcome: (o) => void (o.kind === 'queued') });
const worker: hookshield.InboxWorker = inbox.worker(
  async (event: hookshield.Event<'sentinel'>, job: hookshield.InboxJob) => {
    if (event.documented && event.type === 'report.generated') void [event.data.report_id, job.attempt, job.idempotencyKey];
  },
  { verifier, concurrency: 4, maxAttempts: 5, backoff: 2 },
);
export async function drain(): Promise<number> {
  const running = worker.run();
  const stats: hookshield.InboxStats = await inbox.stats();
  const dead: hookshield.DeadLetter[] = await inbox.deadLetters({ limit: 10 });
  await worker.stop();
  await running;
  return stats.pending + dead.length + (await inbox.replay(dead.map((d) => d.idempotencyKey))) + (await inbox.replayAllDead());
}
