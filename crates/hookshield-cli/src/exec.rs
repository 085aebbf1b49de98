//! `listen --exec CMD` and `inbox worker --exec CMD`: a handler that runs a shell command
//! for each event.

use std::io::Write as _;
use std::process::{Command, Stdio};

use hookshield::Event;

use crate::output::event_json;

/// Runs `command` through the shell (`sh -c`, `cmd /C` on Windows) with the event as one
/// JSON line on its standard input (as `verify --compact` prints it) and
/// `HOOKSHIELD_PROVIDER`, `HOOKSHIELD_EVENT_TYPE` and `HOOKSHIELD_IDEMPOTENCY_KEY` in its
/// environment. Its output goes to standard error, away from the caller's own lines.
/// Exit 0 is success; anything else is the handler's failure, described for the log.
///
/// `attempt` is a worker's (`inbox worker`): it is `HOOKSHIELD_ATTEMPT`, and the command
/// runs in its own process group on Unix, so that the Ctrl-C that stops the worker
/// gracefully does not kill the command it lets finish.
pub(crate) fn run(command: &str, event: &Event, attempt: Option<u32>) -> Result<(), String> {
    let mut shell = if cfg!(windows) {
        let mut shell = Command::new("cmd");
        shell.arg("/C");
        shell
    } else {
        let mut shell = Command::new("sh");
        shell.arg("-c");
        shell
    };
    if let Some(attempt) = attempt {
        shell.env("HOOKSHIELD_ATTEMPT", attempt.to_string());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut shell, 0);
    }
    let mut child = shell
        .arg(command)
        .env("HOOKSHIELD_PROVIDER", event.provider().as_str())
        .env("HOOKSHIELD_EVENT_TYPE", event.event_type())
        .env("HOOKSHIELD_IDEMPOTENCY_KEY", event.idempotency_key())
        .stdin(Stdio::piped())
        .stdout(std::io::stderr())
        .spawn()
        .map_err(|error| format!("cannot run the --exec command: {error}"))?;
    let mut input = event_json(event).to_string().into_bytes();
    input.push(b'\n');
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // Written from another thread, so that a command that does not read its input
    // cannot block the wait below; one that exits without reading it closes the pipe,
    // and the write fails, which is no failure of the command.
    std::thread::spawn(move || stdin.write_all(&input));
    let status = child
        .wait()
        .map_err(|error| format!("the --exec command could not be waited for: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the --exec command failed ({status})"))
    }
}
