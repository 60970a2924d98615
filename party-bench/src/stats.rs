//! What a benchmark step records: latency histograms per request kind, the
//! fan-out latency of every event (to its last receiver), errors by kind,
//! lost events, and the summaries that go into the report.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

/// The largest latency a histogram holds (longer ones are clamped): 10 minutes in µs.
const MAX_MICROS: u64 = 600_000_000;

/// A histogram of microseconds, 3 significant digits.
#[allow(clippy::expect_used)] // constant bounds that hdrhistogram accepts
fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, MAX_MICROS, 3).expect("valid histogram bounds")
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros())
        .unwrap_or(MAX_MICROS)
        .clamp(1, MAX_MICROS)
}

/// p50/p95/p99/max of one kind, in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub count: u64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

impl Summary {
    fn of(h: &Histogram<u64>) -> Self {
        if h.is_empty() {
            return Summary::default();
        }
        let ms = |us: u64| (us as f64 / 1000.0 * 100.0).round() / 100.0;
        Summary {
            count: h.len(),
            p50_ms: ms(h.value_at_quantile(0.50)),
            p95_ms: ms(h.value_at_quantile(0.95)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            max_ms: ms(h.max()),
            mean_ms: (h.mean() / 1000.0 * 100.0).round() / 100.0,
        }
    }
}

/// Request kinds that write to the database (each is one write transaction
/// on the server; `ws_token` stores the token it issues).
pub const WRITE_KINDS: &[&str] = &[
    "guest",
    "create",
    "join",
    "ws_token",
    "ready",
    "start",
    "start_round",
    "submit",
];

#[derive(Debug)]
struct Inner {
    /// Only latencies of requests due in this window count (all if none).
    window: Option<(Instant, Instant)>,
    /// Open-loop latency per request kind: from the moment the request was
    /// due (its slot in the schedule) to the answer.
    latency: HashMap<&'static str, Histogram<u64>>,
    /// All request kinds together.
    overall: Histogram<u64>,
    /// Service time (send to answer), all kinds together.
    service: Histogram<u64>,
    /// Fan-out latency of each event, to the last member that received it.
    fanout: Histogram<u64>,
    spectator_fanout: Histogram<u64>,
    /// The event each audience got last, the longest after it was sent.
    slowest: [Option<SlowEvent>; 2],
    spectator_events: u64,
    spectator_lost: u64,
    errors: BTreeMap<String, u64>,
    retries: BTreeMap<String, u64>,
    lost_events: u64,
    events_received: u64,
    stalls: u64,
}

/// Shared by every task of one step.
#[derive(Debug)]
pub struct Recorder {
    inner: Mutex<Inner>,
}

impl Default for Recorder {
    fn default() -> Self {
        Self::new()
    }
}

impl Recorder {
    pub fn new() -> Self {
        Recorder {
            inner: Mutex::new(Inner {
                window: None,
                latency: HashMap::new(),
                overall: histogram(),
                service: histogram(),
                fanout: histogram(),
                spectator_fanout: histogram(),
                slowest: [None, None],
                spectator_events: 0,
                spectator_lost: 0,
                errors: BTreeMap::new(),
                retries: BTreeMap::new(),
                lost_events: 0,
                events_received: 0,
                stalls: 0,
            }),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        let mut guard = match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// Measures only what happens from `from` to `to` (errors and lost
    /// events count at any time).
    pub fn set_window(&self, from: Instant, to: Instant) {
        self.with(|i| i.window = Some((from, to)));
    }

    /// Whether `at` is inside the measured window.
    pub fn in_window(&self, at: Instant) -> bool {
        self.with(|i| i.window.is_none_or(|(from, to)| at >= from && at <= to))
    }

    /// A request answered: `latency` counts from its scheduled time `due`,
    /// `service` from when it was sent.
    pub fn request(&self, kind: &'static str, due: Instant, latency: Duration, service: Duration) {
        let (l, s) = (micros(latency), micros(service));
        self.with(|i| {
            if i.window.is_some_and(|(from, to)| due < from || due > to) {
                return;
            }
            let _ = i.latency.entry(kind).or_insert_with(histogram).record(l);
            let _ = i.overall.record(l);
            let _ = i.service.record(s);
        });
    }

    /// A detail row: recorded under `kind` only, not in the totals (a
    /// request already counted under its own kind, seen from another angle).
    pub fn detail(&self, kind: &'static str, due: Instant, latency: Duration) {
        let l = micros(latency);
        self.with(|i| {
            if i.window.is_some_and(|(from, to)| due < from || due > to) {
                return;
            }
            let _ = i.latency.entry(kind).or_insert_with(histogram).record(l);
        });
    }

    /// An error, keyed `kind:code` (e.g. `submit:wrong_phase`, `ws:closed`).
    pub fn error(&self, key: impl Into<String>) {
        let key = key.into();
        self.with(|i| *i.errors.entry(key).or_default() += 1);
    }

    /// A retry the protocol expects (a phrase the server refused).
    pub fn retry(&self, key: impl Into<String>) {
        let key = key.into();
        self.with(|i| *i.retries.entry(key).or_default() += 1);
    }

    pub fn lost(&self, n: u64) {
        if n > 0 {
            self.with(|i| i.lost_events += n);
        }
    }

    /// Events a spectator never saw (a gap, or no `session_completed`).
    pub fn spectator_lost(&self, n: u64) {
        if n > 0 {
            self.with(|i| i.spectator_lost += n);
        }
    }

    pub fn stall(&self) {
        self.with(|i| i.stalls += 1);
    }

    /// One party's events as `audience` received them: the largest
    /// receipt delay of each (party, seq) with the event's type, and how
    /// many receipts.
    pub fn fanout(
        &self,
        audience: Audience,
        per_event_max: impl IntoIterator<Item = (i64, (u64, String))>,
        received: u64,
    ) {
        self.with(|i| {
            let (histogram, count, slowest) = match audience {
                Audience::Players => (&mut i.fanout, &mut i.events_received, &mut i.slowest[0]),
                Audience::Spectators => (
                    &mut i.spectator_fanout,
                    &mut i.spectator_events,
                    &mut i.slowest[1],
                ),
            };
            for (seq, (us, kind)) in per_event_max {
                let _ = histogram.record(us.clamp(1, MAX_MICROS));
                let ms = us as f64 / 1000.0;
                if slowest.as_ref().is_none_or(|s| ms > s.ms) {
                    *slowest = Some(SlowEvent { kind, seq, ms });
                }
            }
            *count += received;
        });
    }

    pub fn error_total(&self) -> u64 {
        self.with(|i| i.errors.values().sum())
    }

    /// The numbers of this step so far.
    pub fn snapshot(&self) -> Measured {
        self.with(|i| {
            let latency: BTreeMap<String, Summary> = i
                .latency
                .iter()
                .map(|(k, h)| ((*k).to_owned(), Summary::of(h)))
                .collect();
            let writes = WRITE_KINDS
                .iter()
                .filter_map(|k| i.latency.get(k))
                .map(Histogram::len)
                .sum();
            Measured {
                requests: i.overall.len(),
                write_requests: writes,
                latency,
                overall: Summary::of(&i.overall),
                service: Summary::of(&i.service),
                fanout: Summary::of(&i.fanout),
                spectator_fanout: Summary::of(&i.spectator_fanout),
                slowest_event: i.slowest[0].clone(),
                slowest_spectator_event: i.slowest[1].clone(),
                spectator_events_received: i.spectator_events,
                spectator_lost_events: i.spectator_lost,
                events_received: i.events_received,
                lost_events: i.lost_events,
                errors: i.errors.clone(),
                retries: i.retries.clone(),
                stalls: i.stalls,
            }
        })
    }
}

/// The recorded numbers of one step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    /// Requests answered (successfully or with an error body).
    pub requests: u64,
    /// Of which write requests (each one write transaction on the server).
    pub write_requests: u64,
    /// Open-loop latency per request kind (from the scheduled time).
    pub latency: BTreeMap<String, Summary>,
    /// Open-loop latency of every request together.
    pub overall: Summary,
    /// Service time (send → answer) of every request together.
    pub service: Summary,
    /// Event fan-out: server timestamp → receipt by the party's last member.
    pub fanout: Summary,
    /// Event messages received over all sockets.
    pub events_received: u64,
    /// Events a socket never saw (a gap in its `seq`, or no `session_completed`).
    pub lost_events: u64,
    /// Event fan-out to spectators: server timestamp → receipt by the
    /// party's last spectator.
    #[serde(default)]
    pub spectator_fanout: Summary,
    /// Event messages received over all spectator sockets.
    #[serde(default)]
    pub spectator_events_received: u64,
    /// The event whose last player got it latest: what the fan-out's
    /// tail is made of.
    #[serde(default)]
    pub slowest_event: Option<SlowEvent>,
    /// The same for spectators.
    #[serde(default)]
    pub slowest_spectator_event: Option<SlowEvent>,
    /// Events a spectator socket never saw.
    #[serde(default)]
    pub spectator_lost_events: u64,
    pub errors: BTreeMap<String, u64>,
    pub retries: BTreeMap<String, u64>,
    /// Times a player waited several ticks and asked for the status.
    pub stalls: u64,
}

impl Measured {
    pub fn error_total(&self) -> u64 {
        self.errors.values().sum()
    }
}

/// One event's fan-out: its type, its seq in its party, and how long
/// after it was sent its last receiver got it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlowEvent {
    pub kind: String,
    pub seq: i64,
    pub ms: f64,
}

/// Who received a party's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Players,
    Spectators,
}

