//! Recording a party's events (plan §5.2) in the caller's transaction.

use party_protocol::party_ws::{ServerEvent, ServerMessage};
use uuid::Uuid;

use crate::clock::Millis;
use crate::error::Result;
use crate::store::Tx;

/// Records an event in the caller's transaction (plan §5.2): the message is
/// stored exactly as it will be sent, with its sequence number.
pub(crate) async fn emit(
    tx: &mut Tx,
    session: Uuid,
    event: ServerEvent,
    now: Millis,
) -> Result<i64> {
    record(tx, session, event, now, false).await
}

/// [`emit`] for an event a player's own action caused: the session also
/// counts as active (the idle timeout starts again), in the same statement.
pub(crate) async fn emit_activity(
    tx: &mut Tx,
    session: Uuid,
    event: ServerEvent,
    now: Millis,
) -> Result<i64> {
    record(tx, session, event, now, true).await
}

async fn record(
    tx: &mut Tx,
    session: Uuid,
    event: ServerEvent,
    now: Millis,
    activity: bool,
) -> Result<i64> {
    let kind = event.kind();
    let timestamp = now.to_datetime();
    tx.append_event(
        session,
        kind,
        move |seq| {
            serde_json::to_string(&ServerMessage {
                event,
                session_id: session.into(),
                seq,
                timestamp,
            })
            .unwrap_or_default()
        },
        now,
        activity,
    )
    .await
}
