//! `hookshield listen` against hostile and unusual requests, over raw HTTP/1.1 on
//! 127.0.0.1: every read is bounded, every request is answered, and a slow sender holds
//! up no one else.

mod common;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use common::{read_reply, request, run, secret_for, signed, temp_file, text, Listen};

/// A connection to the receiver.
fn connect(listen: &Listen) -> TcpStream {
    common::connect(&listen.url)
}

/// Reads the answer up to the end of the connection: its status and JSON body (`null`
/// when empty), which is always sent as JSON.
fn read_answer(stream: &mut TcpStream) -> (u16, Value) {
    let reply = read_reply(stream);
    if !reply.body.is_empty() {
        assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    }
    let body = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
    (reply.status, body)
}

/// POSTs one request and reads its answer.
fn post(listen: &Listen, headers: &[(&str, &[u8])], body: &[u8]) -> (u16, Value) {
    let mut stream = connect(listen);
    stream.write_all(&request(headers, body)).unwrap();
    read_answer(&mut stream)
}

/// The headers as `post` takes them.
fn borrowed(headers: &[(String, String)]) -> Vec<(&str, &[u8])> {
    headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_bytes()))
        .collect()
}

/// The first `count` lines the receiver printed, as JSON.
fn printed(listen: Listen, count: usize) -> Vec<Value> {
    listen
        .stop_after(count)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// The printed line whose error has this code.
fn line_with_code<'a>(lines: &'a [Value], code: &str) -> &'a Value {
    lines
        .iter()
        .find(|line| line["error"]["code"] == code)
        .unwrap_or_else(|| panic!("no {code} line in {lines:?}"))
}

#[test]
fn a_stalled_upload_or_head_holds_up_no_other_delivery() {
    let listen = Listen::start(
        "sentinel",
        &["--json", "--header-timeout", "3", "--body-timeout", "3"],
    );
    let (headers, body) = signed("sentinel", "document.completed", &[]);
    // Headers in, part of the body, then nothing.
    let mut stalled_body = connect(&listen);
    stalled_body
        .write_all(b"POST /hooks HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"part")
        .unwrap();
    // Part of a request head, then nothing.
    let mut stalled_head = connect(&listen);
    stalled_head
        .write_all(b"POST /hooks HTTP/1.1\r\nHost: x\r\nX-Sentinel-Sig")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));

    let started = Instant::now();
    let (status, answer) = post(&listen, &borrowed(&headers), body.as_bytes());
    assert_eq!((status, &answer["outcome"]), (200, &json!("processed")));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    // The stalled upload is answered once its time is up...
    let (status, answer) = read_answer(&mut stalled_body);
    assert_eq!(status, 408, "{answer}");
    assert_eq!(answer["outcome"], "rejected");
    assert_eq!(answer["error"]["code"], "request_timeout");
    // ...and the stalled head, which is no request yet, is closed.
    let mut rest = Vec::new();
    assert_eq!(stalled_head.read_to_end(&mut rest).unwrap(), 0);
    assert!(started.elapsed() < Duration::from_secs(6));

    let lines = printed(listen, 3);
    let timed_out = line_with_code(&lines, "request_timeout");
    assert_eq!(timed_out["status"], 408);
    assert_eq!(timed_out["provider"], "sentinel");
    let late_head = line_with_code(&lines, "header_timeout");
    assert_eq!(
        late_head["status"],
        Value::Null,
        "nothing could be answered"
    );
    assert_eq!(late_head["outcome"], "rejected");
}

#[test]
fn a_header_line_over_the_limit_is_answered_431() {
    let listen = Listen::start("sentinel", &["--json"]);
    let mut stream = connect(&listen);
    let pad = vec![b'a'; 64 * 1024 + 1];
    // The receiver may answer and close before it has all of this.
    let _ = stream.write_all(&request(&[("X-Pad", &pad)], b"{}"));
    let (status, _) = read_answer(&mut stream);
    assert_eq!(status, 431);

    let lines = printed(listen, 1);
    let line = line_with_code(&lines, "header_too_large");
    assert_eq!(line["status"], 431);
    assert_eq!(line["provider"], "sentinel");
}

#[test]
fn header_values_that_are_not_ascii_are_answered() {
    let listen = Listen::start("sentinel", &["--json"]);
    let (headers, body) = signed("sentinel", "document.completed", &[]);
    // A header the core does not read: the delivery goes through.
    let mut with_note = borrowed(&headers);
    with_note.push(("X-Note", b"caf\xc3\xa9 \xff\x80"));
    let (status, answer) = post(&listen, &with_note, body.as_bytes());
    assert_eq!((status, &answer["outcome"]), (200, &json!("processed")));

    // The signature header itself: the core decides.
    let mut bad_signature = borrowed(&headers);
    for (name, value) in &mut bad_signature {
        if name.eq_ignore_ascii_case("X-Sentinel-Signature") {
            *value = b"sha256=\xff\xfe\xc3\xa9";
        }
    }
    let (status, answer) = post(&listen, &bad_signature, body.as_bytes());
    assert_eq!(status, 401, "{answer}");
    let code = answer["error"]["code"].as_str().unwrap().to_owned();

    let lines = printed(listen, 2);
    assert_eq!(line_with_code(&lines, &code)["status"], 401);
}

