//! Submissions into rounds that no longer take them, for every kind of
//! round: a duplicate (submitted twice, one after the other or both at
//! once), a late one (the deadline and its grace passed, the sweeper not yet
//! run) and a swept one (the sweeper expired the round). Every kind answers
//! the same way, party or solo: `400 round_not_active` for a round already
//! submitted, `400 expired` for one whose time ran out — never
//! `404 round_not_found`.

use std::time::Duration;

use futures::future::join_all;
use party_protocol::ErrorCode;
use party_protocol::party::{
    PartyCopyRoundResponse, PartyPhase, PartyPromptRoundResponse, PartyVoteRoundResponse,
};
use party_protocol::round::VoteRoundResponse;
use reqwest::Method;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::party::Party;
use crate::support::phrases::Phrases;
use crate::support::play::{COPY_SECONDS, GRACE, PROMPT_SECONDS, VOTE_SECONDS, build_set};
use crate::support::{Backend, Player, Reply, TestApp, spawn_app_with_rules};

/// A server whose background sweeper stays idle unless woken, so the tests
/// decide when the sweeper runs.
async fn app(backend: Backend) -> TestApp {
    spawn_app_with_rules(backend, json!({"sweep_interval_ms": 3_600_000})).await
}

/// Moves the server's clock without sweeping: rounds past their deadline
/// stay active until the next sweep.
async fn advance_unswept(app: &TestApp, seconds: i64) {
    // A party request wakes the background sweeper; let that sweep (at the
    // old time) finish before the clock moves, or it could see the new time.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let reply = app
        .request(
            Method::POST,
            "/test/clock",
            None,
            Some(json!({"seconds": seconds, "sweep": false})),
        )
        .await;
    let body: Value = reply.ok();
    assert_eq!(body["sweep"]["rounds_expired"], 0, "{body}");
}

/// Submits `phrase` to a round of the party.
async fn submit(party: &Party<'_>, who: &Player, round: &str, phrase: &str) -> Reply {
    party
        .app
        .post(
            &party.path(&format!("/rounds/{round}/submit")),
            &who.token,
            json!({"phrase": phrase}),
        )
        .await
}

/// Four players in a started party, in the prompt phase.
async fn started_party(app: &TestApp) -> Party<'_> {
    let mut party = Party::gather(app, app.guests(4).await, 0).await;
    party.start().await;
    party
}

async fn start_prompt(party: &Party<'_>, who: &Player) -> String {
    let r: PartyPromptRoundResponse = party
        .app
        .post_empty(&party.path("/rounds/prompt"), &who.token)
        .await
        .ok();
    r.round_id.to_string()
}

async fn start_copy(party: &Party<'_>, who: &Player) -> String {
    let r: PartyCopyRoundResponse = party
        .app
        .post_empty(&party.path("/rounds/copy"), &who.token)
        .await
        .ok();
    r.round_id.to_string()
}

async fn start_vote(party: &Party<'_>, who: &Player) -> (String, String) {
    let r: PartyVoteRoundResponse = party
        .app
        .post_empty(&party.path("/rounds/vote"), &who.token)
        .await
        .ok();
    (r.round_id.to_string(), r.phrases[0].clone())
}

/// Party prompts: a second submission, a late one, a swept one.
async fn party_prompt_submissions(backend: Backend) {
    let app = app(backend).await;
    let party = started_party(&app).await;
    let [a, b, c, ..] = &party.humans[..] else {
        unreachable!()
    };

    let round = start_prompt(&party, a).await;
    party.submit_phrase(a, &round).await;
    submit(&party, a, &round, &party.phrases.next())
        .await
        .err(ErrorCode::RoundNotActive);

    let late = start_prompt(&party, b).await;
    let swept = start_prompt(&party, c).await;
    advance_unswept(&app, PROMPT_SECONDS + GRACE + 1).await;
    submit(&party, b, &late, &party.phrases.next())
        .await
        .err(ErrorCode::Expired);

    // The sweep ends the phase at its deadline and expires the open rounds;
    // the answer is about the round, not the phase that followed.
    let sweep = app.advance(0).await;
    assert_eq!(sweep["sweep"]["parties"]["deadlines"], 1, "{sweep}");
    submit(&party, c, &swept, &party.phrases.next())
        .await
        .err(ErrorCode::Expired);
    app.assert_conserved().await;
}

/// Party copies: a second submission, a late one, a swept one.
async fn party_copy_submissions(backend: Backend) {
    let app = app(backend).await;
    let mut party = started_party(&app).await;
    party.play_prompts().await;
    assert_eq!(party.note_phase().await, PartyPhase::Copy);
    let [a, b, c, ..] = &party.humans[..] else {
        unreachable!()
    };

    let round = start_copy(&party, a).await;
    party.submit_phrase(a, &round).await;
    submit(&party, a, &round, &party.phrases.next())
        .await
        .err(ErrorCode::RoundNotActive);

    let late = start_copy(&party, b).await;
    let swept = start_copy(&party, c).await;
    advance_unswept(&app, COPY_SECONDS + GRACE + 1).await;
    submit(&party, b, &late, &party.phrases.next())
        .await
        .err(ErrorCode::Expired);

    // The round's own timer ran out before the phase's: the sweeper expires
    // the rounds and the party stays in COPY.
    let sweep = app.advance(0).await;
    assert_eq!(sweep["sweep"]["rounds_expired"], 2, "{sweep}");
    assert_eq!(party.status(a).await.current_phase, PartyPhase::Copy);
    submit(&party, c, &swept, &party.phrases.next())
        .await
        .err(ErrorCode::Expired);
    app.assert_conserved().await;
}

