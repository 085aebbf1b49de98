//! Appending, for every backend: duplicates collapse, only the scheme's headers are
//! kept, concurrent receivers, retention, many providers.

use std::time::Duration;

use hookshield::inbox::{Appended, Delivery, Verifiers, WorkerOptions};
use hookshield::Provider;

use crate::fixture::{now_ms, signed, verifier, Fixture, LEASE};

pub(crate) fn append_collapses_duplicates_in_every_state(f: &Fixture) {
    let inbox = f.open();
    let verifier = verifier();
    let (body, headers) = signed("evt_dup");
    let first = inbox.accept(&verifier, &body, &headers);
    assert_eq!(first.kind(), "queued");
    let answer = first.answer(Provider::Sensei);
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.body,
        r#"{"outcome":"queued","idempotency_key":"evt_dup"}"#
    );

    let pending = inbox.accept(&verifier, &body, &headers);
    assert_eq!(
        (pending.kind(), pending.status(Provider::Sensei)),
        ("duplicate", 200)
    );
    let job = inbox.claim(LEASE).unwrap().unwrap();
    assert_eq!(
        inbox.accept(&verifier, &body, &headers).kind(),
        "duplicate",
        "in flight"
    );
    inbox.complete(&job).unwrap();
    assert_eq!(
        inbox.accept(&verifier, &body, &headers).kind(),
        "duplicate",
        "done"
    );
    assert_eq!(inbox.append(&job.delivery).unwrap(), Appended::Duplicate);

    let stats = inbox.stats().unwrap();
    assert_eq!(
        (stats.pending, stats.in_flight, stats.done, stats.dead),
        (0, 0, 1, 0)
    );

    let (body, headers) = signed("evt_dead");
    assert_eq!(inbox.accept(&verifier, &body, &headers).kind(), "queued");
    let job = inbox.claim(LEASE).unwrap().unwrap();
    inbox.bury(&job, "gave up").unwrap();
    assert_eq!(
        inbox.accept(&verifier, &body, &headers).kind(),
        "duplicate",
        "dead"
    );

    let forged = hookshield::sign(
        Provider::Sensei,
        "whsec_attacker",
        &body,
        &hookshield::SignOptions::default(),
    )
    .unwrap();
    let rejected = inbox.accept(&verifier, &body, &forged);
    assert_eq!(
        (rejected.kind(), rejected.status(Provider::Sensei)),
        ("rejected", 401)
    );
    assert_eq!(inbox.stats().unwrap().dead, 1);
}

pub(crate) fn only_the_scheme_headers_are_stored(f: &Fixture) {
    let inbox = f.open();
    let (body, mut headers) = signed("evt_headers");
    headers.push(("Cookie".into(), "session=secret".into()));
    assert_eq!(inbox.accept(&verifier(), &body, &headers).kind(), "queued");
    let job = inbox.claim(LEASE).unwrap().unwrap();
    let names: Vec<_> = job
        .delivery
        .headers
        .iter()
        .map(|(name, _)| name.to_ascii_lowercase())
        .collect();
    assert_eq!(names, ["x-sensei-signature"], "Sensei signs the body alone");
    assert_eq!(job.delivery.body, body);
    assert_eq!((job.delivery.provider.as_str(), job.attempt), ("sensei", 1));
}

pub(crate) fn concurrent_appends_queue_each_key_once(f: &Fixture) {
    let deliveries: Vec<_> = (0..20).map(|i| signed(&format!("evt_race_{i}"))).collect();
    let verifier = verifier();
    // Eight receivers (two handles) get every delivery at once, as redeliveries do.
    let handles = [f.open(), f.open()];
    let kinds = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for t in 0..8 {
            let (inbox, deliveries, verifier, kinds) =
                (&handles[t % 2], &deliveries, &verifier, &kinds);
            scope.spawn(move || {
                for (body, headers) in deliveries {
                    let outcome = inbox.accept(verifier, body, headers);
                    let key = outcome.event().unwrap().idempotency_key().to_owned();
                    kinds.lock().unwrap().push((key, outcome.kind()));
                }
            });
        }
    });
    let kinds = kinds.into_inner().unwrap();
    for i in 0..20 {
        let key = format!("evt_race_{i}");
        let of_key: Vec<_> = kinds
            .iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, kind)| *kind)
            .collect();
        assert_eq!(of_key.len(), 8);
        assert_eq!(
            of_key.iter().filter(|kind| **kind == "queued").count(),
            1,
            "{key}: {of_key:?}"
        );
        assert!(of_key
            .iter()
            .all(|kind| ["queued", "duplicate"].contains(kind)));
    }
    assert_eq!(handles[0].stats().unwrap().pending, 20);
}

pub(crate) fn done_keys_are_forgotten_after_the_retention(f: &Fixture) {
    let retention = Duration::from_secs(1);
    let inbox = f.open().with_retention(retention);
    let (body, headers) = signed("evt_forgotten");
    let delivery = Delivery {
        provider: "sensei".into(),
        idempotency_key: "evt_forgotten".into(),
        body,
        headers,
        received_at: now_ms(),
    };
    assert_eq!(inbox.append(&delivery).unwrap(), Appended::Queued);
    let job = inbox.claim(LEASE).unwrap().unwrap();
    inbox.complete(&job).unwrap();
    assert_eq!(
        inbox.append(&delivery).unwrap(),
        Appended::Duplicate,
        "remembered"
    );
    std::thread::sleep(retention + Duration::from_millis(200));
    assert!(
        inbox.claim(LEASE).unwrap().is_none(),
        "an idle claim purges"
    );
    assert_eq!(inbox.stats().unwrap().done, 0);
    assert_eq!(
        inbox.append(&delivery).unwrap(),
        Appended::Queued,
        "forgotten"
    );
}

pub(crate) fn one_inbox_serves_many_providers(f: &Fixture) {
    const SECRET: &str = "whsec_abcdefghijklmnopqrstuvwxyz1234567890ABC";
    let providers = [
        Provider::Sentinel,
        Provider::DocIntell,
        Provider::Sentrasa,
        Provider::Kyc,
        Provider::Sensei,
    ];
    let inbox = f.open();
    let verifiers: Verifiers = providers
        .iter()
        .map(|&provider| hookshield::Verifier::new(provider, [SECRET]).unwrap())
        .collect();
    let mut sent = Vec::new();
    for provider in providers {
        let event_type = hookshield::sample_types(provider)[0];
        let body = hookshield::sample(provider, event_type).unwrap();
        let headers = hookshield::sign(
            provider,
            SECRET,
            body.as_bytes(),
            &hookshield::SignOptions::default(),
        )
        .unwrap();
        let outcome = inbox.accept(
            verifiers.get(provider.as_str()).unwrap(),
            body.as_bytes(),
            &headers,
        );
        assert_eq!(outcome.kind(), "queued", "{provider}: {outcome:?}");
        sent.push((provider, event_type.to_owned()));
    }
    let mut handled = Vec::new();
    while let Some(work) = inbox.next(&verifiers, &WorkerOptions::default()).unwrap() {
        assert_eq!(
            work.job().delivery.provider,
            work.event().provider().as_str()
        );
        handled.push((
            work.event().provider(),
            work.event().event_type().to_owned(),
        ));
        work.finish(Ok(())).unwrap();
    }
    assert_eq!(
        handled, sent,
        "each delivery to its provider's verifier, in order"
    );
}