/// Per event seq: the largest delay in µs and the event's type.
type Delays = HashMap<i64, (u64, String)>;

/// Per-party collection of fan-out delays, and how many receipts.
#[derive(Debug, Default)]
pub struct PartyFanout {
    inner: Mutex<(Delays, u64)>,
}

impl PartyFanout {
    /// A member received event `seq` (of type `kind`) after `delay_us`.
    pub fn received(&self, seq: i64, kind: &str, delay_us: u64) {
        let mut guard = match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let slot = guard.0.entry(seq).or_insert_with(|| (0, kind.to_owned()));
        slot.0 = slot.0.max(delay_us);
        guard.1 += 1;
    }

    /// Moves this party's numbers into the step's recorder.
    pub fn flush_into(&self, recorder: &Recorder, audience: Audience) {
        let (events, received) = {
            let mut guard = match self.inner.lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            let received = guard.1;
            guard.1 = 0;
            (std::mem::take(&mut guard.0), received)
        };
        recorder.fanout(audience, events, received);
    }
}

/// Tracks one socket's sequence numbers and counts the ones it never saw.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SeqTracker {
    last: Option<i64>,
    pub lost: u64,
}

impl SeqTracker {
    /// A snapshot (`session_update`): everything up to `seq` is now known.
    /// Events skipped by a snapshot after the first one count as lost.
    pub fn snapshot(&mut self, seq: i64) {
        if let Some(last) = self.last
            && seq > last
        {
            self.lost += (seq - last) as u64;
        }
        self.last = Some(self.last.map_or(seq, |l| l.max(seq)));
    }

