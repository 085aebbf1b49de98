//! Routing events to handlers by subscription pattern.

use crate::events::type_matches;

/// Handlers registered by pattern (`*`, `family.*` or `family/*`, exact type; see
/// [`crate::events::type_matches`]), dispatched in
/// registration order. Generic over the handler so every binding stores its own
/// callables in it.
///
/// ```
/// let mut router = hookshield::Router::new();
/// router.on("migration.*", "any migration");
/// router.on("migration.phase.completed", "phase done");
/// router.on("*", "audit log");
/// let hit: Vec<_> = router.handlers_for("migration.phase.completed").copied().collect();
/// assert_eq!(hit, ["any migration", "phase done", "audit log"]);
/// assert_eq!(router.handlers_for("error.occurred").count(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct Router<H> {
    routes: Vec<(String, H)>,
}

impl<H> Default for Router<H> {
    fn default() -> Self {
        Router { routes: Vec::new() }
    }
}

impl<H> Router<H> {
    /// An empty router.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `handler` for event types matching `pattern`.
    pub fn on(&mut self, pattern: impl Into<String>, handler: H) -> &mut Self {
        self.routes.push((pattern.into(), handler));
        self
    }

    /// The handlers whose pattern matches `event_type`, in registration order.
    pub fn handlers_for<'a>(&'a self, event_type: &'a str) -> impl Iterator<Item = &'a H> + 'a {
        self.routes
            .iter()
            .filter(move |(pattern, _)| type_matches(pattern, event_type))
            .map(|(_, handler)| handler)
    }

    /// The registered `(pattern, handler)` pairs.
    pub fn routes(&self) -> &[(String, H)] {
        &self.routes
    }
}
