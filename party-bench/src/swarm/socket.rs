//! A bot's party socket: what it has learned from the server's messages,
//! and the fan-out delay of each event it received.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use party_protocol::SessionId;
use party_protocol::party::PartyPhase;
use party_tui::api::ApiClient;
use serde::Deserialize;
use time::OffsetDateTime;
use tokio::time::{Instant, timeout};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use super::context::{Ctx, Gauge, Party, Settled};
use crate::stats::{PartyFanout, SeqTracker};

/// Socket reconnections per player before giving up.
const WS_RECONNECTS: u32 = 3;

/// What a player's socket has learned.
#[derive(Debug, Default)]
pub(super) struct View {
    pub(super) phase: Option<PartyPhase>,
    pub(super) ready_count: i64,
    pub(super) participants: i64,
    /// The socket saw `session_completed` (or a snapshot already past it).
    pub(super) completed: bool,
    /// The socket is open now.
    pub(super) connected: bool,
    pub(super) seq: SeqTracker,
}

pub(super) type SharedView = Arc<Mutex<View>>;

pub(super) fn lock(view: &SharedView) -> std::sync::MutexGuard<'_, View> {
    match view.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// The fields of a server message the bots need. The full message is a
/// `party_protocol::party_ws::ServerMessage`; reading only these keeps
/// thousands of sockets cheap for the machine that also runs the server.
#[derive(Debug, Deserialize)]
pub(crate) struct Head {
    #[serde(rename = "type")]
    pub kind: String,
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
    #[serde(default)]
    pub new_phase: Option<PartyPhase>,
    #[serde(default)]
    pub current_phase: Option<PartyPhase>,
    #[serde(default)]
    pub ready_count: Option<i64>,
    #[serde(default)]
    pub total_count: Option<i64>,
    #[serde(default)]
    pub participant_count: Option<i64>,
}

/// How long a spectator stays on after `session_completed`, in ms.
const SPECTATOR_LINGER_MS: std::ops::Range<u64> = 1_000..3_000;

/// Applies one server message to the view; returns false once the party is over.
/// `measure`: the fan-out delay counts (inside the measured window).
fn on_message(
    view: &SharedView,
    fanout: &PartyFanout,
    text: &str,
    now: OffsetDateTime,
    measure: bool,
) -> bool {
    let Ok(head) = serde_json::from_str::<Head>(text) else {
        return true;
    };
    let mut v = lock(view);
    match head.kind.as_str() {
        // Not party events: replies, and what only spectators get.
        "pong" | "hello" | "spectator_chat" | "read_only" => return true,
        "session_update" => {
            v.seq.snapshot(head.seq);
            if head.current_phase >= Some(PartyPhase::Results) {
                v.completed = true;
            }
        }
        _ => {
            if !v.seq.event(head.seq) {
                return true;
            }
            let delay = now - head.timestamp;
            let us = u64::try_from(delay.whole_microseconds().max(0)).unwrap_or(u64::MAX);
            if measure {
                fanout.received(head.seq, &head.kind, us);
            }
        }
    }
    if let Some(p) = head.current_phase.or(head.new_phase) {
        v.phase = v.phase.max(Some(p));
    }
    if let Some(r) = head.ready_count {
        v.ready_count = r;
    }
    if let Some(t) = head.total_count.or(head.participant_count) {
        v.participants = t;
    }
    if head.kind == "session_completed" {
        v.phase = v.phase.max(Some(PartyPhase::Results));
        v.completed = true;
    }
    !v.completed
}

/// Whose socket it is.
#[derive(Debug, Clone)]
pub(super) enum Role {
    Player,
    /// A spectator's read-only socket; its first snapshot settles the
    /// spectator (the host may start).
    Spectator(Arc<Settled>),
}

impl Role {
    fn path(&self) -> &'static str {
        match self {
            Role::Player => "ws",
            Role::Spectator(_) => "spectate/ws",
        }
    }

    /// The request kind and the error prefix of this socket.
    fn kind(&self) -> (&'static str, &'static str) {
        match self {
            Role::Player => ("ws_connect", "ws"),
            Role::Spectator(_) => ("spectator_ws_connect", "spectator_ws"),
        }
    }

    fn fanout<'a>(&self, party: &'a Party) -> &'a PartyFanout {
        match self {
            Role::Player => &party.fanout,
            Role::Spectator(_) => &party.spectator_fanout,
        }
    }

    fn gauge<'a>(&self, ctx: &'a Ctx) -> &'a Gauge {
        match self {
            Role::Player => &ctx.sockets,
            Role::Spectator(_) => &ctx.spectator_sockets,
        }
    }
}

