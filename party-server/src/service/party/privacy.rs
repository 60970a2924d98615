//! Private parties (issue 15): a lobby's access mode, the check every new
//! member passes inside the join's transaction, and invites.
//!
//! A password is checked against its argon2 hash outside any transaction
//! (a hash costs ~20 ms; SQLite's one writer must not wait on it): the
//! join first runs up to the check, which hands back the stored hash; the
//! password is verified; then the join runs again with that hash, and is
//! admitted only if the lobby still holds exactly that hash. A refused
//! join writes nothing; wrong guesses are counted in memory
//! ([`super::attempts`]).

use party_protocol::account::SuccessResponse;
use party_protocol::friends::PartyInvite;
use party_protocol::party::{PartyCode, PartySessionResponse};
use party_protocol::party_access::{
    PartyAccess, PartyAccessResponse, PartyPassword, SetPartyAccessRequest,
};
use party_protocol::party_ws::ServerEvent;
use party_protocol::{ErrorCode, PlayerId, Username};
use uuid::Uuid;

use super::access::{ensure_lobby_open, locked_as_host};
use super::events::emit;
use crate::error::{Error, Result};
use crate::service::Game;
use crate::service::friends::{find_player, unavailable, you_blocked};
use crate::service::inbox::invite_of;
use crate::store::{AccessRow, SessionRow, Tx};

/// A join that needs its password verified against `hash` first.
#[derive(Debug)]
pub(super) struct PasswordCheck {
    pub session: Uuid,
    pub hash: String,
}

/// How a new member got past the lobby's mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Admission {
    /// Open lobby, friend of the host, or the right password.
    Let,
    /// By an invite, which the join uses up.
    Invited,
}

fn password_required() -> Error {
    Error::api(
        ErrorCode::PartyPasswordRequired,
        "This party needs its password.",
    )
}

fn password_invalid() -> Error {
    Error::api(
        ErrorCode::PartyPasswordInvalid,
        "That is not this party's password.",
    )
}

fn too_many_attempts(wait_secs: u64) -> Error {
    Error::Api {
        code: ErrorCode::TooManyPasswordAttempts,
        message: format!(
            "Too many wrong passwords for this party. Try again in {} min.",
            wait_secs.div_ceil(60).max(1)
        ),
        retry_after: Some(wait_secs.max(1)),
    }
}

impl Game {
    /// The row for a mode about to be set, with the password hashed.
    pub(super) async fn access_row(
        &self,
        access: Option<PartyAccess>,
        password: Option<&PartyPassword>,
    ) -> Result<AccessRow> {
        // A password alone means password mode.
        let mode = access.unwrap_or(if password.is_some() {
            PartyAccess::Password
        } else {
            PartyAccess::Open
        });
        match (mode, password) {
            (PartyAccess::Password, Some(p)) => Ok(AccessRow {
                mode,
                password_hash: Some(self.hasher.hash(p.expose().to_owned()).await?),
            }),
            (PartyAccess::Password, None) => Err(Error::invalid_request(
                "password: a password party needs a password.",
            )),
            (_, Some(_)) => Err(Error::invalid_request(
                "password: only a password party takes a password.",
            )),
            (mode, None) => Ok(AccessRow {
                mode,
                password_hash: None,
            }),
        }
    }

