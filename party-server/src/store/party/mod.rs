//! Party Mode tables, one module per table group: sessions (and the
//! creation log), participants, party rounds and phrasesets, assignments,
//! the event log, and the results read at the end.

mod assignments;
mod events;
mod participants;
mod results;
mod rounds;
mod sessions;

pub use assignments::{AssignmentKind, AssignmentRow, AssignmentStatus};
pub use participants::{ParticipantRow, SubmissionKind};
pub use results::{MoneyRow, VoteStatsRow};
pub use sessions::{NewSession, SessionRow};
