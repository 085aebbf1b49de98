//! Sentrasa's three documented events (`sentrasa.txt`): `job.completed`, `job.failed`,
//! `alert.triggered`.
//!
//! The document names the events but shows no payload. hookshield reads the envelope
//! its siblings use (`{event, timestamp, data}`, with `type` accepted for `event`) and
//! types the fields a job or an alert is known by; everything else stays in the event's
//! JSON ([`crate::Event::raw_data`]).

use serde::{Deserialize, Serialize};

super::documented_events! {
    /// A documented Sentrasa event.
    ///
    /// ```
    /// use hookshield::events::sentrasa::SentrasaEvent;
    /// assert_eq!(SentrasaEvent::family_of("alert.triggered"), Some("alert"));
    /// ```
    pub enum SentrasaEvent {
        /// `job.completed`
        "job.completed" in "job" => JobCompleted(JobData),
        /// `job.failed`
        "job.failed" in "job" => JobFailed(JobData),
        /// `alert.triggered`
        "alert.triggered" in "alert" => AlertTriggered(AlertData),
    }
}

/// Data of `job.completed` and `job.failed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JobData {
    /// The job.
    pub job_id: Option<String>,
    /// The workspace the webhook belongs to.
    pub workspace_id: Option<String>,
    /// The job's status.
    pub status: Option<String>,
}

/// Data of `alert.triggered`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AlertData {
    /// The alert.
    pub alert_id: Option<String>,
    /// The workspace the webhook belongs to.
    pub workspace_id: Option<String>,
    /// The alert's severity.
    pub severity: Option<String>,
}

impl SentrasaEvent {
    /// The id of the job or alert, when the payload carries one.
    pub fn resource_id(&self) -> Option<&str> {
        match self {
            SentrasaEvent::JobCompleted(d) | SentrasaEvent::JobFailed(d) => d.job_id.as_deref(),
            SentrasaEvent::AlertTriggered(d) => d.alert_id.as_deref(),
        }
    }
}
