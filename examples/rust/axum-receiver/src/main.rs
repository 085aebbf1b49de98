//! `cargo run -p axum-receiver`: a Sentinel webhook receiver on 127.0.0.1:$PORT (3000).
//!
//! The secret comes from `SENTINEL_WEBHOOK_SECRET`; without it the demo secret
//! `whsec_demo_secret` is used, so `hookshield send`/`sign` can target it as is.

use hookshield::{Provider, Verifier};

const DEMO_SECRET: &str = "whsec_demo_secret";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port
            .parse()
            .map_err(|_| format!("PORT must be a port number, found {port:?}"))?,
        Err(_) => 3000,
    };
    let secret = std::env::var("SENTINEL_WEBHOOK_SECRET").unwrap_or_else(|_| {
        eprintln!("SENTINEL_WEBHOOK_SECRET is not set: using the demo secret");
        DEMO_SECRET.to_owned()
    });
    let verifier = Verifier::new(Provider::Sentinel, [secret])?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "listening on http://{}/webhooks/sentinel",
        listener.local_addr()?
    );
    axum::serve(
        listener,
        axum_receiver::app(hookshield::axum::Receiver::new(verifier)),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
