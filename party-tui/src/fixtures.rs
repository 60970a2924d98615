//! Fixed sample data for the core and render tests: the same ids, names
//! and times every run, so snapshots are stable.

use party_protocol::account::{ActiveParty, DashboardResponse};
use party_protocol::party::{
    Award, Awards, Bonuses, ConnectionStatus, MostVotes, ParticipantStatus, PartyCode, PartyPhase,
    PartyProgress, PartyResultsResponse, PartyStatusResponse, PhrasesetSummary, RankingEntry,
    SessionStatus, StatusParticipant, SummaryPhrase,
};
use party_protocol::round::{
    CurrentRoundResponse, PhraseResult, PhraseRole, PhrasesetResults, RoundAvailability, RoundType,
    VoterResult,
};
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
            global_votes_required: 0,
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
        access: party_protocol::party_access::PartyAccess::Open,
        listing: party_protocol::party_access::PartyListing::Private,
        spectators: None,
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
            prompt_cost: Coins::new(100),
            vote_cost: Coins::new(10),
        },
        active_party: active.then(|| ActiveParty {
            session_id: session(),
            party_code: code("HEJY4883"),
            current_phase: PartyPhase::Copy,
            status: SessionStatus::InProgress,
            left: false,
        }),
        party_mode: true,
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
        from_party: (kind == RoundType::Vote).then_some(true),
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
        coins_refunded: Coins::new(0),
        prompts_submitted: 1,
        copies_submitted: 2,
        votes_submitted: 1,
        correct_votes: i64::from(acc > 0.0),
        vote_accuracy: acc,
        votes_on_originals: 1,
        votes_fooled: 1,
        mvp_score: 2 + 3 + i64::from(acc > 0.0),
        rank_after_copy: Some(1),
        bonuses: Bonuses::default(),
    };
    let mut rankings = vec![
        entry(1, 0, 150, 100.0),
        entry(2, 2, 20, 100.0),
        entry(3, 3, -20, 0.0),
        entry(4, 1, -150, 0.0),
    ];
    // alice's three right votes in a row; the bot's copy fooled two voters
    // and climbed from last after COPY.
    rankings[0].bonuses = Bonuses {
        streak_coins: Coins::new(5),
        longest_streak: 3,
        ..Bonuses::default()
    };
    rankings[1].rank_after_copy = Some(4);
    rankings[1].bonuses = Bonuses {
        combo_coins: Coins::new(10),
        combos: 1,
        longest_streak: 1,
        ..Bonuses::default()
    };
    let award = |i: u128, name: &str, metric_value: f64| Award {
        player_id: player(i),
        username: name.into(),
        votes_received: None,
        votes_fooled: None,
        vote_accuracy: None,
        score: None,
        rank_after_copy: None,
        rank_gain: None,
        streak: None,
        bonus_coins: None,
        metric_value,
    };
    PartyResultsResponse {
        session_id: session(),
        party_code: code("HEJY4883"),
        status: SessionStatus::Completed,
        completed_at: Some(NOW),
        rankings,
        awards: Awards {
            best_writer: Some(Award {
                votes_received: Some(3),
                ..award(1, "alice", 3.0)
            }),
            top_impostor: None,
            sharpest_voter: Some(Award {
                vote_accuracy: Some(100.0),
                ..award(1, "alice", 100.0)
            }),
            mvp: Some(Award {
                score: Some(6),
                ..award(1, "alice", 6.0)
            }),
            comeback: Some(Award {
                rank_after_copy: Some(4),
                rank_gain: Some(2),
                ..award(3, "BotJollyOtter42", 2.0)
            }),
            hot_streak: Some(Award {
                streak: Some(3),
                bonus_coins: Some(Coins::new(5)),
                ..award(1, "alice", 3.0)
            }),
            best_combo: Some(Award {
                votes_fooled: Some(2),
                bonus_coins: Some(Coins::new(10)),
                ..award(3, "BotJollyOtter42", 2.0)
            }),
            favourite_phrase: None,
        },
        phrasesets_summary: SETS.iter().map(summary).collect(),
    }
}

