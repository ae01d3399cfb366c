//! A latency histogram in Prometheus' shape, shared by the server's metrics and the store's
//! commit timings. Lock-free: observing is a few relaxed atomic adds.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bucket bounds, seconds: fine below 2 ms, where the server should live.
const BOUNDS: [f64; 14] =
    [0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.01, 0.025, 0.1, 0.5, 2.5];

/// One latency histogram.
#[derive(Default)]
pub struct Histogram {
    buckets: [AtomicU64; BOUNDS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    /// Counts one observation of `seconds`.
    pub fn observe(&self, seconds: f64) {
        if let Some(i) = BOUNDS.iter().position(|b| seconds <= *b) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    /// Observations so far.
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// Sum of the observations so far, seconds.
    pub fn sum(&self) -> f64 {
        self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
    }

    /// Appends the histogram's `_bucket`, `_sum` and `_count` lines (`labels` without braces,
    /// possibly empty).
    pub fn write(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        let mut cumulative = 0;
        for (b, n) in BOUNDS.iter().zip(&self.buckets) {
            cumulative += n.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{b}\"}} {cumulative}");
        }
        let count = self.count();
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "{name}_sum{{{labels}}} {}", self.sum());
        let _ = writeln!(out, "{name}_count{{{labels}}} {count}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_the_sum_is_kept() {
        let h = Histogram::default();
        for s in [0.00005, 0.0004, 0.0004, 0.004, 9.0] {
            h.observe(s);
        }
        let mut out = String::new();
        h.write(&mut out, "x_seconds", "");
        assert!(out.contains("x_seconds_bucket{le=\"0.0001\"} 1\n"), "{out}");
        assert!(out.contains("x_seconds_bucket{le=\"0.0005\"} 3\n"), "{out}");
        assert!(out.contains("x_seconds_bucket{le=\"0.005\"} 4\n"), "{out}");
        assert!(out.contains("x_seconds_bucket{le=\"2.5\"} 4\n"), "{out}");
        assert!(out.contains("x_seconds_bucket{le=\"+Inf\"} 5\n"), "{out}");
        assert!(out.contains("x_seconds_count{} 5\n"), "{out}");
        assert!(out.contains("x_seconds_sum{} 9.00485\n"), "{out}");
        let mut labelled = String::new();
        h.write(&mut labelled, "x_seconds", "route=\"/a\"");
        assert!(labelled.contains("x_seconds_bucket{route=\"/a\",le=\"+Inf\"} 5\n"), "{labelled}");
    }
}
