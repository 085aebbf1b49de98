//! Statuses: what each outcome answers each provider, error kinds, retention.

use std::collections::HashMap;
use std::time::Duration;

use hookshield::{Error, ErrorCode, ErrorKind, Event, Outcome, Provider, StoreError};

use crate::fixture::processed_event;

fn retryable_outcomes(event: &Event) -> Vec<Outcome> {
    vec![
        Outcome::InProgress(Box::new(event.clone())),
        Outcome::HandlerFailed {
            event: Some(Box::new(event.clone())),
            message: "db down".into(),
        },
        Outcome::HandlerFailed {
            event: None,
            message: "db down".into(),
        },
        Outcome::StoreUnavailable {
            event: Box::new(event.clone()),
            error: StoreError::Unavailable {
                reason: "redis down".into(),
            },
        },
    ]
}

#[test]
fn docintell_never_gets_a_4xx_for_anything_retryable() {
    let event = processed_event(Provider::DocIntell, "document.uploaded");
    for outcome in retryable_outcomes(&event) {
        let status = outcome.status(Provider::DocIntell);
        assert!(
            (500..600).contains(&status),
            "{} -> {status}",
            outcome.kind()
        );
        assert!(!outcome.is_acknowledged());
    }
}

#[test]
fn retryable_outcomes_are_never_acknowledged_by_any_provider() {
    let event = processed_event(Provider::Sentinel, "document.completed");
    for provider in Provider::ALL {
        for outcome in retryable_outcomes(&event) {
            let status = outcome.status(provider);
            assert!(
                status == 409 || (500..600).contains(&status),
                "{provider} {} -> {status}",
                outcome.kind()
            );
        }
        assert_eq!(
            Outcome::InProgress(Box::new(event.clone())).status(provider),
            if provider.retry_policy().client_error_ends_retries {
                503
            } else {
                409
            }
        );
    }
}

#[test]
fn processed_and_duplicate_are_200_and_rejections_map_by_kind() {
    let event = processed_event(Provider::Sensei, "approval.granted");
    for provider in Provider::ALL {
        assert_eq!(
            Outcome::Processed(Box::new(event.clone())).status(provider),
            200
        );
        assert_eq!(
            Outcome::Duplicate(Box::new(event.clone())).status(provider),
            200
        );
        for (error, status) in [
            (Error::MissingHeader { name: "X".into() }, 401),
            (
                Error::SignatureMismatch {
                    header: "X".into(),
                    signatures: 1,
                    secrets: 1,
                },
                401,
            ),
            (
                Error::TimestampTooOld {
                    age_seconds: 400,
                    tolerance_seconds: 300,
                },
                401,
            ),
            (
                Error::InvalidJson {
                    reason: "eof".into(),
                },
                400,
            ),
            (Error::BodyTooLarge { size: 2, limit: 1 }, 413),
        ] {
            assert_eq!(Outcome::Rejected(error).status(provider), status);
        }
    }
}

#[test]
fn error_kinds_group_the_codes() {
    let kinds: HashMap<ErrorKind, usize> =
        ErrorCode::ALL.iter().fold(HashMap::new(), |mut acc, code| {
            *acc.entry(code.kind()).or_default() += 1;
            acc
        });
    assert_eq!(kinds[&ErrorKind::Signature], 3);
    assert_eq!(kinds[&ErrorKind::Timestamp], 4);
    assert_eq!(kinds[&ErrorKind::Payload], 4);
    assert_eq!(kinds[&ErrorKind::Config], 2);
    for code in ErrorCode::ALL {
        assert_eq!(code.as_str().parse::<ErrorCode>(), Ok(code));
    }
}

#[test]
fn default_retention_covers_each_retry_horizon() {
    for provider in Provider::ALL {
        assert!(provider.default_retention() > provider.retry_policy().horizon);
    }
    assert!(Provider::Sentinel.default_retention() >= Duration::from_secs(48 * 3600));
    assert!(Provider::Sensei.default_retention() >= Duration::from_secs(34 * 3600 + 36 * 60));
    // A day past each retry horizon: the replay horizon never refuses a genuine delivery.
    for provider in Provider::ALL {
        let margin = provider
            .default_retention()
            .saturating_sub(provider.retry_policy().horizon);
        assert!(margin >= Duration::from_secs(24 * 3600), "{provider}");
    }
}