/// The results of the same party abandoned in COPY: everyone wrote a
/// prompt; bob and the bot wrote a copy each; alice's open copy was
/// refunded in full; no phraseset was complete, so none was voted on.
pub fn abandoned_results() -> PartyResultsResponse {
    // (name index, copies written, refunded)
    let rows = [(0, 0, 50), (3, 0, 0), (2, 1, 0), (1, 1, 0)];
    PartyResultsResponse {
        status: SessionStatus::Abandoned,
        rankings: rows
            .iter()
            .enumerate()
            .map(|(k, &(i, copies, refunded))| {
                let spent = 100 + 50 * copies + refunded;
                RankingEntry {
                    rank: k as i64 + 1,
                    player_id: player(i as u128 + 1),
                    username: NAMES[i].to_owned(),
                    is_bot: i == 2,
                    net_coins: Coins::new(refunded - spent),
                    coins_spent: Coins::new(spent),
                    coins_earned: Coins::new(refunded),
                    coins_refunded: Coins::new(refunded),
                    prompts_submitted: 1,
                    copies_submitted: copies,
                    votes_submitted: 0,
                    correct_votes: 0,
                    vote_accuracy: 0.0,
                    votes_on_originals: 0,
                    votes_fooled: 0,
                    mvp_score: 0,
                    rank_after_copy: None,
                    bonuses: Bonuses::default(),
                }
            })
            .collect(),
        awards: Awards::default(),
        phrasesets_summary: Vec::new(),
        ..results()
    }
}

