//! Which constraint a failed write violated, by the constraint's name.
//!
//! Callers that turn a violation into a player-facing answer (a taken
//! username, a second active round) ask [`violated`] for a typed
//! [`Constraint`], never the error's text. PostgreSQL reports the violated
//! constraint's name. SQLite reports none: for a UNIQUE
//! violation SQLite's message names the columns instead ("UNIQUE
//! constraint failed: players.email"), so this module — and only this
//! module — maps those columns back to the constraint declared on them in
//! `migrations/sqlite`. SQLite names neither the constraint nor the columns
//! of a violated FOREIGN KEY, so foreign keys are recognized on PostgreSQL
//! only.

use crate::error::Error;

/// The unique constraints (and unique indexes) the game reacts to, named
/// alike in both databases' migrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constraint {
    /// `players_username_unique`: one player per canonical username.
    PlayerUsername,
    /// `players_email_unique`: one player per email.
    PlayerEmail,
    /// `rounds_one_active_per_player`: at most one active round per player.
    OneActiveRound,
    /// `rounds_one_copy_per_prompt`: a player copies a prompt once.
    OneCopyPerPrompt,
    /// `rounds_one_vote_per_phraseset`: one vote round per player and phraseset.
    OneVoteRoundPerPhraseset,
    /// `votes_one_per_round`: a vote round casts one vote.
    OneVotePerRound,
    /// `votes_one_per_player`: a player votes once on a phraseset.
    OneVotePerPlayer,
    /// `party_sessions_code_unique`: party codes are unique.
    PartyCode,
    /// `party_participants_once`: a player joins a party once.
    ParticipantOnce,
    /// `party_participants_one_active_party`: one active party per player.
    OneActiveParty,
}

impl Constraint {
    const ALL: [Constraint; 10] = [
        Constraint::PlayerUsername,
        Constraint::PlayerEmail,
        Constraint::OneActiveRound,
        Constraint::OneCopyPerPrompt,
        Constraint::OneVoteRoundPerPhraseset,
        Constraint::OneVotePerRound,
        Constraint::OneVotePerPlayer,
        Constraint::PartyCode,
        Constraint::ParticipantOnce,
        Constraint::OneActiveParty,
    ];

    /// The constraint's (or unique index's) name in the migrations.
    pub const fn name(self) -> &'static str {
        match self {
            Constraint::PlayerUsername => "players_username_unique",
            Constraint::PlayerEmail => "players_email_unique",
            Constraint::OneActiveRound => "rounds_one_active_per_player",
            Constraint::OneCopyPerPrompt => "rounds_one_copy_per_prompt",
            Constraint::OneVoteRoundPerPhraseset => "rounds_one_vote_per_phraseset",
            Constraint::OneVotePerRound => "votes_one_per_round",
            Constraint::OneVotePerPlayer => "votes_one_per_player",
            Constraint::PartyCode => "party_sessions_code_unique",
            Constraint::ParticipantOnce => "party_participants_once",
            Constraint::OneActiveParty => "party_participants_one_active_party",
        }
    }

    /// The `table.column` list SQLite's message gives for a UNIQUE
    /// violation of this constraint.
    const fn sqlite_columns(self) -> &'static str {
        match self {
            Constraint::PlayerUsername => "players.username_canonical",
            Constraint::PlayerEmail => "players.email",
            Constraint::OneActiveRound => "rounds.player_id",
            Constraint::OneCopyPerPrompt => "rounds.prompt_round_id, rounds.player_id",
            Constraint::OneVoteRoundPerPhraseset => "rounds.phraseset_id, rounds.player_id",
            Constraint::OneVotePerRound => "votes.round_id",
            Constraint::OneVotePerPlayer => "votes.phraseset_id, votes.player_id",
            Constraint::PartyCode => "party_sessions.party_code",
            Constraint::ParticipantOnce => {
                "party_participants.session_id, party_participants.player_id"
            }
            Constraint::OneActiveParty => "party_participants.player_id",
        }
    }
}

/// SQLite's prefix of a UNIQUE violation, followed by the columns.
const SQLITE_UNIQUE: &str = "UNIQUE constraint failed: ";

/// The known constraint `err` violated, if it is a unique (or, on
/// PostgreSQL, foreign-key) violation of one.
pub fn violated(err: &Error) -> Option<Constraint> {
    match err {
        Error::Database(sqlx::Error::Database(db)) => {
            if !(db.is_unique_violation() || db.is_foreign_key_violation()) {
                return None;
            }
            let name = db.constraint()?;
            Constraint::ALL.into_iter().find(|c| c.name() == name)
        }
        // SQLite: no constraint name; the message lists the columns.
        Error::Sqlite(rusqlite::Error::SqliteFailure(failure, Some(message)))
            if failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            let columns = message.strip_prefix(SQLITE_UNIQUE)?;
            Constraint::ALL
                .into_iter()
                .find(|c| c.sqlite_columns() == columns)
        }
        _ => None,
    }
}

/// Whether `err` violated one of `constraints`.
pub fn violates(err: &Error, constraints: &[Constraint]) -> bool {
    violated(err).is_some_and(|c| constraints.contains(&c))
}

#[cfg(test)]
mod tests {
    use party_protocol::PlayerId;

    use super::*;
    use crate::clock::Millis;
    use crate::store::Store;

    /// SQLite gives no constraint name: the columns in its message must
    /// still lead to the right constraint (PostgreSQL's names are covered
    /// by the API tests run on both databases).
    #[tokio::test]
    async fn sqlite_unique_violations_are_told_apart_by_their_columns() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = Store::connect(&url).await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let first = PlayerId::new();
        tx.insert_player(
            first,
            "Ann",
            Some("ann@example.com"),
            Some("h"),
            false,
            false,
            Millis(1),
        )
        .await
        .unwrap();
        let same_name = tx
            .insert_player(
                PlayerId::new(),
                "ANN",
                None,
                Some("h"),
                false,
                false,
                Millis(1),
            )
            .await
            .unwrap_err();
        assert_eq!(violated(&same_name), Some(Constraint::PlayerUsername));
        let same_email = tx
            .insert_player(
                PlayerId::new(),
                "Bob",
                Some("ann@example.com"),
                Some("h"),
                false,
                false,
                Millis(1),
            )
            .await
            .unwrap_err();
        assert_eq!(violated(&same_email), Some(Constraint::PlayerEmail));
        assert!(violates(
            &same_email,
            &[Constraint::PlayerUsername, Constraint::PlayerEmail]
        ));
        assert!(!violates(&same_email, &[Constraint::PlayerUsername]));
        // The same id again: a primary key the game never reacts to.
        let same_id = tx
            .insert_player(first, "Cid", None, Some("h"), false, false, Millis(1))
            .await
            .unwrap_err();
        assert_eq!(violated(&same_id), None);
        assert_eq!(violated(&Error::internal("not a database error")), None);
    }

    #[test]
    fn every_constraint_has_its_own_name_and_columns() {
        for (i, a) in Constraint::ALL.iter().enumerate() {
            for b in &Constraint::ALL[i + 1..] {
                assert_ne!(a.name(), b.name());
                assert_ne!(a.sqlite_columns(), b.sqlite_columns());
            }
        }
    }
}
