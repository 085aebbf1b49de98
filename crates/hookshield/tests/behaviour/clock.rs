//! Clock and window edges.

use hookshield::{ErrorCode, Provider, SignOptions, Verifier};

use crate::fixture::{sample_body, sign, verifier, NOW, SECRET};

#[test]
fn verify_uses_the_injected_clock() {
    let body = sample_body(Provider::Sentinel);
    let body = body.as_slice();
    let headers = sign(Provider::Sentinel, body, &SignOptions::at(NOW));
    let at = |now: i64| {
        Verifier::builder(Provider::Sentinel)
            .secret(SECRET)
            .tolerance(60)
            .clock(move || now)
            .build()
            .unwrap()
            .verify(body, &headers)
            .map(|_| ())
            .map_err(|e| e.code())
    };
    assert_eq!(at(NOW + 60), Ok(()));
    assert_eq!(at(NOW + 61), Err(ErrorCode::TimestampTooOld));
    assert_eq!(at(NOW - 60), Ok(()));
    assert_eq!(at(NOW - 61), Err(ErrorCode::TimestampInFuture));
}

#[test]
fn window_errors_say_how_far_off_the_timestamp_is() {
    let body = sample_body(Provider::Standard);
    let body = body.as_slice();
    let headers = sign(Provider::Standard, body, &SignOptions::at(NOW));
    let err = verifier(Provider::Standard)
        .verify_at(body, &headers, NOW + 301)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "timestamp too old: sent 301 s ago, tolerance is 300 s"
    );
    let err = verifier(Provider::Standard)
        .verify_at(body, &headers, NOW - 400)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "timestamp in the future: 400 s ahead of now, tolerance is 300 s"
    );
}

#[test]

fn window_holds_at_the_ends_of_the_clock() {
    use hookshield::timestamp::check_window;
    // A clock gone wrong (far in the past) must reject, never accept or panic.
    let err = check_window(100, i64::MIN, 300).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TimestampInFuture);
    // A distance beyond i64 is still beyond a tolerance of i64::MAX seconds.
    let err = check_window(-1, i64::MAX, i64::MAX as u64).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TimestampTooOld);

    let body = sample_body(Provider::Kyc);
    let body = body.as_slice();
    let headers = sign(Provider::Kyc, body, &SignOptions::at(NOW));
    let err = verifier(Provider::Kyc)
        .verify_at(body, &headers, i64::MIN)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::TimestampInFuture);
}
