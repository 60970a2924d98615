//! Who is done with a phase: a participant's counters against their
//! quotas, and how many of those still playing are done.

use crate::party::phase::Progress;
use crate::store::{ParticipantRow, SessionRow};

/// A participant's counters and effective quotas.
pub(super) fn progress_of(s: &SessionRow, p: &ParticipantRow) -> Progress {
    Progress {
        prompts: i64::from(p.prompts_submitted),
        copies: i64::from(p.copies_submitted),
        votes: i64::from(p.votes_submitted),
        prompts_required: i64::from(s.prompts_per_player),
        copies_required: i64::from(p.copies_required),
        votes_required: i64::from(p.votes_required),
    }
}

/// (players done with the current phase, players still in the party).
pub(super) fn phase_counts(s: &SessionRow, everyone: &[ParticipantRow]) -> (i64, i64) {
    let playing: Vec<&ParticipantRow> = everyone.iter().filter(|p| !p.has_left()).collect();
    let done = playing
        .iter()
        .filter(|p| progress_of(s, p).done_with(s.phase()))
        .count();
    (done as i64, playing.len() as i64)
}
