//! `hookshield sign`: the headers a provider would send, or a ready curl command.

use std::fmt::Write as _;
use std::path::PathBuf;

use hookshield::SignOptions;
use serde_json::json;

use crate::args::{event_header_value, read_body, sample_body, KeyArgs};
use crate::output::{outln, shell_quote};
use crate::Result;

/// Print the headers (and, for --event, the sample body) a provider would send.
///
/// The output holds the signature you asked for, never the secret.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  \
    hookshield sign -p kyc --secret-env KYC_SECRET --event kyc.session.completed\n  \
    hookshield sign -p github --secret-env GH_SECRET --event ping --curl http://127.0.0.1:8000/hooks | sh")]
pub(crate) struct Args {
    #[command(flatten)]
    key: KeyArgs,

    /// Sign the provider's sample of this event type (an unknown type lists the samples).
    #[arg(
        long,
        short = 'e',
        value_name = "TYPE",
        required_unless_present = "body"
    )]
    event: Option<String>,

    /// Sign this body instead (a file, or `-` for standard input).
    #[arg(long, short = 'b', value_name = "FILE|-", conflicts_with = "event")]
    body: Option<PathBuf>,

    /// The value of the provider's event-type header (X-GitHub-Event,
    /// X-DocIntell-Event) when signing --body (default: the body's `event`/`type`).
    #[arg(long, value_name = "NAME", requires = "body")]
    event_name: Option<String>,

    /// The event or delivery id for providers with an id header (default: the body's
    /// `id`, else one derived from the body).
    #[arg(long, value_name = "ID")]
    id: Option<String>,

    /// Sign at this Unix time (default: now).
    #[arg(long, value_name = "UNIX")]
    timestamp: Option<i64>,

    /// Print a curl command that POSTs the signed delivery to URL.
    #[arg(long, value_name = "URL")]
    curl: Option<String>,

    /// Print `{"headers": {...}, "body": ...}` as JSON.
    #[arg(long, conflicts_with = "curl")]
    json: bool,
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let provider = args.key.provider;
    let (body, sample, event_name) = match (&args.event, &args.body) {
        (Some(event), _) => (
            sample_body(provider, event)?.into_bytes(),
            true,
            Some(event_header_value(provider, event)),
        ),
        (None, Some(path)) => (read_body(path)?, false, args.event_name.clone()),
        (None, None) => unreachable!("clap requires --event or --body"),
    };
    let mut options = SignOptions::default();
    options.timestamp = args.timestamp;
    options.id.clone_from(&args.id);
    options.event = event_name;
    let scheme = args.key.scheme()?;
    let headers = hookshield::sign_with(
        provider,
        &scheme,
        args.key.signing_secret()?,
        &body,
        &options,
    )?;

    if let Some(url) = &args.curl {
        let mut command = format!("curl -sS -X POST {}", shell_quote(url));
        for (name, value) in &headers {
            let _ = write!(
                command,
                " \\\n  -H {}",
                shell_quote(&format!("{name}: {value}"))
            );
        }
        match (&args.body, std::str::from_utf8(&body)) {
            (Some(path), _) if path.as_os_str() != "-" => {
                let file = format!("@{}", path.display());
                let _ = write!(command, " \\\n  --data-binary {}", shell_quote(&file));
            }
            (_, Ok(text)) => {
                let _ = write!(command, " \\\n  --data-binary {}", shell_quote(text));
            }
            (_, Err(_)) => return Err(crate::Failure::Usage(
                "a body read from stdin must be UTF-8 to fit in a curl command; pass --body FILE"
                    .into(),
            )),
        }
        outln!("{command}");
    } else if args.json {
        let map: serde_json::Map<String, serde_json::Value> = headers
            .iter()
            .map(|(name, value)| (name.clone(), json!(value)))
            .collect();
        let out = json!({
            "headers": map,
            "body": String::from_utf8_lossy(&body),
        });
        outln!(
            "{}",
            serde_json::to_string_pretty(&out).expect("JSON serializes")
        );
    } else {
        for (name, value) in &headers {
            outln!("{name}: {value}");
        }
        if sample {
            outln!();
            crate::output::write_stdout(format_args!("{}", String::from_utf8_lossy(&body)));
            if !body.ends_with(b"\n") {
                outln!();
            }
        }
    }
    Ok(())
}
