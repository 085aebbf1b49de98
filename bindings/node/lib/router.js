'use strict';
// Handlers by subscription pattern; the core decides which patterns match a type.

module.exports = function routing({ backend, configError, describe }) {
  /**
   * Handlers by subscription pattern: `*`, `family.*` (every type beginning with
   * `family.`), `family/*` (with `family/`, as Shopify's topics), or an exact type. `router.dispatch(event)` awaits every matching handler
   * in registration order; pass the router as the handler of `process` or a helper.
   */
  class Router {
    #routes = [];

    /** Registers `handler` for event types matching `pattern`; returns the router. */
    on(pattern, handler) {
      if (typeof pattern !== 'string') throw configError(`pattern must be a string, found ${describe(pattern)}`);
      if (typeof handler !== 'function') throw configError(`handler must be a function, found ${describe(handler)}`);
      this.#routes.push([pattern, handler]);
      return this;
    }

    /** The handlers matching `type`, in registration order. */
    handlersFor(type) {
      const text = String(type);
      return this.#routes.filter(([pattern]) => backend.typeMatches(pattern, text)).map(([, handler]) => handler);
    }

    /** Awaits every handler matching `event.type`, in order; resolves to how many ran. */
    async dispatch(event) {
      const handlers = this.handlersFor(event.type);
      for (const handler of handlers) await handler(event);
      return handlers.length;
    }
  }

  return { Router };
};
