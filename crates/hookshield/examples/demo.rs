//! Signs a delivery of every sample event of every provider, verifies it, and shows a
//! forged, a stale and a replayed one rejected.
//!
//! ```sh
//! cargo run --example demo -p hookshield
//! ```

use hookshield::{MemoryStore, ProcessOptions, Provider, SignOptions, Verifier};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn main() -> Result<(), hookshield::Error> {
    let now = 1_767_225_600;
    let store = MemoryStore::new(10_000);
    let mut failures = 0;
    println!(
        "{:<10} {:<32} {:<10} {:<22} outcome",
        "provider", "event", "delivery", "family"
    );
    for provider in Provider::ALL {
        let verifier = Verifier::builder(provider)
            .secret(SECRET)
            .clock(move || now)
            .build()?;
        for event_type in hookshield::sample_types(provider) {
            let body = hookshield::sample_at(provider, event_type, now).unwrap_or_default();
            let body = body.as_bytes();
            let at = |time| match provider {
                // GitHub names the event only in a header: `issues.opened` is sent as `issues`.
                Provider::GitHub => {
                    SignOptions::at(time).event(event_type.split('.').next().unwrap_or(event_type))
                }
                // Shopify names it only in its topic header: the body is the resource.
                Provider::Shopify => SignOptions::at(time).event(event_type),
                _ => SignOptions::at(time),
            };
            let genuine = hookshield::sign(provider, SECRET, body, &at(now))?;
            let forged = hookshield::sign(provider, "whsec_attacker", body, &at(now))?;
            let stale = hookshield::sign(provider, SECRET, body, &at(now - 3600))?;
            let handle = |_: &hookshield::Event| Ok::<(), std::convert::Infallible>(());

            let mut report = |delivery: &str, outcome: hookshield::Outcome, want: &str| {
                let family = outcome.event().map_or("-", |e| e.family()).to_owned();
                let status = outcome.status(provider);
                let ok = outcome.kind() == want;
                failures += usize::from(!ok);
                let detail = match &outcome {
                    hookshield::Outcome::Rejected(error) => format!("{status} {}", error.code()),
                    other => format!("{status} {}", other.kind()),
                };
                println!(
                    "{provider:<10} {event_type:<32} {delivery:<10} {family:<22} {detail}{}",
                    if ok { "" } else { "  <-- unexpected" }
                );
            };
            report(
                "genuine",
                verifier.process(body, &genuine, &store, ProcessOptions::default(), handle),
                "processed",
            );
            report(
                "replayed",
                verifier.process(body, &genuine, &store, ProcessOptions::default(), handle),
                "duplicate",
            );
            report(
                "forged",
                verifier.process(body, &forged, &store, ProcessOptions::default(), handle),
                "rejected",
            );
            // Providers without a timestamp (Sensei, Sentrasa, GitHub, Shopify) rely on the
            // dedup store alone, which already holds this event: the old copy is a duplicate.
            let want = if provider.scheme().has_timestamp() {
                "rejected"
            } else {
                "duplicate"
            };
            report(
                "stale",
                verifier.process(body, &stale, &store, ProcessOptions::default(), handle),
                want,
            );
        }
    }
    if failures > 0 {
        eprintln!("{failures} deliveries were not handled as expected");
        std::process::exit(1);
    }
    println!(
        "\nEvery genuine delivery was processed once; every forged, stale or replayed one was not."
    );
    Ok(())
}
