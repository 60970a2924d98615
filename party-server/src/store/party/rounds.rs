//! Party rounds and phrasesets: the party's links to the solo `rounds` and
//! `phrasesets` tables, and the party views of those tables.

use party_protocol::party::PartyPhase;
use party_protocol::{PhrasesetId, RoundId};
use uuid::Uuid;

use crate::clock::Millis;
use crate::error::Result;
use crate::store::{PhrasesetRow, RoundRow, Tx};

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
        self.query(
            "INSERT INTO party_rounds (party_round_id, session_id, round_id, participant_id, round_type, phase, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id)
            .bind(session)
            .bind(round.as_uuid())
            .bind(participant)
            .bind(round_type)
            .bind(phase.as_str())
            .bind(now.0)
            .execute()
            .await?;
        Ok(id)
    }

    pub async fn insert_party_phraseset(
        &mut self,
        session: Uuid,
        phraseset: PhrasesetId,
        now: Millis,
    ) -> Result<()> {
        self.query(
            "INSERT INTO party_phrasesets (party_phraseset_id, session_id, phraseset_id, created_in_phase, \
             available_for_voting, created_at) VALUES ($1, $2, $3, 'COPY', FALSE, $4)")
            .bind(Uuid::new_v4())
            .bind(session)
            .bind(phraseset.as_uuid())
            .bind(now.0)
            .execute()
            .await?;
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

    /// Active rounds of a party (to expire at a deadline).
    pub async fn active_party_rounds(&mut self, session: Uuid) -> Result<Vec<RoundId>> {
        let ids: Vec<Uuid> = self
            .query("SELECT round_id FROM rounds WHERE party_session_id = $1 AND status = 'active'")
            .bind(session)
            .fetch_all()
            .await?;
        Ok(ids.into_iter().map(RoundId::from_uuid).collect())
    }
}
