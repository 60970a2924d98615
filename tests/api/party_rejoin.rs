//! Coming back to a running party (game-rules §6, plan §4.2 and §12.2): a
//! player who left rejoins by code until RESULTS, gets back the current
//! phase's work they had not done, and pays nothing twice.

use party_protocol::account::DashboardResponse;
use party_protocol::party::{
    ParticipantStatus, PartyPhase, PartyPromptRoundResponse, PartySessionResponse,
    StatusParticipant,
};
use party_protocol::{ErrorCode, PlayerId};
use serde_json::Value;

use crate::on_both_backends;
use crate::support::party::{Party, active, join, leave};
use crate::support::play::{PENALTY, PROMPT};
use crate::support::{Backend, Player, spawn_app};

async fn me_in(party: &Party<'_>, who: PlayerId) -> StatusParticipant {
    party
        .status(&party.humans[0])
        .await
        .participants
        .into_iter()
        .find(|p| p.player_id == who)
        .expect("listed")
}

/// Starts a copy round for `who` and submits it.
async fn write_one_copy(party: &Party<'_>, who: &Player) {
    let round: Value = party
        .app
        .post_empty(&party.path("/rounds/copy"), &who.token)
        .await
        .ok();
    party
        .submit_phrase(who, round["round_id"].as_str().expect("round id"))
        .await;
}

/// Four humans play; the last one leaves during `phase` and comes back by
/// code within it:
/// - PROMPT: with a prompt round open, abandoned at the leave with the
///   normal refund (entry back, minus the 5 FC penalty);
/// - COPY: after writing one of their two copies;
/// - VOTE: before voting.
///
/// Leaving and rejoining move no other coin, the membership and the
/// phase's unfinished work return (they start and submit it like anyone),
/// a second join by code just gives the party back, and the party reaches
/// RESULTS with the audit holding.
async fn rejoin_during(backend: Backend, phase: PartyPhase) {
    let app = spawn_app(backend).await;
    let players = app.guests(4).await;
    let mut party = Party::gather(&app, players.clone(), 0).await;
    let leaver = players[3].clone();
    party.start().await;
    if phase >= PartyPhase::Copy {
        party.play_prompts().await;
        assert_eq!(party.note_phase().await, PartyPhase::Copy);
    }
    if phase == PartyPhase::Vote {
        party.play_copies().await;
        assert_eq!(party.note_phase().await, PartyPhase::Vote);
    }
    let before = app.balances(&leaver).await;
    let quota = me_in(&party, leaver.id).await;
    match phase {
        PartyPhase::Prompt => {
            let _: PartyPromptRoundResponse = app
                .post_empty(&party.path("/rounds/prompt"), &leaver.token)
                .await
                .ok();
        }
        PartyPhase::Copy => write_one_copy(&party, &leaver).await,
        _ => assert!(quota.votes_required > 0, "{quota:?}"),
    }
    let working = app.balances(&leaver).await;
    leave(&app, &leaver, party.id).await;
    let left = app.balances(&leaver).await;
    if phase == PartyPhase::Prompt {
        assert_eq!(working.0, before.0 - PROMPT);
        assert_eq!(left.0, before.0 - PENALTY, "the open round's refund");
    } else {
        assert_eq!(left, working, "leaving with no round open moves no coin");
    }
    assert_eq!(
        me_in(&party, leaver.id).await.status,
        ParticipantStatus::Left
    );
    assert_eq!(party.note_phase().await, phase);
    // The dashboard offers the party back.
    let dashboard: DashboardResponse = app.get("/player/dashboard", &leaver.token).await.ok();
    let offered = dashboard.active_party.expect("the party they left");
    assert_eq!((offered.session_id, offered.left), (party.id, true));

    let back: PartySessionResponse = join(&app, &leaver, &party.code).await.ok();
    assert_eq!(back.session_id, party.id);
    assert_eq!(app.balances(&leaver).await, left, "rejoining is free");
    assert_eq!(active(&app, &leaver).await.session_id, Some(party.id));
    let dashboard: DashboardResponse = app.get("/player/dashboard", &leaver.token).await.ok();
    let offered = dashboard.active_party.expect("their party");
    assert_eq!((offered.session_id, offered.left), (party.id, false));
    let me = me_in(&party, leaver.id).await;
    assert_eq!(me.status, ParticipantStatus::Active);
    assert_eq!(
        (me.copies_required, me.votes_required),
        (quota.copies_required, quota.votes_required),
        "the phase's work is theirs again"
    );
    assert_eq!(
        me.copies_submitted,
        quota.copies_submitted + i64::from(phase == PartyPhase::Copy),
        "what they wrote before leaving still counts"
    );
    // Coming back twice changes nothing.
    let again: PartySessionResponse = join(&app, &leaver, &party.code).await.ok();
    assert_eq!(again.session_id, party.id);
    assert_eq!(app.balances(&leaver).await, left);

    // Everyone, the returning player included, finishes the game.
    if phase == PartyPhase::Prompt {
        party.play_prompts().await;
        assert_eq!(party.note_phase().await, PartyPhase::Copy);
    }
    if phase <= PartyPhase::Copy {
        party.play_copies().await;
        let me = me_in(&party, leaver.id).await;
        assert_eq!(me.copies_submitted, me.copies_required);
    }
    if party.note_phase().await == PartyPhase::Vote {
        party.play_votes().await;
    }
    assert_eq!(party.note_phase().await, PartyPhase::Results);
    let me = me_in(&party, leaver.id).await;
    assert_eq!(me.status, ParticipantStatus::Completed);
    assert_eq!(
        (
            me.prompts_submitted,
            me.copies_submitted,
            me.votes_submitted
        ),
        (me.prompts_required, me.copies_required, me.votes_required),
        "the returning player did all their work"
    );
    if phase == PartyPhase::Vote {
        assert_eq!(me.votes_submitted, quota.votes_required);
    }
    let results = party.results().await;
    assert!(results.rankings.iter().any(|r| r.player_id == leaver.id));
    app.assert_conserved().await;
}

