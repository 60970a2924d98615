//! The REST calls of who plays with whom (friends, blocks, invites, a
//! party's access mode) and of spectators. Apart from [`crate::api`] so
//! that each module stays one subject; the same client, the same errors.

use party_protocol::SessionId;
use party_protocol::friends::{BlocksResponse, FriendRequestResponse};
use party_protocol::party::PartyResultsResponse;
use party_protocol::party_access::{
    PartyAccess, PartyAccessResponse, PartyPassword, SetPartyAccessRequest,
};
use party_protocol::spectate::{ChatResponse, NextGameResponse, SpectatorStatusResponse};
use reqwest::Method;
use serde_json::{Value, json};

use crate::api::{ApiClient, ApiResult};

/// What a player can do about another player, by username.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FriendAction {
    /// Send a friend request (or accept theirs, if they asked first).
    Request,
    Accept,
    Decline,
    /// Take back one's own request.
    Cancel,
    /// End a friendship.
    Remove,
    Block,
    Unblock,
}

impl FriendAction {
    /// What the client says once it is done.
    pub fn done(self, username: &str) -> String {
        match self {
            FriendAction::Request => format!("Friend request sent to {username}."),
            FriendAction::Accept => format!("You and {username} are friends now."),
            FriendAction::Decline => format!("Declined {username}'s request."),
            FriendAction::Cancel => format!("Request to {username} taken back."),
            FriendAction::Remove => format!("{username} is no longer your friend."),
            FriendAction::Block => format!("{username} is blocked."),
            FriendAction::Unblock => format!("{username} is unblocked."),
        }
    }
}

impl ApiClient {
    /// One of the friend or block calls on `username`.
    pub async fn friend_action(&self, action: FriendAction, username: &str) -> ApiResult<()> {
        let name = json!({ "username": username });
        let (method, path, body) = match action {
            FriendAction::Request => (Method::POST, "/friends/requests".to_owned(), Some(name)),
            FriendAction::Accept => (
                Method::POST,
                format!("/friends/requests/{username}/accept"),
                None,
            ),
            FriendAction::Decline => (
                Method::POST,
                format!("/friends/requests/{username}/decline"),
                None,
            ),
            FriendAction::Cancel => (
                Method::DELETE,
                format!("/friends/requests/{username}"),
                None,
            ),
            FriendAction::Remove => (Method::DELETE, format!("/friends/{username}"), None),
            FriendAction::Block => (Method::POST, "/blocks".to_owned(), Some(name)),
            FriendAction::Unblock => (Method::DELETE, format!("/blocks/{username}"), None),
        };
        if action == FriendAction::Request {
            // The answer says whether it made friends at once; the list
            // fetched next shows it either way.
            let _: FriendRequestResponse = self.send(method, &path, body, true).await?;
            return Ok(());
        }
        let _: Value = self.send(method, &path, body, true).await?;
        Ok(())
    }

    /// `GET /blocks`.
    pub async fn blocks(&self) -> ApiResult<BlocksResponse> {
        self.send(Method::GET, "/blocks", None, true).await
    }

    /// `DELETE /party/invites/{id}`: decline an invite.
    pub async fn decline_invite(&self, session: SessionId) -> ApiResult<()> {
        let _: Value = self
            .send(
                Method::DELETE,
                &format!("/party/invites/{session}"),
                None,
                true,
            )
            .await?;
        Ok(())
    }

    /// `POST /party/{id}/access`: the host changes who may join.
    pub async fn set_access(
        &self,
        session: SessionId,
        access: PartyAccess,
        password: Option<PartyPassword>,
    ) -> ApiResult<PartyAccessResponse> {
        let body =
            serde_json::to_value(SetPartyAccessRequest { access, password }).unwrap_or_default();
        self.send(
            Method::POST,
            &format!("/party/{session}/access"),
            Some(body),
            true,
        )
        .await
    }

    /// `POST /party/spectate`: start watching the party with this code.
    pub async fn spectate(
        &self,
        code: &str,
        password: Option<&PartyPassword>,
    ) -> ApiResult<SpectatorStatusResponse> {
        let mut body = json!({ "party_code": code });
        if let Some(p) = password {
            body["password"] = json!(p.expose());
        }
        self.send(Method::POST, "/party/spectate", Some(body), true)
            .await
    }

    /// `GET /party/{id}/spectate/status`.
    pub async fn spectator_status(&self, session: SessionId) -> ApiResult<SpectatorStatusResponse> {
        let path = format!("/party/{session}/spectate/status");
        self.send(Method::GET, &path, None, true).await
    }

    /// `GET /party/{id}/spectate/results` (once public, at RESULTS).
    pub async fn spectator_results(&self, session: SessionId) -> ApiResult<PartyResultsResponse> {
        let path = format!("/party/{session}/spectate/results");
        self.send(Method::GET, &path, None, true).await
    }

    /// `POST /party/{id}/spectate/next-game`: ask for (or give up) a seat
    /// in the next game.
    pub async fn next_game(&self, session: SessionId, join: bool) -> ApiResult<NextGameResponse> {
        let path = format!("/party/{session}/spectate/next-game");
        self.send(Method::POST, &path, Some(json!({ "join": join })), true)
            .await
    }

    /// `POST /party/{id}/spectate/chat`.
    pub async fn chat(&self, session: SessionId, text: &str) -> ApiResult<ChatResponse> {
        let path = format!("/party/{session}/spectate/chat");
        self.send(Method::POST, &path, Some(json!({ "text": text })), true)
            .await
    }

    /// `DELETE /party/{id}/spectate`: stop watching.
    pub async fn stop_spectating(&self, session: SessionId) -> ApiResult<()> {
        let path = format!("/party/{session}/spectate");
        let _: Value = self.send(Method::DELETE, &path, None, true).await?;
        Ok(())
    }
}
