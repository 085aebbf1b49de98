//! Starts the receiver binary on a free port and talks to it over real HTTP: a valid
//! delivery is processed, a forged one rejected, a redelivery acknowledged as a duplicate
//! without running the handler again.
#![allow(missing_docs)]

use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};

use hookshield::{Provider, SignOptions};

const SECRET: &str = "whsec_axum_example_test";

/// The receiver process; killed when dropped, so a failing test leaves nothing behind.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> (Server, BufReader<std::process::ChildStdout>) {
    // A free port: bind to 0, note what the OS chose, let it go.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_axum-receiver"))
        .env("PORT", port.to_string())
        .env("SENTINEL_WEBHOOK_SECRET", SECRET)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the receiver starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let server = Server {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
    };
    // It prints its address once it listens.
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(
        line.contains(&format!("127.0.0.1:{port}/webhooks/sentinel")),
        "{line:?}"
    );
    (server, stdout)
}

/// Sends `head` (the request line and headers, with the blank line) and at most
/// `body`, then returns the status of the answer.
fn status_of(addr: SocketAddr, head: &str, body: &[u8]) -> u16 {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    // The receiver may answer and close before the whole body is sent.
    let _ = stream.write_all(body);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response)
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP answer: {response:?}"))
}

#[test]
fn bodies_over_the_limit_are_refused_without_being_buffered() {
    let (server, _stdout) = start();
    let addr = server.addr;
    // A declared length over the limit: refused before any byte of the body is sent.
    let declared = format!(
        "POST /webhooks/sentinel HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        50 << 20
    );
    assert_eq!(status_of(addr, &declared, b""), 413);
    // A chunked body is cut off at the limit (1 MiB by default).
    let chunk = vec![b'x'; 256 * 1024];
    let mut chunked = Vec::new();
    for _ in 0..8 {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(&chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let head = format!(
        "POST /webhooks/sentinel HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    assert_eq!(status_of(addr, &head, &chunked), 413);
}

/// POSTs `body` with `headers` and returns the status and the response body.
fn post(addr: SocketAddr, headers: &[(String, String)], body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut request = format!(
        "POST /webhooks/sentinel HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        write!(request, "{name}: {value}\r\n").unwrap();
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response: {response:?}"));
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn valid_forged_and_duplicate_deliveries_over_http() {
    let (server, stdout) = start();
    let body = hookshield::sample(Provider::Sentinel, "document.completed").unwrap();
    let body = body.as_bytes();
    let headers =
        hookshield::sign(Provider::Sentinel, SECRET, body, &SignOptions::default()).unwrap();
    let key = hookshield::Verifier::new(Provider::Sentinel, [SECRET])
        .unwrap()
        .verify(body, &headers)
        .unwrap()
        .idempotency_key()
        .to_owned();

    let (status, answer) = post(server.addr, &headers, body);
    assert_eq!(
        (status, answer.as_str()),
        (
            200,
            format!(r#"{{"outcome":"processed","idempotency_key":"{key}"}}"#).as_str()
        )
    );

    // Signed with another secret: rejected before the body is looked at.
    let forged = hookshield::sign(
        Provider::Sentinel,
        "whsec_not_the_secret",
        body,
        &SignOptions::default(),
    )
    .unwrap();
    let (status, answer) = post(server.addr, &forged, body);
    assert_eq!(
        (status, answer.as_str()),
        (
            401,
            r#"{"outcome":"rejected","error":{"code":"signature_mismatch","message":"signature mismatch: none of the 1 signature(s) in `X-Sentinel-Signature` matches any of the 1 configured secret(s)"}}"#
        )
    );

    // The same body with a valid signature but a tampered byte.
    let mut tampered = body.to_vec();
    let at = tampered.iter().position(|&b| b == b'4').unwrap();
    tampered[at] = b'5';
    let (status, answer) = post(server.addr, &headers, &tampered);
    assert_eq!(status, 401, "{answer}");

    // Sentinel's retry of the first delivery, with a fresh timestamp header.
    let retry =
        hookshield::sign(Provider::Sentinel, SECRET, body, &SignOptions::default()).unwrap();
    let (status, answer) = post(server.addr, &retry, body);
    assert_eq!(
        (status, answer.as_str()),
        (
            200,
            format!(r#"{{"outcome":"duplicate","idempotency_key":"{key}"}}"#).as_str()
        )
    );

    // Missing headers and stale deliveries get 401 too.
    let (status, _) = post(server.addr, &[], body);
    assert_eq!(status, 401);
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let stale = hookshield::sign(
        Provider::Sentinel,
        SECRET,
        body,
        &SignOptions::at(now - 600),
    )
    .unwrap();
    let (status, answer) = post(server.addr, &stale, body);
    assert_eq!(
        (status, answer.as_str()),
        (
            401,
            r#"{"outcome":"rejected","error":{"code":"timestamp_too_old","message":"timestamp too old: sent 600 s ago, tolerance is 300 s"}}"#
        )
    );

    // The handler ran exactly once.
    drop(server);
    let processed = stdout
        .lines()
        .map_while(Result::ok)
        .filter(|line| line.starts_with("processing document.completed"))
        .count();
    assert_eq!(processed, 1);
}
