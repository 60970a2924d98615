//! Races: the same request fired many times at once, many players going
//! for the same thing, and timers firing while a player acts. Each race
//! must have exactly one winner, the losers a clean 4xx (never a 5xx), and
//! the books must balance afterwards.

use std::collections::HashSet;

use party_protocol::round::{
    AbandonResponse, CopyRoundResponse, PhrasesetResults, PromptRoundResponse, VoteRoundResponse,
};
use party_protocol::{ErrorCode, PhrasesetId, PlayerId};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::phrases::{Phrases, submit_valid};
use crate::support::play::{
    Books, COPY, GRACE, PENALTY, PROMPT, PROMPT_SECONDS, START, VOTE, all_at_once, assert_prizes,
    availability, build_set, codes, current_round, outcomes, pool_after, prizes, round_details,
    split, start_vote, vote, vote_for, write_copy, write_prompt,
};
use crate::support::{Backend, Player, Reply, TestApp, spawn_app, spawn_app_with_rules};

async fn entries(app: &TestApp) -> i64 {
    app.audit().await["entries"].as_i64().expect("entries")
}

fn winner(replies: &[Reply]) -> &Reply {
    let mut wins = replies.iter().filter(|r| r.status.is_success());
    let first = wins.next().expect("a winner");
    assert!(wins.next().is_none(), "two winners");
    first
}

/// Sends one fresh phrase to `path` ten times at once, with a new phrase
/// while none is accepted (one that clashes with the round's own text
/// fails all ten alike); asserts exactly one submission won and the other
/// nine were told `round_not_active`. Returns the accepted phrase and the
/// replies.
async fn race_submissions(
    app: &TestApp,
    phrases: &Phrases,
    who: &Player,
    path: &str,
) -> (String, Vec<Reply>) {
    for _ in 0..30 {
        let phrase = phrases.next();
        let replies = all_at_once(
            (0..10)
                .map(|_| app.post(path, &who.token, json!({"phrase": phrase})))
                .collect(),
        )
        .await;
        let (ok, errors) = outcomes(&replies);
        if ok == 0 {
            assert_eq!(errors, codes(&[(ErrorCode::InvalidPhrase, 10)]));
            continue;
        }
        assert_eq!(ok, 1, "{replies:?}");
        assert_eq!(
            errors,
            codes(&[(ErrorCode::RoundNotActive, 9)]),
            "{replies:?}"
        );
        return (phrase, replies);
    }
    panic!("no phrase was accepted in 30 tries");
}

async fn twenty_simultaneous_prompt_starts_open_one_round_and_debit_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let p = app.guest().await;
    let before = entries(&app).await;

    let replies = all_at_once(
        (0..20)
            .map(|_| app.post_empty("/rounds/prompt", &p.token))
            .collect(),
    )
    .await;

    let (ok, errors) = outcomes(&replies);
    assert_eq!(ok, 1, "{replies:?}");
    assert_eq!(errors, codes(&[(ErrorCode::AlreadyInRound, 19)]));
    for r in replies.iter().filter(|r| !r.status.is_success()) {
        r.err(ErrorCode::AlreadyInRound);
    }
    let round: PromptRoundResponse = winner(&replies).ok();
    assert_eq!(app.balances(&p).await, (START - PROMPT, 0));
    assert_eq!(entries(&app).await - before, 1, "exactly one debit");
    assert_eq!(
        current_round(&app, &p).await["round_id"],
        json!(round.round_id)
    );
    app.assert_conserved().await;
}

