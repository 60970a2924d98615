//! After the party (issue 16): history pages and who may reopen a party,
//! personal stats recomputed from the results bodies the test saw, and the
//! leaderboards' order, period, vote minimum and bot exclusion.

use party_protocol::ErrorCode;
use party_protocol::party::{PartyResultsResponse, SessionStatus};
use party_protocol::party_history::{LEADERBOARD_MIN_VOTES, LeaderboardBoard, LeaderboardResponse};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::on_both_backends;
use crate::support::history::{board, records};
use crate::support::http::sign_in_again;
use crate::support::party::Party;
use crate::support::{Backend, Player, TestApp, spawn_app};

/// Plays one whole party of `humans` and `bots` bots; its results.
async fn play(app: &TestApp, humans: &[Player], bots: i64) -> PartyResultsResponse {
    let mut party = Party::gather(app, humans.to_vec(), bots).await;
    party.play_to_results(true).await;
    party.results().await
}

/// Three parties (the third a week later); the history pages through them
/// newest first, each entry as the results showed it; only the party's
/// participants reopen its results; bad cursors and limits are refused;
/// the weekly board counts only this week's party.
async fn history_pages_newest_first_and_only_participants_reopen_a_party(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut people = app.guests(3).await;
    let (a, b) = (people[0].clone(), people[1].clone());
    let first = play(&app, &[a.clone(), b.clone()], 1).await;
    let second = play(&app, &[b.clone(), a.clone()], 1).await;
    app.advance(8 * 24 * 3600).await;
    sign_in_again(&app, &mut people).await;
    let (a, b, outsider) = (people[0].clone(), people[1].clone(), people[2].clone());
    let third = play(&app, &[a.clone(), b.clone()], 1).await;

    let page = app.history(&a, "?limit=2").await;
    let ids: Vec<_> = page.parties.iter().map(|p| p.session_id).collect();
    assert_eq!(ids, [third.session_id, second.session_id]);
    assert_eq!(page.next_before, Some(second.session_id));
    let rest = app
        .history(&a, &format!("?limit=2&before={}", second.session_id))
        .await;
    let ids: Vec<_> = rest.parties.iter().map(|p| p.session_id).collect();
    assert_eq!(ids, [first.session_id]);
    assert_eq!(rest.next_before, None, "the last page");

    // Each entry is the party as its results show it.
    for (entry, results) in page
        .parties
        .iter()
        .chain(&rest.parties)
        .zip([&third, &second, &first])
    {
        assert_eq!(entry.party_code, results.party_code);
        assert_eq!(entry.status, SessionStatus::Completed);
        assert_eq!(Some(entry.ended_at), results.completed_at);
        let mine = results
            .rankings
            .iter()
            .find(|r| r.player_id == a.id)
            .unwrap();
        assert_eq!((entry.rank, entry.net_coins), (mine.rank, mine.net_coins));
        let shown: Vec<_> = entry
            .players
            .iter()
            .map(|p| (p.player_id, p.rank, p.net_coins, p.is_bot))
            .collect();
        let ranked: Vec<_> = results
            .rankings
            .iter()
            .map(|r| (r.player_id, r.rank, r.net_coins, r.is_bot))
            .collect();
        assert_eq!(shown, ranked);
    }

    // A participant reopens a past party's full results; nobody else can.
    let again: PartyResultsResponse = app
        .get(&format!("/party/{}/results", first.session_id), &b.token)
        .await
        .ok();
    assert_eq!(again, first);
    app.get(
        &format!("/party/{}/results", first.session_id),
        &outsider.token,
    )
    .await
    .err(ErrorCode::NotAParticipant);
    assert!(app.history(&outsider, "").await.parties.is_empty());
    // A cursor from someone else's history, and limits out of range.
    app.history_raw(&outsider, &format!("?before={}", first.session_id))
        .await
        .err(ErrorCode::InvalidRequest);
    for bad in [
        "?limit=0",
        "?limit=51",
        "?limit=x",
        "?before=nope",
        "?colour=red",
    ] {
        app.history_raw(&a, bad)
            .await
            .err(ErrorCode::InvalidRequest);
    }

    // This week holds only the third party; all time holds the three.
    let weekly = app.leaderboard(&a, "?board=wins&period=weekly").await;
    assert!(weekly.since.is_some());
    let all = app.leaderboard(&a, "?board=wins&period=all_time").await;
    assert_eq!(all.since, None);
    let me_weekly = weekly.me.unwrap();
    let me_all = all.me.unwrap();
    assert_eq!((me_weekly.parties_played, me_all.parties_played), (1, 3));
    let third_mine = third.rankings.iter().find(|r| r.player_id == a.id).unwrap();
    assert_eq!(me_weekly.net_coins, third_mine.net_coins);
    assert!(
        weekly
            .rows
            .iter()
            .chain(&all.rows)
            .all(|r| r.player_id != outsider.id)
    );
    assert_eq!(
        app.leaderboard(&outsider, "").await.me,
        None,
        "no party, no place on the board"
    );
    app.leaderboard_raw(&a, "?board=elo")
        .await
        .err(ErrorCode::InvalidRequest);
    app.leaderboard_raw(&a, "?limit=101")
        .await
        .err(ErrorCode::InvalidRequest);
    app.assert_conserved().await;
}

