//! The party WebSocket with real clients: ordered, gapless events for every
//! member; resume after a dropped connection; snapshots when too far
//! behind; two server instances on one PostgreSQL; a reader that stops
//! reading; and who may connect at all.

use std::time::Duration;

use party_protocol::party::PartyPhase;
use party_protocol::party_ws::{ServerEvent, ServerMessage};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::party::Party;
use crate::support::ws::{Ended, WsClient};
use crate::support::{Backend, TestApp, spawn_app, spawn_app_with_rules};

const WAIT: Duration = Duration::from_secs(10);

/// The sequence numbers a client saw after its first message grow by one.
fn assert_gapless(client: &WsClient) {
    let seqs: Vec<i64> = client.received.iter().map(|m| m.seq).collect();
    for pair in seqs.windows(2) {
        assert_eq!(
            pair[1],
            pair[0] + 1,
            "seq must grow by exactly one: {seqs:?}"
        );
    }
}

/// The REST status's sequence number as seen by `party`'s host.
async fn rest_seq(party: &Party<'_>) -> i64 {
    party.status(&party.humans[0]).await.seq
}

/// Waits until every client caught up with the REST state, and checks it.
async fn sync_all(party: &Party<'_>, clients: &mut [WsClient]) -> i64 {
    let seq = rest_seq(party).await;
    for c in clients.iter_mut() {
        assert_eq!(
            c.until_seq(seq, WAIT).await,
            seq,
            "a client is ahead of the REST state"
        );
    }
    seq
}

async fn every_member_receives_every_event_in_order(backend: Backend) {
    let app = spawn_app(backend).await;
    let humans = app.guests(4).await;
    let mut party = Party::gather(&app, humans, 0).await;
    let mut clients = Vec::new();
    for h in &party.humans {
        let mut c = app.ws_connect(h, party.id, None).await;
        let first = c.next(WAIT).await.expect("snapshot");
        match &first.event {
            ServerEvent::SessionUpdate(status) => {
                assert_eq!(status.current_phase, PartyPhase::Lobby);
                assert_eq!(status.participants.len(), 4);
                assert_eq!(first.seq, party.status(&party.humans[0]).await.seq);
            }
            other => panic!("expected a snapshot first, got {other:?}"),
        }
        assert_eq!(first.session_id, party.id);
        clients.push(c);
    }
    sync_all(&party, &mut clients).await;

    party.start().await;
    sync_all(&party, &mut clients).await;
    party.play_prompts().await;
    sync_all(&party, &mut clients).await;
    party.play_copies().await;
    sync_all(&party, &mut clients).await;
    party.play_votes().await;
    let last = sync_all(&party, &mut clients).await;
    assert_eq!(party.note_phase().await, PartyPhase::Results);

    // Every client saw the same events after its snapshot, gapless.
    for c in &clients {
        assert_gapless(c);
        assert_eq!(c.received.last().map(|m| m.seq), Some(last));
    }
    let reference: Vec<(i64, String)> = clients[3]
        .received
        .iter()
        .skip(1)
        .map(|m| (m.seq, m.event.kind().to_owned()))
        .collect();
    for c in &clients[..3] {
        let theirs: Vec<(i64, String)> = c
            .received
            .iter()
            .filter(|m| m.seq > clients[3].received[0].seq)
            .map(|m| (m.seq, m.event.kind().to_owned()))
            .collect();
        assert_eq!(theirs, reference);
    }
    // The story of the party, as the sockets told it.
    let kinds: Vec<&str> = reference.iter().map(|(_, k)| k.as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "session_started").count(), 1);
    let phases: Vec<PartyPhase> = clients[3]
        .received
        .iter()
        .filter_map(|m| match &m.event {
            ServerEvent::PhaseTransition { new_phase, .. } => Some(*new_phase),
            _ => None,
        })
        .collect();
    assert_eq!(
        phases,
        [PartyPhase::Copy, PartyPhase::Vote, PartyPhase::Results]
    );
    // One progress update per submission: 4 prompts, 8 copies, 12 votes
    // (each player's three: one party set and two global ones).
    assert_eq!(
        kinds.iter().filter(|k| **k == "progress_update").count(),
        24
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == "session_completed").count(),
        1
    );
    // Timestamps and session ids on every message.
    for m in &clients[0].received {
        assert_eq!(m.session_id, party.id);
    }
    app.assert_conserved().await;
}

