//! A real `redis-server` for a test: its own free loopback port and folder, no persistence,
//! stopped when dropped.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::server::TempDir;

/// A `redis-server` of this test alone, stopped when dropped.
pub struct RedisServer {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Whether it keeps an append-only file (in its folder) across restarts.
    persistent: bool,
    dir: TempDir,
}

impl RedisServer {
    /// Starts one without persistence on a free loopback port and waits for PING.
    pub fn start() -> RedisServer {
        RedisServer::start_on_free_port(false)
    }

    /// Starts one that writes every change to an append-only file, so that it comes back
    /// from [`RedisServer::restart`] with its data.
    pub fn start_persistent() -> RedisServer {
        RedisServer::start_on_free_port(true)
    }

    fn start_on_free_port(persistent: bool) -> RedisServer {
        // Another process may take the free port between our probe and the server's bind: the
        // server then exits, and we try again with a new port.
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
            let dir = TempDir::new("redis");
            let child = spawn(port, persistent, &dir);
            let mut server = RedisServer { child, port, persistent, dir };
            if server.wait_ready() {
                return server;
            }
        }
        panic!("redis-server did not answer PING on any of 5 ports");
    }

    /// Stops it (SIGKILL): clients see their connections drop and new ones refused.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts it again on the same port and folder, and waits for PING.
    pub fn restart(&mut self) {
        self.stop();
        self.child = spawn(self.port, self.persistent, &self.dir);
        assert!(self.wait_ready(), "redis-server did not come back on port {}", self.port);
    }

    /// Whether the server answers PING within ten seconds (false if it exited).
    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return false;
            }
            if let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) {
                let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
                let mut buf = [0u8; 16];
                if s.write_all(b"PING\r\n").is_ok()
                    && matches!(s.read(&mut buf), Ok(n) if buf[..n].starts_with(b"+PONG"))
                {
                    return true;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Its `redis://` URL.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }
}

/// Spawns `redis-server` on `port` in `dir`; with `persistent`, every write goes to an
/// append-only file there before it is answered.
fn spawn(port: u16, persistent: bool, dir: &TempDir) -> Child {
    let aof: &[&str] =
        if persistent { &["--appendonly", "yes", "--appendfsync", "always"] } else { &["--appendonly", "no"] };
    let child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", ""])
        .args(aof)
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "redis-server is not installed; the store tests need it (apt-get install -y redis-server, \
             as tests/run.sh does)"
        ),
        Err(e) => panic!("cannot start redis-server: {e}"),
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
