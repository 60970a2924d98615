//! One player's party socket across crashes: it reconnects with
//! `since=<last seq accepted>` whenever the socket ends, as the README's
//! "Real-time" section tells clients to, and checks every message against
//! the chain of what it already accepted.
//!
//! The rule checked: over all the socket's lifetimes, the events accepted
//! have seqs rising by exactly one (nothing lost, nothing repeated). A
//! `session_update` snapshot may jump forward (the README allows the server
//! to answer a resume with a snapshot); each such jump is counted and
//! reported, and a snapshot may never go back.

use std::time::Duration;

use futures::StreamExt;
use party_protocol::SessionId;
use party_protocol::party_ws::{ServerEvent, ServerMessage};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use super::net::Net;
use crate::support::Player;

/// How often a reading socket looks at whether it may stop.
const POLL: Duration = Duration::from_millis(100);

/// What one socket saw over all its lifetimes.
#[derive(Debug, Default, Clone)]
pub struct FeedLog {
    pub player: String,
    /// Socket lifetimes opened (1 = never reconnected).
    pub lifetimes: u32,
    /// Events accepted in order (snapshots included).
    pub events: u64,
    /// Snapshots after the first that jumped over events: (from, to).
    pub jumps: Vec<(i64, i64)>,
    /// The last seq accepted.
    pub last: Option<i64>,
}

/// A running socket recorder; [`Feed::finish`] stops it once it has seen
/// the party's events up to a given seq.
#[derive(Debug)]
pub struct Feed {
    stop_at: watch::Sender<Option<i64>>,
    task: JoinHandle<FeedLog>,
}

impl Feed {
    pub fn spawn(net: Net, player: Player, session: SessionId) -> Feed {
        let (stop_at, stop_rx) = watch::channel(None);
        let task = tokio::spawn(run(net, player, session, stop_rx));
        Feed { stop_at, task }
    }

    /// Waits until the socket has accepted every event up to `seq`, then
    /// closes it and hands back what it saw.
    pub async fn finish(self, seq: i64) -> FeedLog {
        let _ = self.stop_at.send(Some(seq));
        self.task.await.expect("socket recorder panicked")
    }
}

fn ws_url(base: &str, session: SessionId, token: &str, since: Option<i64>) -> String {
    let base = base.replacen("http://", "ws://", 1);
    match since {
        Some(since) => format!("{base}/party/{session}/ws?token={token}&since={since}"),
        None => format!("{base}/party/{session}/ws?token={token}"),
    }
}

async fn run(
    net: Net,
    player: Player,
    session: SessionId,
    stop_at: watch::Receiver<Option<i64>>,
) -> FeedLog {
    let mut log = FeedLog {
        player: player.username.clone(),
        ..FeedLog::default()
    };
    let started = tokio::time::Instant::now();
    loop {
        if stop_at.borrow().is_some_and(|s| log.last >= Some(s)) {
            return log;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "{}'s socket never caught up: {log:?}",
            player.username
        );
        let token: serde_json::Value = net.get("/auth/ws-token", &player).await.ok();
        let token = token["token"].as_str().expect("ws token").to_owned();
        let url = ws_url(&net.base(), session, &token, log.last);
        let Ok(Ok((mut stream, _))) = tokio::time::timeout(
            Duration::from_secs(10),
            tokio_tungstenite::connect_async(url),
        )
        .await
        else {
            // The server is down or restarting: try again shortly.
            tokio::time::sleep(Duration::from_millis(25)).await;
            continue;
        };
        log.lifetimes += 1;
        let resumed_from = log.last;
        let mut hello = false;
        loop {
            if stop_at.borrow().is_some_and(|s| log.last >= Some(s)) {
                let _ = stream.close(None).await;
                return log;
            }
            let Ok(frame) = tokio::time::timeout(POLL, stream.next()).await else {
                continue;
            };
            match frame {
                Some(Ok(Message::Text(text))) => {
                    let msg: ServerMessage = serde_json::from_str(text.as_str())
                        .unwrap_or_else(|e| panic!("bad server message {text}: {e}"));
                    if let ServerEvent::Hello { .. } = msg.event {
                        assert!(!hello, "a second hello on one socket: {text}");
                        assert_eq!(msg.seq, resumed_from.unwrap_or(0), "hello seq: {text}");
                        hello = true;
                        continue;
                    }
                    assert!(hello, "a socket that did not open with hello: {text}");
                    // The first message of a resumed socket: within the
                    // replay limit the server replays, never a snapshot.
                    let resuming = resumed_from.is_some() && log.last == resumed_from;
                    if resuming && matches!(msg.event, ServerEvent::SessionUpdate(_)) {
                        assert_eq!(
                            Some(msg.seq),
                            resumed_from,
                            "{}: a resume was answered with a snapshot that skips events: {text}",
                            player.username
                        );
                    }
                    accept(&mut log, &msg, &text);
                }
                Some(Ok(Message::Close(frame))) => {
                    let code = frame.map(|f| u16::from(f.code));
                    // Membership never changes in these runs: being told
                    // "not a member" or "removed" is a server fault.
                    assert!(
                        !matches!(code, Some(4004 | 4005)),
                        "{}'s socket closed with {code:?}",
                        player.username
                    );
                    break;
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            }
        }
    }
}

/// Checks one message against the chain and records it.
fn accept(log: &mut FeedLog, msg: &ServerMessage, text: &str) {
    if let ServerEvent::Pong = msg.event {
        return;
    }
    let who = &log.player;
    match (&msg.event, log.last) {
        (ServerEvent::SessionUpdate(_), None) => {}
        (_, None) => panic!("{who}: a first socket must open with a snapshot, got {text}"),
        (ServerEvent::SessionUpdate(_), Some(last)) => {
            assert!(
                msg.seq >= last,
                "{who}: a snapshot went back from {last}: {text}"
            );
            if msg.seq > last {
                log.jumps.push((last, msg.seq));
            }
        }
        (_, Some(last)) => assert_eq!(
            msg.seq,
            last + 1,
            "{who}: after seq {last} the socket delivered {text} (lost or repeated events)"
        ),
    }
    log.events += 1;
    log.last = Some(msg.seq);
}
