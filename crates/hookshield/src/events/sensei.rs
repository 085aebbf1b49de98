//! Sensei's 22 documented events in five families (`sensei.md`): migration,
//! migration.phase, approval, error and validation (which includes
//! `certificate.generated`).
//!
//! The document shows one payload in full, `migration.phase.completed`, typed here field
//! by field. For the other types it gives names and descriptions only, so each family
//! has a struct with the identifiers its events are about; the rest stays in the event's
//! JSON ([`crate::Event::raw_data`]).

use serde::{Deserialize, Serialize};

super::documented_events! {
    /// A documented Sensei event.
    ///
    /// ```
    /// use hookshield::events::sensei::SenseiEvent;
    /// assert_eq!(SenseiEvent::TYPES.len(), 22);
    /// assert_eq!(SenseiEvent::family_of("certificate.generated"), Some("validation"));
    /// assert_eq!(SenseiEvent::family_of("migration.phase.failed"), Some("migration.phase"));
    /// ```
    pub enum SenseiEvent {
        /// `migration.created`: new migration created.
        "migration.created" in "migration" => MigrationCreated(MigrationData),
        /// `migration.started`: execution began.
        "migration.started" in "migration" => MigrationStarted(MigrationData),
        /// `migration.paused`
        "migration.paused" in "migration" => MigrationPaused(MigrationData),
        /// `migration.resumed`
        "migration.resumed" in "migration" => MigrationResumed(MigrationData),
        /// `migration.completed`: all phases complete.
        "migration.completed" in "migration" => MigrationCompleted(MigrationData),
        /// `migration.failed`: unrecoverable error.
        "migration.failed" in "migration" => MigrationFailed(MigrationData),
        /// `migration.cancelled`: cancelled by the user.
        "migration.cancelled" in "migration" => MigrationCancelled(MigrationData),
        /// `migration.phase.started`
        "migration.phase.started" in "migration.phase" => PhaseStarted(PhaseData),
        /// `migration.phase.completed`, the document's full example.
        "migration.phase.completed" in "migration.phase" => PhaseCompleted(PhaseCompleted),
        /// `migration.phase.failed`
        "migration.phase.failed" in "migration.phase" => PhaseFailed(PhaseData),
        /// `approval.required`: human approval needed to proceed.
        "approval.required" in "approval" => ApprovalRequired(ApprovalData),
        /// `approval.granted`
        "approval.granted" in "approval" => ApprovalGranted(ApprovalData),
        /// `approval.denied`
        "approval.denied" in "approval" => ApprovalDenied(ApprovalData),
        /// `approval.timeout`: the request expired.
        "approval.timeout" in "approval" => ApprovalTimeout(ApprovalData),
        /// `error.occurred`
        "error.occurred" in "error" => ErrorOccurred(ErrorData),
        /// `error.recovered`: auto-recovered.
        "error.recovered" in "error" => ErrorRecovered(ErrorData),
        /// `error.escalated`: requires human attention.
        "error.escalated" in "error" => ErrorEscalated(ErrorData),
        /// `error.resolved`: an escalated error was resolved.
        "error.resolved" in "error" => ErrorResolved(ErrorData),
        /// `validation.started`: post-migration validation began.
        "validation.started" in "validation" => ValidationStarted(ValidationData),
        /// `validation.completed`
        "validation.completed" in "validation" => ValidationCompleted(ValidationData),
        /// `validation.failed`: validation found issues.
        "validation.failed" in "validation" => ValidationFailed(ValidationData),
        /// `certificate.generated`: a Behavioral Equivalence Certificate is ready.
        "certificate.generated" in "validation" => CertificateGenerated(CertificateData),
    }
}

/// Data of the `migration.*` lifecycle events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MigrationData {
    /// The migration, e.g. `mig_xyz789`.
    pub migration_id: Option<String>,
    /// Its name, e.g. `Q1 Database Modernization`.
    pub migration_name: Option<String>,
    /// Its status after the event.
    pub status: Option<String>,
}

/// Data of `migration.phase.completed`, every field the document shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PhaseCompleted {
    /// The migration.
    pub migration_id: String,
    /// Its name.
    pub migration_name: String,
    /// The phase, e.g. `data_transfer`.
    pub phase: String,
    /// 1-based position of the phase.
    #[serde(deserialize_with = "super::json::whole::required")]
    pub phase_number: u32,
    /// Phases in the migration.
    #[serde(deserialize_with = "super::json::whole::required")]
    pub total_phases: u32,
    /// Time the phase took.
    #[serde(deserialize_with = "super::json::whole::required")]
    pub duration_seconds: u64,
    /// Records moved.
    #[serde(deserialize_with = "super::json::whole::required")]
    pub records_processed: u64,
    /// Errors recovered automatically.
    #[serde(deserialize_with = "super::json::whole::required")]
    pub errors_recovered: u64,
    /// Errors escalated to a human.
    #[serde(deserialize_with = "super::json::whole::required")]
    pub errors_escalated: u64,
}

/// Data of `migration.phase.started` and `migration.phase.failed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PhaseData {
    /// The migration.
    pub migration_id: Option<String>,
    /// Its name.
    pub migration_name: Option<String>,
    /// The phase.
    pub phase: Option<String>,
    /// 1-based position of the phase.
    #[serde(default, deserialize_with = "super::json::whole::optional")]
    pub phase_number: Option<u32>,
    /// Phases in the migration.
    #[serde(default, deserialize_with = "super::json::whole::optional")]
    pub total_phases: Option<u32>,
}

/// Data of the `approval.*` events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApprovalData {
    /// The approval request.
    pub approval_id: Option<String>,
    /// The migration waiting on it.
    pub migration_id: Option<String>,
}

/// Data of the `error.*` events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorData {
    /// The error.
    pub error_id: Option<String>,
    /// The migration it occurred in.
    pub migration_id: Option<String>,
    /// A description.
    pub message: Option<String>,
}

/// Data of the `validation.*` events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ValidationData {
    /// The migration being validated.
    pub migration_id: Option<String>,
    /// The validation run.
    pub validation_id: Option<String>,
}

/// Data of `certificate.generated`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CertificateData {
    /// The migration certified.
    pub migration_id: Option<String>,
    /// The Behavioral Equivalence Certificate.
    pub certificate_id: Option<String>,
    /// Where to fetch it.
    pub url: Option<String>,
}
