//! The `hookshield` binary, run as a user runs it: as a process, over real HTTP on
//! 127.0.0.1.

mod common;

use std::process::Command;

use serde_json::{json, Value};

use common::{
    hookshield, run, run_with_stdin, sample_types, secret_for, signed, temp_file, text, Listen,
    SECRET,
};

const PRESETS: [&str; 12] = [
    "sentinel",
    "docintell",
    "sentrasa",
    "kyc",
    "sensei",
    "github",
    "standard",
    "stripe",
    "svix",
    "slack",
    "shopify",
    "paddle",
];

fn header_args(headers: &[(String, String)]) -> Vec<String> {
    headers
        .iter()
        .flat_map(|(k, v)| ["-H".to_owned(), format!("{k}: {v}")])
        .collect()
}

#[test]
fn every_subcommand_has_help() {
    for sub in [
        "verify",
        "sign",
        "send",
        "listen",
        "inbox",
        "inbox worker",
        "inbox stats",
        "inbox dead",
        "inbox replay",
        "demo",
    ] {
        let mut args: Vec<&str> = sub.split(' ').collect();
        args.push("--help");
        let out = run(&args);
        assert!(out.status.success(), "{sub} --help failed");
        let help = text(&out.stdout);
        assert!(help.contains(&format!("Usage: hookshield {sub}")), "{help}");
    }
    let out = run(&["--help"]);
    assert!(out.status.success());
    for sub in ["verify", "sign", "send", "listen", "inbox", "demo"] {
        assert!(text(&out.stdout).contains(sub));
    }
}

#[test]
fn sign_then_verify_every_sample_of_every_provider() {
    let mut checked = 0;
    for provider in PRESETS {
        let types = sample_types(provider);
        assert!(!types.is_empty(), "{provider} has samples");
        for event in &types {
            let (headers, body) = signed(provider, event, &[]);
            assert!(!body.is_empty());
            let mut args: Vec<String> = ["verify", "-p", provider, "-s", secret_for(provider)]
                .map(str::to_owned)
                .to_vec();
            args.extend(header_args(&headers));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = run_with_stdin(&args, body.as_bytes());
            assert!(
                out.status.success(),
                "{provider} {event}: {}",
                text(&out.stderr)
            );
            let event_json: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(event_json["provider"], *provider);
            assert_eq!(event_json["type"], *event.as_str(), "{provider}");
            for field in ["family", "idempotency_key"] {
                assert!(
                    event_json[field].as_str().is_some_and(|s| !s.is_empty()),
                    "{provider} {event}: {field}"
                );
            }
            assert!(event_json.get("id").is_some() && event_json.get("timestamp").is_some());
            // `data` is the envelope's data (GitHub, Slack, Shopify: the whole body).
            let sent: Value = serde_json::from_str(&body).unwrap();
            let expected = if matches!(provider, "github" | "slack" | "shopify") {
                &sent
            } else {
                &sent["data"]
            };
            assert_eq!(&event_json["data"], expected, "{provider} {event}");
            checked += 1;
        }
    }
    assert!(checked >= 46, "checked {checked} samples");
}

#[test]
fn the_scheme_language_through_set() {
    // A structured header (`t=<ms>;v1=<hex>`), a template with literal text and body
    // fields by path, all by `--set`.
    let body = br#"{"event":{"kind":"order.paid","uid":"u-1"}}"#;
    let file = temp_file("structured.json", body);
    let file = file.to_str().unwrap();
    let overrides = [
        "--set",
        "signature_header=Acme-Signature",
        "--set",
        "prefix=v1=",
        "--set",
        "separator=;",
        "--set",
        "timestamp_key=t",
        "--set",
        "timestamp_unit=milliseconds",
        "--set",
        "signed_content=acme:{timestamp}:{body}",
        "--set",
        "type_field=event.kind",
        "--set",
        "id_field=event.uid",
    ];
    let mut args = vec!["sign", "-p", "custom", "-s", SECRET, "--body", file];
    args.extend_from_slice(&overrides);
    let out = run(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let signature = stdout
        .lines()
        .find_map(|line| line.strip_prefix("Acme-Signature: "))
        .unwrap_or_else(|| panic!("no combined header in {stdout}"));
    let (timestamp, tag) = signature.split_once(";v1=").unwrap();
    assert!(
        timestamp.starts_with("t=") && timestamp.len() == 2 + 13,
        "{signature}"
    );
    assert_eq!(tag.len(), 64);

    let mut verify = vec!["verify", "-p", "custom", "-s", SECRET, "--body", file];
    verify.extend_from_slice(&overrides);
    let headers: Vec<&str> = stdout.lines().filter(|l| !l.is_empty()).collect();
    for header in &headers {
        verify.extend_from_slice(&["-H", header]);
    }
    let out = run(&verify);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let event: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (&event["type"], &event["id"]),
        (&json!("order.paid"), &json!("u-1"))
    );
}

