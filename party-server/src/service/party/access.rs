//! Loading a party for a request: the session locked, the caller checked as
//! a participant or its host, and the errors for those who are not.

use party_protocol::party::{PartyCode, PartyPhase, SessionStatus};
use party_protocol::{ErrorCode, PlayerId};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::{ParticipantRow, SessionRow, Tx};

pub(super) fn not_found() -> Error {
    Error::api(ErrorCode::SessionNotFound, "No party with that code or id.")
}

pub(super) fn not_host() -> Error {
    Error::api(ErrorCode::NotHost, "Only the host can do that.")
}

pub(super) fn not_participant() -> Error {
    Error::api(ErrorCode::NotAParticipant, "You are not in this party.")
}

/// Loads and locks a session.
pub(super) async fn locked(tx: &mut Tx, session: Uuid) -> Result<SessionRow> {
    tx.session_for_update(session).await?.ok_or_else(not_found)
}

/// Loads and locks the session with this code (joining and watching
/// arrive by code).
pub(super) async fn locked_by_code(tx: &mut Tx, code: &PartyCode) -> Result<SessionRow> {
    let found = tx
        .session_by_code(code.as_str())
        .await?
        .ok_or_else(not_found)?;
    locked(tx, found.session_id).await
}

/// The caller's participant row, or `not_a_participant`.
pub(super) async fn member(tx: &mut Tx, session: Uuid, player: PlayerId) -> Result<ParticipantRow> {
    tx.participant(session, player)
        .await?
        .ok_or_else(not_participant)
}

/// Loads and locks a session for something only its host may do: the
/// caller must be in it and be its host.
pub(super) async fn locked_as_host(
    tx: &mut Tx,
    session: Uuid,
    host: PlayerId,
) -> Result<SessionRow> {
    let s = locked(tx, session).await?;
    member(tx, session, host).await?;
    if s.host() != host {
        return Err(not_host());
    }
    Ok(s)
}

/// The host changes who is in a party only while it is an open lobby.
pub(super) fn ensure_lobby_open(s: &SessionRow, message: &str) -> Result<()> {
    if s.state() != SessionStatus::Open {
        return Err(Error::api(ErrorCode::SessionAlreadyStarted, message));
    }
    Ok(())
}

/// Whether the session is over (RESULTS reached, or abandoned).
pub(super) fn ended(s: &SessionRow) -> bool {
    matches!(
        s.state(),
        SessionStatus::Completed | SessionStatus::Abandoned
    )
}

/// Whether a session has results, and the status they carry: a party that
/// reached RESULTS (`COMPLETED`), or one abandoned after it started, whose
/// pools were paid and open rounds refunded at the abandonment
/// (`ABANDONED`). A lobby abandoned before the start has nothing to show.
pub(super) fn results_status(s: &SessionRow) -> Result<SessionStatus> {
    match (s.state(), s.phase()) {
        (_, PartyPhase::Results | PartyPhase::Completed) => Ok(SessionStatus::Completed),
        (SessionStatus::Abandoned, PartyPhase::Prompt | PartyPhase::Copy | PartyPhase::Vote) => {
            Ok(SessionStatus::Abandoned)
        }
        (SessionStatus::Abandoned, PartyPhase::Lobby) => Err(Error::api(
            ErrorCode::WrongPhase,
            "This party ended in the lobby, before anyone played: it has no results.",
        )),
        _ => Err(Error::api(
            ErrorCode::WrongPhase,
            "Results are shown once the party reaches RESULTS.",
        )),
    }
}
