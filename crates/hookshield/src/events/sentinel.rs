//! Sentinel's four documented events (`sentinel.txt`): documents, chat sessions, reports.
//!
//! Identifiers are required; every other documented field is optional, so a provider
//! trimming a field never fails verification. Fields the document does not show are
//! skipped here, cheaply, and kept in the event's JSON ([`crate::Event::raw_data`]).

use serde::{Deserialize, Serialize};

super::documented_events! {
    /// A documented Sentinel event.
    ///
    /// ```
    /// use hookshield::events::sentinel::SentinelEvent;
    /// assert_eq!(SentinelEvent::TYPES.len(), 4);
    /// assert_eq!(SentinelEvent::family_of("chat.session.closed"), Some("chat"));
    /// ```
    pub enum SentinelEvent {
        /// `document.completed`
        "document.completed" in "document" => DocumentCompleted(DocumentCompleted),
        /// `document.failed`
        "document.failed" in "document" => DocumentFailed(DocumentFailed),
        /// `chat.session.closed`
        "chat.session.closed" in "chat" => ChatSessionClosed(ChatSessionClosed),
        /// `report.generated`
        "report.generated" in "report" => ReportGenerated(ReportGenerated),
    }
}

/// Data of `document.completed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DocumentCompleted {
    /// The document, e.g. `doc_abc123`.
    pub document_id: String,
    /// The tenant.
    pub tenant_id: Option<String>,
    /// The user who uploaded it.
    pub user_id: Option<String>,
    /// The classified type, e.g. `cas_statement`.
    pub document_type: Option<String>,
    /// Page count.
    #[serde(default, deserialize_with = "super::json::whole::optional")]
    pub pages: Option<u64>,
    /// What was extracted.
    pub extractions: Option<Extractions>,
    /// Extraction confidence.
    pub confidence: Option<Confidence>,
    /// Processing time in milliseconds.
    #[serde(default, deserialize_with = "super::json::whole::optional")]
    pub processing_time_ms: Option<u64>,
}

/// `extractions` of `document.completed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Extractions {
    /// Number of holdings found.
    #[serde(default, deserialize_with = "super::json::whole::optional")]
    pub holdings_count: Option<u64>,
    /// Total assets under management.
    pub total_aum: Option<f64>,
    /// ISO 4217 currency of `total_aum`.
    pub currency: Option<String>,
}

/// `confidence` of `document.completed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Confidence {
    /// Mean confidence, 0 to 1.
    pub average: Option<f64>,
    /// Lowest confidence, 0 to 1.
    pub minimum: Option<f64>,
}

/// Data of `document.failed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DocumentFailed {
    /// The document.
    pub document_id: String,
    /// Machine-readable cause, e.g. `EXTRACTION_TIMEOUT`.
    pub error_code: Option<String>,
    /// Human-readable cause.
    pub error_message: Option<String>,
    /// The pipeline stage that failed, e.g. `layout_extraction`.
    pub stage: Option<String>,
    /// Whether resubmitting may succeed.
    pub retryable: Option<bool>,
}

/// Data of `chat.session.closed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChatSessionClosed {
    /// The chat session, e.g. `ses_def456`.
    pub session_id: String,
    /// The user.
    pub user_id: Option<String>,
    /// Messages exchanged.
    #[serde(default, deserialize_with = "super::json::whole::optional")]
    pub message_count: Option<u64>,
    /// Tokens used.
    pub token_usage: Option<TokenUsage>,
    /// A summary of the session.
    pub summary: Option<String>,
}

/// `token_usage` of `chat.session.closed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TokenUsage {
    /// Input tokens.
    #[serde(default, deserialize_with = "super::json::whole::optional")]
    pub input: Option<u64>,
    /// Output tokens.
    #[serde(default, deserialize_with = "super::json::whole::optional")]
    pub output: Option<u64>,
}

/// Data of `report.generated`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReportGenerated {
    /// The report, e.g. `rpt_ghi789`.
    pub report_id: String,
    /// Its kind, e.g. `portfolio_review`.
    pub report_type: Option<String>,
    /// The client it is for.
    pub client_id: Option<String>,
    /// Where to fetch it.
    pub url: Option<String>,
    /// File format, e.g. `pdf`.
    pub format: Option<String>,
    /// The user who requested it.
    pub generated_by: Option<String>,
}

impl SentinelEvent {
    /// The id of the resource the event is about (document, session or report).
    pub fn resource_id(&self) -> &str {
        match self {
            SentinelEvent::DocumentCompleted(d) => &d.document_id,
            SentinelEvent::DocumentFailed(d) => &d.document_id,
            SentinelEvent::ChatSessionClosed(d) => &d.session_id,
            SentinelEvent::ReportGenerated(d) => &d.report_id,
        }
    }
}
