//! How results are printed: the event as JSON, colours on a terminal, shell quoting.

use std::fmt;
use std::io::{IsTerminal as _, Write as _};

use hookshield::{Event, UntypedReason};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// `println!` that ends the process quietly when standard output is closed (as in
/// `hookshield send ... | head`), instead of panicking.
macro_rules! outln {
    () => {
        $crate::output::write_stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use outln;

/// Writes to standard output; a closed pipe ends the process with 141, as SIGPIPE
/// would.
pub(crate) fn write_stdout(args: fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(error) = out.write_fmt(args).and_then(|()| out.flush()) {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(141);
        }
        eprintln!("error: cannot write to standard output: {error}");
        std::process::exit(2);
    }
}

/// The verified event as the CLI prints it: `provider`, `type`, `family`, `id`,
/// `timestamp` (RFC 3339, or null), `idempotency_key`, `untyped_reason` and
/// `untyped_detail` (why the data is not typed, or null), `data`.
pub(crate) fn event_json(event: &Event) -> Value {
    json!({
        "provider": event.provider().as_str(),
        "type": event.event_type(),
        "family": event.family(),
        "id": event.id(),
        "timestamp": event.timestamp().map(rfc3339),
        "idempotency_key": event.idempotency_key(),
        "untyped_reason": event.untyped_reason().map(UntypedReason::as_str),
        "untyped_detail": event.untyped_detail(),
        "data": event.raw_data(),
    })
}

/// A time as RFC 3339.
pub(crate) fn rfc3339(time: OffsetDateTime) -> String {
    time.format(&Rfc3339)
        .unwrap_or_else(|_| time.unix_timestamp().to_string())
}

/// A time in Unix milliseconds as RFC 3339 (UTC, to the millisecond).
pub(crate) fn rfc3339_ms(unix_ms: i64) -> String {
    let nanos = i128::from(unix_ms) * 1_000_000;
    OffsetDateTime::from_unix_timestamp_nanos(nanos).map_or_else(|_| unix_ms.to_string(), rfc3339)
}

/// ANSI colours, on only when the stream is a terminal and `NO_COLOR` is unset.
#[derive(Clone, Copy)]
pub(crate) struct Style {
    on: bool,
}

impl Style {
    /// Colours for standard output.
    pub(crate) fn stdout() -> Self {
        Style {
            on: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    pub(crate) fn green(self, text: &str) -> String {
        self.paint("32", text)
    }

    pub(crate) fn yellow(self, text: &str) -> String {
        self.paint("33", text)
    }

    pub(crate) fn red(self, text: &str) -> String {
        self.paint("31", text)
    }

    pub(crate) fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    pub(crate) fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Pads `text` to `width` columns, then paints it (so colour codes do not break
    /// the alignment).
    pub(crate) fn pad(self, text: &str, width: usize, paint: fn(Self, &str) -> String) -> String {
        let padding = width.saturating_sub(text.chars().count());
        format!("{}{}", paint(self, text), " ".repeat(padding))
    }
}

/// Quotes a word for a POSIX shell.
pub(crate) fn shell_quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c))
    {
        return word.to_owned();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn shell_quoting() {
        assert_eq!(
            shell_quote("http://127.0.0.1:8080/hooks"),
            "http://127.0.0.1:8080/hooks"
        );
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
