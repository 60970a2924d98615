//! The server's memory: `VmRSS` from `/proc/PID/status` when the server's
//! pid is given, and `process_resident_memory_bytes` from `GET /qf/metrics`
//! when the server answers it (optional: older servers have no metrics).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// `VmRSS` of a process in KiB.
pub fn vm_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_vm_rss(&status)
}

fn parse_vm_rss(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// `process_resident_memory_bytes` from Prometheus text.
pub fn parse_metrics_rss(text: &str) -> Option<u64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let mut parts = l.split_whitespace();
            let name = parts.next()?;
            (name == "process_resident_memory_bytes").then(|| parts.next())?
        })
        .and_then(|v| v.parse::<f64>().ok())
        .map(|v| v as u64)
}

/// Reads the server's memory.
#[derive(Debug, Clone)]
pub struct Probe {
    pid: Option<u32>,
    metrics_url: String,
    http: reqwest::Client,
    /// Cleared after the first failed metrics read: don't keep asking.
    metrics: Arc<AtomicBool>,
}

/// One reading, in KiB.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    /// From `/proc/PID/status` (with `--server-pid`).
    pub vm_rss_kib: Option<u64>,
    /// From `/qf/metrics`, if the server has it.
    pub metrics_rss_kib: Option<u64>,
}

impl Memory {
    /// The best reading: `/proc` first.
    pub fn kib(&self) -> Option<u64> {
        self.vm_rss_kib.or(self.metrics_rss_kib)
    }
}

impl Probe {
    pub fn new(server: &str, trust: &party_tui::tls::Trust, pid: Option<u32>) -> Self {
        Probe {
            pid,
            metrics_url: format!("{}/qf/metrics", server.trim_end_matches('/')),
            http: trust
                .http_builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap_or_default(),
            metrics: Arc::new(AtomicBool::new(true)),
        }
    }

    pub async fn read(&self) -> Memory {
        Memory {
            vm_rss_kib: self.pid.and_then(vm_rss_kib),
            metrics_rss_kib: self.metrics_rss().await.map(|b| b / 1024),
        }
    }

    async fn metrics_rss(&self) -> Option<u64> {
        if !self.metrics.load(Ordering::Relaxed) {
            return None;
        }
        let found = async {
            let resp = self.http.get(&self.metrics_url).send().await.ok()?;
            if !resp.status().is_success() {
                return None;
            }
            parse_metrics_rss(&resp.text().await.ok()?)
        }
        .await;
        if found.is_none() {
            self.metrics.store(false, Ordering::Relaxed);
        }
        found
    }

    /// Samples until `stop` is set, keeping the peaks (every 250 ms from
    /// `/proc`, every 2 s from the metrics endpoint).
    pub async fn watch_peak(&self, stop: Arc<AtomicBool>, peak: Arc<Peak>) {
        let mut tick = 0u64;
        while !stop.load(Ordering::Relaxed) {
            if let Some(kib) = self.pid.and_then(vm_rss_kib) {
                peak.vm.fetch_max(kib, Ordering::Relaxed);
            }
            if tick.is_multiple_of(8)
                && let Some(bytes) = self.metrics_rss().await
            {
                peak.metrics.fetch_max(bytes / 1024, Ordering::Relaxed);
            }
            tick += 1;
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

/// Peak readings, in KiB (0: none).
#[derive(Debug, Default)]
pub struct Peak {
    pub vm: AtomicU64,
    pub metrics: AtomicU64,
}

impl Peak {
    pub fn memory(&self) -> Memory {
        let some = |v: u64| (v > 0).then_some(v);
        Memory {
            vm_rss_kib: some(self.vm.load(Ordering::Relaxed)),
            metrics_rss_kib: some(self.metrics.load(Ordering::Relaxed)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vm_rss_and_the_metrics_line() {
        let status = "Name:\tparty-server\nVmPeak:\t  9000 kB\nVmRSS:\t   12345 kB\nThreads: 3\n";
        assert_eq!(parse_vm_rss(status), Some(12345));
        assert_eq!(parse_vm_rss("Name: x\n"), None);
        let metrics = "# HELP process_resident_memory_bytes Resident memory.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 2.5e7\nhttp_requests_total{route=\"/x\"} 3\n";
        assert_eq!(parse_metrics_rss(metrics), Some(25_000_000));
        assert_eq!(parse_metrics_rss("other 1\n"), None);
    }

    #[test]
    fn this_process_has_a_resident_set() {
        assert!(vm_rss_kib(std::process::id()).is_some_and(|k| k > 0));
    }
}
