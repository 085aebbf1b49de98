// Types of @hookshield/wasm (hand-written). The API's types (`./api`), the event union
// (`./events`) and the shared option types (`./common`) are the very files the native
// package `hookshield` ships (bindings/node/api.d.ts, events.d.ts and common.d.ts,
// copied at build time): both packages are one JavaScript layer. This package adds the
// loading of its WebAssembly module.
import type { ProviderId } from './events.js';

export * from './common.js';
export * from './events.js';
export * from './api.js';

/**
 * Loads the WebAssembly module (web build; a no-op in the Node build). Without an
 * argument it is fetched next to the package's JavaScript (Deno, browsers). `providers`
 * is filled once it is loaded.
 */
export function init(input?: URL | string | Response | BufferSource | WebAssembly.Module): Promise<void>;
/** Instantiates a compiled module (or bytes) synchronously, e.g. in a Worker. */
export function initSync(module: BufferSource | WebAssembly.Module): void;
/** The provider ids: the same as `providers`. */
export function coreProviders(): ProviderId[];