#[test]
fn sign_prints_headers_and_body_but_never_the_secret() {
    for provider in PRESETS {
        let event = &sample_types(provider)[0];
        let out = run(&[
            "sign",
            "-p",
            provider,
            "-s",
            secret_for(provider),
            "--event",
            event,
        ]);
        assert!(out.status.success());
        let stdout = text(&out.stdout);
        assert!(stdout.contains("Content-Type: application/json"));
        // The sample body follows the headers (GitHub and Shopify name the event in a
        // header only).
        assert!(
            matches!(provider, "github" | "shopify") || stdout.contains(&format!("\"{event}\"")),
            "{stdout}"
        );
        assert!(
            !stdout.contains(secret_for(provider)),
            "{provider} printed its secret"
        );
        assert!(!stdout.contains(&secret_for(provider)["whsec_".len()..]));
    }
}

#[test]
fn sign_body_file_and_custom_overrides_round_trip() {
    let body = br#"{"type":"order.shipped","id":"ord_1","data":{"order_id":"o_1"}}"#;
    let file = temp_file("custom.json", body);
    let file = file.to_str().unwrap();
    let overrides = [
        "--set",
        "signature_header=X-Acme-Signature",
        "--set",
        "encoding=base64",
        "--set",
        "prefix=",
        "--set",
        "signed_content={timestamp}.{body}",
        "--set",
        "timestamp_header=X-Acme-Timestamp",
    ];
    let mut args = vec!["sign", "-p", "custom", "-s", SECRET, "--body", file];
    args.extend_from_slice(&overrides);
    let out = run(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("X-Acme-Signature: "), "{stdout}");
    assert!(stdout.contains("X-Acme-Timestamp: "), "{stdout}");
    // With --body, only the headers are printed.
    assert!(!stdout.contains("order.shipped"));

    let headers: Vec<&str> = stdout.lines().filter(|l| !l.is_empty()).collect();
    let mut verify = vec!["verify", "-p", "custom", "-s", SECRET, "--body", file];
    verify.extend_from_slice(&overrides);
    for header in &headers {
        verify.extend_from_slice(&["-H", header]);
    }
    let out = run(&verify);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let event: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(event["type"], "order.shipped");
    assert_eq!(event["data"]["order_id"], "o_1");

    // Without the overrides the custom preset looks for its own header.
    let mut bare = vec!["verify", "-p", "custom", "-s", SECRET, "--body", file];
    for header in &headers {
        bare.extend_from_slice(&["-H", header]);
    }
    let out = run(&bare);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("error[missing_header]: "));

    // An unknown override is a usage error.
    let out = run(&[
        "verify",
        "-p",
        "custom",
        "-s",
        SECRET,
        "--set",
        "colour=red",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown override"));
}

#[test]
fn verify_rejections_exit_1_with_the_contract_code_and_no_secret() {
    let (headers, body) = signed(
        "kyc",
        "kyc.session.completed",
        &["--timestamp", "1767225720"],
    );
    let base = |secret: &str, now: &str| -> Vec<String> {
        let mut args: Vec<String> = ["verify", "-p", "kyc", "-s", secret, "--now", now]
            .map(str::to_owned)
            .to_vec();
        args.extend(header_args(&headers));
        args
    };
    let call = |args: &[String], body: &[u8]| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_with_stdin(&args, body)
    };

    // Pinned clock: the delivery verifies at its own time...
    let out = call(&base(SECRET, "1767225720"), body.as_bytes());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let event: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(event["idempotency_key"], "evt_kyc002");
    assert_eq!(event["family"], "session");

    let cases: [(Vec<String>, Vec<u8>, &str); 5] = [
        // a wrong secret
        (
            base("whsec_wrong", "1767225720"),
            body.as_bytes().to_vec(),
            "signature_mismatch",
        ),
        // a tampered body
        (
            base(SECRET, "1767225720"),
            body.replace("completed", "failed").into_bytes(),
            "signature_mismatch",
        ),
        // an hour later
        (
            base(SECRET, "1767229320"),
            body.as_bytes().to_vec(),
            "timestamp_too_old",
        ),
        // an hour earlier
        (
            base(SECRET, "1767222120"),
            body.as_bytes().to_vec(),
            "timestamp_in_future",
        ),
        // no headers at all
        (
            ["verify", "-p", "kyc", "-s", SECRET]
                .map(str::to_owned)
                .to_vec(),
            body.as_bytes().to_vec(),
            "missing_header",
        ),
    ];
    for (args, body, code) in cases {
        let out = call(&args, &body);
        assert_eq!(out.status.code(), Some(1), "{code}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with(&format!("error[{code}]: ")),
            "{code}: {stderr}"
        );
        assert!(out.stdout.is_empty());
        assert!(!stderr.contains(SECRET) && !stderr.contains("whsec_wrong"));
        // Never the expected signature either.
        let signature = &headers
            .iter()
            .find(|(k, _)| k == "X-Webhook-Signature")
            .unwrap()
            .1;
        assert!(!stderr.contains(&signature["sha256=".len()..]));
    }

    // A longer window accepts the hour-old delivery.
    let mut wide = base(SECRET, "1767229320");
    wide.extend(["--tolerance".to_owned(), "7200".to_owned()]);
    assert!(call(&wide, body.as_bytes()).status.success());
}

