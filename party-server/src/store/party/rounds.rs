//! Party rounds and phrasesets: the party's links to the solo `rounds` and
//! `phrasesets` tables, and the party views of those tables.

use party_protocol::party::PartyPhase;
use party_protocol::{PhrasesetId, RoundId};
use uuid::Uuid;

use crate::clock::Millis;
use crate::error::Result;
use crate::store::{Arg, PhrasesetRow, RoundRow, Tx, values_list};

impl Tx {
    pub async fn insert_party_round(
        &mut self,
        session: Uuid,
        round: RoundId,
        participant: Option<Uuid>,
        round_type: &str,
        phase: PartyPhase,
        now: Millis,
    ) -> Result<Uuid> {
        let id = Uuid::new_v4();
        self.insert_party_rounds(session, &[(id, round, participant)], round_type, phase, now)
            .await?;
        Ok(id)
    }

    /// Links rounds of one kind to the party, `(party round id, round,
    /// participant)` each, in one statement.
    pub async fn insert_party_rounds(
        &mut self,
        session: Uuid,
        rounds: &[(Uuid, RoundId, Option<Uuid>)],
        round_type: &str,
        phase: PartyPhase,
        now: Millis,
    ) -> Result<()> {
        if rounds.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "INSERT INTO party_rounds (party_round_id, session_id, round_id, participant_id, round_type, phase, \
             created_at) VALUES {}",
            values_list(rounds.len(), 7, 1)
        );
        let args = rounds.iter().flat_map(|(id, round, participant)| {
            [
                Arg::from(*id),
                Arg::from(session),
                Arg::from(round.as_uuid()),
                Arg::from(*participant),
                Arg::from(round_type),
                Arg::from(phase.as_str()),
                Arg::from(now.0),
            ]
        });
        self.query(&sql).bind_all(args).execute().await?;
        Ok(())
    }

    pub async fn insert_party_phraseset(
        &mut self,
        session: Uuid,
        phraseset: PhrasesetId,
        now: Millis,
    ) -> Result<()> {
        self.insert_party_phrasesets(session, &[phraseset], now)
            .await
    }

    /// Links phrasesets written in COPY to the party, in one statement.
    pub async fn insert_party_phrasesets(
        &mut self,
        session: Uuid,
        phrasesets: &[PhrasesetId],
        now: Millis,
    ) -> Result<()> {
        if phrasesets.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "INSERT INTO party_phrasesets (party_phraseset_id, session_id, phraseset_id, created_in_phase, \
             available_for_voting, created_at) VALUES {}",
            values_list(phrasesets.len(), 6, 1)
        );
        let args = phrasesets.iter().flat_map(|ps| {
            [
                Arg::from(Uuid::new_v4()),
                Arg::from(session),
                Arg::from(ps.as_uuid()),
                Arg::from("COPY"),
                Arg::from(false),
                Arg::from(now.0),
            ]
        });
        self.query(&sql).bind_all(args).execute().await?;
        Ok(())
    }

    pub async fn open_party_phrasesets_for_voting(&mut self, session: Uuid) -> Result<()> {
        self.query("UPDATE party_phrasesets SET available_for_voting = TRUE WHERE session_id = $1")
            .bind(session)
            .execute()
            .await?;
        Ok(())
    }

    /// The party's phrasesets, oldest first.
    pub async fn party_phrasesets(&mut self, session: Uuid) -> Result<Vec<PhrasesetRow>> {
        let sql = format!(
            "SELECT {} FROM phrasesets WHERE party_session_id = $1 ORDER BY created_at, phraseset_id",
            crate::store::phrasesets::PHRASESET_COLUMNS
        );
        self.query(&sql)
            .bind(session)
            .fetch_all::<PhrasesetRow>()
            .await
    }

    /// The party's submitted prompt rounds, in submission order: (round, author, phrase, prompt text).
    pub async fn party_prompts(&mut self, session: Uuid) -> Result<Vec<RoundRow>> {
        let sql = format!(
            "SELECT {} FROM rounds WHERE party_session_id = $1 AND round_type = 'prompt' AND status = 'submitted' \
             ORDER BY queued_at, round_id",
            crate::store::rounds::ROUND_COLUMNS
        );
        self.query(&sql).bind(session).fetch_all::<RoundRow>().await
    }
}
