//! Real `ward serve` processes for the server tests: a temporary data folder, a free loopback
//! port, a bounded wait for `/healthz`, and a minimal blocking HTTP/1.1 client. Every process
//! is killed when its [`Server`] drops, so a failing test leaks nothing.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The API key every test server is started with.
pub const API_KEY: &str = "sk_test_servertests0123456789";

/// How long a server may take to answer `/healthz`: the first start of a debug build compiles
/// the component (unoptimised Cranelift, tens of seconds) before it caches the code.
const STARTUP: Duration = Duration::from_secs(180);

/// A folder under the system temporary directory, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new empty folder named after `tag`.
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "ward-{tag}-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).expect("create temporary folder");
        TempDir(path)
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `ward serve`.
pub struct Server {
    child: Option<Child>,
    /// Where it listens.
    pub addr: SocketAddr,
    log: PathBuf,
}

/// A free loopback port (bound, read and released: another process could take it in between,
/// which is unlikely enough for tests).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("bind a free port").port()
}

impl Server {
    /// Starts `ward serve` on `data_dir` with the test API key and `extra` flags, and waits for
    /// `/healthz`; panics with the server's stderr if it never comes up.
    pub fn start(data_dir: &Path, extra: &[&str]) -> Server {
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().expect("address");
        static N: AtomicU32 = AtomicU32::new(0);
        let log = data_dir.with_extension(format!("stderr-{}.log", N.fetch_add(1, Ordering::Relaxed)));
        let stderr = File::create(&log).expect("create the server log");
        let child = Command::new(env!("CARGO_BIN_EXE_ward"))
            .arg("serve")
            .args(["--listen", &addr.to_string()])
            .arg("--data-dir")
            .arg(data_dir)
            .args(["--api-key", API_KEY])
            .args(extra)
            .env_remove("WARD_REDIS_URL")
            .env_remove("WARD_CONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("spawn ward serve");
        let mut server = Server { child: Some(child), addr, log };
        server.wait_healthy();
        server
    }

    fn wait_healthy(&mut self) {
        let deadline = Instant::now() + STARTUP;
        while Instant::now() < deadline {
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!("ward serve exited with {status} before answering /healthz:\n{}", self.stderr());
            }
            if let Ok(r) = request(self.addr, "GET", "/healthz", &[], b"")
                && r.status == 200
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("ward serve did not answer /healthz within {STARTUP:?}:\n{}", self.stderr());
    }

    /// What the server wrote on stderr so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// SIGKILL: the process dies mid-whatever, as in a power cut of the process.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGTERM, then waits up to `limit` for the exit; `None` if it did not exit in time (the
    /// process is then killed).
    pub fn terminate(&mut self, limit: Duration) -> Option<ExitStatus> {
        let mut child = self.child.take()?;
        let sent = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM failed");
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        None
    }

    /// A request with the test API key.
    pub fn call(&self, method: &str, path: &str, body: &str) -> Response {
        self.call_with(method, path, &[("Authorization", &format!("Bearer {API_KEY}"))], body.as_bytes())
    }

    /// A request with exactly these headers (no authorisation added).
    pub fn call_with(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
        request(self.addr, method, path, headers, body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}\nserver stderr:\n{}", self.stderr()))
    }

    /// Creates a charge; the response (200 or 402).
    pub fn charge(&self, body: &str) -> Response {
        self.call("POST", "/v1/charges", body)
    }

    /// The ids of a list answer (asserting it is a 200).
    pub fn list_ids(&self, path: &str) -> Vec<String> {
        let page = self.call("GET", path, "");
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        let data = page.json()["data"].as_array().cloned().unwrap_or_default();
        data.iter().map(|o| o["id"].as_str().unwrap_or("").to_owned()).collect()
    }

    /// Asserts a request is refused with a 400 naming `param`.
    pub fn assert_refused(&self, method: &str, path: &str, body: &str, param: &str) {
        let bad = self.call(method, path, body);
        assert_eq!(bad.status, 400, "{method} {path} {body}: {}", bad.body);
        assert_eq!(bad.json()["error"]["param"], param, "{method} {path} {body}: {}", bad.body);
    }

    /// Creates a charge with an `Idempotency-Key`.
    pub fn charge_with_key(&self, key: &str, body: &str) -> Response {
        let auth = format!("Bearer {API_KEY}");
        self.call_with("POST", "/v1/charges", &[("Authorization", &auth), ("Idempotency-Key", key)], body.as_bytes())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// Body as text.
    pub body: String,
}

impl Response {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The charge id of a charge answer: `id` of a 200, `error.charge` of a 402.
    pub fn charge_id(&self) -> Option<String> {
        let v = self.json();
        match self.status {
            200 => v["id"].as_str().map(str::to_owned),
            402 => v["error"]["charge"].as_str().map(str::to_owned),
            _ => None,
        }
    }
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`). A body is sent as a form
/// unless `headers` names a content type. Write errors are ignored when an answer still
/// arrives (a server may answer 413 and close before reading the whole body).
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    stream.set_write_timeout(Some(Duration::from_secs(60)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) && !body.is_empty() {
        head.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut raw = head.into_bytes();
    raw.extend_from_slice(body);
    let written = stream.write_all(&raw);
    let mut buf = Vec::new();
    let read = stream.read_to_end(&mut buf);
    if buf.is_empty() {
        written?;
        read?;
    }
    parse(&buf).ok_or_else(|| std::io::Error::other(format!("malformed answer: {:?}", String::from_utf8_lossy(&buf))))
}

fn parse(raw: &[u8]) -> Option<Response> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked")) {
        body = dechunk(&body)?;
    } else if let Some(n) = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()) {
        body.truncate(n);
    }
    Some(Response { status, headers, body: String::from_utf8_lossy(&body).into_owned() })
}

fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = raw.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(std::str::from_utf8(&raw[..eol]).ok()?.split(';').next()?.trim(), 16).ok()?;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(raw.get(eol + 2..eol + 2 + size)?);
        raw = raw.get(eol + 4 + size..)?;
    }
}
