//! Timers: round expiry with its refunds, time-based phraseset
//! finalization, the 20-vote finalization, the copy discount and the
//! copy-abandon cooldown. Time only moves through the manual clock
//! (`advance`), never by sleeping.

use party_protocol::round::{
    AbandonResponse, CopyRoundResponse, PhrasesetResults, PromptRoundResponse, VoteRoundResponse,
};
use party_protocol::{ErrorCode, PhrasesetId, RoundId};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::phrases::{Phrases, submit_valid};
use crate::support::play::{
    Books, COPY, COPY_DISCOUNTED, COPY_SECONDS, CORRECT_PAYOUT, GRACE, PENALTY, POOL_BASE, PROMPT,
    PROMPT_SECONDS, START, SetPhrases, VOTE, VOTE_SECONDS, assert_prizes, availability, build_set,
    current_round, pool_after, prizes, round_details, split, start_vote, vote, vote_for,
    write_copy, write_prompt,
};
use crate::support::{Backend, Player, TestApp, spawn_app, spawn_app_with_rules};

async fn status(app: &TestApp, p: &Player, round: RoundId) -> String {
    round_details(app, p, round).await["status"]
        .as_str()
        .expect("status")
        .to_owned()
}

/// The results if the set is final, `None` while they are withheld.
async fn results(app: &TestApp, p: &Player, set: PhrasesetId) -> Option<PhrasesetResults> {
    let reply = app
        .get(&format!("/phrasesets/{set}/results"), &p.token)
        .await;
    if reply.status.is_success() {
        Some(reply.ok())
    } else {
        reply.err(ErrorCode::ResultsNotAvailable);
        None
    }
}

/// Pays a finalized set's prizes into the books: the expected split for
/// these votes, each role with its own entry cost.
fn pay_prizes(books: &mut Books, votes: [i64; 3], contributors: [(&Player, i64); 3]) -> [i64; 3] {
    let pool = pool_after(votes);
    let prize = prizes(votes, pool);
    for ((p, cost), gross) in contributors.into_iter().zip(prize) {
        books.pay(p, gross, cost);
    }
    prize
}

/// Starts a vote round, checks it is on `set`, and votes for phrase `index`.
async fn vote_on(
    app: &TestApp,
    books: &mut Books,
    voter: &Player,
    set: &SetPhrases,
    index: usize,
) -> PhrasesetId {
    books.spend(voter, VOTE);
    if index == 0 {
        books.pay(voter, CORRECT_PAYOUT, VOTE);
    }
    vote_for(app, voter, set, index).await
}

async fn an_idle_prompt_round_expires_after_its_time_and_grace_with_a_95_refund(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let idle = app.guest().await;
    let late = app.guest().await;
    let round: PromptRoundResponse = app.post_empty("/rounds/prompt", &idle.token).await.ok();
    let late_round: PromptRoundResponse = app.post_empty("/rounds/prompt", &late.token).await.ok();
    assert_eq!(
        round.expires_at - round_created(&app, &idle, round.round_id).await,
        time::Duration::seconds(PROMPT_SECONDS)
    );

    // At 180 s + 5 s the round is over but still inside its grace: the
    // sweeper leaves it alone and a submission is accepted.
    let sweep = app.advance(PROMPT_SECONDS + GRACE).await;
    assert_eq!(sweep["sweep"]["rounds_expired"], 0);
    assert_eq!(status(&app, &idle, round.round_id).await, "active");
    assert_eq!(
        current_round(&app, &idle).await["round_id"],
        json!(round.round_id)
    );
    submit_valid(&app, &phrases, &late, &late_round.round_id.to_string()).await;

    // One second later the sweeper expires it on its own, with the refund.
    app.advance(1).await;
    assert_eq!(status(&app, &idle, round.round_id).await, "expired");
    assert_eq!(current_round(&app, &idle).await, json!({"round_id": null}));
    assert_eq!(
        app.balances(&idle).await,
        (START - PROMPT + PROMPT - PENALTY, 0)
    );
    assert_eq!(app.balances(&idle).await, (4995, 0));
    app.post(
        &format!("/rounds/{}/submit", round.round_id),
        &idle.token,
        json!({"phrase": phrases.next()}),
    )
    .await
    .err(ErrorCode::Expired);
    app.post_empty(&format!("/rounds/{}/abandon", round.round_id), &idle.token)
        .await
        .err(ErrorCode::RoundNotActive);
    // The submitted round is untouched by the sweep.
    assert_eq!(status(&app, &late, late_round.round_id).await, "submitted");
    assert_eq!(app.balances(&late).await, (START - PROMPT, 0));
    // Expired once: later sweeps refund nothing more.
    app.advance(3600).await;
    assert_eq!(app.balances(&idle).await, (4995, 0));
    app.assert_conserved().await;
}

