//! Play again together (game-rules §6, plan §8.1): the host's play-again
//! brings everyone still in the finished party, humans and bots, into the
//! new lobby, except players who are in another party by then, who are
//! told so.

use std::time::Duration;

use party_protocol::party::{ParticipantStatus, PartyPhase, PlayAgainResponse};
use party_protocol::party_ws::ServerEvent;
use party_protocol::{ErrorCode, PlayerId};
use serde_json::json;

use crate::on_both_backends;
use crate::support::audit::money;
use crate::support::party::{Party, active, create, join, leave, status};
use crate::support::{Backend, spawn_app};

/// Five humans and a bot play; one human leaves during PROMPT, another
/// opens a party of their own once the results are in. The host's
/// play-again brings the host, the two others and the bot into the new
/// lobby (humans not ready, the bot ready), skips the one in another party
/// and says why, in the answer and in the `play_again` event; no coin
/// moves. Anyone can then leave the new lobby.
async fn play_again_brings_everyone_still_in_the_party(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(5).await;
    let (host, stays, stays_too, elsewhere, leaver) = (
        &players[0],
        &players[1],
        &players[2],
        &players[3],
        &players[4],
    );
    let mut party = Party::gather(&app, players.clone(), 1).await;
    let bot = party
        .status(host)
        .await
        .participants
        .iter()
        .find(|p| p.is_bot)
        .map(|p| p.player_id)
        .expect("a bot");
    party.start().await;
    leave(&app, leaver, party.id).await;
    party.humans.pop();
    party.play_prompts().await;
    party.let_bots_play().await;
    assert_eq!(party.note_phase().await, PartyPhase::Copy);
    party.play_copies().await;
    party.let_bots_play().await;
    if party.note_phase().await == PartyPhase::Vote {
        party.play_votes().await;
        party.let_bots_play().await;
    }
    assert_eq!(party.note_phase().await, PartyPhase::Results);

    // Meanwhile one player has opened a party of their own.
    let other = create(&app, elsewhere, json!({})).await;
    let seq_before = party.status(host).await.seq;
    let before = money(&app, &players).await;
    let again: PlayAgainResponse = app
        .post_empty(&party.path("/play-again"), &host.token)
        .await
        .ok();
    assert_eq!(money(&app, &players).await, before, "joining costs nothing");

    assert_eq!(again.skipped.len(), 1, "{:?}", again.skipped);
    let skipped = &again.skipped[0];
    assert_eq!(skipped.player_id, elsewhere.id);
    assert_eq!(skipped.reason, ErrorCode::AlreadyInParty);
    assert!(
        skipped.message.contains(other.party_code.as_str()),
        "{}",
        skipped.message
    );
    assert_eq!(
        active(&app, elsewhere).await.session_id,
        Some(other.session_id),
        "the skipped player stays where they are"
    );

    let lobby = status(&app, again.new_session_id, host).await;
    assert_eq!(lobby.current_phase, PartyPhase::Lobby);
    assert_eq!(lobby.host_player_id, host.id);
    let mut members: Vec<PlayerId> = lobby.participants.iter().map(|p| p.player_id).collect();
    members.sort();
    let mut expected = vec![host.id, stays.id, stays_too.id, bot];
    expected.sort();
    assert_eq!(members, expected, "everyone still in, and only them");
    for p in &lobby.participants {
        let want = if p.is_bot {
            ParticipantStatus::Ready
        } else {
            ParticipantStatus::Joined
        };
        assert_eq!(p.status, want, "{}", p.username);
    }
    for p in [host, stays, stays_too] {
        assert_eq!(
            active(&app, p).await.session_id,
            Some(again.new_session_id),
            "{}",
            p.username
        );
        // Already in: a join by code changes nothing.
        join(&app, p, &again.party_code)
            .await
            .err(ErrorCode::AlreadyJoined);
    }
    assert_eq!(active(&app, leaver).await.session_id, None);

    // The old party's members (the skipped player included) are told.
    let mut socket = app.ws_connect(elsewhere, party.id, Some(seq_before)).await;
    let told = loop {
        let msg = socket
            .next(Duration::from_secs(5))
            .await
            .expect("the play_again event");
        if let ServerEvent::PlayAgain {
            new_session_id,
            skipped,
            ..
        } = msg.event
        {
            assert_eq!(new_session_id, again.new_session_id);
            break skipped;
        }
    };
    assert_eq!(told, again.skipped);
    socket.close().await;

    // Asking again gives the same lobby.
    let twice: PlayAgainResponse = app
        .post_empty(&party.path("/play-again"), &host.token)
        .await
        .ok();
    assert_eq!(twice.new_session_id, again.new_session_id);

    // Anyone can leave the new lobby.
    leave(&app, stays, again.new_session_id).await;
    assert_eq!(active(&app, stays).await.session_id, None);
    let lobby = status(&app, again.new_session_id, host).await;
    assert_eq!(lobby.participants.len(), 3);
    app.assert_conserved().await;
}

on_both_backends!(play_again_brings_everyone_still_in_the_party);