async fn rejoin_during_prompt(backend: Backend) {
    rejoin_during(backend, PartyPhase::Prompt).await;
}

async fn rejoin_during_copy(backend: Backend) {
    rejoin_during(backend, PartyPhase::Copy).await;
}

async fn rejoin_during_vote(backend: Backend) {
    rejoin_during(backend, PartyPhase::Vote).await;
}

/// Once the party reached RESULTS there is nothing to come back to: a
/// player who left is refused with `wrong_phase`, and so is one who stayed.
async fn rejoin_after_results_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(4).await;
    let mut party = Party::gather(&app, players.clone(), 0).await;
    party.start().await;
    let leaver = party.humans.pop().expect("four players");
    leave(&app, &leaver, party.id).await;
    party.play_prompts().await;
    party.play_copies().await;
    if party.note_phase().await == PartyPhase::Vote {
        party.play_votes().await;
    }
    assert_eq!(party.note_phase().await, PartyPhase::Results);
    let before = app.balances(&leaver).await;
    for who in [&leaver, &players[1]] {
        let refused = join(&app, who, &party.code).await;
        let message = refused.err(ErrorCode::WrongPhase);
        assert!(message.contains("over"), "{message}");
    }
    assert_eq!(app.balances(&leaver).await, before);
    assert_eq!(active(&app, &leaver).await.session_id, None);
    let dashboard: DashboardResponse = app.get("/player/dashboard", &leaver.token).await.ok();
    assert_eq!(dashboard.active_party, None, "nothing left to rejoin");
    assert_eq!(
        me_in(&party, leaver.id).await.status,
        ParticipantStatus::Left
    );
    app.assert_conserved().await;
}

/// A player who left and then joined another party cannot rejoin the first
/// until they leave the second.
async fn rejoin_needs_you_free(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(4).await;
    let mut party = Party::gather(&app, players.clone(), 0).await;
    party.start().await;
    let leaver = players[3].clone();
    leave(&app, &leaver, party.id).await;
    let other: PartySessionResponse = app
        .post("/party/create", &leaver.token, serde_json::json!({}))
        .await
        .ok();
    join(&app, &leaver, &party.code)
        .await
        .err(ErrorCode::AlreadyInParty);
    assert_eq!(
        me_in(&party, leaver.id).await.status,
        ParticipantStatus::Left
    );
    leave(&app, &leaver, other.session_id).await;
    let back: PartySessionResponse = join(&app, &leaver, &party.code).await.ok();
    assert_eq!(back.session_id, party.id);
    app.assert_conserved().await;
}

on_both_backends!(
    rejoin_during_prompt,
    rejoin_during_copy,
    rejoin_during_vote,
    rejoin_after_results_is_refused,
    rejoin_needs_you_free,
);
