//! CPU time around a measurement: the server's and the bench's own (from
//! `/proc/PID/stat`) and the whole machine's (from `/proc/stat`), so a
//! report shows whether the bound was the server's CPU, the machine (the
//! load generator and the database share it), or neither — then the
//! database writer.

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

/// Clock ticks a second in `/proc` (`USER_HZ`, fixed by the kernel's ABI).
const TICKS_PER_SECOND: f64 = 100.0;

/// CPU time a process has used, user plus system, in clock ticks
/// (`utime` + `stime` of `/proc/PID/stat`).
pub fn process_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_process_ticks(&stat)
}

fn parse_process_ticks(stat: &str) -> Option<u64> {
    // The command name (field 2) is in parentheses and may hold spaces:
    // count the fields after its closing one. utime and stime are fields
    // 14 and 15, so the 12th and 13th after it.
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// The machine's (busy, total) ticks over all cores, from the `cpu` line of
/// `/proc/stat`; idle and iowait count as not busy.
fn machine_ticks() -> Option<(u64, u64)> {
    parse_machine_ticks(&std::fs::read_to_string("/proc/stat").ok()?)
}

fn parse_machine_ticks(stat: &str) -> Option<(u64, u64)> {
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let fields: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    // user nice system idle iowait irq softirq steal (guest time is
    // already inside user and nice).
    let total: u64 = fields.iter().take(8).sum();
    let idle = fields.get(3)? + fields.get(4).copied().unwrap_or(0);
    Some((total.saturating_sub(idle), total))
}

/// One reading of a process's CPU time.
#[derive(Debug, Clone, Copy)]
pub struct ProcessSample {
    ticks: Option<u64>,
    at: Instant,
}

impl ProcessSample {
    pub fn of(pid: Option<u32>) -> Self {
        Self {
            ticks: pid.and_then(process_ticks),
            at: Instant::now(),
        }
    }

    /// CPU used since `earlier`, in percent of one core (one decimal).
    pub fn percent_since(&self, earlier: &Self) -> Option<f64> {
        let used = self.ticks?.checked_sub(earlier.ticks?)? as f64 / TICKS_PER_SECOND;
        let secs = self.at.duration_since(earlier.at).as_secs_f64();
        (secs > 0.0).then(|| round1(100.0 * used / secs))
    }
}

/// The server, the bench and the machine at one moment.
#[derive(Debug, Clone, Copy)]
pub struct CpuSample {
    server: ProcessSample,
    bench: ProcessSample,
    machine: Option<(u64, u64)>,
}

impl CpuSample {
    pub fn now(server_pid: Option<u32>) -> Self {
        Self {
            server: ProcessSample::of(server_pid),
            bench: ProcessSample::of(Some(std::process::id())),
            machine: machine_ticks(),
        }
    }
}

/// CPU over a step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CpuReport {
    /// The server process, in percent of one core (with `--server-pid`).
    pub server_percent: Option<f64>,
    /// This bench process (the load generator), in percent of one core.
    pub bench_percent: Option<f64>,
    /// The whole machine, in percent of all its cores.
    pub machine_busy_percent: Option<f64>,
    pub cores: usize,
}

impl CpuReport {
    pub fn between(from: &CpuSample, to: &CpuSample) -> Self {
        let machine = match (from.machine, to.machine) {
            (Some((b0, t0)), Some((b1, t1))) if t1 > t0 => Some(round1(
                100.0 * b1.saturating_sub(b0) as f64 / (t1 - t0) as f64,
            )),
            _ => None,
        };
        Self {
            server_percent: to.server.percent_since(&from.server),
            bench_percent: to.bench.percent_since(&from.bench),
            machine_busy_percent: machine,
            cores: std::thread::available_parallelism().map_or(1, usize::from),
        }
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_user_and_system_time_past_a_name_with_spaces() {
        let stat = "4242 (party tui) S 1 4242 4242 0 -1 4194560 900 0 0 0 1234 56 0 0 20 0 9 0 100 2000000 3000";
        assert_eq!(parse_process_ticks(stat), Some(1290));
        assert_eq!(parse_process_ticks("4242 (x) S 1"), None);
        assert!(process_ticks(std::process::id()).is_some());
    }

    #[test]
    fn the_machine_is_busy_except_when_idle_or_waiting() {
        let stat = "cpu  100 5 45 800 50 0 0 0 0 0\ncpu0 50 2 20 400 25 0 0 0 0 0\nintr 1\n";
        assert_eq!(parse_machine_ticks(stat), Some((150, 1000)));
        assert_eq!(parse_machine_ticks("intr 1\n"), None);
        assert!(machine_ticks().is_some_and(|(busy, total)| busy <= total && total > 0));
    }

    #[test]
    fn process_cpu_is_in_percent_of_one_core() {
        let at = Instant::now();
        let from = ProcessSample {
            ticks: Some(100),
            at,
        };
        let to = ProcessSample {
            ticks: Some(150),
            at: at + std::time::Duration::from_secs(10),
        };
        // Half a second of CPU in ten seconds: 5 % of one core.
        assert_eq!(to.percent_since(&from), Some(5.0));
        assert_eq!(from.percent_since(&to), None, "time never runs backwards");
        let unknown = ProcessSample { ticks: None, at };
        assert_eq!(to.percent_since(&unknown), None);
    }

    #[test]
    fn a_report_between_two_samples_has_every_figure() {
        let from = CpuSample::now(Some(std::process::id()));
        // Burn a little CPU so the clock moves.
        let mut x = 0u64;
        for i in 0..2_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        std::thread::sleep(std::time::Duration::from_millis(20));
        let report = CpuReport::between(&from, &CpuSample::now(Some(std::process::id())));
        assert!(report.server_percent.is_some_and(|p| p >= 0.0));
        assert!(report.bench_percent.is_some_and(|p| p >= 0.0));
        assert!(
            report
                .machine_busy_percent
                .is_some_and(|p| (0.0..=100.0).contains(&p))
        );
        assert!(report.cores >= 1);
    }
}