/// A longer random game: parties of random line-ups of five people and
/// bots. Every person's stats, recomputed from the results bodies, equal
/// the ones shown, and every board lists people only, in the README's
/// order, the accuracy board only those with enough votes.
async fn stats_and_boards_equal_a_recount_of_the_results(backend: Backend) {
    let seed = std::env::var("PARTY_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x0016_2026_u64);
    eprintln!("seed {seed} (replay with PARTY_TEST_SEED={seed})");
    let mut rng = StdRng::seed_from_u64(seed);
    let app = spawn_app(backend).await;
    let people = app.guests(5).await;
    let mut finished = Vec::new();
    for _ in 0..6 {
        let mut line_up = people.clone();
        line_up.shuffle(&mut rng);
        line_up.truncate(rng.random_range(2..=4));
        let bots = rng.random_range(1..=2);
        finished.push(play(&app, &line_up, bots).await);
    }
    let recount = records(&finished);
    for p in &people {
        let shown = app.party_stats(p).await;
        match recount.get(&p.id) {
            Some(rec) => rec.assert_matches(&p.username, &shown),
            None => assert_eq!(shown.parties_played, 0),
        }
    }
    for which in [
        LeaderboardBoard::Wins,
        LeaderboardBoard::NetCoins,
        LeaderboardBoard::VoteAccuracy,
    ] {
        let expected = board(&recount, which, LEADERBOARD_MIN_VOTES);
        let shown = app
            .leaderboard(&people[0], &format!("?board={}&limit=100", which.as_str()))
            .await;
        let order: Vec<_> = shown.rows.iter().map(|r| r.player_id).collect();
        assert_eq!(order, expected, "{which:?}");
        let ranks: Vec<i64> = shown.rows.iter().map(|r| r.rank).collect();
        assert_eq!(ranks, (1..=expected.len() as i64).collect::<Vec<_>>());
        let me = expected.iter().position(|id| *id == people[0].id);
        assert_eq!(
            shown.me.as_ref().map(|r| r.rank),
            me.map(|i| i as i64 + 1),
            "{which:?}: the caller's own rank"
        );
        // A short board still names the caller's rank.
        let short = app
            .leaderboard(&people[0], &format!("?board={}&limit=1", which.as_str()))
            .await;
        assert!(short.rows.len() <= 1);
        assert_eq!(short.me.map(|r| r.rank), me.map(|i| i as i64 + 1));
    }
    app.assert_conserved().await;
}

/// The all-time boards are ranked from a recount kept in memory. After
/// each settlement they still equal the same boards read from the
/// database: the weekly ones (every party here ends this week) — at once on
/// the instance that settled, and on PostgreSQL on another instance too,
/// once the settlement's notice reaches it.
async fn all_time_boards_follow_every_settlement(backend: Backend) {
    let postgres = matches!(backend, Backend::Postgres(_));
    let app = spawn_app(backend).await;
    let other = if postgres {
        Some(app.sibling().await)
    } else {
        None
    };
    let people = app.guests(3).await;
    let boards = [
        LeaderboardBoard::Wins,
        LeaderboardBoard::NetCoins,
        LeaderboardBoard::VoteAccuracy,
    ];
    let rows = |r: LeaderboardResponse| (r.rows, r.me);
    for turn in 0..3 {
        // Read first, so that a recount is kept from before the party.
        for board in boards {
            let query = format!("?board={}&period=all_time", board.as_str());
            app.leaderboard(&people[0], &query).await;
            if let Some(other) = &other {
                other.leaderboard(&people[0], &query).await;
            }
        }
        let line_up = [people[turn].clone(), people[(turn + 1) % 3].clone()];
        let results = play(&app, &line_up, 1).await;
        for board in boards {
            let all = format!("?board={}&period=all_time&limit=100", board.as_str());
            let weekly = app
                .leaderboard(
                    &people[0],
                    &format!("?board={}&period=weekly&limit=100", board.as_str()),
                )
                .await;
            let since = weekly.since.expect("a weekly board starts somewhere");
            assert!(results.completed_at.is_some_and(|at| at >= since));
            let expected = rows(weekly);
            assert!(
                board == LeaderboardBoard::VoteAccuracy || expected.0.len() >= 2,
                "{board:?}: the board lists the players"
            );
            assert_eq!(
                rows(app.leaderboard(&people[0], &all).await),
                expected,
                "turn {turn}, {board:?}, this instance"
            );
            if let Some(other) = &other {
                let mut seen = rows(other.leaderboard(&people[0], &all).await);
                for _ in 0..50 {
                    if seen == expected {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    seen = rows(other.leaderboard(&people[0], &all).await);
                }
                assert_eq!(seen, expected, "turn {turn}, {board:?}, the other instance");
            }
        }
    }
    app.assert_conserved().await;
}

on_both_backends!(
    all_time_boards_follow_every_settlement,
    history_pages_newest_first_and_only_participants_reopen_a_party,
    stats_and_boards_equal_a_recount_of_the_results,
);
