//! Placeholder: the binding lands in its own issue.
