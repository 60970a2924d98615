//! The phase machine: LOBBY → PROMPT → COPY → VOTE → RESULTS.
//!
//! A phase ends when every active participant has met its quota, or at its
//! deadline, whichever comes first. [`transition`] decides; the caller
//! persists the result with a compare-and-set on the old phase, so when two
//! last submissions race exactly one of them advances the party.

use party_protocol::ErrorCode;
use party_protocol::party::PartyPhase;

use crate::config::GameRules;

/// What asks the party to move on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The host starts the party with this many participants.
    Start { participants: i64, min_players: i64 },
    /// Every active participant met the phase's quota.
    QuotasMet,
    /// The phase deadline passed.
    Deadline,
}

/// A decided phase change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: PartyPhase,
    pub to: PartyPhase,
}

impl Transition {
    /// The sentence players see.
    pub fn message(&self, trigger: Trigger) -> &'static str {
        match (self.to, trigger) {
            (PartyPhase::Prompt, _) => "Party started! Everyone write your best original phrase.",
            (PartyPhase::Copy, Trigger::Deadline) => {
                "Time's up for prompts! Now write your copies."
            }
            (PartyPhase::Copy, _) => "All players finished prompts! Time to write copies.",
            (PartyPhase::Vote, Trigger::Deadline) => {
                "Time's up for copies! Now spot the originals."
            }
            (PartyPhase::Vote, _) => "All copies submitted! Time to vote.",
            (PartyPhase::Results, Trigger::Deadline) => {
                "Time's up for voting! Here are the results."
            }
            (PartyPhase::Results, _) => "All votes submitted! Check out the results.",
            (PartyPhase::Lobby | PartyPhase::Completed, _) => "The party moved on.",
        }
    }
}

/// Why a transition is refused (each maps to a protocol error code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhaseError {
    AlreadyStarted,
    NotEnoughPlayers {
        have: i64,
        need: i64,
    },
    /// Nothing to advance: the party is in the lobby or over.
    NotPlaying,
}

impl PhaseError {
    pub fn code(self) -> ErrorCode {
        match self {
            PhaseError::AlreadyStarted => ErrorCode::SessionAlreadyStarted,
            PhaseError::NotEnoughPlayers { .. } => ErrorCode::NotEnoughPlayers,
            PhaseError::NotPlaying => ErrorCode::WrongPhase,
        }
    }

    pub fn message(self) -> String {
        match self {
            PhaseError::AlreadyStarted => "This party has already started.".into(),
            PhaseError::NotEnoughPlayers { have, need } => {
                format!("A party needs at least {need} ready players; {have} are ready.")
            }
            PhaseError::NotPlaying => "The party is not in a playing phase.".into(),
        }
    }
}

/// The phase after `phase` in play.
pub const fn next(phase: PartyPhase) -> Option<PartyPhase> {
    match phase {
        PartyPhase::Lobby => Some(PartyPhase::Prompt),
        PartyPhase::Prompt => Some(PartyPhase::Copy),
        PartyPhase::Copy => Some(PartyPhase::Vote),
        PartyPhase::Vote => Some(PartyPhase::Results),
        PartyPhase::Results | PartyPhase::Completed => None,
    }
}

/// Decides the transition `trigger` causes in `phase`.
pub fn transition(phase: PartyPhase, trigger: Trigger) -> Result<Transition, PhaseError> {
    match (phase, trigger) {
        (
            PartyPhase::Lobby,
            Trigger::Start {
                participants,
                min_players,
            },
        ) => {
            if participants < min_players {
                Err(PhaseError::NotEnoughPlayers {
                    have: participants,
                    need: min_players,
                })
            } else {
                Ok(Transition {
                    from: phase,
                    to: PartyPhase::Prompt,
                })
            }
        }
        (_, Trigger::Start { .. }) => Err(PhaseError::AlreadyStarted),
        (
            PartyPhase::Prompt | PartyPhase::Copy | PartyPhase::Vote,
            Trigger::QuotasMet | Trigger::Deadline,
        ) => Ok(Transition {
            from: phase,
            to: next(phase).unwrap_or(PartyPhase::Results),
        }),
        (PartyPhase::Lobby | PartyPhase::Results | PartyPhase::Completed, _) => {
            Err(PhaseError::NotPlaying)
        }
    }
}

/// A participant's submitted counts and quotas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub prompts: i64,
    pub copies: i64,
    pub votes: i64,
    pub prompts_required: i64,
    pub copies_required: i64,
    pub votes_required: i64,
}