/// A player's or a spectator's socket: connects with a fresh ws-token,
/// follows the party until `session_completed`, and reconnects after its
/// last `seq` if the connection drops (each drop counts as an error).
pub(super) async fn run_socket(
    ctx: Arc<Ctx>,
    party: Arc<Party>,
    api: ApiClient,
    session: SessionId,
    view: SharedView,
    role: Role,
) {
    let rec = ctx.http.recorder().clone();
    let (connect_kind, errors) = role.kind();
    let ws_root = ctx
        .http
        .root()
        .replacen("http://", "ws://", 1)
        .replacen("https://", "wss://", 1);
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_message_size(Some(1 << 20))
        .max_frame_size(Some(1 << 20));
    for attempt in 0..=WS_RECONNECTS {
        if attempt > 0 {
            rec.error(format!("{errors}:reconnect"));
        }
        let Ok(t) = ctx.http.timed("ws_token", None, api.ws_token()).await else {
            rec.error(format!("{errors}:ws_token_failed"));
            tokio::time::sleep(Duration::from_millis(500)).await;
            continue;
        };
        let since = lock(&view)
            .seq
            .last()
            .map_or_else(String::new, |s| format!("&since={s}"));
        let url = format!(
            "{ws_root}/qf/party/{session}/{}?token={}{since}",
            role.path(),
            t.token
        );
        let sent = Instant::now();
        let connected = tokio_tungstenite::connect_async_tls_with_config(
            url.as_str(),
            Some(config),
            true,
            Some(api.trust().connector()),
        )
        .await;
        let elapsed = sent.elapsed();
        rec.request(connect_kind, sent, elapsed, elapsed);
        let Ok((mut stream, _)) = connected else {
            rec.error(format!("{errors}:connect_failed"));
            tokio::time::sleep(Duration::from_millis(500)).await;
            continue;
        };
        let open_socket = role.gauge(&ctx).open();
        lock(&view).connected = true;
        let mut over = false;
        while let Some(frame) = stream.next().await {
            match frame {
                Ok(Message::Text(text)) => {
                    let keep = rec.in_window(Instant::now());
                    let now = OffsetDateTime::now_utc();
                    let going = on_message(&view, role.fanout(&party), text.as_str(), now, keep);
                    if let Role::Spectator(settled) = &role
                        && lock(&view).seq.last().is_some()
                    {
                        settled.fire(&ctx, &party);
                    }
                    if !going {
                        over = true;
                        break;
                    }
                }
                Ok(Message::Close(_)) | Err(_) => break,
                Ok(_) => {}
            }
        }
        if over {
            if let Role::Spectator(_) = role {
                // A viewer reads the results before leaving: an audience
                // does not hang up within the millisecond the party ends,
                // and 10,000 closes at once would be measured as the last
                // event's fan-out (they share the machine with it).
                let linger = rand::random_range(SPECTATOR_LINGER_MS);
                tokio::time::sleep(Duration::from_millis(linger)).await;
            }
            let _ = timeout(Duration::from_secs(2), stream.close(None)).await;
            let _ = timeout(Duration::from_secs(2), stream.flush()).await;
        }
        drop(open_socket);
        lock(&view).connected = false;
        if over {
            return;
        }
        rec.error(format!("{errors}:closed"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use party_protocol::party_ws::{ServerEvent, ServerMessage};

    #[test]
    fn the_head_reads_what_a_server_message_carries() {
        let msg = ServerMessage {
            event: ServerEvent::PhaseTransition {
                old_phase: PartyPhase::Prompt,
                new_phase: PartyPhase::Copy,
                phase_started_at: OffsetDateTime::UNIX_EPOCH,
                phase_expires_at: None,
                message: "go".into(),
            },
            session_id: SessionId::from_uuid(uuid::Uuid::nil()),
            seq: 7,
            timestamp: OffsetDateTime::UNIX_EPOCH + Duration::from_millis(1500),
        };
        let text = serde_json::to_string(&msg).unwrap();
        let head: Head = serde_json::from_str(&text).unwrap();
        assert_eq!(head.kind, "phase_transition");
        assert_eq!(head.seq, 7);
        assert_eq!(head.new_phase, Some(PartyPhase::Copy));
        assert_eq!(head.timestamp, msg.timestamp);
    }

    #[test]
    fn messages_move_the_view_and_measure_fanout() {
        let view: SharedView = Arc::default();
        let fanout = PartyFanout::default();
        let at = |ms: u64| OffsetDateTime::UNIX_EPOCH + Duration::from_millis(ms);
        let snapshot = r#"{"type":"session_update","seq":3,"timestamp":"1970-01-01T00:00:00Z","current_phase":"LOBBY","participants":[]}"#;
        assert!(on_message(&view, &fanout, snapshot, at(0), true));
        let ready = r#"{"type":"player_ready","seq":4,"timestamp":"1970-01-01T00:00:01Z","ready_count":2,"total_count":3}"#;
        assert!(on_message(&view, &fanout, ready, at(1_004), true));
        let started = r#"{"type":"session_started","seq":6,"timestamp":"1970-01-01T00:00:02Z","current_phase":"PROMPT"}"#;
        assert!(on_message(&view, &fanout, started, at(2_010), true));
        {
            let v = lock(&view);
            assert_eq!(v.phase, Some(PartyPhase::Prompt));
            assert_eq!((v.ready_count, v.participants), (2, 3));
            assert_eq!(v.seq.lost, 1, "seq 5 never came");
        }
        let done = r#"{"type":"session_completed","seq":7,"timestamp":"1970-01-01T00:00:03Z","status":"COMPLETED"}"#;
        assert!(!on_message(&view, &fanout, done, at(3_001), true));
        assert!(lock(&view).completed);
        let rec = crate::stats::Recorder::new();
        fanout.flush_into(&rec, crate::stats::Audience::Players);
        let m = rec.snapshot();
        assert_eq!(m.fanout.count, 3, "snapshots are not events");
        assert!((m.fanout.max_ms - 10.0).abs() < 0.05, "{:?}", m.fanout);
    }
}
