//! Fixed sample data for the tests of the screens reached from the
//! dashboard — quick match, public parties, history, stats and
//! leaderboards — and the messages those tests send the core.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use party_protocol::Coins;
use party_protocol::SessionId;
use party_protocol::matchmaking::{
    PublicPartiesResponse, PublicParty, QueuedStatus, QuickMatchFormed,
};
use party_protocol::party::SessionStatus;
use party_protocol::party_access::PartyAccess;
use party_protocol::party_history::{
    BestPhrase, HistoryEntry, HistoryPlayer, HistoryResponse, LeaderboardBoard, LeaderboardPeriod,
    LeaderboardResponse, LeaderboardRow, PartyStatsResponse,
};
use time::Duration;
use uuid::Uuid;

use crate::core::{ApiCall, ApiReply, Effect, Msg};
use crate::fixtures::{NAMES, NOW, code, player, session};

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn reply(r: ApiReply) -> Msg {
    Msg::Api(Box::new(r))
}

/// The calls among `effects`.
pub fn calls(effects: &[Effect]) -> Vec<ApiCall> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Call(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

/// Second in a queue of three for parties of four, queued 42 s ago; with
/// a bot fill due in 18 s when `bots`.
pub fn queued(bots: bool) -> QueuedStatus {
    QueuedStatus {
        queued_at: NOW - Duration::seconds(42),
        position: 2,
        queue_length: 3,
        party_size: 4,
        bot_fill_at: bots.then_some(NOW + Duration::seconds(18)),
    }
}

/// The sample party, formed by a quick match.
pub fn formed() -> QuickMatchFormed {
    QuickMatchFormed {
        session_id: session(),
        party_code: code("HEJY4883"),
        matched_at: NOW,
    }
}

/// Three public lobbies, one per access mode; another page after it when
/// `more`.
pub fn public_page(more: bool) -> PublicPartiesResponse {
    let party = |n: u128, c: &str, host: &str, seats: (i64, i64), access, ago: i64| PublicParty {
        session_id: SessionId::from_uuid(Uuid::from_u128(n)),
        party_code: code(c),
        host_username: host.into(),
        participant_count: seats.0,
        max_players: seats.1,
        access,
        created_at: NOW - Duration::minutes(ago),
    };
    PublicPartiesResponse {
        parties: vec![
            party(0x5e55, "HEJY4883", "bob", (2, 8), PartyAccess::Open, 1),
            party(0x5e56, "KMNP2345", "dana", (3, 4), PartyAccess::Password, 5),
            party(
                0x5e57,
                "QRST6789",
                "erin",
                (1, 6),
                PartyAccess::InviteOnly,
                12,
            ),
        ],
        next_offset: more.then_some(15),
    }
}

/// The session of alice's `n`th past party (0: the newest).
pub fn past_session(n: u128) -> SessionId {
    SessionId::from_uuid(Uuid::from_u128(0x9a57 + n))
}

/// alice's two latest parties: the sample party, won, and one abandoned
/// the day before; an older page follows when `more`.
pub fn history_page(more: bool) -> HistoryResponse {
    let players = |nets: [i64; 4]| -> Vec<HistoryPlayer> {
        NAMES
            .iter()
            .zip(nets)
            .enumerate()
            .map(|(i, (name, net))| HistoryPlayer {
                player_id: player(i as u128 + 1),
                username: (*name).into(),
                is_bot: name.starts_with("Bot"),
                rank: i as i64 + 1,
                net_coins: Coins::new(net),
            })
            .collect()
    };
    let mut won = HistoryEntry {
        session_id: session(),
        party_code: code("HEJY4883"),
        status: SessionStatus::Completed,
        ended_at: NOW - Duration::minutes(20),
        rank: 1,
        net_coins: Coins::new(150),
        players: players([150, 20, -20, -150]),
    };
    won.players.swap(1, 2);
    let mut abandoned = HistoryEntry {
        session_id: past_session(1),
        party_code: code("KMNP2345"),
        status: SessionStatus::Abandoned,
        ended_at: NOW - Duration::days(1),
        rank: 3,
        net_coins: Coins::new(-40),
        players: players([60, 0, -40, -20]),
    };
    abandoned.players.retain(|p| p.username != "dana");
    HistoryResponse {
        parties: vec![won, abandoned],
        next_before: more.then_some(past_session(1)),
    }
}

/// alice's record: 12 parties, 4 won, her best phrase an original.
pub fn stats() -> PartyStatsResponse {
    PartyStatsResponse {
        parties_played: 12,
        parties_won: 4,
        average_rank: Some(2.08),
        net_coins: Coins::new(340),
        votes_cast: 30,
        correct_votes: 20,
        vote_accuracy: 66.7,
        original_votes: 9,
        copy_votes_fooled: 7,
        best_phrase: Some(BestPhrase {
            phrase: "GARAGE ECHO".into(),
            prompt_text: "a bad reason to start a band".into(),
            is_original: true,
            votes: 3,
            session_id: session(),
        }),
        current_win_streak: 2,
        best_win_streak: 3,
    }
}

/// A board of three with alice second; `me` is her row.
pub fn board(board: LeaderboardBoard, period: LeaderboardPeriod) -> LeaderboardResponse {
    let row = |rank: i64, n: u128, name: &str, wins: i64, net: i64, votes: (i64, i64)| {
        let value = match board {
            LeaderboardBoard::Wins => wins as f64,
            LeaderboardBoard::NetCoins => net as f64,
            LeaderboardBoard::VoteAccuracy => (votes.0 * 1000 / votes.1) as f64 / 10.0,
        };
        LeaderboardRow {
            rank,
            player_id: player(n),
            username: name.into(),
            value,
            parties_played: 12,
            wins,
            net_coins: Coins::new(net),
            votes_cast: votes.1,
            correct_votes: votes.0,
        }
    };
    let rows = vec![
        row(1, 4, "dana", 6, 520, (25, 30)),
        row(2, 1, "alice", 4, 340, (20, 30)),
        row(3, 2, "bob", 1, -90, (12, 30)),
    ];
    LeaderboardResponse {
        board,
        period,
        since: (period == LeaderboardPeriod::Weekly).then_some(NOW - Duration::days(1)),
        min_votes: 10,
        me: Some(rows[1].clone()),
        rows,
    }
}