impl Progress {
    /// Whether the participant has met `phase`'s quota.
    pub fn done_with(&self, phase: PartyPhase) -> bool {
        match phase {
            PartyPhase::Prompt => self.prompts >= self.prompts_required,
            PartyPhase::Copy => self.copies >= self.copies_required,
            PartyPhase::Vote => self.votes >= self.votes_required,
            PartyPhase::Lobby | PartyPhase::Results | PartyPhase::Completed => true,
        }
    }
}

/// How long `phase` lasts: the party's `phase_seconds` if set, otherwise
/// the phase's quota times the round timer.
pub fn duration_secs(
    rules: &GameRules,
    phase: PartyPhase,
    phase_seconds: Option<i64>,
    prompts: i64,
    copies: i64,
    votes: i64,
) -> i64 {
    if let Some(secs) = phase_seconds {
        return secs;
    }
    match phase {
        PartyPhase::Prompt => prompts.max(1) * rules.prompt_seconds,
        PartyPhase::Copy => copies.max(1) * rules.copy_seconds,
        PartyPhase::Vote => votes.max(1) * rules.vote_seconds,
        PartyPhase::Lobby | PartyPhase::Results | PartyPhase::Completed => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_party_moves_through_every_phase_in_order() {
        let mut phase = PartyPhase::Lobby;
        let t = transition(
            phase,
            Trigger::Start {
                participants: 3,
                min_players: 3,
            },
        )
        .unwrap();
        assert_eq!((t.from, t.to), (PartyPhase::Lobby, PartyPhase::Prompt));
        phase = t.to;
        let mut seen = vec![phase];
        while let Ok(t) = transition(phase, Trigger::QuotasMet) {
            phase = t.to;
            seen.push(phase);
        }
        assert_eq!(
            seen,
            [
                PartyPhase::Prompt,
                PartyPhase::Copy,
                PartyPhase::Vote,
                PartyPhase::Results
            ]
        );
    }

    #[test]
    fn deadlines_advance_like_quotas() {
        for phase in [PartyPhase::Prompt, PartyPhase::Copy, PartyPhase::Vote] {
            assert_eq!(
                transition(phase, Trigger::Deadline).unwrap().to,
                transition(phase, Trigger::QuotasMet).unwrap().to
            );
        }
    }

    #[test]
    fn start_needs_enough_players_and_happens_once() {
        assert_eq!(
            transition(
                PartyPhase::Lobby,
                Trigger::Start {
                    participants: 2,
                    min_players: 3
                }
            ),
            Err(PhaseError::NotEnoughPlayers { have: 2, need: 3 })
        );
        for phase in [
            PartyPhase::Prompt,
            PartyPhase::Copy,
            PartyPhase::Vote,
            PartyPhase::Results,
        ] {
            let err = transition(
                phase,
                Trigger::Start {
                    participants: 5,
                    min_players: 3,
                },
            )
            .unwrap_err();
            assert_eq!(err, PhaseError::AlreadyStarted);
            assert_eq!(err.code(), ErrorCode::SessionAlreadyStarted);
        }
    }

    #[test]
    fn nothing_advances_the_lobby_or_the_results_but_the_host() {
        for trigger in [Trigger::QuotasMet, Trigger::Deadline] {
            assert_eq!(
                transition(PartyPhase::Lobby, trigger),
                Err(PhaseError::NotPlaying)
            );
            assert_eq!(
                transition(PartyPhase::Results, trigger),
                Err(PhaseError::NotPlaying)
            );
        }
    }

    #[test]
    fn quotas_per_phase() {
        let p = Progress {
            prompts: 1,
            copies: 1,
            votes: 0,
            prompts_required: 1,
            copies_required: 2,
            votes_required: 0,
        };
        assert!(p.done_with(PartyPhase::Prompt));
        assert!(!p.done_with(PartyPhase::Copy));
        assert!(p.done_with(PartyPhase::Vote), "a zero quota is met at once");
    }

    #[test]
    fn every_transition_has_its_sentence() {
        let t = |from, to| Transition { from, to };
        let start = Trigger::Start {
            participants: 3,
            min_players: 3,
        };
        let cases = [
            (
                PartyPhase::Lobby,
                PartyPhase::Prompt,
                start,
                "Party started! Everyone write your best original phrase.",
            ),
            (
                PartyPhase::Prompt,
                PartyPhase::Copy,
                Trigger::Deadline,
                "Time's up for prompts! Now write your copies.",
            ),
            (
                PartyPhase::Prompt,
                PartyPhase::Copy,
                Trigger::QuotasMet,
                "All players finished prompts! Time to write copies.",
            ),
            (
                PartyPhase::Copy,
                PartyPhase::Vote,
                Trigger::Deadline,
                "Time's up for copies! Now spot the originals.",
            ),
            (
                PartyPhase::Copy,
                PartyPhase::Vote,
                Trigger::QuotasMet,
                "All copies submitted! Time to vote.",
            ),
            (
                PartyPhase::Vote,
                PartyPhase::Results,
                Trigger::Deadline,
                "Time's up for voting! Here are the results.",
            ),
            (
                PartyPhase::Vote,
                PartyPhase::Results,
                Trigger::QuotasMet,
                "All votes submitted! Check out the results.",
            ),
            (
                PartyPhase::Results,
                PartyPhase::Completed,
                Trigger::QuotasMet,
                "The party moved on.",
            ),
        ];
        for (from, to, trigger, sentence) in cases {
            assert_eq!(t(from, to).message(trigger), sentence, "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn every_refusal_has_its_code_and_sentence() {
        let cases = [
            (
                PhaseError::AlreadyStarted,
                ErrorCode::SessionAlreadyStarted,
                "This party has already started.",
            ),
            (
                PhaseError::NotEnoughPlayers { have: 2, need: 3 },
                ErrorCode::NotEnoughPlayers,
                "A party needs at least 3 ready players; 2 are ready.",
            ),
            (
                PhaseError::NotPlaying,
                ErrorCode::WrongPhase,
                "The party is not in a playing phase.",
            ),
        ];
        for (err, code, sentence) in cases {
            assert_eq!(err.code(), code);
            assert_eq!(err.message(), sentence);
        }
    }

    #[test]
    fn a_completed_party_neither_starts_nor_advances() {
        for trigger in [Trigger::QuotasMet, Trigger::Deadline] {
            assert_eq!(
                transition(PartyPhase::Completed, trigger),
                Err(PhaseError::NotPlaying)
            );
        }
        assert_eq!(
            transition(
                PartyPhase::Completed,
                Trigger::Start {
                    participants: 3,
                    min_players: 3
                }
            ),
            Err(PhaseError::AlreadyStarted)
        );
        assert_eq!(next(PartyPhase::Results), None);
        assert_eq!(next(PartyPhase::Completed), None);
    }

    #[test]
    fn a_quota_is_met_exactly_at_its_count() {
        let exact = Progress {
            prompts: 2,
            copies: 4,
            votes: 3,
            prompts_required: 2,
            copies_required: 4,
            votes_required: 3,
        };
        let short = Progress {
            prompts: 1,
            copies: 3,
            votes: 2,
            ..exact
        };
        let over = Progress {
            prompts: 3,
            copies: 5,
            votes: 4,
            ..exact
        };
        for phase in [PartyPhase::Prompt, PartyPhase::Copy, PartyPhase::Vote] {
            assert!(exact.done_with(phase), "{phase:?}");
            assert!(!short.done_with(phase), "{phase:?}");
            assert!(over.done_with(phase), "{phase:?}");
        }
        for phase in [
            PartyPhase::Lobby,
            PartyPhase::Results,
            PartyPhase::Completed,
        ] {
            assert!(short.done_with(phase), "{phase:?} has no quota");
        }
    }

    #[test]
    fn phases_without_rounds_last_nothing_and_a_zero_quota_one_round() {
        let rules = GameRules::default();
        for phase in [
            PartyPhase::Lobby,
            PartyPhase::Results,
            PartyPhase::Completed,
        ] {
            assert_eq!(duration_secs(&rules, phase, None, 1, 2, 3), 0);
        }
        assert_eq!(
            duration_secs(&rules, PartyPhase::Prompt, None, 0, 0, 0),
            rules.prompt_seconds
        );
        assert_eq!(
            duration_secs(&rules, PartyPhase::Prompt, None, 3, 0, 0),
            3 * rules.prompt_seconds
        );
        assert_eq!(
            duration_secs(&rules, PartyPhase::Copy, None, 0, 4, 0),
            4 * rules.copy_seconds
        );
        assert_eq!(
            duration_secs(&rules, PartyPhase::Vote, None, 0, 0, 5),
            5 * rules.vote_seconds
        );
    }

    #[test]
    fn default_phase_lengths_are_quota_times_round_timer() {
        let rules = GameRules::default();
        assert_eq!(
            duration_secs(&rules, PartyPhase::Prompt, None, 1, 2, 3),
            180
        );
        assert_eq!(duration_secs(&rules, PartyPhase::Copy, None, 1, 2, 3), 360);
        assert_eq!(duration_secs(&rules, PartyPhase::Vote, None, 1, 2, 3), 180);
        assert_eq!(
            duration_secs(&rules, PartyPhase::Vote, Some(90), 1, 2, 3),
            90
        );
    }
}