async fn simultaneous_starts_of_all_kinds_open_one_round(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let [author, copier1, copier2, writer, racer, late1, late2] =
        <[Player; 7]>::try_from(app.guests(7).await).unwrap();
    build_set(&app, &phrases, &author, [&copier1, &copier2]).await;
    let (waiting, _) = write_prompt(&app, &phrases, &writer).await;
    let before = entries(&app).await;

    let mut requests = Vec::new();
    for i in 0..21 {
        let path = ["/rounds/prompt", "/rounds/copy", "/rounds/vote"][i % 3];
        requests.push(app.post_empty(path, &racer.token));
    }
    let replies = all_at_once(requests).await;

    let (ok, _) = outcomes(&replies);
    assert_eq!(ok, 1, "{replies:?}");
    let won = replies.iter().position(|r| r.status.is_success()).unwrap();
    // A loser is told it is already in a round — or, on PostgreSQL, when
    // the winner (of the same kind) committed between the loser's check
    // for an active round and its search, that the only prompt or
    // phraseset is taken (by the player's own new round). Never more.
    for (j, r) in replies.iter().enumerate().filter(|(j, _)| *j != won) {
        let same_kind = j % 3 == won % 3;
        let code = r.body["error"].as_str().unwrap();
        let allowed = code == "already_in_round"
            || (same_kind && j % 3 == 1 && code == "no_prompts_available")
            || (same_kind && j % 3 == 2 && code == "no_phrasesets_available");
        assert!(allowed, "reply {j} (winner {won}): {}", r.body);
    }
    let cost = [PROMPT, COPY, VOTE][won % 3];
    assert_eq!(app.balances(&racer).await, (START - cost, 0));
    assert_eq!(entries(&app).await - before, 1, "exactly one debit");
    let round_id = replies[won].body["round_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let details = round_details(&app, &racer, round_id).await;
    assert_eq!(details["round_type"], ["prompt", "copy", "vote"][won % 3]);
    assert_eq!(details["status"], "active");

    // The losing copy starts gave their claims on the writer's prompt back: it has
    // exactly as many free slots as the winner left.
    let free = if won % 3 == 1 { 1 } else { 2 };
    for copier in [&late1, &late2].into_iter().take(free) {
        let round: CopyRoundResponse = app.post_empty("/rounds/copy", &copier.token).await.ok();
        assert_eq!(round.prompt_round_id, waiting);
    }
    let extra = app.guest().await;
    app.post_empty("/rounds/copy", &extra.token)
        .await
        .err(ErrorCode::NoPromptsAvailable);
    app.assert_conserved().await;
}

async fn simultaneous_submits_of_one_prompt_round_store_one_phrase(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let p = app.guest().await;
    let others = app.guests(3).await;
    let round: PromptRoundResponse = app.post_empty("/rounds/prompt", &p.token).await.ok();
    let path = format!("/rounds/{}/submit", round.round_id);
    let before = entries(&app).await;

    let (phrase, replies) = race_submissions(&app, &phrases, &p, &path).await;
    assert_eq!(winner(&replies).body["phrase"], phrase.as_str());

    let details = round_details(&app, &p, round.round_id).await;
    assert_eq!(details["status"], "submitted");
    assert_eq!(details["submitted_phrase"], phrase.as_str());
    assert_eq!(entries(&app).await, before, "a submission moves no coins");
    assert_eq!(app.balances(&p).await, (START - PROMPT, 0));
    // Queued once: one prompt waiting, with exactly two copy slots.
    assert_eq!(availability(&app, &others[0]).await["prompts_waiting"], 1);
    for copier in &others[..2] {
        let copy: CopyRoundResponse = app.post_empty("/rounds/copy", &copier.token).await.ok();
        assert_eq!(copy.prompt_round_id, round.round_id);
        assert_eq!(copy.original_phrase, phrase);
    }
    app.post_empty("/rounds/copy", &others[2].token)
        .await
        .err(ErrorCode::NoPromptsAvailable);
    let balance: Value = app.get("/player/balance", &p.token).await.ok();
    assert_eq!(balance["outstanding_prompts"], 1);
    app.assert_conserved().await;
}

async fn simultaneous_submits_of_one_copy_round_count_one_copy(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let [w, c, o, third, v] = <[Player; 5]>::try_from(app.guests(5).await).unwrap();
    let (prompt_round, original) = write_prompt(&app, &phrases, &w).await;
    let round: CopyRoundResponse = app.post_empty("/rounds/copy", &c.token).await.ok();
    let path = format!("/rounds/{}/submit", round.round_id);

    // The losers learn that the round is over, not that their copy
    // duplicates the "other" copy (which is their own).
    let (copy, _) = race_submissions(&app, &phrases, &c, &path).await;
    assert_eq!(app.balances(&c).await, (START - COPY, 0));
    let details = round_details(&app, &c, round.round_id).await;
    assert_eq!(details["status"], "submitted");

    // One copy counted: one slot left, and the second copy completes the set.
    assert_eq!(availability(&app, &o).await["prompts_waiting"], 1);
    let (second, other_copy) = write_copy(&app, &phrases, &o).await;
    assert_eq!(second.prompt_round_id, prompt_round);
    app.post_empty("/rounds/copy", &third.token)
        .await
        .err(ErrorCode::NoPromptsAvailable);
    let vr: VoteRoundResponse = start_vote(&app, &v).await;
    let mut shown = vr.phrases.to_vec();
    shown.sort();
    let mut expected = vec![original.clone(), copy, other_copy];
    expected.sort();
    assert_eq!(shown, expected);
    vote(&app, &v, vr.phraseset_id, &original)
        .await
        .ok::<Value>();
    assert_eq!(app.audit().await["pools"], pool_after([1, 0, 0]));
    app.assert_conserved().await;
}

async fn simultaneous_votes_in_one_round_count_one_vote(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let [w, c1, c2, v, v2, v3] = <[Player; 6]>::try_from(app.guests(6).await).unwrap();
    let set = build_set(&app, &phrases, &w, [&c1, &c2]).await;
    let round = start_vote(&app, &v).await;
    let before = entries(&app).await;

    // Half through the phraseset endpoint, half through the round's submit.
    let vote_path = format!("/phrasesets/{}/vote", round.phraseset_id);
    let submit_path = format!("/rounds/{}/submit", round.round_id);
    let replies = all_at_once(
        (0..10)
            .map(|i| {
                let path = if i % 2 == 0 { &vote_path } else { &submit_path };
                app.post(path, &v.token, json!({"phrase": set.original}))
            })
            .collect(),
    )
    .await;

    let (ok, errors) = outcomes(&replies);
    assert_eq!(ok, 1, "{replies:?}");
    // The losers are told the round is over, through either endpoint and
    // whether they raced the winner or came after it: the round is judged
    // under its lock.
    let refused: usize = errors
        .iter()
        .filter(|(code, _)| *code == ErrorCode::RoundNotActive.as_str())
        .map(|(_, n)| n)
        .sum();
    assert_eq!(refused, 9, "{replies:?}");
    assert_eq!(errors.values().sum::<usize>(), 9, "{replies:?}");
    // Stake into the pool, correct payout out of it (wallet + vault rows).
    assert_eq!(entries(&app).await - before, 3);
    let (wallet, vault) = split(20, VOTE);
    assert_eq!(app.balances(&v).await, (START - VOTE + wallet, vault));
    assert_eq!(app.audit().await["pools"], pool_after([1, 0, 0]));

    // Two more votes, then the 60-minute finalization: one vote by v.
    vote_for(&app, &v2, &set, 1).await;
    vote_for(&app, &v3, &set, 0).await;
    app.advance(3600).await;
    let results: PhrasesetResults = app
        .get(
            &format!("/phrasesets/{}/results", round.phraseset_id),
            &v.token,
        )
        .await
        .ok();
    assert_eq!(results.vote_count, 3);
    let votes: Vec<PlayerId> = results.votes.iter().map(|r| r.player_id).collect();
    assert_eq!(votes.iter().filter(|id| **id == v.id).count(), 1);
    assert_eq!(results.phrases[0].votes, 2);
    app.assert_conserved().await;
}

async fn twelve_players_racing_for_one_prompt_get_exactly_two_copies(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let writer = app.guest().await;
    let racers = app.guests(12).await;
    let (prompt_round, original) = write_prompt(&app, &phrases, &writer).await;

    let replies = all_at_once(
        racers
            .iter()
            .map(|p| app.post_empty("/rounds/copy", &p.token))
            .collect(),
    )
    .await;
    let (ok, errors) = outcomes(&replies);
    assert_eq!(ok, 2, "{replies:?}");
    assert_eq!(errors, codes(&[(ErrorCode::NoPromptsAvailable, 10)]));
    let won: Vec<usize> = (0..12)
        .filter(|&i| replies[i].status.is_success())
        .collect();
    let mut rounds = Vec::new();
    for &i in &won {
        let round: CopyRoundResponse = replies[i].ok();
        assert_eq!(round.prompt_round_id, prompt_round);
        assert_eq!(round.original_phrase, original);
        assert_eq!(app.balances(&racers[i]).await, (START - COPY, 0));
        rounds.push(round);
    }
    for (i, p) in racers.iter().enumerate().filter(|(i, _)| !won.contains(i)) {
        assert_eq!(app.balances(p).await, (START, 0), "loser {i} paid nothing");
        assert_eq!(current_round(&app, p).await["round_id"], Value::Null);
    }
    assert_eq!(
        availability(&app, &racers[won[0]]).await["prompts_waiting"],
        0
    );

    // The first winner gives up: exactly one of the others takes the slot
    // (the quitter itself is on cooldown for this prompt).
    let quitter = &racers[won[0]];
    let abandoned: AbandonResponse = app
        .post_empty(
            &format!("/rounds/{}/abandon", rounds[0].round_id),
            &quitter.token,
        )
        .await
        .ok();
    assert_eq!(abandoned.refund_amount.get(), COPY - PENALTY);
    let second_race: Vec<usize> = (0..12).filter(|&i| i != won[1]).collect();
    let replies = all_at_once(
        second_race
            .iter()
            .map(|&i| app.post_empty("/rounds/copy", &racers[i].token))
            .collect(),
    )
    .await;
    let (ok, errors) = outcomes(&replies);
    assert_eq!(ok, 1, "{replies:?}");
    assert_eq!(errors, codes(&[(ErrorCode::NoPromptsAvailable, 10)]));
    let k = replies.iter().position(|r| r.status.is_success()).unwrap();
    let newcomer = &racers[second_race[k]];
    assert_ne!(newcomer.id, quitter.id, "the quitter is on cooldown");
    let round: CopyRoundResponse = replies[k].ok();
    assert_eq!(round.prompt_round_id, prompt_round);

    // Both copies in: one phraseset, with exactly these two copies.
    let keeper = &racers[won[1]];
    submit_valid(&app, &phrases, keeper, &rounds[1].round_id.to_string()).await;
    submit_valid(&app, &phrases, newcomer, &round.round_id.to_string()).await;
    let copiers: HashSet<PlayerId> = [keeper.id, newcomer.id].into();
    let voters: Vec<&Player> = racers
        .iter()
        .filter(|p| !copiers.contains(&p.id))
        .take(3)
        .collect();
    let mut set_id = None;
    for voter in &voters {
        let vr = start_vote(&app, voter).await;
        assert!(vr.phrases.contains(&original));
        set_id = Some(vr.phraseset_id);
        vote(&app, voter, vr.phraseset_id, &original)
            .await
            .ok::<Value>();
    }
    let set_id = set_id.unwrap();
    app.advance(3600).await;
    let results: PhrasesetResults = app
        .get(&format!("/phrasesets/{set_id}/results"), &writer.token)
        .await
        .ok();
    assert_eq!(results.phrases.len(), 3);
    assert_eq!(results.phrases[0].author_id, writer.id);
    let authors: HashSet<PlayerId> = results.phrases[1..].iter().map(|p| p.author_id).collect();
    assert_eq!(authors, copiers);
    assert_eq!(results.vote_count, 3);
    // Finalized: nothing left to vote on for anyone.
    let bystander = racers
        .iter()
        .find(|p| !copiers.contains(&p.id) && voters.iter().all(|v| v.id != p.id))
        .unwrap();
    app.post_empty("/rounds/vote", &bystander.token)
        .await
        .err(ErrorCode::NoPhrasesetsAvailable);
    assert_eq!(app.audit().await["pools"], {
        let pool = pool_after([3, 0, 0]);
        pool - prizes([3, 0, 0], pool).iter().sum::<i64>()
    });
    app.assert_conserved().await;
}

/// Runs one statement on the app's database from outside the server.
async fn execute_directly(app: &TestApp, sql: &str, id: uuid::Uuid) -> Result<u64, sqlx::Error> {
    use sqlx::Connection;
    match app.backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&app.database_url).await?;
            let done = sqlx::query(sql).bind(id).execute(&mut conn).await;
            conn.close().await?;
            done.map(|r| r.rows_affected())
        }
        Backend::Postgres(_) => {
            let mut conn = sqlx::PgConnection::connect(&app.database_url).await?;
            let done = sqlx::query(sql).bind(id).execute(&mut conn).await;
            conn.close().await?;
            done.map(|r| r.rows_affected())
        }
    }
}