async fn a_dropped_client_resumes_with_exactly_the_missed_events(backend: Backend) {
    let app = spawn_app(backend).await;
    let humans = app.guests(4).await;
    let mut party = Party::gather(&app, humans, 0).await;
    party.start().await;
    let mut watcher = app.ws_connect(&party.humans[1], party.id, None).await;
    let mut dropper = app.ws_connect(&party.humans[0], party.id, None).await;
    let seq = rest_seq(&party).await;
    dropper.until_seq(seq, WAIT).await;
    watcher.until_seq(seq, WAIT).await;
    let resume_from = dropper.received.last().map(|m| m.seq).expect("seq");
    dropper.close().await;

    // Others play on while the player is away.
    party.play_prompts().await;
    let now = rest_seq(&party).await;
    assert!(now > resume_from + 3);
    watcher.until_seq(now, WAIT).await;

    let mut back = app
        .ws_connect(&party.humans[0], party.id, Some(resume_from))
        .await;
    back.until_seq(now, WAIT).await;
    let seqs: Vec<i64> = back.received.iter().map(|m| m.seq).collect();
    assert_eq!(
        seqs,
        ((resume_from + 1)..=now).collect::<Vec<_>>(),
        "exactly the missed events"
    );
    assert!(
        back.received
            .iter()
            .all(|m| !matches!(m.event, ServerEvent::SessionUpdate(_)))
    );
    // The same events the watcher was sent (a watcher's snapshot stands in
    // for the events before it, so those are compared from the log only).
    let seen: Vec<(i64, &str)> = watcher
        .received
        .iter()
        .filter(|m| m.seq > resume_from && !matches!(m.event, ServerEvent::SessionUpdate(_)))
        .map(|m| (m.seq, m.event.kind()))
        .collect();
    let replayed: Vec<(i64, &str)> = back
        .received
        .iter()
        .map(|m| (m.seq, m.event.kind()))
        .collect();
    assert!(!seen.is_empty());
    for event in &seen {
        assert!(
            replayed.contains(event),
            "{event:?} missing from the replay {replayed:?}"
        );
    }
    // A disconnect changed presence only: still a member, host and counters intact.
    let status = party.status(&party.humans[0]).await;
    let me = status
        .participants
        .iter()
        .find(|p| p.player_id == party.humans[0].id)
        .unwrap();
    assert!(me.is_host);
    assert_eq!(me.prompts_submitted, 1);
    app.assert_conserved().await;
}

async fn a_client_too_far_behind_gets_a_snapshot(backend: Backend) {
    let app = spawn_app_with_rules(backend, json!({"party_event_replay_limit": 3})).await;
    let humans = app.guests(4).await;
    let mut party = Party::gather(&app, humans, 0).await;
    let stale = rest_seq(&party).await;
    party.start().await;
    party.play_prompts().await;
    let now = rest_seq(&party).await;
    assert!(now - stale > 3);
    let mut late = app
        .ws_connect(&party.humans[2], party.id, Some(stale))
        .await;
    let first = late.next(WAIT).await.expect("a message");
    match first.event {
        ServerEvent::SessionUpdate(status) => {
            assert_eq!(status.current_phase, PartyPhase::Copy);
            // Connecting announced the player's presence (one more event),
            // and the snapshot already reflects it.
            assert_eq!(first.seq, now + 1);
            let me = status
                .participants
                .iter()
                .find(|p| p.player_id == party.humans[2].id)
                .unwrap();
            assert_eq!(
                me.connection_status,
                party_protocol::party::ConnectionStatus::Connected
            );
        }
        other => panic!("expected a snapshot, got {other:?}"),
    }
    // A `since` from the future is no better: snapshot too.
    let mut odd = app
        .ws_connect(&party.humans[2], party.id, Some(now + 100))
        .await;
    assert!(matches!(
        odd.next(WAIT).await.expect("message").event,
        ServerEvent::SessionUpdate(_)
    ));
}

