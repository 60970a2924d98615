//! The party event log: what sockets replay and the hub fans out.

use uuid::Uuid;

use crate::clock::Millis;
use crate::error::Result;
use crate::store::Tx;

impl Tx {
    /// Appends an event: takes the session's next sequence number and
    /// stores the payload built for it, in the caller's transaction. With
    /// `activity`, the same statement also marks the session active (what
    /// [`Tx::touch_session`] does), saving a statement on the busiest paths.
    pub async fn append_event(
        &mut self,
        session: Uuid,
        kind: &str,
        payload: impl FnOnce(i64) -> String,
        now: Millis,
        activity: bool,
    ) -> Result<i64> {
        let seq: i64 = if activity {
            self.query(
                "UPDATE party_sessions SET event_seq = event_seq + 1, last_activity_at = $2, \
                 version = version + 1 WHERE session_id = $1 RETURNING event_seq",
            )
            .bind(session)
            .bind(now.0)
            .fetch_one()
            .await?
        } else {
            self.query(
                "UPDATE party_sessions SET event_seq = event_seq + 1 WHERE session_id = $1 RETURNING event_seq")
                .bind(session)
                .fetch_one()
                .await?
        };
        let body = payload(seq);
        self.touch_party(session);
        self.query(
            "INSERT INTO party_events (session_id, seq, event_type, payload, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(session)
            .bind(seq)
            .bind(kind)
            .bind(body)
            .bind(now.0)
            .execute()
            .await?;
        Ok(seq)
    }

    /// Events after `since`, in order: (seq, payload).
    pub async fn events_since(
        &mut self,
        session: Uuid,
        since: i64,
        limit: i64,
    ) -> Result<Vec<(i64, String)>> {
        self.query(
            "SELECT seq, payload FROM party_events WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")
            .bind(session)
            .bind(since)
            .bind(limit)
            .fetch_all()
            .await
    }
}