/// Party votes: a second submission, two at once, a late one, a swept one.
async fn party_vote_submissions(backend: Backend) {
    let app = app(backend).await;
    let mut party = started_party(&app).await;
    party.play_prompts().await;
    party.play_copies().await;
    assert_eq!(party.note_phase().await, PartyPhase::Vote);
    let [a, b, c, d] = &party.humans[..] else {
        unreachable!()
    };

    let (round, choice) = start_vote(&party, a).await;
    submit(&party, a, &round, &choice).await.ok::<Value>();
    submit(&party, a, &round, &choice)
        .await
        .err(ErrorCode::RoundNotActive);

    // The same vote twice at once: one counts, the other is told the round
    // is over.
    let (round, choice) = start_vote(&party, d).await;
    let replies = join_all([
        submit(&party, d, &round, &choice),
        submit(&party, d, &round, &choice),
    ])
    .await;
    let ok = replies.iter().filter(|r| r.status.is_success()).count();
    assert_eq!(
        ok,
        1,
        "{:?}",
        replies.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    for r in replies.iter().filter(|r| !r.status.is_success()) {
        r.err(ErrorCode::RoundNotActive);
    }

    let (late, late_choice) = start_vote(&party, b).await;
    let (swept, swept_choice) = start_vote(&party, c).await;
    advance_unswept(&app, VOTE_SECONDS + GRACE + 1).await;
    submit(&party, b, &late, &late_choice)
        .await
        .err(ErrorCode::Expired);

    // The vote phase lasts three votes' time (global sets fill everyone's
    // quota of three): the rounds' own timers ran out first, so the sweeper
    // expires them and the party stays in VOTE.
    let sweep = app.advance(0).await;
    assert_eq!(sweep["sweep"]["rounds_expired"], 2, "{sweep}");
    assert_eq!(party.status(a).await.current_phase, PartyPhase::Vote);
    submit(&party, c, &swept, &swept_choice)
        .await
        .err(ErrorCode::Expired);
    app.assert_conserved().await;
}

/// A solo vote: `POST /phrasesets/{id}/vote`.
async fn vote_on_set(app: &TestApp, who: &Player, round: &VoteRoundResponse) -> Reply {
    app.post(
        &format!("/phrasesets/{}/vote", round.phraseset_id),
        &who.token,
        json!({"phrase": round.phrases[0]}),
    )
    .await
}

/// A solo vote through `POST /rounds/{id}/submit`.
async fn submit_vote_round(app: &TestApp, who: &Player, round: &VoteRoundResponse) -> Reply {
    app.post(
        &format!("/rounds/{}/submit", round.round_id),
        &who.token,
        json!({"phrase": round.phrases[0]}),
    )
    .await
}

async fn solo_vote(app: &TestApp, who: &Player) -> VoteRoundResponse {
    app.post_empty("/rounds/vote", &who.token).await.ok()
}

/// Solo votes, on both routes: a second vote, two at once, a late one, a
/// swept one.
async fn solo_vote_submissions(backend: Backend) {
    let app = app(backend).await;
    let players = app.guests(9).await;
    let [writer, c1, c2, v1, v2, v3, v4, v5, v6] = &players[..] else {
        unreachable!()
    };
    build_set(&app, &Phrases::default(), writer, [c1, c2]).await;

    // Voted once: both routes say the round is over.
    let round = solo_vote(&app, v1).await;
    vote_on_set(&app, v1, &round).await.ok::<Value>();
    vote_on_set(&app, v1, &round)
        .await
        .err(ErrorCode::RoundNotActive);
    submit_vote_round(&app, v1, &round)
        .await
        .err(ErrorCode::RoundNotActive);

    // The same vote twice at once, on each route: one counts.
    for (who, by_set) in [(v2, true), (v3, false)] {
        let round = solo_vote(&app, who).await;
        let replies = join_all((0..2).map(|_| async {
            if by_set {
                vote_on_set(&app, who, &round).await
            } else {
                submit_vote_round(&app, who, &round).await
            }
        }))
        .await;
        let ok = replies.iter().filter(|r| r.status.is_success()).count();
        assert_eq!(
            ok,
            1,
            "{:?}",
            replies.iter().map(|r| &r.body).collect::<Vec<_>>()
        );
        for r in replies.iter().filter(|r| !r.status.is_success()) {
            r.err(ErrorCode::RoundNotActive);
        }
    }

    // Past the deadline and its grace, before the sweeper ran, and after.
    let late = solo_vote(&app, v4).await;
    let swept = solo_vote(&app, v5).await;
    let swept_too = solo_vote(&app, v6).await;
    advance_unswept(&app, VOTE_SECONDS + GRACE + 1).await;
    vote_on_set(&app, v4, &late).await.err(ErrorCode::Expired);
    submit_vote_round(&app, v4, &late)
        .await
        .err(ErrorCode::Expired);
    let sweep = app.advance(0).await;
    assert_eq!(sweep["sweep"]["rounds_expired"], 3, "{sweep}");
    vote_on_set(&app, v5, &swept).await.err(ErrorCode::Expired);
    submit_vote_round(&app, v6, &swept_too)
        .await
        .err(ErrorCode::Expired);
    app.assert_conserved().await;
}

on_both_backends!(
    party_prompt_submissions,
    party_copy_submissions,
    party_vote_submissions,
    solo_vote_submissions,
);