async fn ping_gets_pong_and_presence_is_broadcast(backend: Backend) {
    let app = spawn_app(backend).await;
    let humans = app.guests(3).await;
    let party = Party::gather(&app, humans, 0).await;
    let mut a = app.ws_connect(&party.humans[0], party.id, None).await;
    a.next(WAIT).await.expect("snapshot");
    a.send_ping().await;
    let pong = a.next(WAIT).await.expect("pong");
    assert_eq!(pong.event, ServerEvent::Pong);
    let b = app.ws_connect(&party.humans[1], party.id, None).await;
    let joined = a.next(WAIT).await.expect("presence");
    match joined.event {
        ServerEvent::Presence {
            player_id,
            connection_status,
            ..
        } => {
            assert_eq!(player_id, party.humans[1].id);
            assert_eq!(
                connection_status,
                party_protocol::party::ConnectionStatus::Connected
            );
        }
        other => panic!("expected presence, got {other:?}"),
    }
    b.close().await;
    let left = a.next(WAIT).await.expect("presence");
    assert!(matches!(
        left.event,
        ServerEvent::Presence {
            connection_status: party_protocol::party::ConnectionStatus::Disconnected,
            ..
        }
    ));
    let status = party.status(&party.humans[0]).await;
    let b_row = status
        .participants
        .iter()
        .find(|p| p.player_id == party.humans[1].id)
        .unwrap();
    assert_eq!(
        b_row.status,
        party_protocol::party::ParticipantStatus::Ready,
        "presence only"
    );
}

async fn the_socket_refuses_missing_bad_expired_and_foreign_tokens(backend: Backend) {
    let app = spawn_app(backend).await;
    let humans = app.guests(3).await;
    let party = Party::gather(&app, humans, 0).await;
    let outsider = app.guest().await;

    let mut none = app.ws_connect_raw(&app.ws_url(party.id, None, None)).await;
    assert_eq!(none.close_code(WAIT).await, Some(4001));
    let mut bad = app
        .ws_connect_raw(&app.ws_url(party.id, Some("qfw_nope"), None))
        .await;
    assert_eq!(bad.close_code(WAIT).await, Some(4003));
    // An access token is not a socket token.
    let mut wrong_kind = app
        .ws_connect_raw(&app.ws_url(party.id, Some(&party.humans[0].token), None))
        .await;
    assert_eq!(wrong_kind.close_code(WAIT).await, Some(4003));
    let stranger_token = app.ws_token(&outsider).await;
    let mut stranger = app
        .ws_connect_raw(&app.ws_url(party.id, Some(&stranger_token), None))
        .await;
    assert_eq!(stranger.close_code(WAIT).await, Some(4004));
    // Another party's member is a stranger here too.
    let other_party = {
        let host = app.guest().await;
        let created: Value = app.post("/party/create", &host.token, json!({})).await.ok();
        (
            host,
            created["session_id"]
                .as_str()
                .unwrap()
                .parse::<party_protocol::SessionId>()
                .unwrap(),
        )
    };
    let foreign = app.ws_token(&party.humans[0]).await;
    let mut cross = app
        .ws_connect_raw(&app.ws_url(other_party.1, Some(&foreign), None))
        .await;
    assert_eq!(cross.close_code(WAIT).await, Some(4004));
    // Socket tokens live 60 seconds.
    let token = app.ws_token(&party.humans[0]).await;
    app.advance(61).await;
    let mut expired = app
        .ws_connect_raw(&app.ws_url(party.id, Some(&token), None))
        .await;
    assert_eq!(expired.close_code(WAIT).await, Some(4003));
}

