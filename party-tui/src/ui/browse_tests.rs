//! Render tests of the screens reached from the dashboard, at 80×24 like
//! the others: the quick-match dialog and wait, the public lobbies, the
//! history, a past party reopened from it, the stats and the leaderboards.

use party_protocol::party_history::{LeaderboardBoard, LeaderboardPeriod};

use super::key_hints;
use super::tests::draw;
use crate::core::views::{PublicList, QuickWait};
use crate::core::{Prompt, PromptKind, Screen};
use crate::fixtures::{self, app};
use crate::fixtures_history::{board, history_page, public_page, queued, stats};

#[test]
fn dashboard_lists_every_screen_with_its_key() {
    let screen = draw(&app(Screen::Dashboard));
    for item in [
        "[c] Start a Party",
        "[m] Quick Match",
        "[p] Public Parties",
        "[h] History",
        "[s] Stats",
        "[l] Leaderboards",
    ] {
        assert!(screen.contains(item), "{item}:\n{screen}");
    }
    insta::assert_snapshot!(screen);
}

#[test]
fn quick_match_asks_for_the_bot_fill_wait() {
    let mut a = app(Screen::Dashboard);
    a.prompt = Some(Prompt {
        kind: PromptKind::QuickMatchWait,
        input: "30".into(),
    });
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn quick_match_wait_with_a_bot_fill() {
    let mut a = app(Screen::QuickMatch);
    a.quick = Some(QuickWait {
        bot_fill_after: Some(60),
        queued: Some(queued(true)),
    });
    let screen = draw(&a);
    assert!(screen.contains("Place 2 of 3 in the queue"), "{screen}");
    assert!(screen.contains("(0:42 ago)"), "{screen}");
    assert!(screen.contains("(in 0:18)"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn quick_match_wait_for_humans_only() {
    let mut a = app(Screen::QuickMatch);
    a.quick = Some(QuickWait {
        bot_fill_after: None,
        queued: Some(queued(false)),
    });
    let screen = draw(&a);
    assert!(screen.contains("Humans only"), "{screen}");
    assert!(key_hints(&a).contains("l leave the queue"));
    insta::assert_snapshot!(screen);
}

#[test]
fn public_parties_list() {
    let mut a = app(Screen::PublicParties);
    a.public = PublicList {
        offset: 0,
        page: Some(public_page(true)),
    };
    a.selected = 1;
    let screen = draw(&a);
    assert!(screen.contains("KMNP2345"), "{screen}");
    assert!(screen.contains("password needed"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn history_newest_page() {
    let mut a = app(Screen::History);
    a.history.page = Some(history_page(true));
    let screen = draw(&a);
    assert!(screen.contains("abandoned"), "{screen}");
    assert!(screen.contains("+150"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn a_past_party_reopened_from_the_history() {
    let mut a = app(Screen::Results);
    a.history.page = Some(history_page(true));
    a.results = Some(fixtures::results());
    a.past = Some(fixtures::session());
    let screen = draw(&a);
    assert!(screen.contains("from your history"), "{screen}");
    assert!(!screen.contains("play again"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn stats_screen() {
    let mut a = app(Screen::Stats);
    a.stats = Some(stats());
    let screen = draw(&a);
    for field in [
        "Parties played",
        "Parties won",
        "Average rank",
        "Net coins",
        "Votes cast",
        "Correct votes",
        "Vote accuracy",
        "Original votes",
        "Voters fooled",
        "Win streak",
        "best 3",
        "GARAGE ECHO",
    ] {
        assert!(screen.contains(field), "{field}:\n{screen}");
    }
    insta::assert_snapshot!(screen);
}

#[test]
fn leaderboard_weekly_wins_with_my_row() {
    let mut a = app(Screen::Leaderboard);
    a.board.data = Some(board(LeaderboardBoard::Wins, LeaderboardPeriod::Weekly));
    let screen = draw(&a);
    assert!(screen.contains("You: #2"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn leaderboard_vote_accuracy_without_me() {
    let mut a = app(Screen::Leaderboard);
    a.board.board = LeaderboardBoard::VoteAccuracy;
    a.board.period = LeaderboardPeriod::AllTime;
    let mut data = board(LeaderboardBoard::VoteAccuracy, LeaderboardPeriod::AllTime);
    data.me = None;
    data.rows.remove(1);
    a.board.data = Some(data);
    let screen = draw(&a);
    assert!(screen.contains("it takes 10 votes"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn dashboard_help_lists_every_key() {
    let mut a = app(Screen::Dashboard);
    a.help = true;
    let screen = draw(&a);
    for keys in [
        "m quick match",
        "p public parties",
        "h history",
        "l leaderboards",
    ] {
        assert!(screen.contains(keys), "{keys}:\n{screen}");
    }
    insta::assert_snapshot!(screen);
}
