//! DocIntell's three documented events (`docintell.txt`): a document's upload and the
//! outcome of its processing. Fields the document does not show stay in the event's
//! JSON ([`crate::Event::raw_data`]).

use serde::{Deserialize, Serialize};

super::documented_events! {
    /// A documented DocIntell event.
    ///
    /// ```
    /// use hookshield::events::docintell::DocIntellEvent;
    /// assert_eq!(DocIntellEvent::TYPES, ["document.uploaded", "document.processing.completed", "document.processing.failed"]);
    /// ```
    pub enum DocIntellEvent {
        /// `document.uploaded`
        "document.uploaded" in "document" => DocumentUploaded(DocumentUploaded),
        /// `document.processing.completed`
        "document.processing.completed" in "document" => ProcessingCompleted(ProcessingCompleted),
        /// `document.processing.failed`
        "document.processing.failed" in "document" => ProcessingFailed(ProcessingFailed),
    }
}

/// Data of `document.uploaded`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DocumentUploaded {
    /// The document.
    pub document_id: String,
    /// The processing job.
    pub job_id: String,
    /// The tenant.
    pub tenant_id: Option<String>,
    /// `queued`.
    pub status: Option<String>,
}

/// Data of `document.processing.completed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProcessingCompleted {
    /// The document.
    pub document_id: String,
    /// The processing job.
    pub job_id: String,
    /// The tenant.
    pub tenant_id: Option<String>,
    /// `completed`.
    pub status: Option<String>,
    /// Seconds spent processing.
    pub processing_time_seconds: Option<f64>,
    /// Page count.
    #[serde(default, deserialize_with = "super::json::whole::optional")]
    pub page_count: Option<u64>,
    /// Version of the intermediate representation, e.g. `v001`.
    pub ir_version: Option<String>,
}

/// Data of `document.processing.failed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProcessingFailed {
    /// The document.
    pub document_id: String,
    /// The processing job.
    pub job_id: String,
    /// The tenant.
    pub tenant_id: Option<String>,
    /// `failed`.
    pub status: Option<String>,
    /// Why it failed.
    pub error_message: Option<String>,
}

impl DocIntellEvent {
    /// `(document_id, job_id)`, the pair DocIntell advises deduplicating on.
    pub fn document_and_job(&self) -> (&str, &str) {
        match self {
            DocIntellEvent::DocumentUploaded(d) => (&d.document_id, &d.job_id),
            DocIntellEvent::ProcessingCompleted(d) => (&d.document_id, &d.job_id),
            DocIntellEvent::ProcessingFailed(d) => (&d.document_id, &d.job_id),
        }
    }
}
