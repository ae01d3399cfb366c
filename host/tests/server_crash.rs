//! Crash safety and graceful shutdown of `ward serve`, with real processes on loopback: every
//! charge the server acknowledged survives a SIGKILL, and SIGTERM exits 0 with the data kept.

mod support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use support::server::{Server, TempDir};

/// Charges posted from several threads, each on a new connection, until stopped or until the
/// server goes away; every acknowledged charge id is kept.
struct Load {
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Vec<String>>>,
    unexpected: Arc<Mutex<Vec<String>>>,
    workers: Vec<JoinHandle<()>>,
}

impl Load {
    fn start(addr: SocketAddr, threads: usize) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let acked = Arc::new(Mutex::new(Vec::new()));
        let unexpected = Arc::new(Mutex::new(Vec::new()));
        let seq = Arc::new(AtomicU64::new(0));
        let workers = (0..threads)
            .map(|t| {
                let (stop, acked, unexpected, seq) = (stop.clone(), acked.clone(), unexpected.clone(), seq.clone());
                std::thread::spawn(move || {
                    let auth = format!("Bearer {}", support::server::API_KEY);
                    // Bounded: the load stops on the flag, and each request has socket timeouts.
                    for _ in 0..100_000 {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let n = seq.fetch_add(1, Ordering::Relaxed);
                        let body = format!(
                            "amount={}&currency=usd&source=tok_visa&metadata[n]={n}&receipt_email=t{t}%40example.com",
                            1000 + n % 5000
                        );
                        let headers = [("Authorization", auth.as_str())];
                        match support::server::request(addr, "POST", "/v1/charges", &headers, body.as_bytes()) {
                            Ok(r) => match r.charge_id() {
                                Some(id) => acked.lock().unwrap().push(id),
                                // Neither a charge nor a card error while the server is up: a bug.
                                None if !stop.load(Ordering::Relaxed) => {
                                    unexpected.lock().unwrap().push(format!("{} {}", r.status, r.body));
                                }
                                None => {}
                            },
                            // The server went away: that request was never acknowledged.
                            Err(_) => break,
                        }
                    }
                })
            })
            .collect();
        Load { stop, acked, unexpected, workers }
    }

    /// Stops the threads; the acknowledged charge ids, and the unexpected answers.
    fn stop(self) -> (Vec<String>, Vec<String>) {
        self.stop.store(true, Ordering::Relaxed);
        for w in self.workers {
            w.join().expect("load thread");
        }
        let take = |v: &Mutex<Vec<String>>| std::mem::take(&mut *v.lock().unwrap());
        (take(&self.acked), take(&self.unexpected))
    }
}

#[test]
fn acknowledged_charges_survive_sigkill() {
    let dir = TempDir::new("crash");
    let data = dir.path().join("data");
    let mut server = Server::start(&data, &[]);
    let load = Load::start(server.addr, 8);
    std::thread::sleep(Duration::from_millis(1500));
    // Kill while requests are in flight, then let the workers notice.
    server.kill9();
    let (acked, unexpected) = load.stop();
    assert!(
        unexpected.is_empty(),
        "answers that were neither a charge nor a card error: {:?}",
        &unexpected[..unexpected.len().min(5)]
    );
    assert!(acked.len() > 50, "only {} charges were acknowledged before the kill; the test tests nothing", acked.len());

    eprintln!("{} charges acknowledged before SIGKILL", acked.len());
    let server = Server::start(&data, &[]);
    let mut lost = Vec::new();
    for id in &acked {
        let r = server.call("GET", &format!("/v1/charges/{id}"), "");
        if r.status != 200 || r.json()["id"] != id.as_str() {
            lost.push(format!("{id}: {} {}", r.status, r.body));
        }
    }
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged charges are gone after SIGKILL: {:?}",
        lost.len(),
        acked.len(),
        &lost[..lost.len().min(5)]
    );
}

#[test]
fn sigterm_exits_zero_and_keeps_the_data() {
    let dir = TempDir::new("term");
    let data = dir.path().join("data");
    let mut server = Server::start(&data, &[]);
    let ids: Vec<String> = (0..5)
        .map(|n| {
            let r = server.charge(&format!("amount=2000&currency=usd&source=tok_visa&metadata[n]={n}"));
            r.charge_id().unwrap_or_else(|| panic!("charge {n}: {} {}", r.status, r.body))
        })
        .collect();
    let started = Instant::now();
    let status = server.terminate(Duration::from_secs(20));
    let stderr = server.stderr();
    let status = status.unwrap_or_else(|| panic!("no exit within 20 s of SIGTERM:\n{stderr}"));
    assert!(status.success(), "exit {status} after SIGTERM (in {:?}):\n{stderr}", started.elapsed());

    let server = Server::start(&data, &[]);
    for id in &ids {
        let r = server.call("GET", &format!("/v1/charges/{id}"), "");
        assert_eq!(r.status, 200, "{id} after a clean restart: {}", r.body);
        assert_eq!(r.json()["id"], id.as_str());
    }
}

#[test]
fn sigterm_finishes_requests_in_flight() {
    let dir = TempDir::new("term-inflight");
    let data = dir.path().join("data");
    let mut server = Server::start(&data, &[]);
    let load = Load::start(server.addr, 4);
    std::thread::sleep(Duration::from_millis(700));
    let status = server.terminate(Duration::from_secs(20));
    let (acked, _) = load.stop();
    let stderr = server.stderr();
    let status = status.unwrap_or_else(|| panic!("no exit within 20 s of SIGTERM under load:\n{stderr}"));
    assert!(status.success(), "exit {status} after SIGTERM under load:\n{stderr}");
    assert!(!acked.is_empty(), "no charge was acknowledged");
    let server = Server::start(&data, &[]);
    for id in &acked {
        let r = server.call("GET", &format!("/v1/charges/{id}"), "");
        assert_eq!(r.status, 200, "{id}, acknowledged before SIGTERM: {}", r.body);
    }
}
