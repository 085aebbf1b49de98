// Used only when bindings/node/events.d.ts (the shared event union) is absent.
/** A verified event; `data` is the envelope's data as JSON. */
export interface EventBase<T extends string = string, D = unknown> {
  readonly provider: string;
  readonly type: T;
  readonly family: string;
  readonly id: string | null;
  readonly idempotencyKey: string;
  readonly data: D;
  readonly raw: unknown;
}
export type WebhookEvent = EventBase;
