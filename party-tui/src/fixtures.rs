//! Fixed sample data for the core and render tests: the same ids, names
//! and times every run, so snapshots are stable.

use party_protocol::account::{ActiveParty, DashboardResponse};
use party_protocol::party::{
    Award, Awards, ConnectionStatus, MostVotes, ParticipantStatus, PartyCode, PartyPhase,
    PartyProgress, PartyResultsResponse, PartyStatusResponse, PhrasesetSummary, RankingEntry,
    SessionStatus, StatusParticipant, SummaryPhrase,
};
use party_protocol::round::{CurrentRoundResponse, RoundAvailability, RoundType};
use party_protocol::{Coins, PhrasesetId, PlayerId, RoundId};
use time::OffsetDateTime;
use time::macros::datetime;
use uuid::Uuid;

use crate::core::{App, RoundView, Screen};

pub const NOW: OffsetDateTime = datetime!(2026-11-24 12:00:00 UTC);

pub fn player(n: u128) -> PlayerId {
    PlayerId::from_uuid(Uuid::from_u128(n))
}

/// A sample party code (the literals given are all valid codes).
pub fn code(text: &str) -> PartyCode {
    PartyCode::parse(text).unwrap_or_else(|_| unreachable!("{text} is a valid party code"))
}

pub fn session() -> party_protocol::SessionId {
    party_protocol::SessionId::from_uuid(Uuid::from_u128(0x5e55))
}

pub const NAMES: [&str; 4] = ["alice", "bob", "BotJollyOtter42", "dana"];

pub fn participants(phase: PartyPhase) -> Vec<StatusParticipant> {
    NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| StatusParticipant {
            player_id: player(i as u128 + 1),
            username: (*name).to_owned(),
            is_host: i == 0,
            is_bot: name.starts_with("Bot"),
            status: if phase == PartyPhase::Lobby {
                if i == 3 {
                    ParticipantStatus::Joined
                } else {
                    ParticipantStatus::Ready
                }
            } else {
                ParticipantStatus::Active
            },
            connection_status: if i == 1 {
                ConnectionStatus::Disconnected
            } else {
                ConnectionStatus::Connected
            },
            prompts_submitted: i64::from(phase > PartyPhase::Prompt || i == 2),
            copies_submitted: if phase > PartyPhase::Copy {
                2
            } else {
                i64::from(i == 2) * 2
            },
            votes_submitted: 0,
            prompts_required: 1,
            copies_required: 2,
            votes_required: 1,
            phase_complete: i == 2,
        })
        .collect()
}

pub fn status(phase: PartyPhase) -> PartyStatusResponse {
    PartyStatusResponse {
        session_id: session(),
        party_code: code("HEJY4883"),
        host_player_id: player(1),
        status: if phase == PartyPhase::Lobby {
            SessionStatus::Open
        } else {
            SessionStatus::InProgress
        },
        current_phase: phase,
        phase_started_at: Some(NOW),
        phase_expires_at: (phase != PartyPhase::Lobby).then(|| NOW + time::Duration::seconds(150)),
        min_players: 3,
        max_players: 8,
        prompts_per_player: 1,
        copies_per_player: 2,
        votes_per_player: 3,
        seq: 10,
        participants: participants(phase),
        progress: PartyProgress {
            total_prompts: 1,
            total_copies: 0,
            total_votes: 0,
            required_prompts: 4,
            required_copies: 8,
            required_votes: 4,
            players_ready_for_next_phase: 1,
            total_players: 4,
        },
        active_round: None,
        next_session_id: None,
    }
}

pub fn dashboard(wallet: i64, active: bool) -> DashboardResponse {
    DashboardResponse {
        player_id: player(1),
        username: "alice".into(),
        is_guest: true,
        created_at: NOW,
        wallet: Coins::new(wallet),
        vault: Coins::new(12),
        balance: Coins::new(wallet),
        outstanding_prompts: 1,
        daily_bonus_available: false,
        current_round: CurrentRoundResponse::none(),
        round_availability: RoundAvailability {
            can_prompt: true,
            can_copy: false,
            can_vote: false,
            prompts_waiting: 0,
            phrasesets_waiting: 0,
            copy_discount_active: false,
            copy_cost: Coins::new(50),
        },
        active_party: active.then(|| ActiveParty {
            session_id: session(),
            party_code: code("HEJY4883"),
            current_phase: PartyPhase::Copy,
            status: SessionStatus::InProgress,
        }),
    }
}

pub fn round(kind: RoundType) -> RoundView {
    RoundView {
        round_id: RoundId::from_uuid(Uuid::from_u128(0x40)),
        kind,
        prompt_text: (kind != RoundType::Copy).then(|| "a bad reason to start a band".to_owned()),
        original_phrase: (kind == RoundType::Copy).then(|| "HUNGRY OTTER".to_owned()),
        phrases: (kind == RoundType::Vote).then(|| {
            [
                "RAPID WIZARD".to_owned(),
                "SPICY TROPHY".to_owned(),
                "GARAGE ECHO".to_owned(),
            ]
        }),
        expires_at: NOW + time::Duration::seconds(95),
    }
}

pub fn results() -> PartyResultsResponse {
    let entry = |rank: i64, i: usize, net: i64, acc: f64| RankingEntry {
        rank,
        player_id: player(i as u128 + 1),
        username: NAMES[i].to_owned(),
        is_bot: i == 2,
        net_coins: Coins::new(net),
        coins_spent: Coins::new(210),
        coins_earned: Coins::new(210 + net),
        prompts_submitted: 1,
        copies_submitted: 2,
        votes_submitted: 1,
        correct_votes: i64::from(acc > 0.0),
        vote_accuracy: acc,
        votes_on_originals: 1,
        votes_fooled: 1,
    };
    PartyResultsResponse {
        session_id: session(),
        party_code: code("HEJY4883"),
        completed_at: Some(NOW),
        rankings: vec![
            entry(1, 0, 150, 100.0),
            entry(2, 2, 20, 100.0),
            entry(3, 3, -20, 0.0),
            entry(4, 1, -150, 0.0),
        ],
        awards: Awards {
            best_writer: Some(Award {
                player_id: player(1),
                username: "alice".into(),
                votes_received: Some(3),
                votes_fooled: None,
                vote_accuracy: None,
                metric_value: 3.0,
            }),
            top_impostor: None,
            sharpest_voter: Some(Award {
                player_id: player(1),
                username: "alice".into(),
                votes_received: None,
                votes_fooled: None,
                vote_accuracy: Some(100.0),
                metric_value: 100.0,
            }),
        },
        phrasesets_summary: vec![PhrasesetSummary {
            phraseset_id: PhrasesetId::from_uuid(Uuid::from_u128(0x99)),
            prompt_text: "a bad reason to start a band".into(),
            vote_count: 3,
            original_player: "alice".into(),
            most_votes: MostVotes::Original,
            prize_pool: Coins::new(190),
            phrases: vec![SummaryPhrase {
                phrase: "GARAGE ECHO".into(),
                is_original: true,
                author_id: player(1),
                author_username: "alice".into(),
                votes: 3,
            }],
        }],
    }
}

/// An app signed in as alice (the host), on `screen`.
pub fn app(screen: Screen) -> App {
    let mut app = App::new("local server http://127.0.0.1:8000", NOW);
    app.me = Some((player(1), "alice".into()));
    app.dashboard = Some(dashboard(4790, false));
    app.screen = screen;
    app
}
