//! Arguments shared by several subcommands: the provider, its secrets, overrides, bodies.

use std::fs;
use std::io::{IsTerminal as _, Read as _};
use std::path::Path;

use clap::builder::{PossibleValuesParser, TypedValueParser as _};
use hookshield::{Provider, Scheme, Secret, Verifier, VerifierBuilder};

use crate::{Failure, Result};

/// Parses `--provider` into the core's [`Provider`], listing the choices in `--help`.
pub(crate) fn provider_parser() -> impl clap::builder::TypedValueParser<Value = Provider> {
    PossibleValuesParser::new(Provider::ALL.map(Provider::as_str))
        .map(|name| name.parse::<Provider>().expect("a listed provider parses"))
}

/// Parses `--set name=value`.
pub(crate) fn parse_override(text: &str) -> std::result::Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=VALUE, found {text:?}"))?;
    if !hookshield::OVERRIDES.contains(&name) {
        return Err(format!(
            "unknown override {name:?}; expected one of {}",
            hookshield::OVERRIDES.join(", ")
        ));
    }
    Ok((name.to_owned(), value.to_owned()))
}

/// The provider, its secrets and any overrides of its preset.
#[derive(clap::Args)]
pub(crate) struct KeyArgs {
    /// The sender.
    #[arg(long, short = 'p', value_name = "PROVIDER", value_parser = provider_parser())]
    pub(crate) provider: Provider,

    /// A signing secret; repeat for rotation (any may match). Prefer --secret-env.
    #[arg(long, short = 's', value_name = "SECRET")]
    pub(crate) secret: Vec<String>,

    /// Read a signing secret from this environment variable (keeps it out of shell
    /// history); may be repeated and combined with --secret.
    #[arg(long, value_name = "NAME")]
    pub(crate) secret_env: Vec<String>,

    /// Override a field of the provider's preset, e.g. `--set
    /// signature_header=X-Acme-Signature`. Names: signature_header, encoding
    /// (hex|base64), prefix (sha256=, v1,, v1=), separator, signed_content (a template:
    /// {timestamp}.{body}, v0:{timestamp}:{body}, ...), timestamp_header, timestamp_key
    /// (t), timestamp_unit (seconds|milliseconds), id_header, fallback_id_header,
    /// event_header, secret_format (utf8|whsec_base64), type_field, id_field, time_field
    /// (paths such as event.type, separated by ,), time_unit, data_field, form
    /// (none|payload|fields); an empty value removes an optional one.
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_override)]
    pub(crate) overrides: Vec<(String, String)>,
}

/// What a receiving command builds its verifier from: the key, the replay window, the
/// body limit and the clock. Numbers are taken as given and checked by the core
/// (`hookshield::options`), as every binding's are.
#[derive(clap::Args)]
pub(crate) struct VerifierArgs {
    #[command(flatten)]
    pub(crate) key: KeyArgs,

    /// The replay window in seconds, each way (a whole number, 0 or more).
    #[arg(
        long,
        allow_negative_numbers = true,
        value_name = "SECS",
        default_value_t = 300.0
    )]
    tolerance: f64,

    /// The largest body accepted, in bytes.
    #[arg(long, allow_negative_numbers = true, value_name = "BYTES", default_value_t = hookshield::DEFAULT_MAX_BODY_BYTES as f64)]
    max_body_bytes: f64,

    /// Verify as if now were this Unix time (reproduce an old delivery).
    #[arg(long, value_name = "UNIX")]
    now: Option<i64>,
}

impl VerifierArgs {
    /// The verifier these arguments describe.
    pub(crate) fn build(&self) -> Result<Verifier> {
        let mut builder = self
            .key
            .builder()?
            .tolerance(hookshield::options::tolerance(self.tolerance)?)
            .max_body_bytes(hookshield::options::max_body_bytes(self.max_body_bytes)?);
        if let Some(now) = self.now {
            builder = builder.clock(move || now);
        }
        Ok(builder.build()?)
    }
}

impl KeyArgs {
    /// `provider` with no secret and no override yet.
    pub(crate) fn new(provider: Provider) -> KeyArgs {
        KeyArgs {
            provider,
            secret: Vec::new(),
            secret_env: Vec::new(),
            overrides: Vec::new(),
        }
    }

    /// Every secret given, `--secret` first, then each `--secret-env`.
    pub(crate) fn secrets(&self) -> Result<Vec<Secret>> {
        let mut secrets: Vec<Secret> = self.secret.iter().map(Secret::from).collect();
        for name in &self.secret_env {
            match std::env::var(name) {
                Ok(value) => secrets.push(Secret::from(value)),
                // The variable's name only: its value is the secret.
                Err(std::env::VarError::NotPresent) => {
                    return Err(Failure::Usage(format!(
                        "environment variable `{name}` (from --secret-env) is not set"
                    )))
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(Failure::Usage(format!(
                        "environment variable `{name}` (from --secret-env) is not UTF-8"
                    )))
                }
            }
        }
        Ok(secrets)
    }

    /// The one secret `sign`/`send` sign with (the first given).
    pub(crate) fn signing_secret(&self) -> Result<Secret> {
        self.secrets()?.into_iter().next().ok_or_else(|| {
            Failure::Core(hookshield::Error::NoSecret {
                reason: "pass --secret or --secret-env".into(),
            })
        })
    }

    /// A verifier builder with the provider, every secret and every override.
    pub(crate) fn builder(&self) -> Result<VerifierBuilder> {
        let mut builder = Verifier::builder(self.provider).secrets(self.secrets()?);
        for (name, value) in &self.overrides {
            builder = builder.set(name, value)?;
        }
        Ok(builder)
    }

    /// The scheme in force: the preset with the overrides applied.
    pub(crate) fn scheme(&self) -> Result<Scheme> {
        let mut builder = Verifier::builder(self.provider)
            // The scheme does not depend on the secret; a placeholder lets `build`
            // validate the overrides without requiring one.
            .secret(b"placeholder".as_slice());
        for (name, value) in &self.overrides {
            builder = builder.set(name, value)?;
        }
        Ok(builder.build()?.scheme().clone())
    }
}

/// Reads a body from a file, or from standard input for `-`.
pub(crate) fn read_body(path: &Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        if std::io::stdin().is_terminal() {
            return Err(Failure::Usage(
                "no body: pass --body FILE, or pipe the body on standard input".into(),
            ));
        }
        let mut body = Vec::new();
        std::io::stdin()
            .read_to_end(&mut body)
            .map_err(|e| Failure::Usage(format!("cannot read the body from stdin: {e}")))?;
        return Ok(body);
    }
    fs::read(path).map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))
}

/// The sample body of `event_type`, stamped now, or a usage error listing the
/// provider's samples.
pub(crate) fn sample_body(provider: Provider, event_type: &str) -> Result<String> {
    hookshield::sample(provider, event_type).ok_or_else(|| {
        let types = hookshield::sample_types(provider);
        Failure::Usage(if types.is_empty() {
            format!("{provider} has no sample events; sign your own with --body FILE")
        } else {
            format!(
                "{provider} has no sample event {event_type:?}; samples: {}",
                types.join(", ")
            )
        })
    })
}

/// What to put in a provider's event-type header for a sample type: GitHub's
/// `X-GitHub-Event` is the part before the action (`issues` for `issues.opened`).
pub(crate) fn event_header_value(provider: Provider, event_type: &str) -> String {
    match provider {
        Provider::GitHub => event_type
            .split_once('.')
            .map_or(event_type, |(event, _)| event)
            .to_owned(),
        _ => event_type.to_owned(),
    }
}

/// Unix seconds now.
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