#[track_caller]
fn assert_check_violation(result: Result<u64, sqlx::Error>, what: &str) {
    match result {
        Err(sqlx::Error::Database(db)) => assert!(
            db.is_check_violation(),
            "{what}: expected a CHECK violation, got {db}"
        ),
        other => panic!("{what}: the database accepted it: {other:?}"),
    }
}

async fn a_wallet_never_goes_negative_and_the_database_forbids_it(backend: Backend) {
    let app = spawn_app_with_rules(backend, json!({"starting_wallet": 105})).await;
    let phrases = Phrases::default();
    let [a, b, c, d, poor] = <[Player; 5]>::try_from(app.guests(5).await).unwrap();
    build_set(&app, &phrases, &a, [&b, &c]).await;
    write_prompt(&app, &phrases, &d).await;
    write_prompt(&app, &phrases, &poor).await;
    assert_eq!(app.balances(&poor).await, (5, 0));

    let before = (
        entries(&app).await,
        app.get("/rounds/available", &poor.token)
            .await
            .ok::<Value>(),
        app.get("/rounds/available", &b.token).await.ok::<Value>(),
    );
    assert_eq!(before.1["can_copy"], false);
    assert_eq!(before.1["can_vote"], false);
    assert_eq!(before.1["prompts_waiting"], 2);
    assert_eq!(before.1["phrasesets_waiting"], 1);
    for path in ["/rounds/copy", "/rounds/vote", "/rounds/prompt"] {
        app.post_empty(path, &poor.token)
            .await
            .err(ErrorCode::InsufficientBalance);
    }
    // Also when the same refused requests race each other.
    let replies = all_at_once(
        (0..12)
            .map(|i| app.post_empty(["/rounds/copy", "/rounds/vote"][i % 2], &poor.token))
            .collect(),
    )
    .await;
    assert_eq!(
        outcomes(&replies),
        (0, codes(&[(ErrorCode::InsufficientBalance, 12)]))
    );
    let after = (
        entries(&app).await,
        app.get("/rounds/available", &poor.token)
            .await
            .ok::<Value>(),
        app.get("/rounds/available", &b.token).await.ok::<Value>(),
    );
    assert_eq!(after, before, "nothing changed");
    assert_eq!(app.balances(&poor).await, (5, 0));
    assert_eq!(current_round(&app, &poor).await["round_id"], Value::Null);

    // Bypass the server: the database itself refuses negative balances.
    let id = poor.id.as_uuid();
    assert_check_violation(
        execute_directly(
            &app,
            "UPDATE players SET wallet = -1 WHERE player_id = $1",
            id,
        )
        .await,
        "negative wallet",
    );
    assert_check_violation(
        execute_directly(
            &app,
            "UPDATE players SET vault = -1 WHERE player_id = $1",
            id,
        )
        .await,
        "negative vault",
    );
    assert_check_violation(
        execute_directly(
            &app,
            "UPDATE players SET wallet = wallet - 6 WHERE player_id = $1",
            id,
        )
        .await,
        "overdrawn wallet",
    );
    // The row is there (so the refusals above were the CHECKs at work),
    // and a valid update through the same path goes through.
    assert_eq!(
        execute_directly(
            &app,
            "UPDATE players SET vault = 0 WHERE player_id = $1",
            id
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(app.balances(&poor).await, (5, 0));
    app.assert_conserved().await;
}

async fn racing_votes_finalize_a_phraseset_exactly_once(backend: Backend) {
    let app = finalizing_at(backend, 5).await;
    let phrases = Phrases::default();
    let [w, c1, c2] = <[Player; 3]>::try_from(app.guests(3).await).unwrap();
    let voters = app.guests(8).await;
    let set = build_set(&app, &phrases, &w, [&c1, &c2]).await;
    let mut rounds = Vec::new();
    for v in &voters {
        rounds.push(start_vote(&app, v).await);
    }
    let set_id = rounds[0].phraseset_id;
    assert!(rounds.iter().all(|r| r.phraseset_id == set_id));
    let choices = [0, 1, 0, 2, 0, 0, 1, 0];

    let replies = all_at_once(
        voters
            .iter()
            .zip(choices)
            .map(|(v, i)| vote(&app, v, set_id, set.phrase(i)))
            .collect(),
    )
    .await;

    let (ok, errors) = outcomes(&replies);
    assert_eq!(ok, 5, "the fifth vote closes the set: {replies:?}");
    assert_eq!(
        errors,
        codes(&[(ErrorCode::RoundNotActive, 3)]),
        "{replies:?}"
    );
    let mut tally = [0i64; 3];
    for (i, r) in replies.iter().enumerate() {
        let v = &voters[i];
        if r.status.is_success() {
            tally[choices[i]] += 1;
            let expected = if choices[i] == 0 {
                let (wallet, vault) = split(20, VOTE);
                (START - VOTE + wallet, vault)
            } else {
                (START - VOTE, 0)
            };
            assert_eq!(app.balances(v).await, expected, "voter {i}");
        } else {
            // Closed by the finalization with a full refund.
            assert_eq!(app.balances(v).await, (START, 0), "voter {i} refunded");
            let details = round_details(&app, v, rounds[i].round_id).await;
            assert_eq!(details["status"], "cancelled");
        }
    }
    let pool = pool_after(tally);
    let prize = prizes(tally, pool);
    let expected = [
        (&w, PROMPT, prize[0]),
        (&c1, COPY, prize[1]),
        (&c2, COPY, prize[2]),
    ];
    let check = async || {
        for (p, cost, gross) in expected {
            let (wallet, vault) = split(gross, cost);
            assert_eq!(
                app.balances(p).await,
                (START - cost + wallet, vault),
                "{} paid exactly once",
                p.username
            );
        }
        assert_eq!(app.audit().await["pools"], pool - prize.iter().sum::<i64>());
    };
    check().await;
    let results: PhrasesetResults = app
        .get(&format!("/phrasesets/{set_id}/results"), &w.token)
        .await
        .ok();
    assert_eq!(results.vote_count, 5);
    assert_eq!(results.final_pool.get(), pool);
    assert_prizes(&results, [(&w, prize[0]), (&c1, prize[1]), (&c2, prize[2])]);

    // The time-based rule (5 minutes after the fifth vote) finds nothing
    // left to do: nobody is paid twice.
    let sweep = app.advance(301).await;
    assert_eq!(sweep["sweep"]["phrasesets_finalized"], 0);
    check().await;
    app.assert_conserved().await;
}

/// Races `advance(1)` (which takes the round past its grace and runs the
/// sweeper) against a submission; exactly one of them must settle the round.
async fn expiry_racing_a_submission_settles_the_round_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let writers = app.guests(4).await;

    // Prompt rounds.
    for p in &writers {
        let round: PromptRoundResponse = app.post_empty("/rounds/prompt", &p.token).await.ok();
        app.advance(PROMPT_SECONDS + GRACE).await;
        let phrase = phrases.next();
        let path = format!("/rounds/{}/submit", round.round_id);
        let (_, submitted) = tokio::join!(
            app.advance(1),
            app.post(&path, &p.token, json!({"phrase": phrase}))
        );
        outcomes(std::slice::from_ref(&submitted));
        let details = round_details(&app, p, round.round_id).await;
        if submitted.status.is_success() {
            assert_eq!(details["status"], "submitted");
            assert_eq!(app.balances(p).await, (START - PROMPT, 0));
        } else {
            // `expired` if the submission saw the new time; `round_not_active`
            // if it saw the old time but the sweep closed the round first;
            // `invalid_phrase` if the phrase clashed with the prompt.
            let code = submitted.body["error"].as_str().unwrap();
            assert!(
                ["expired", "round_not_active", "invalid_phrase"].contains(&code),
                "{}",
                submitted.body
            );
            assert_eq!(details["status"], "expired");
            assert_eq!(app.balances(p).await, (START - PENALTY, 0));
        }
    }

    // Copy rounds: the sweeper releases the copy slot while the submission
    // counts the copy on the same prompt.
    let writer = app.guest().await;
    write_prompt(&app, &phrases, &writer).await;
    for c in app.guests(4).await {
        let round: CopyRoundResponse = app.post_empty("/rounds/copy", &c.token).await.ok();
        app.advance(PROMPT_SECONDS + GRACE).await;
        let phrase = phrases.next();
        let path = format!("/rounds/{}/submit", round.round_id);
        let (_, submitted) = tokio::join!(
            app.advance(1),
            app.post(&path, &c.token, json!({"phrase": phrase}))
        );
        outcomes(std::slice::from_ref(&submitted));
        let details = round_details(&app, &c, round.round_id).await;
        if submitted.status.is_success() {
            assert_eq!(details["status"], "submitted");
            assert_eq!(app.balances(&c).await, (START - COPY, 0));
        } else {
            let code = submitted.body["error"].as_str().unwrap();
            assert!(
                [
                    "expired",
                    "round_not_active",
                    "invalid_phrase",
                    "duplicate_phrase"
                ]
                .contains(&code),
                "{}",
                submitted.body
            );
            assert_eq!(details["status"], "expired", "{}", submitted.body);
            assert_eq!(app.balances(&c).await, (START - PENALTY, 0));
        }
        // Refill the queue once a phraseset took the prompt away.
        if availability(&app, &writer).await["prompts_waiting"] == 0 {
            let w = app.guest().await;
            write_prompt(&app, &phrases, &w).await;
        }
    }
    app.assert_conserved().await;
}

/// The same player submits and abandons one copy round at once (a double
/// click): one action wins, the other is refused, and the books agree.
async fn submit_and_abandon_of_one_copy_round_race_to_one_outcome(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let writers = app.guests(2).await;
    let copier = app.guest().await;
    let mut expected_wallet = START;
    for i in 0..6 {
        let (prompt_round, _) = write_prompt(&app, &phrases, &writers[i % 2]).await;
        let round: CopyRoundResponse = app.post_empty("/rounds/copy", &copier.token).await.ok();
        assert_eq!(round.prompt_round_id, prompt_round);
        let phrase = phrases.next();
        let submit = format!("/rounds/{}/submit", round.round_id);
        let abandon = format!("/rounds/{}/abandon", round.round_id);
        let replies = all_at_once(
            (0..8)
                .map(|j| {
                    if j % 2 == 0 {
                        app.request(
                            reqwest::Method::POST,
                            &submit,
                            Some(&copier.token),
                            Some(json!({"phrase": phrase})),
                        )
                    } else {
                        app.request(reqwest::Method::POST, &abandon, Some(&copier.token), None)
                    }
                })
                .collect(),
        )
        .await;
        let (ok, _) = outcomes(&replies);
        assert_eq!(ok, 1, "one action wins: {replies:?}");
        let won = replies.iter().position(|r| r.status.is_success()).unwrap();
        let submitted = won % 2 == 0;
        for (j, r) in replies.iter().enumerate().filter(|(j, _)| *j != won) {
            let code = r.body["error"].as_str().unwrap();
            let allowed: &[&str] = if j % 2 == 1 || submitted {
                &["round_not_active"]
            } else {
                // A submission validated before the abandon won can still
                // fail validation first.
                &["round_not_active", "invalid_phrase"]
            };
            assert!(allowed.contains(&code), "reply {j}: {}", r.body);
        }
        let details = round_details(&app, &copier, round.round_id).await;
        if submitted {
            assert_eq!(details["status"], "submitted");
            expected_wallet -= COPY;
        } else {
            assert_eq!(details["status"], "abandoned");
            expected_wallet -= PENALTY;
        }
        assert_eq!(app.balances(&copier).await, (expected_wallet, 0));
    }
    app.assert_conserved().await;
}

on_both_backends!(
    twenty_simultaneous_prompt_starts_open_one_round_and_debit_once,
    simultaneous_starts_of_all_kinds_open_one_round,
    simultaneous_submits_of_one_prompt_round_store_one_phrase,
    simultaneous_submits_of_one_copy_round_count_one_copy,
    simultaneous_votes_in_one_round_count_one_vote,
    twelve_players_racing_for_one_prompt_get_exactly_two_copies,
    a_wallet_never_goes_negative_and_the_database_forbids_it,
    racing_votes_finalize_a_phraseset_exactly_once,
    expiry_racing_a_submission_settles_the_round_once,
    submit_and_abandon_of_one_copy_round_race_to_one_outcome,
    crossed_finalizations_pay_everyone_once,
    a_sweep_and_a_vote_finalizing_crossed_sets_at_once_both_pay,
);

/// An app whose phrasesets finalize at their `votes`-th vote.
async fn finalizing_at(backend: Backend, votes: i64) -> TestApp {
    spawn_app_with_rules(backend, json!({"finalize_at_votes": votes})).await
}

/// Books two crossed phrasesets once both paid out: set one is a's prompt
/// copied by b and c, set two b's prompt copied by a and d; x1 and x2 voted
/// on both (x1 for the original each time), c voted once and x3
/// `x3_votes` times. `one` and `two` are the sets' prizes (original,
/// copies).
fn book_crossed_sets(
    books: &mut Books,
    [a, b, c, d, x1, x2, x3]: [&Player; 7],
    x3_votes: i64,
    one: [i64; 3],
    two: [i64; 3],
) {
    for (p, cost) in [
        (a, PROMPT + COPY),
        (b, COPY + PROMPT),
        (c, COPY + VOTE),
        (d, COPY),
        (x1, 2 * VOTE),
        (x2, 2 * VOTE),
        (x3, x3_votes * VOTE),
    ] {
        books.spend(p, cost);
    }
    books.pay(x1, 20, VOTE);
    books.pay(x1, 20, VOTE);
    for (p, cost, gross) in [
        (a, PROMPT, one[0]),
        (b, COPY, one[1]),
        (c, COPY, one[2]),
        (b, PROMPT, two[0]),
        (a, COPY, two[1]),
        (d, COPY, two[2]),
    ] {
        books.pay(p, gross, cost);
    }
}

/// Each phraseset's results, seen by the given player, count the votes.
async fn assert_vote_counts(app: &TestApp, sets: [(PhrasesetId, &Player, i64); 2]) {
    for (id, p, votes) in sets {
        let results: PhrasesetResults = app
            .get(&format!("/phrasesets/{id}/results"), &p.token)
            .await
            .ok();
        assert_eq!(results.vote_count, votes, "{id}");
    }
}

/// Two phrasesets whose authors overlap (a's original is copied by b, b's
/// by a) finalize at the same moment, each by its last vote. Each pays its
/// three authors in its own transaction, in opposite orders; neither may
/// fail and everyone is paid exactly once.
async fn crossed_finalizations_pay_everyone_once(backend: Backend) {
    let app = finalizing_at(backend, 3).await;
    let phrases = Phrases::default();
    for _ in 0..4 {
        let [a, b, c, d, x1, x2, x3] = <[Player; 7]>::try_from(app.guests(7).await).unwrap();
        let everyone = [&a, &b, &c, &d, &x1, &x2, &x3];
        let mut books = Books::default();
        books.open(&everyone);
        // Set one: a's prompt, copied by b and c. x1 and x2 vote, x3 holds
        // a vote round for the race.
        let one = build_set(&app, &phrases, &a, [&b, &c]).await;
        let one_id = vote_for(&app, &x1, &one, 0).await;
        vote_for(&app, &x2, &one, 1).await;
        let x3_round = start_vote(&app, &x3).await;
        assert_eq!(x3_round.phraseset_id, one_id);
        // Set two: b's prompt, copied by a and d. x1 and x2 (done with set
        // one) vote; c (an author of set one) holds a round for the race.
        let two = build_set(&app, &phrases, &b, [&a, &d]).await;
        let two_id = vote_for(&app, &x1, &two, 0).await;
        vote_for(&app, &x2, &two, 1).await;
        let c_round = start_vote(&app, &c).await;
        assert_eq!(c_round.phraseset_id, two_id);

        // The third votes, at once: one fooled voter per copy on each set,
        // so every author of both sets has a prize to collect.
        let replies = all_at_once(vec![
            vote(&app, &x3, one_id, one.phrase(2)),
            vote(&app, &c, two_id, two.phrase(2)),
        ])
        .await;
        assert_eq!(outcomes(&replies), (2, codes(&[])), "{replies:?}");

        let prize = prizes([1, 1, 1], pool_after([1, 1, 1]));
        assert_eq!(prize, [42, 84, 84]);
        book_crossed_sets(&mut books, everyone, 1, prize, prize);
        books.check(&app, &everyone).await;
        assert_vote_counts(&app, [(one_id, &a, 3), (two_id, &b, 3)]).await;
    }
    app.assert_conserved().await;
}

/// The same crossing, with one set finalized by the sweeper (60 minutes
/// after its third vote) while the other's last vote comes in.
async fn a_sweep_and_a_vote_finalizing_crossed_sets_at_once_both_pay(backend: Backend) {
    let app = finalizing_at(backend, 4).await;
    let phrases = Phrases::default();
    for _ in 0..3 {
        // Fresh players each time: each iteration moves the clock an hour.
        let [a, b, c, d, x1, x2, x3] = <[Player; 7]>::try_from(app.guests(7).await).unwrap();
        let everyone = [&a, &b, &c, &d, &x1, &x2, &x3];
        let mut books = Books::default();
        books.open(&everyone);
        let one = build_set(&app, &phrases, &a, [&b, &c]).await;
        let mut one_id = None;
        for (x, i) in [(&x1, 0), (&x2, 1), (&x3, 2)] {
            one_id = Some(vote_for(&app, x, &one, i).await);
        }
        app.advance(60).await;
        let two = build_set(&app, &phrases, &b, [&a, &d]).await;
        let mut two_id = None;
        for (x, i) in [(&x1, 0), (&x2, 1), (&x3, 2)] {
            two_id = Some(vote_for(&app, x, &two, i).await);
        }
        let (one_id, two_id) = (one_id.unwrap(), two_id.unwrap());
        // One second before set one is due, c (its author) opens a vote
        // round on set two; then the sweep and c's vote go together.
        app.advance(3600 - 60 - 1).await;
        let round = start_vote(&app, &c).await;
        assert_eq!(round.phraseset_id, two_id);
        let (sweep, voted) = tokio::join!(app.advance(1), vote(&app, &c, two_id, two.phrase(2)));
        assert!(sweep["now_ms"].is_i64());
        outcomes(std::slice::from_ref(&voted));
        voted.ok::<Value>();

        let first = prizes([1, 1, 1], pool_after([1, 1, 1]));
        let second = prizes([1, 1, 2], pool_after([1, 1, 2]));
        book_crossed_sets(&mut books, everyone, 2, first, second);
        books.check(&app, &everyone).await;
        assert_vote_counts(&app, [(one_id, &a, 3), (two_id, &b, 4)]).await;
    }
    app.assert_conserved().await;
}
