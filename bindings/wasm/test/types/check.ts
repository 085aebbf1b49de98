// Type checks of the shipped declarations (run with `deno check`, see test/deno.test.js).
import {
  fetchHandler,
  MemoryStore,
  Router,
  sample,
  sign,
  VerificationError,
  Verifier,
  type Event,
  type Outcome,
} from '../../dist/web/index.js';

const verifier = new Verifier({ provider: 'sentinel', secrets: ['whsec_x'], tolerance: 300 });
const same: Verifier<'sentinel'> = new Verifier('sentinel', 'whsec_x', { maxBodyBytes: 1024, signatureHeader: 'X-Sig' });
const body = '{}';
const event = verifier.verify(body, sign('sentinel', 'whsec_x', body));

// The discriminated union narrows on `documented` and `type`.
if (event.documented && event.type === 'document.failed') {
  const code: string | null | undefined = event.data.error_code;
  void code;
}
if (event.documented && event.type === 'report.generated') {
  const report: string = event.data.report_id;
  void report;
}
const when: Date | null = event.timestamp;
const ms: number | null = event.timestampMs;
const key: string = event.idempotencyKey;
// Untyped deliveries say why; typed ones carry null.
const reason: 'undocumented_type' | 'data_mismatch' | 'missing_type' | 'not_an_object' | null = event.untypedReason;
const detail: string | null = event.untypedDetail;
// @ts-expect-error: not one of the reasons.
const wrong: typeof event.untypedReason = 'shape_drift';
const stamped: string | null = sample('sentinel', 'document.completed', { now: new Date() });
const flat = verifier.verify(body, ['X-Sentinel-Signature', 'sha256=00', 'X-Sentinel-Timestamp', '1']);
void [when, ms, key, same, reason, detail, wrong, stamped, flat];

// @ts-expect-error: Sentinel has no such documented event data member.
const nope: string = (event.documented && event.type === 'document.completed') ? event.data.no_such_field : '';
void nope;

const router = new Router<Event<'sentinel'>>().on('document.*', (e) => {
  const family: string = e.family;
  void family;
});
const store = new MemoryStore({ capacity: 10 });
const state: 'fresh' | 'in_progress' | 'done' = store.begin('k', { leaseSeconds: 30 });
void state;

export async function receive(request: Request): Promise<Response> {
  try {
    const verified = await verifier.verifyRequest(request);
    const bytes: Uint8Array = verified.body;
    void bytes;
  } catch (error) {
    if (error instanceof VerificationError) return new Response(error.code, { status: error.status });
    throw error;
  }
  const outcome: Outcome = await verifier.process(body, new Headers(), store, router);
  void outcome.acknowledged;
  return verifier.handle(request, router, { store, leaseSeconds: 10 });
}

export const worker = {
  fetch: fetchHandler({ verifier, handler: router, logger: { warn: () => {}, error: (line, error) => console.log(line, error) } }),
};