async fn read_rss_kib(pid: u32) -> i64 {
    let status = tokio::fs::read_to_string(format!("/proc/{pid}/status"))
        .await
        .unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// A client that stops reading while the party generates hundreds of
/// events: the others still get every event in order, the server's memory
/// stays flat, and the slow client is closed with 4008 (or caught up with
/// a snapshot if the network buffers absorbed everything).
async fn a_client_that_stops_reading_does_not_hold_up_the_others(backend: Backend) {
    let app = spawn_app(backend).await;
    let humans = app.guests(3).await;
    let party = Party::gather(&app, humans, 0).await;
    let pid = app.pid().expect("server pid");

    // The slow client: a tiny receive buffer, and it never reads.
    let token = app.ws_token(&party.humans[2]).await;
    let url = app.ws_url(party.id, Some(&token), None);
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(1024).unwrap();
    let addr = app
        .base
        .trim_start_matches("http://")
        .trim_end_matches("/qf")
        .parse()
        .unwrap();
    let tcp = socket.connect(addr).await.unwrap();
    let (slow, _) = tokio_tungstenite::client_async(
        url.as_str(),
        tokio_tungstenite::MaybeTlsStream::Plain(tcp),
    )
    .await
    .expect("handshake");

    let mut fast = app.ws_connect(&party.humans[0], party.id, None).await;
    fast.next(WAIT).await.expect("snapshot");
    let rss_before = read_rss_kib(pid).await;

    // Hundreds of events: the second player toggles readiness.
    let toggler = &party.humans[1];
    for i in 0..600 {
        let _: Value = app
            .post(
                &party.path("/ready"),
                &toggler.token,
                json!({"ready": i % 2 == 1}),
            )
            .await
            .ok();
    }
    let target = party.status(&party.humans[0]).await.seq;
    fast.until_seq(target, Duration::from_secs(30)).await;
    assert_gapless(&fast);
    assert!(
        fast.received
            .iter()
            .skip(1)
            .all(|m| !matches!(m.event, ServerEvent::SessionUpdate(_))),
        "the fast client never needed a resync"
    );
    let rss_after = read_rss_kib(pid).await;
    assert!(
        rss_after - rss_before < 32 * 1024,
        "server memory grew by {} KiB with one stalled reader",
        rss_after - rss_before
    );

    // Now read the slow socket: it was closed for being slow, or it was
    // kept consistent with a snapshot — never a silent gap.
    let mut slow = WsClient {
        stream: slow,
        received: Vec::new(),
        hello: false,
    };
    let mut closed_slow = false;
    loop {
        match slow.next(Duration::from_secs(15)).await {
            Ok(m) if m.seq >= target => break,
            Ok(_) => {}
            Err(Ended::Closed(code)) => {
                assert_eq!(code, Some(4008));
                closed_slow = true;
                break;
            }
            Err(Ended::TimedOut) => panic!("the slow socket neither caught up nor closed"),
        }
    }
    if !closed_slow {
        let seqs: Vec<&ServerMessage> = slow.received.iter().collect();
        for pair in seqs.windows(2) {
            let resync = matches!(pair[1].event, ServerEvent::SessionUpdate(_));
            assert!(
                resync || pair[1].seq == pair[0].seq + 1,
                "a gap without a snapshot"
            );
        }
    }
}

async fn two_instances_play_one_party(backend: Backend) {
    if matches!(backend, Backend::Sqlite) {
        // One SQLite file is served by one process; see the README.
        return;
    }
    let app = spawn_app(backend).await;
    let other = app.sibling().await;
    let humans = app.guests(4).await;
    let mut party = Party::gather(&app, humans, 0).await;
    // Players 0 and 1 on the first instance, 2 and 3 on the second.
    let mut clients = Vec::new();
    for (i, h) in party.humans.iter().enumerate() {
        let instance: &TestApp = if i < 2 { &app } else { &other };
        let mut c = instance.ws_connect(h, party.id, None).await;
        c.next(WAIT).await.expect("snapshot");
        clients.push(c);
    }
    party.start().await;
    party.play_prompts().await;
    // The second instance serves REST too: half the copies go through it.
    {
        let mut via_other = Party::gather_existing(&other, party.id, party.humans.clone()).await;
        via_other.phrases = crate::support::phrases::Phrases::starting_at(40);
        via_other.play_copies().await;
    }
    party.play_copies().await;
    assert_eq!(party.note_phase().await, PartyPhase::Vote);
    party.play_votes().await;
    assert_eq!(party.note_phase().await, PartyPhase::Results);
    let last = rest_seq(&party).await;
    for c in &mut clients {
        c.until_seq(last, WAIT).await;
        let after_snapshot: Vec<i64> = c.received.iter().skip(1).map(|m| m.seq).collect();
        for pair in after_snapshot.windows(2) {
            assert_eq!(pair[1], pair[0] + 1);
        }
        assert!(
            c.received
                .iter()
                .any(|m| matches!(m.event, ServerEvent::SessionCompleted { .. }))
        );
    }
    app.assert_conserved().await;
}

on_both_backends!(
    every_member_receives_every_event_in_order,
    a_dropped_client_resumes_with_exactly_the_missed_events,
    a_client_too_far_behind_gets_a_snapshot,
    ping_gets_pong_and_presence_is_broadcast,
    the_socket_refuses_missing_bad_expired_and_foreign_tokens,
    a_client_that_stops_reading_does_not_hold_up_the_others,
    two_instances_play_one_party,
);