#[test]
fn verify_reads_secrets_from_the_environment_and_headers_from_a_file() {
    let (headers, body) = signed("docintell", "document.processing.failed", &[]);
    let mut header_text = String::from("POST /webhooks HTTP/1.1\r\n");
    for (k, v) in &headers {
        header_text += k;
        header_text += ": ";
        header_text += v;
        header_text += "\r\n";
    }
    let header_file = temp_file("docintell.headers", header_text.as_bytes());
    let body_file = temp_file("docintell.json", body.as_bytes());
    let args = [
        "verify",
        "-p",
        "docintell",
        "--secret-env",
        "HOOKSHIELD_TEST_SECRET",
        "--header-file",
        header_file.to_str().unwrap(),
        "--body",
        body_file.to_str().unwrap(),
        "--compact",
    ];
    let out = hookshield(&args)
        .env("HOOKSHIELD_TEST_SECRET", SECRET)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "--compact prints one line");
    let event: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(event["type"], "document.processing.failed");
    assert_eq!(
        event["idempotency_key"],
        "document.processing.failed:660e8400-e29b-41d4-a716-446655440001:550e8400-e29b-41d4-a716-446655440000"
    );

    // Rotation: a wrong secret first, the right one from the environment second.
    let mut rotated = vec!["verify", "-p", "docintell", "-s", "whsec_old"];
    rotated.extend_from_slice(&args[3..]);
    let out = hookshield(&rotated)
        .env("HOOKSHIELD_TEST_SECRET", SECRET)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));

    // An unset variable: a usage error naming the variable.
    let out = hookshield(&args)
        .env_remove("HOOKSHIELD_TEST_SECRET")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`HOOKSHIELD_TEST_SECRET`"));

    // No secret at all: the contract's `no_secret`, a configuration error.
    let out = run(&[
        "verify",
        "-p",
        "docintell",
        "--body",
        body_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("error[no_secret]: "));
}

#[test]
fn sign_curl_prints_a_ready_command() {
    let out = run(&[
        "sign",
        "-p",
        "github",
        "-s",
        SECRET,
        "--event",
        "issues.opened",
        "--curl",
        "http://127.0.0.1:9/hooks",
    ]);
    assert!(out.status.success());
    let command = text(&out.stdout);
    assert!(command.starts_with("curl -sS -X POST http://127.0.0.1:9/hooks"));
    assert!(command.contains("-H 'X-GitHub-Event: issues'"));
    assert!(command.contains("-H 'X-Hub-Signature-256: sha256="));
    assert!(command.contains("--data-binary '{"));
    assert!(!command.contains(SECRET));
}

#[cfg(unix)]
#[test]
fn the_curl_command_is_accepted_by_listen() {
    if Command::new("curl").arg("--version").output().is_err() {
        eprintln!("curl is not installed: skipping");
        return;
    }
    let listen = Listen::start("github", &["--json"]);
    let out = run(&[
        "sign",
        "-p",
        "github",
        "-s",
        SECRET,
        "--event",
        "issues.opened",
        "--curl",
        &listen.url,
    ]);
    assert!(out.status.success());
    let answer = Command::new("sh")
        .arg("-c")
        .arg(text(&out.stdout))
        .output()
        .unwrap();
    assert!(answer.status.success(), "{}", text(&answer.stderr));
    let answer: Value = serde_json::from_slice(&answer.stdout).unwrap();
    assert_eq!(answer["outcome"], "processed");
    let printed = listen.stop();
    let line: Value = serde_json::from_str(printed.lines().next().unwrap()).unwrap();
    assert_eq!(line["status"], 200);
    assert_eq!(line["event"]["family"], "issues");
    assert_eq!(answer["idempotency_key"], line["event"]["idempotency_key"]);
}

#[test]
fn demo_checks_every_provider_and_exits_0() {
    let out = run(&["demo"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    for provider in PRESETS {
        assert!(
            stdout.contains(provider),
            "{provider} missing from the table"
        );
    }
    assert!(stdout.contains("OK: every genuine delivery was processed exactly once"));
    assert!(stdout.contains("12 providers, 46 events"), "{stdout}");
    assert!(
        !stdout.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );

    let out = run(&["demo", "--json"]);
    assert!(out.status.success());
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["ok"], true);
    assert_eq!(summary["failed_checks"], 0);
    assert_eq!(summary["handler_runs"], summary["events"]);
    let genuine: Vec<&Value> = lines
        .iter()
        .filter(|l| l["delivery"] == "genuine")
        .collect();
    assert_eq!(genuine.len(), 46);
    assert!(genuine
        .iter()
        .all(|l| l["handler_runs"] == 1 && l["status"] == 200));
    assert!(lines
        .iter()
        .filter(|l| l["delivery"] == "forged")
        .all(|l| l["status"] == 401));

    // One provider only.
    let out = run(&["demo", "-p", "kyc"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("1 provider, 6 events"));
    // A provider without samples is a usage error.
    assert_eq!(run(&["demo", "-p", "custom"]).status.code(), Some(2));
}