    /// `POST /party/{id}/access`: the host changes the mode, in the lobby only.
    #[tracing::instrument(skip_all, fields(player = %host, party = %session, access = %req.access))]
    pub async fn set_party_access(
        &self,
        host: PlayerId,
        session: Uuid,
        req: &SetPartyAccessRequest,
    ) -> Result<PartyAccessResponse> {
        let row = self
            .access_row(Some(req.access), req.password.as_ref())
            .await?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let s = locked_as_host(&mut tx, session, host).await?;
        ensure_lobby_open(&s, "The access mode can only change in the lobby.")?;
        tx.set_party_access(session, &row).await?;
        emit(
            &mut tx,
            session,
            ServerEvent::AccessChanged { access: row.mode },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(PartyAccessResponse {
            session_id: session.into(),
            access: row.mode,
        })
    }

    /// Whether `player` may join the lobby `s` (locked by the caller), by
    /// its mode: `Ok(Err(check))` when a password must be verified first.
    pub(super) async fn admit_entry(
        &self,
        tx: &mut Tx,
        s: &SessionRow,
        player: PlayerId,
        password: Option<&PartyPassword>,
        verified: Option<&str>,
    ) -> Result<std::result::Result<Admission, PasswordCheck>> {
        let access = tx.party_access(s.session_id).await?;
        if access.mode == PartyAccess::Open {
            return Ok(Ok(Admission::Let));
        }
        if tx.is_invited(s.session_id, player).await? {
            return Ok(Ok(Admission::Invited));
        }
        match (access.mode, access.password_hash) {
            (PartyAccess::Password, Some(hash)) => {
                if password.is_none() {
                    return Err(password_required());
                }
                if verified == Some(hash.as_str()) {
                    Ok(Ok(Admission::Let))
                } else {
                    Ok(Err(PasswordCheck {
                        session: s.session_id,
                        hash,
                    }))
                }
            }
            _ if tx.are_friends(s.host(), player).await? => Ok(Ok(Admission::Let)),
            _ => Err(Error::api(
                ErrorCode::PartyInviteRequired,
                "This party is invite-only: ask the host for an invite.",
            )),
        }
    }

    /// `POST /party/join`: [`Self::join_checked`], with the password (if
    /// the lobby wants one) verified between two passes.
    #[tracing::instrument(skip_all, fields(player = %player))]
    pub async fn join_party(
        &self,
        player: PlayerId,
        code: &PartyCode,
        password: Option<&PartyPassword>,
    ) -> Result<PartySessionResponse> {
        self.with_password(player, password, |verified| {
            self.join_checked(player, code, password, verified)
        })
        .await
    }

    /// Runs `pass` — a transaction that lets `player` in or hands back the
    /// hash its password must match — verifying `password` between passes
    /// (outside any transaction) and giving the next pass the hash it
    /// matched. Joining and watching a party both go through here.
    pub(super) async fn with_password<T, Pass, Fut>(
        &self,
        player: PlayerId,
        password: Option<&PartyPassword>,
        mut pass: Pass,
    ) -> Result<T>
    where
        Pass: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<std::result::Result<T, PasswordCheck>>>,
    {
        let mut verified: Option<(Uuid, String)> = None;
        // Two passes normally; a third only if the host changed the
        // password between them.
        for _ in 0..3 {
            match pass(verified.as_ref().map(|(_, hash)| hash.clone())).await? {
                Ok(done) => {
                    if let Some((session, _)) = verified {
                        self.password_attempts.clear(player, session);
                    }
                    return Ok(done);
                }
                Err(check) => {
                    let Some(password) = password else {
                        return Err(password_required());
                    };
                    let now = self.now();
                    if let Some(wait) =
                        self.password_attempts
                            .locked_for(player, check.session, now)
                    {
                        return Err(too_many_attempts(wait));
                    }
                    let hash = check.hash.clone();
                    if !self
                        .hasher
                        .verify(password.expose().to_owned(), Some(hash))
                        .await?
                    {
                        self.password_attempts.wrong(player, check.session, now);
                        return Err(password_invalid());
                    }
                    verified = Some((check.session, check.hash));
                }
            }
        }
        Err(Error::api(
            ErrorCode::ServiceUnavailable,
            "The party's password changed while you joined; try again.",
        ))
    }

    /// `POST /party/{id}/invites`: the host invites a player by username.
    #[tracing::instrument(skip_all, fields(player = %host, party = %session))]
    pub async fn invite_to_party(
        &self,
        host: PlayerId,
        session: Uuid,
        username: &Username,
    ) -> Result<PartyInvite> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let s = locked_as_host(&mut tx, session, host).await?;
        ensure_lobby_open(&s, "Invites are sent from the lobby only.")?;
        let invitee = find_player(&mut tx, username).await?;
        if invitee == host {
            return Err(Error::api(ErrorCode::CannotTargetSelf, "That is you."));
        }
        if tx.has_blocked(host, invitee).await? {
            return Err(you_blocked());
        }
        if tx.has_blocked(invitee, host).await? {
            return Err(unavailable());
        }
        if tx.participant(session, invitee).await?.is_some() {
            return Err(Error::api(
                ErrorCode::AlreadyJoined,
                "That player is in this party already.",
            ));
        }
        tx.upsert_invite(session, invitee, host, now).await?;
        let row = tx
            .invite(session, invitee)
            .await?
            .ok_or_else(|| Error::internal("an invite just written is missing"))?;
        tx.tell_player(invitee.as_uuid());
        tx.commit().await?;
        invite_of(row)
    }

    /// `DELETE /party/invites/{session_id}`: the invitee declines.
    #[tracing::instrument(skip_all, fields(player = %player, party = %session))]
    pub async fn decline_invite(&self, player: PlayerId, session: Uuid) -> Result<SuccessResponse> {
        let mut tx = self.store.begin().await?;
        if !tx.delete_invite(session, player).await? {
            return Err(Error::api(
                ErrorCode::InviteNotFound,
                "No invite to that party.",
            ));
        }
        tx.commit().await?;
        Ok(SuccessResponse {
            success: true,
            message: "Invite declined".into(),
        })
    }
}
