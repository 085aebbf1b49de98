//! A real `redis-server` on a free 127.0.0.1 port, killed when dropped.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` process (the Debian package `redis-server`; `.ci/run` installs it).
pub(crate) struct RedisServer {
    child: Child,
    pub(crate) port: u16,
    /// Where a durable server keeps its append-only file; `None`: persistence off.
    dir: Option<PathBuf>,
}

impl RedisServer {
    /// A server with persistence off.
    pub(crate) fn start() -> RedisServer {
        RedisServer::spawn(free_port(), None)
    }

    /// A server that writes every command to its append-only file before answering
    /// (`appendonly yes`, `appendfsync always`) in `dir`, so that a restart loses
    /// nothing it acknowledged.
    pub(crate) fn start_durable(dir: PathBuf) -> RedisServer {
        std::fs::create_dir_all(&dir).unwrap();
        RedisServer::spawn(free_port(), Some(dir))
    }

    fn spawn(port: u16, dir: Option<PathBuf>) -> RedisServer {
        let mut command = Command::new("redis-server");
        command.args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
        ]);
        match &dir {
            Some(dir) => {
                command.args(["--appendonly", "yes", "--appendfsync", "always", "--dir"]);
                command.arg(dir);
            }
            None => {
                command.args(["--appendonly", "no"]);
            }
        }
        let child = command
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server is installed (.ci/run installs it)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !answers_ping(port) {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        RedisServer { child, port, dir }
    }

    /// `redis://127.0.0.1:PORT/`.
    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Kills the server (SIGKILL: no chance to save anything more) and starts it again
    /// on the same port over the same files.
    pub(crate) fn restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        *self = RedisServer::spawn(self.port, self.dir.take());
    }
}

/// Whether the server answers `PING` with `PONG`: it accepts connections while it loads
/// its append-only file after a restart, but answers `-LOADING` until it has.
fn answers_ping(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut reply = [0_u8; 5];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut reply).is_ok()
        && &reply == b"+PONG"
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