/// A party phraseset as the fixtures write it: the prompt, then (phrase,
/// author, voters) for the original and the two copies, then each phrase's
/// prize.
type SetSpec = (
    &'static str,
    [(&'static str, usize, &'static [&'static str]); 3],
    [i64; 3],
);

/// Two sets: the original wins the first, a copy fools the only voter of the
/// second. Authors index [`NAMES`]; zoe and max are players from outside the
/// party who voted on a set.
pub const SETS: [SetSpec; 2] = [
    (
        "a bad reason to start a band",
        [
            ("GARAGE ECHO", 0, &["dana", "zoe"]),
            ("GRUMPY ECHO", 1, &["max"]),
            ("LOUD NEIGHBORS", 2, &[]),
        ],
        [120, 60, 0],
    ),
    (
        "what your houseplant says behind your back",
        [
            ("WATER ME MAYBE", 3, &[]),
            ("WATER ME LATER", 0, &["BotJollyOtter42"]),
            ("FEED ME SUNLIGHT", 1, &[]),
        ],
        [0, 100, 0],
    ),
];

pub fn set_id(i: usize) -> PhrasesetId {
    PhrasesetId::from_uuid(Uuid::from_u128(0x99 + i as u128))
}

fn summary(spec: &SetSpec) -> PhrasesetSummary {
    let (prompt, phrases, prizes) = spec;
    let i = SETS.iter().position(|s| s.0 == *prompt).unwrap_or(0);
    let counts: Vec<i64> = phrases.iter().map(|p| p.2.len() as i64).collect();
    PhrasesetSummary {
        phraseset_id: set_id(i),
        prompt_text: (*prompt).into(),
        vote_count: counts.iter().sum(),
        original_player: NAMES[phrases[0].1].into(),
        most_votes: if counts[0] >= counts[1].max(counts[2]) {
            MostVotes::Original
        } else {
            MostVotes::Copy
        },
        prize_pool: Coins::new(prizes.iter().sum::<i64>() + 10),
        phrases: phrases
            .iter()
            .enumerate()
            .map(|(k, (phrase, author, voters))| SummaryPhrase {
                phrase: (*phrase).into(),
                is_original: k == 0,
                role: [PhraseRole::Original, PhraseRole::Copy1, PhraseRole::Copy2][k],
                author_id: player(*author as u128 + 1),
                author_username: NAMES[*author].into(),
                votes: voters.len() as i64,
            })
            .collect(),
    }
}

/// The full results of fixture set `i`, as `GET /phrasesets/{id}/results`
/// answers alice.
pub fn set_results(i: usize) -> PhrasesetResults {
    let (prompt, phrases, prizes) = SETS[i];
    let roles = [PhraseRole::Original, PhraseRole::Copy1, PhraseRole::Copy2];
    let mut votes = Vec::new();
    for (k, (phrase, _, voters)) in phrases.iter().enumerate() {
        for name in *voters {
            votes.push(VoterResult {
                player_id: PlayerId::from_uuid(Uuid::from_u128(0x700 + votes.len() as u128)),
                username: (*name).into(),
                voted_phrase: (*phrase).into(),
                correct: k == 0,
                payout: Coins::new(if k == 0 { 20 } else { 0 }),
            });
        }
    }
    let your_role = phrases.iter().position(|p| p.1 == 0).map(|k| roles[k]);
    PhrasesetResults {
        phraseset_id: set_id(i),
        prompt_text: prompt.into(),
        vote_count: votes.len() as i64,
        final_pool: Coins::new(prizes.iter().sum::<i64>() + 10),
        pool_remainder: Coins::new(10),
        finalized_at: NOW,
        phrases: phrases
            .iter()
            .zip(roles)
            .zip(prizes)
            .map(|(((phrase, author, voters), role), prize)| PhraseResult {
                phrase: (*phrase).into(),
                role,
                author_id: player(*author as u128 + 1),
                author_username: NAMES[*author].into(),
                votes: voters.len() as i64,
                points: voters.len() as i64,
                payout: Coins::new(prize),
            })
            .collect(),
        votes,
        your_role,
        your_payout: Coins::new(your_role.map_or(0, |r| {
            prizes[roles.iter().position(|x| *x == r).unwrap_or(0)]
        })),
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

/// alice's friends: one in a lobby, one playing, one offline; a request
/// each way; one blocked player.
pub fn friends() -> party_protocol::friends::FriendsResponse {
    use party_protocol::friends::{Friend, FriendPresence, PendingFriendRequest};
    let friend = |n: u128, name: &str, presence, code: Option<&str>| Friend {
        player_id: player(n),
        username: name.into(),
        presence,
        party_code: code.map(self::code),
        since: NOW,
    };
    let pending = |n: u128, name: &str| PendingFriendRequest {
        player_id: player(n),
        username: name.into(),
        created_at: NOW,
    };
    party_protocol::friends::FriendsResponse {
        friends: vec![
            friend(2, "bob", FriendPresence::InLobby, Some("HEJY4883")),
            friend(4, "dana", FriendPresence::Playing, None),
            friend(5, "erin", FriendPresence::Online, None),
            friend(6, "frank", FriendPresence::Offline, None),
        ],
        incoming: vec![pending(7, "gwen")],
        outgoing: vec![pending(8, "hugo")],
    }
}

pub fn blocked() -> Vec<party_protocol::friends::BlockedPlayer> {
    vec![party_protocol::friends::BlockedPlayer {
        player_id: player(9),
        username: "troll".into(),
        created_at: NOW,
    }]
}

/// bob invites alice to his lobby.
pub fn invite() -> party_protocol::friends::PartyInvite {
    party_protocol::friends::PartyInvite {
        session_id: session(),
        party_code: code("HEJY4883"),
        inviter_id: player(2),
        inviter_username: "bob".into(),
        created_at: NOW,
    }
}

/// The spectator status of the sample party in `phase`, watched by
/// three, alice among them.
pub fn spectator_status(phase: PartyPhase) -> party_protocol::spectate::SpectatorStatusResponse {
    let mut status = status(phase);
    status.active_round = None;
    status.spectators = Some(party_protocol::party::SpectatorList {
        count: 3,
        names: vec!["zoe".into(), "alice".into(), "yuri".into()],
    });
    party_protocol::spectate::SpectatorStatusResponse {
        status,
        join_next_game: false,
    }
}