#[test]
fn a_declared_body_over_the_limit_is_answered_413_unread() {
    let listen = Listen::start("sentinel", &["--json"]);
    let mut stream = connect(&listen);
    // The headers of a 50 MiB delivery, and none of its body.
    stream
        .write_all(b"POST /hooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\n\r\n")
        .unwrap();
    let (status, answer) = read_answer(&mut stream);
    assert_eq!(status, 413);
    assert_eq!(answer["error"]["code"], "body_too_large");

    let lines = printed(listen, 1);
    let line = line_with_code(&lines, "body_too_large");
    assert_eq!(
        (&line["status"], &line["provider"]),
        (&json!(413), &json!("sentinel"))
    );
}

#[test]
fn a_chunked_body_over_the_limit_is_stopped_and_answered_413() {
    const LIMIT: usize = 100_000;
    const CHUNK: usize = 16 * 1024;
    let listen = Listen::start(
        "sentinel",
        &["--json", "--max-body-bytes", &LIMIT.to_string()],
    );
    let mut stream = connect(&listen);
    let mut writer = stream.try_clone().unwrap();
    // 4 MiB in 16 KiB chunks, until the receiver stops taking them.
    let sender = std::thread::spawn(move || {
        let head = b"POST /hooks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        writer.write_all(head)?;
        let chunk = [
            format!("{CHUNK:x}\r\n").into_bytes(),
            vec![b' '; CHUNK],
            b"\r\n".to_vec(),
        ]
        .concat();
        for _ in 0..256 {
            writer.write_all(&chunk)?;
        }
        writer.write_all(b"0\r\n\r\n")
    });
    let (status, answer) = read_answer(&mut stream);
    assert_eq!(status, 413, "{answer}");
    assert_eq!(answer["error"]["code"], "body_too_large");
    let _ = sender.join();

    // It stopped at the first chunk past the limit.
    let lines = printed(listen, 1);
    let message = line_with_code(&lines, "body_too_large")["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    let read: usize = message
        .split_whitespace()
        .find_map(|word| word.parse().ok())
        .unwrap_or_else(|| panic!("no size in {message:?}"));
    assert!(read > LIMIT && read <= LIMIT + CHUNK, "{message}");
}

#[test]
fn an_authentic_payload_that_drifted_from_the_documented_shape_is_processed() {
    let listen = Listen::start("sentinel", &["--json"]);
    let (_, body) = signed("sentinel", "document.completed", &[]);
    let mut drifted: Value = serde_json::from_str(&body).unwrap();
    drifted["data"]["pages"] = json!("4");
    let drifted = serde_json::to_string(&drifted).unwrap();
    let file = temp_file("drifted.json", drifted.as_bytes());
    let out = run(&[
        "sign",
        "-p",
        "sentinel",
        "-s",
        secret_for("sentinel"),
        "--body",
        file.to_str().unwrap(),
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let signed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let headers: Vec<(String, String)> = signed["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();

    let (status, answer) = post(&listen, &borrowed(&headers), drifted.as_bytes());
    assert_eq!(
        (status, &answer["outcome"]),
        (200, &json!("processed")),
        "{answer}"
    );
    let lines = printed(listen, 1);
    let event = &lines[0]["event"];
    assert_eq!(event["type"], "document.completed");
    assert_eq!(event["untyped_reason"], "data_mismatch");
    assert_eq!(event["data"]["pages"], "4");
}

#[test]
fn a_bad_and_a_good_signature_header_are_accepted_together() {
    let listen = Listen::start("sentinel", &["--json"]);
    let (headers, body) = signed("sentinel", "document.completed", &[]);
    let bad = format!("sha256={}", "0".repeat(64));
    let mut twice: Vec<(&str, &[u8])> = vec![("X-Sentinel-Signature", bad.as_bytes())];
    twice.extend(borrowed(&headers));
    let (status, answer) = post(&listen, &twice, body.as_bytes());
    assert_eq!(
        (status, &answer["outcome"]),
        (200, &json!("processed")),
        "{answer}"
    );
    // Sent again: the default memory store knows it.
    let (status, answer) = post(&listen, &twice, body.as_bytes());
    assert_eq!(
        (status, &answer["outcome"]),
        (200, &json!("duplicate")),
        "{answer}"
    );
}
