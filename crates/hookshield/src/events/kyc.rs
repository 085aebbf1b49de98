//! KYC-Webhooks' two documented families (`kyc-webhooks.txt`): session webhooks
//! (creation, completion, processing results, status changes) and watchlist webhooks
//! (new matches, status changes).
//!
//! The document names one type, `kyc.session.processed`, and describes the rest by
//! family, so events are typed by family: every `kyc.session.*` type is a
//! [`KycEvent::Session`] and every `kyc.watchlist.*` type a [`KycEvent::Watchlist`],
//! with the rest of the name in `action`. Fields the document does not show stay in the
//! event's JSON ([`crate::Event::raw_data`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::json::{parse_prefix, shape_mismatch};

/// A KYC-Webhooks event, typed by family.
///
/// ```
/// use hookshield::events::kyc::KycEvent;
/// assert_eq!(KycEvent::family_of("kyc.session.processed"), Some("session"));
/// assert_eq!(KycEvent::family_of("kyc.watchlist.match_found"), Some("watchlist"));
/// assert_eq!(KycEvent::family_of("kyc.billing.updated"), None);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum KycEvent {
    /// `kyc.session.<action>`, e.g. `kyc.session.processed`.
    Session {
        /// What happened: `created`, `completed`, `processed`, `status_changed`, ...
        action: String,
        /// The session.
        data: SessionData,
    },
    /// `kyc.watchlist.<action>`, e.g. `kyc.watchlist.match_found`.
    Watchlist {
        /// What happened: `match_found`, `status_changed`, ...
        action: String,
        /// The monitored subject.
        data: WatchlistData,
    },
}

/// The sample types hookshield ships for KYC-Webhooks, one per documented occasion.
pub const SAMPLE_TYPES: &[&str] = &[
    "kyc.session.created",
    "kyc.session.completed",
    "kyc.session.processed",
    "kyc.session.status_changed",
    "kyc.watchlist.match_found",
    "kyc.watchlist.status_changed",
];

/// Data of a session event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SessionData {
    /// The KYC session (the document shows no data fields, so none is required).
    pub session_id: Option<String>,
    /// Its status after the event.
    pub status: Option<String>,
    /// The status before a status change.
    pub previous_status: Option<String>,
}

/// Data of a watchlist event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WatchlistData {
    /// The monitored subject (not shown by the document either).
    pub subject_id: Option<String>,
    /// Its monitoring status.
    pub status: Option<String>,
    /// New matches found.
    pub matches: Option<Vec<Value>>,
}

impl KycEvent {
    /// The documented family of a type: `session` or `watchlist`.
    pub fn family_of(event_type: &str) -> Option<&'static str> {
        match event_type.strip_prefix("kyc.")?.split_once('.')? {
            ("session", action) if !action.is_empty() => Some("session"),
            ("watchlist", action) if !action.is_empty() => Some("watchlist"),
            _ => None,
        }
    }

    /// The id of the session or subject, when the payload carries one.
    pub fn resource_id(&self) -> Option<&str> {
        match self {
            KycEvent::Session { data, .. } => data.session_id.as_deref(),
            KycEvent::Watchlist { data, .. } => data.subject_id.as_deref(),
        }
    }

    /// Parses the JSON value at the start of `text` as the data of `event_type`,
    /// returning it and its length in bytes, or why it does not match; `None` for an
    /// undocumented type.
    pub(crate) fn parse(event_type: &str, text: &str) -> Option<Result<(Self, usize), String>> {
        let family = Self::family_of(event_type)?;
        let action = event_type[4 + family.len() + 1..].to_owned();
        let invalid = |detail: String| {
            format!("`data` of `{event_type}` does not match the {family} family's shape: {detail}")
        };
        Some(match family {
            "session" => parse_prefix::<SessionData>(text)
                .map(|(data, length)| (KycEvent::Session { action, data }, length))
                .map_err(|_| invalid(shape_mismatch::<SessionData>(text))),
            _ => parse_prefix::<WatchlistData>(text)
                .map(|(data, length)| (KycEvent::Watchlist { action, data }, length))
                .map_err(|_| invalid(shape_mismatch::<WatchlistData>(text))),
        })
    }
}
