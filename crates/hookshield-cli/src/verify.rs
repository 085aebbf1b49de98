//! `hookshield verify`: one delivery in, the event as JSON (or a typed error) out.

use std::fs;
use std::path::PathBuf;

use crate::args::{read_body, VerifierArgs};
use crate::output::event_json;
use crate::output::outln;
use crate::{Failure, Result};

/// Verify one delivery and print the event as JSON.
///
/// On success: exit 0, the event on stdout (`provider`, `type`, `family`, `id`,
/// `timestamp`, `idempotency_key`, `untyped_reason`, `untyped_detail`, `data`). On a
/// rejected delivery: exit 1 and `error[CODE]: message` on stderr, CODE being the
/// contract's stable code (signature_mismatch, timestamp_too_old, ...). Bad
/// configuration: exit 2.
#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  HOOK_SECRET=whsec_... hookshield verify -p sentinel --secret-env HOOK_SECRET \\\n    \
    -H 'X-Sentinel-Signature: sha256=...' -H 'X-Sentinel-Timestamp: 1778839500' --body body.json"
)]
pub(crate) struct Args {
    #[command(flatten)]
    verifier: VerifierArgs,

    /// A request header, `Name: value`; repeat for each header. A repeated signature
    /// header counts with every value (as HTTP joins them); any other, with its first.
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    headers: Vec<String>,

    /// A file of `Name: value` lines (as copied from a request log); a leading request
    /// line (`POST /path HTTP/1.1`) and blank lines are ignored.
    #[arg(long, value_name = "FILE")]
    header_file: Option<PathBuf>,

    /// The raw body as received, from a file or `-` for standard input.
    #[arg(long, short = 'b', value_name = "FILE|-", default_value = "-")]
    body: PathBuf,

    /// Print the event on one line instead of indented.
    #[arg(long)]
    compact: bool,
}

/// Splits `Name: value` into its parts.
fn parse_header(line: &str) -> Result<(String, String)> {
    let (name, value) = line.split_once(':').ok_or_else(|| {
        Failure::Usage(format!(
            "a header must be `Name: value`, found {:?}",
            // Show its shape, not a value that might be a signature.
            line.chars().take(40).collect::<String>()
        ))
    })?;
    let name = name.trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(Failure::Usage(format!(
            "a header must be `Name: value`, found a bad name {name:?}"
        )));
    }
    Ok((name.to_owned(), value.trim().to_owned()))
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let mut headers = Vec::new();
    if let Some(path) = &args.header_file {
        let text = fs::read_to_string(path)
            .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
        for (index, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            let is_request_line = index == 0 && line.contains(" HTTP/");
            if line.trim().is_empty() || is_request_line {
                continue;
            }
            headers.push(parse_header(line)?);
        }
    }
    for line in &args.headers {
        headers.push(parse_header(line)?);
    }
    let body = read_body(&args.body)?;
    let verifier = args.verifier.build()?;
    let event = verifier.verify(&body, &headers)?;
    let json = event_json(&event);
    let text = if args.compact {
        serde_json::to_string(&json)
    } else {
        serde_json::to_string_pretty(&json)
    }
    .expect("a JSON value serializes");
    outln!("{text}");
    Ok(())
}