async fn round_created(app: &TestApp, p: &Player, round: RoundId) -> time::OffsetDateTime {
    let details = round_details(app, p, round).await;
    time::OffsetDateTime::parse(
        details["created_at"].as_str().expect("created_at"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("RFC 3339")
}

async fn abandoning_a_prompt_round_refunds_95_and_keeps_5(backend: Backend) {
    let app = spawn_app(backend).await;
    let p = app.guest().await;
    let round: PromptRoundResponse = app.post_empty("/rounds/prompt", &p.token).await.ok();
    let reply = app
        .post_empty(&format!("/rounds/{}/abandon", round.round_id), &p.token)
        .await;
    let body: Value = reply.ok();
    assert_eq!(
        body,
        json!({"round_id": round.round_id, "refund_amount": 95, "penalty_kept": 5})
    );
    assert_eq!(app.balances(&p).await, (4995, 0));
    assert_eq!(status(&app, &p, round.round_id).await, "abandoned");
    assert_eq!(current_round(&app, &p).await, json!({"round_id": null}));
    app.post_empty(&format!("/rounds/{}/abandon", round.round_id), &p.token)
        .await
        .err(ErrorCode::RoundNotActive);
    // The sweeper does not refund an abandoned round a second time.
    app.advance(PROMPT_SECONDS + GRACE + 1).await;
    assert_eq!(app.balances(&p).await, (4995, 0));
    // The player is free to play again at once.
    let again: PromptRoundResponse = app.post_empty("/rounds/prompt", &p.token).await.ok();
    assert_ne!(
        again.prompt_text, round.prompt_text,
        "never the same prompt"
    );
    app.assert_conserved().await;
}

async fn an_expired_copy_round_refunds_45_and_frees_the_prompt(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let [w, c1, c2, c3, v] = <[Player; 5]>::try_from(app.guests(5).await).unwrap();
    let (prompt_round, original) = write_prompt(&app, &phrases, &w).await;
    let idle: CopyRoundResponse = app.post_empty("/rounds/copy", &c1.token).await.ok();
    assert_eq!(idle.prompt_round_id, prompt_round);
    let (second, copy2) = write_copy(&app, &phrases, &c2).await;
    assert_eq!(second.prompt_round_id, prompt_round);
    app.post_empty("/rounds/copy", &c3.token)
        .await
        .err(ErrorCode::NoPromptsAvailable);
    assert_eq!(availability(&app, &c3).await["prompts_waiting"], 0);

    let sweep = app.advance(COPY_SECONDS + GRACE).await;
    assert_eq!(sweep["sweep"]["rounds_expired"], 0);
    assert_eq!(status(&app, &c1, idle.round_id).await, "active");
    app.advance(1).await;
    assert_eq!(status(&app, &c1, idle.round_id).await, "expired");
    assert_eq!(app.balances(&c1).await, (START - COPY + COPY - PENALTY, 0));
    assert_eq!(app.balances(&c1).await, (4995, 0));
    assert_eq!(current_round(&app, &c1).await, json!({"round_id": null}));

    // The slot is back in the queue: another copier takes it and completes the set.
    assert_eq!(availability(&app, &c3).await["prompts_waiting"], 1);
    let (third, copy3) = write_copy(&app, &phrases, &c3).await;
    assert_eq!(third.prompt_round_id, prompt_round);
    let round: VoteRoundResponse = start_vote(&app, &v).await;
    let mut shown = round.phrases.to_vec();
    shown.sort();
    let mut expected = vec![original, copy2, copy3];
    expected.sort();
    assert_eq!(
        shown, expected,
        "the set holds the copies that were submitted"
    );
    app.assert_conserved().await;
}

async fn an_expired_vote_round_forfeits_its_fee(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let [w, c1, c2, v] = <[Player; 4]>::try_from(app.guests(4).await).unwrap();
    let set = build_set(&app, &phrases, &w, [&c1, &c2]).await;
    let round = start_vote(&app, &v).await;
    assert_eq!(app.balances(&v).await, (START - VOTE, 0));

    let sweep = app.advance(VOTE_SECONDS + GRACE).await;
    assert_eq!(sweep["sweep"]["rounds_expired"], 0);
    assert_eq!(status(&app, &v, round.round_id).await, "active");
    app.advance(1).await;
    assert_eq!(status(&app, &v, round.round_id).await, "expired");
    assert_eq!(
        app.balances(&v).await,
        (START - VOTE, 0),
        "the fee is forfeited"
    );
    assert_eq!(current_round(&app, &v).await, json!({"round_id": null}));
    // The fee went to the house, not the pool; the vote is gone for good.
    assert_eq!(app.audit().await["pools"], POOL_BASE);
    vote(&app, &v, round.phraseset_id, &set.original)
        .await
        .err(ErrorCode::Expired);
    app.post_empty("/rounds/vote", &v.token)
        .await
        .err(ErrorCode::NoPhrasesetsAvailable);
    app.assert_conserved().await;
}

async fn three_or_four_votes_finalize_sixty_minutes_after_the_third_vote(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let players = app.guests(9).await;
    let [w3, a3, b3, w4, a4, b4, v1, v2, v3] =
        <[&Player; 9]>::try_from(players.iter().collect::<Vec<_>>()).unwrap();
    let mut books = Books::default();
    books.open(&players.iter().collect::<Vec<_>>());

    // Set "three": three votes at t0.
    let three = build_set(&app, &phrases, w3, [a3, b3]).await;
    books.spend(w3, PROMPT);
    books.spend(a3, COPY);
    books.spend(b3, COPY);
    let mut three_id = None;
    for (v, i) in [(v1, 0), (v2, 1), (v3, 2)] {
        three_id = Some(vote_on(&app, &mut books, v, &three, i).await);
    }
    let three_id = three_id.unwrap();

    // Set "four": its third vote 5 minutes later, a fourth 10 minutes after
    // that (which does not move the deadline). Voters who already voted on
    // "three" are offered "four".
    app.advance(300).await;
    let four = build_set(&app, &phrases, w4, [a4, b4]).await;
    books.spend(w4, PROMPT);
    books.spend(a4, COPY);
    books.spend(b4, COPY);
    let mut four_id = None;
    for (v, i) in [(v1, 0), (v2, 0), (v3, 1)] {
        four_id = Some(vote_on(&app, &mut books, v, &four, i).await);
    }
    let four_id = four_id.unwrap();
    app.advance(600).await;
    vote_on(&app, &mut books, w3, &four, 0).await;

    // t0 + 59 min: nothing final.
    let sweep = app.advance(59 * 60 - 900).await;
    assert_eq!(sweep["sweep"]["phrasesets_finalized"], 0);
    assert!(results(&app, v1, three_id).await.is_none());
    // t0 + 59:59: still nothing.
    let sweep = app.advance(59).await;
    assert_eq!(sweep["sweep"]["phrasesets_finalized"], 0);
    assert!(results(&app, v1, three_id).await.is_none());
    // t0 + 60 min: "three" finalizes, "four" (third vote at t0 + 5) waits.
    app.advance(1).await;
    let r3 = results(&app, v1, three_id).await.expect("three is final");
    assert_eq!(r3.vote_count, 3);
    assert!(results(&app, v1, four_id).await.is_none());
    let prize3 = pay_prizes(
        &mut books,
        [1, 1, 1],
        [(w3, PROMPT), (a3, COPY), (b3, COPY)],
    );
    assert_eq!(prize3, [42, 84, 84], "pool 210 for 1 + 2 + 2 points");
    assert_prizes(&r3, [(w3, 42), (a3, 84), (b3, 84)]);
    let everyone: Vec<&Player> = players.iter().collect();
    books.check(&app, &everyone).await;

    // t0 + 65 min - 1 s: "four" still open; at t0 + 65 min it finalizes.
    let sweep = app.advance(5 * 60 - 1).await;
    assert_eq!(sweep["sweep"]["phrasesets_finalized"], 0);
    assert!(results(&app, v1, four_id).await.is_none());
    app.advance(1).await;
    let r4 = results(&app, v1, four_id).await.expect("four is final");
    assert_eq!(r4.vote_count, 4);
    let prize4 = pay_prizes(
        &mut books,
        [3, 1, 0],
        [(w4, PROMPT), (a4, COPY), (b4, COPY)],
    );
    assert_prizes(&r4, [(w4, prize4[0]), (a4, prize4[1]), (b4, prize4[2])]);
    books.check(&app, &everyone).await;
    app.assert_conserved().await;
}

async fn five_votes_finalize_five_minutes_after_the_fifth_vote(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let players = app.guests(9).await;
    let everyone: Vec<&Player> = players.iter().collect();
    let [w, c1, c2, voters @ ..] = everyone.as_slice() else {
        unreachable!()
    };
    let mut books = Books::default();
    books.open(&everyone);
    let set = build_set(&app, &phrases, w, [c1, c2]).await;
    books.spend(w, PROMPT);
    books.spend(c1, COPY);
    books.spend(c2, COPY);
    let choices = [0, 1, 0, 2, 0, 0];
    // Three tally at t0 (the 60-minute rule would finalize at t0 + 60)…
    let mut id = None;
    for i in 0..3 {
        id = Some(vote_on(&app, &mut books, voters[i], &set, choices[i]).await);
    }
    let id = id.unwrap();
    // …the fourth and fifth at t0 + 10 min: now due at t0 + 15 min.
    app.advance(600).await;
    for i in 3..5 {
        vote_on(&app, &mut books, voters[i], &set, choices[i]).await;
    }
    // A sixth vote at t0 + 12 min does not move the deadline.
    app.advance(120).await;
    vote_on(&app, &mut books, voters[5], &set, choices[5]).await;
    let sweep = app.advance(179).await;
    assert_eq!(sweep["sweep"]["phrasesets_finalized"], 0);
    assert!(results(&app, w, id).await.is_none());
    app.advance(1).await;
    let r = results(&app, w, id)
        .await
        .expect("final 5 minutes after the fifth vote");
    assert_eq!(r.vote_count, 6);
    let tally = [4, 1, 1];
    assert_eq!(r.final_pool.get(), pool_after(tally));
    let prize = pay_prizes(&mut books, tally, [(w, PROMPT), (c1, COPY), (c2, COPY)]);
    assert_prizes(&r, [(w, prize[0]), (c1, prize[1]), (c2, prize[2])]);
    books.check(&app, &everyone).await;
    app.assert_conserved().await;
}

async fn the_twentieth_vote_finalizes_at_once_and_refunds_open_vote_rounds(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let players = app.guests(24).await;
    let everyone: Vec<&Player> = players.iter().collect();
    let [w, c1, c2, voters @ .., late] = everyone.as_slice() else {
        unreachable!()
    };
    assert_eq!(voters.len(), 20);
    let mut books = Books::default();
    books.open(&everyone);
    let set = build_set(&app, &phrases, w, [c1, c2]).await;
    books.spend(w, PROMPT);
    books.spend(c1, COPY);
    books.spend(c2, COPY);

    // All 21 voters open a vote round first; the 21st never tally.
    let mut rounds = Vec::new();
    for v in voters.iter().chain([late]) {
        rounds.push(start_vote(&app, v).await);
        books.spend(v, VOTE);
    }
    let id = rounds[0].phraseset_id;
    assert!(rounds.iter().all(|r| r.phraseset_id == id));
    let mut tally = [0i64; 3];
    for (i, v) in voters.iter().enumerate() {
        let choice = match i % 5 {
            1 => 1,
            3 => 2,
            _ => 0,
        };
        if i < 19 {
            assert!(
                results(&app, w, id).await.is_none(),
                "open before vote {}",
                i + 1
            );
        }
        let body: Value = vote(&app, v, id, set.phrase(choice)).await.ok();
        assert_eq!(body["correct"], choice == 0);
        if choice == 0 {
            books.pay(v, CORRECT_PAYOUT, VOTE);
        }
        tally[choice] += 1;
    }
    // Final in the same request: no clock movement, no sweep.
    let r = results(&app, w, id).await.expect("final at the 20th vote");
    assert_eq!(r.vote_count, 20);
    assert_eq!(r.votes.len(), 20);
    assert_eq!(tally, [12, 4, 4]);
    let prize = pay_prizes(&mut books, tally, [(w, PROMPT), (c1, COPY), (c2, COPY)]);
    assert_prizes(&r, [(w, prize[0]), (c1, prize[1]), (c2, prize[2])]);
    // The 21st voter's open round was closed with a full refund.
    books.refund(late, VOTE);
    let last = rounds.last().unwrap();
    assert_eq!(status(&app, late, last.round_id).await, "cancelled");
    assert_eq!(app.balances(late).await, (START, 0));
    assert_eq!(current_round(&app, late).await, json!({"round_id": null}));
    vote(&app, late, id, &set.original)
        .await
        .err(ErrorCode::RoundNotActive);
    books.check(&app, &everyone).await;
    app.assert_conserved().await;
}

async fn more_than_ten_waiting_prompts_make_copies_cost_40_with_the_house_topping_up_the_pool(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let players = app.guests(12).await;
    let everyone: Vec<&Player> = players.iter().collect();
    let [
        writers @ ..,
        c1,
        c2,
        c3,
        voter_a,
        voter_b,
        voter_c,
        voter_d,
        voter_e,
    ] = everyone.as_slice()
    else {
        unreachable!()
    };
    let mut books = Books::default();
    books.open(&everyone);
    // 11 prompts from four guests (three each at most).
    let mut authors = Vec::new();
    for i in 0..11 {
        let writer = writers[i % 4];
        let (round, _) = write_prompt(&app, &phrases, writer).await;
        books.spend(writer, PROMPT);
        authors.push((round, writer));
    }
    let avail = availability(&app, c1).await;
    assert_eq!(avail["prompts_waiting"], 11);
    assert_eq!(avail["copy_discount_active"], true);
    assert_eq!(avail["copy_cost"], COPY_DISCOUNTED);

    // Two discounted copies of the same prompt (it keeps a free slot, so 11
    // prompts are still waiting when the second copier starts).
    let (first, _) = write_copy(&app, &phrases, c1).await;
    assert!(first.discount_active);
    assert_eq!(first.cost.get(), COPY_DISCOUNTED);
    let (second, _) = write_copy(&app, &phrases, c2).await;
    assert_eq!(second.prompt_round_id, first.prompt_round_id);
    assert!(second.discount_active);
    assert_eq!(second.cost.get(), COPY_DISCOUNTED);
    books.spend(c1, COPY_DISCOUNTED);
    books.spend(c2, COPY_DISCOUNTED);
    // The pool starts at 200 anyway: 100 + 40 + 40 from the entries, 20
    // from the house.
    assert_eq!(app.audit().await["pools"], POOL_BASE);

    // Ten waiting is not "more than ten": full price again.
    let avail = availability(&app, c3).await;
    assert_eq!(avail["prompts_waiting"], 10);
    assert_eq!(avail["copy_discount_active"], false);
    assert_eq!(avail["copy_cost"], COPY);
    let full: CopyRoundResponse = app.post_empty("/rounds/copy", &c3.token).await.ok();
    assert!(!full.discount_active);
    assert_eq!(full.cost.get(), COPY);
    let abandoned: AbandonResponse = app
        .post_empty(&format!("/rounds/{}/abandon", full.round_id), &c3.token)
        .await
        .ok();
    assert_eq!(abandoned.refund_amount.get(), COPY - PENALTY);
    books.spend(c3, PENALTY);

    // The worked example: 3 correct votes and one on each copy leave 190,
    // split 81 / 54 / 54. A discounted copier nets 54 - 40 = 14: 4 to the
    // vault, 50 to the wallet.
    let set = SetPhrases {
        prompt_round: first.prompt_round_id,
        original: first.original_phrase.clone(),
        copies: [
            round_details(&app, c1, first.round_id).await["submitted_phrase"]
                .as_str()
                .unwrap()
                .to_owned(),
            round_details(&app, c2, second.round_id).await["submitted_phrase"]
                .as_str()
                .unwrap()
                .to_owned(),
        ],
    };
    let mut id = None;
    for (v, i) in [
        (voter_a, 0),
        (voter_b, 0),
        (voter_c, 0),
        (voter_d, 1),
        (voter_e, 2),
    ] {
        id = Some(vote_on(&app, &mut books, v, &set, i).await);
    }
    let id = id.unwrap();
    app.advance(300).await;
    let r = results(&app, c1, id).await.expect("final");
    assert_eq!(r.final_pool.get(), 190);
    let author = authors
        .iter()
        .find(|(round, _)| *round == set.prompt_round)
        .unwrap()
        .1;
    let prize = pay_prizes(
        &mut books,
        [3, 1, 1],
        [
            (author, PROMPT),
            (c1, COPY_DISCOUNTED),
            (c2, COPY_DISCOUNTED),
        ],
    );
    assert_eq!(prize, [81, 54, 54]);
    assert_eq!(split(54, COPY_DISCOUNTED), (50, 4));
    assert_eq!(app.balances(c1).await, (5010, 4));
    assert_eq!(r.your_payout.get(), 54);
    books.check(&app, &everyone).await;
    app.assert_conserved().await;
}

async fn an_abandoned_copy_is_not_offered_again_for_24_hours(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let [a, b, y] = <[Player; 3]>::try_from(app.guests(3).await).unwrap();
    let mut x = app.guest().await;
    let (p_round, _) = write_prompt(&app, &phrases, &a).await;

    let first: CopyRoundResponse = app.post_empty("/rounds/copy", &x.token).await.ok();
    assert_eq!(first.prompt_round_id, p_round);
    let abandoned: Value = app
        .post_empty(&format!("/rounds/{}/abandon", first.round_id), &x.token)
        .await
        .ok();
    assert_eq!(
        abandoned,
        json!({"round_id": first.round_id, "refund_amount": 45, "penalty_kept": 5})
    );
    assert_eq!(app.balances(&x).await, (4995, 0));

    // P is back in the queue — but not for x.
    assert_eq!(availability(&app, &x).await["prompts_waiting"], 1);
    assert_eq!(availability(&app, &x).await["can_copy"], false);
    app.post_empty("/rounds/copy", &x.token)
        .await
        .err(ErrorCode::NoPromptsAvailable);
    let (other, _) = write_copy(&app, &phrases, &y).await;
    assert_eq!(other.prompt_round_id, p_round, "anyone else may take it");

    // With a newer prompt Q waiting, x gets Q although P is older.
    app.advance(1).await;
    let (q_round, _) = write_prompt(&app, &phrases, &b).await;
    let (to_q, _) = write_copy(&app, &phrases, &x).await;
    assert_eq!(to_q.prompt_round_id, q_round);

    // Just under 24 hours after the abandon: still not offered.
    app.advance(24 * 3600 - 2).await;
    app.refresh(&mut x).await;
    app.post_empty("/rounds/copy", &x.token)
        .await
        .err(ErrorCode::NoPromptsAvailable);
    // Just over: offered again.
    app.advance(2).await;
    app.refresh(&mut x).await;
    assert_eq!(availability(&app, &x).await["can_copy"], true);
    let (again, _) = write_copy(&app, &phrases, &x).await;
    assert_eq!(again.prompt_round_id, p_round);
    assert_eq!(app.balances(&x).await, (START - PENALTY - 2 * COPY, 0));
    app.assert_conserved().await;
}

on_both_backends!(
    an_idle_prompt_round_expires_after_its_time_and_grace_with_a_95_refund,
    abandoning_a_prompt_round_refunds_95_and_keeps_5,
    an_expired_copy_round_refunds_45_and_frees_the_prompt,
    an_expired_vote_round_forfeits_its_fee,
    three_or_four_votes_finalize_sixty_minutes_after_the_third_vote,
    five_votes_finalize_five_minutes_after_the_fifth_vote,
    the_twentieth_vote_finalizes_at_once_and_refunds_open_vote_rounds,
    more_than_ten_waiting_prompts_make_copies_cost_40_with_the_house_topping_up_the_pool,
    an_abandoned_copy_is_not_offered_again_for_24_hours,
    each_clock_step_reports_the_expiries_it_causes,
);

/// The test clock's report is exact even with the background sweeper
/// running flat out (every 10 ms): the step that makes a round overdue
/// reports it expired, never the background sweeper behind its back.
async fn each_clock_step_reports_the_expiries_it_causes(backend: Backend) {
    let app = spawn_app_with_rules(backend, json!({"sweep_interval_ms": 10})).await;
    let mut p = app.guest().await;
    for i in 0..40 {
        if i == 30 {
            app.refresh(&mut p).await; // 30 steps of 186 s: tokens live 120 min
        }
        let round: PromptRoundResponse = app.post_empty("/rounds/prompt", &p.token).await.ok();
        let sweep = app.advance(PROMPT_SECONDS + GRACE).await;
        assert_eq!(sweep["sweep"]["rounds_expired"], 0, "step {i}: {sweep}");
        let sweep = app.advance(1).await;
        assert_eq!(sweep["sweep"]["rounds_expired"], 1, "step {i}: {sweep}");
        assert_eq!(status(&app, &p, round.round_id).await, "expired");
    }
    assert_eq!(app.balances(&p).await, (START - 40 * PENALTY, 0));
    app.assert_conserved().await;
}