    /// An event: true when it is new (not a duplicate after a replay).
    pub fn event(&mut self, seq: i64) -> bool {
        match self.last {
            None => {
                self.last = Some(seq);
                true
            }
            Some(last) if seq <= last => false,
            Some(last) => {
                self.lost += (seq - last - 1) as u64;
                self.last = Some(seq);
                true
            }
        }
    }

    pub fn last(&self) -> Option<i64> {
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_and_resyncs_count_as_lost_and_duplicates_do_not() {
        let mut t = SeqTracker::default();
        t.snapshot(3);
        assert!(t.event(4));
        assert!(t.event(5));
        assert!(!t.event(5), "a replayed duplicate");
        assert_eq!(t.lost, 0);
        assert!(t.event(8));
        assert_eq!(t.lost, 2, "6 and 7 never came");
        t.snapshot(10);
        assert_eq!(t.lost, 4, "9 and 10 replaced by a snapshot");
        assert_eq!(t.last(), Some(10));
    }

    #[test]
    fn summaries_report_quantiles_in_milliseconds() {
        let r = Recorder::new();
        for ms in 1..=100u64 {
            r.request(
                "submit",
                Instant::now(),
                Duration::from_millis(ms),
                Duration::from_millis(1),
            );
        }
        r.request(
            "guest",
            Instant::now(),
            Duration::from_millis(5),
            Duration::from_millis(5),
        );
        r.error("submit:wrong_phase");
        let m = r.snapshot();
        let s = &m.latency["submit"];
        assert_eq!(s.count, 100);
        assert!((s.p50_ms - 50.0).abs() < 0.1, "{s:?}");
        assert!((s.p99_ms - 99.0).abs() < 0.1, "{s:?}");
        assert!((s.max_ms - 100.0).abs() < 0.1, "{s:?}");
        assert_eq!(m.requests, 101);
        assert_eq!(m.write_requests, 101);
        assert_eq!(m.error_total(), 1);
    }

    #[test]
    fn fanout_takes_the_last_receiver_of_each_event() {
        let r = Recorder::new();
        let f = PartyFanout::default();
        f.received(1, "player_joined", 2_000);
        f.received(1, "player_joined", 9_000);
        f.received(2, "phase_transition", 1_000);
        f.flush_into(&r, Audience::Players);
        let m = r.snapshot();
        assert_eq!(m.fanout.count, 2);
        assert!((m.fanout.max_ms - 9.0).abs() < 0.01);
        assert_eq!(m.events_received, 3);
        let slowest = m.slowest_event.expect("the slowest event");
        assert_eq!((slowest.kind.as_str(), slowest.seq), ("player_joined", 1));
        assert_eq!(m.slowest_spectator_event, None);
    }
}
