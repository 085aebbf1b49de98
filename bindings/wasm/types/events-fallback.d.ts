// Used only when bindings/node/events.d.ts (the event union shared with the native
// package) is absent: the same names, without the per-provider data shapes.

/** Any JSON value, as `JSON.parse` returns it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The preset ids. */
export type ProviderId = 'sentinel' | 'docintell' | 'sentrasa' | 'kyc' | 'sensei' | 'github' | 'standard' | 'custom';

/** A verified event; `data` is the envelope's data as JSON. */
export interface WebhookEventBase<P extends ProviderId = ProviderId> {
  readonly provider: P;
  readonly type: string;
  readonly family: string;
  readonly id: string | null;
  readonly timestamp: Date | null;
  readonly data: { readonly [key: string]: unknown };
  readonly raw: JsonValue;
  readonly idempotencyKey: string;
  readonly documented: boolean;
  matches(pattern: string): boolean;
}

export type WebhookEvent<P extends ProviderId = ProviderId> = WebhookEventBase<P>;
