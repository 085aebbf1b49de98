// Types of common.js (the verifier, store and handlers the example receivers share), for
// the TypeScript examples (nestjs/).
import type { MemoryStore, Outcome, RedisStore, Router, Verifier } from 'hookshield';

export const verifier: Verifier;
export const store: MemoryStore | RedisStore;
export const router: Router;
export function onOutcome(outcome: Outcome): void;
export const PORT: number;
export const HOST: string;
export const SECRET: string;
export const PROVIDER: string;
