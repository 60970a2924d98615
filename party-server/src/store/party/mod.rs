//! Party Mode tables, one module per table group: sessions (and the
//! creation log), participants, party rounds and phrasesets, assignments,
//! the event log, the results read at the end, the set-based
//! statements of a phase's end, the spectators, the standings stored
//! at settlement (history, stats, leaderboards), and the party chat.

mod assignments;
mod chat;
mod events;
mod participants;
mod phase_end;
mod reactions;
mod results;
mod rounds;
mod sessions;
mod spectators;
mod standings;

pub use assignments::{AssignmentKind, AssignmentRow, AssignmentStatus};
pub use chat::ChatRow;
pub use participants::{ParticipantRow, SubmissionKind};
pub use reactions::{PhraseKey, ReactionCountRow};
pub use results::{MoneyRow, VoteStatsRow};
pub use sessions::{NewSession, SessionRow};
pub use spectators::QueuedSpectator;
pub use standings::{
    BoardRow, HistoryCursor, HistoryPlayerRow, HistoryRow, PhraseRow, StandingRow, StatsRow,
    TotalsRow,
};
