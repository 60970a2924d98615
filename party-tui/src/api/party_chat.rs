//! The party chat (README "Party chat"): say something, read a page, mute
//! and unmute a player.

use party_protocol::party_chat::{ChatPage, ChatQuery, MuteResponse, PartyChatMessage};
use party_protocol::{PlayerId, SessionId};
use reqwest::Method;
use serde_json::json;

use super::{ApiClient, ApiResult};

impl ApiClient {
    /// `POST /party/{id}/chat`: the message as the server stored it.
    pub async fn send_chat(&self, session: SessionId, text: &str) -> ApiResult<PartyChatMessage> {
        let path = format!("/party/{session}/chat");
        self.send(Method::POST, &path, Some(json!({ "text": text })), true)
            .await
    }

    /// `GET /party/{id}/chat`: a page of the chat, oldest first.
    pub async fn chat_page(&self, session: SessionId, query: ChatQuery) -> ApiResult<ChatPage> {
        let mut params = Vec::new();
        if let Some(limit) = query.limit {
            params.push(format!("limit={limit}"));
        }
        if let Some(before) = query.before {
            params.push(format!("before={before}"));
        }
        let mut path = format!("/party/{session}/chat");
        if !params.is_empty() {
            path = format!("{path}?{}", params.join("&"));
        }
        self.send(Method::GET, &path, None, true).await
    }

    /// `POST /party/{id}/chat/mute` (`mute`) or
    /// `DELETE /party/{id}/chat/mute/{player}`: the players muted now.
    pub async fn mute(
        &self,
        session: SessionId,
        player: PlayerId,
        mute: bool,
    ) -> ApiResult<MuteResponse> {
        if mute {
            let path = format!("/party/{session}/chat/mute");
            self.send(
                Method::POST,
                &path,
                Some(json!({ "player_id": player })),
                true,
            )
            .await
        } else {
            let path = format!("/party/{session}/chat/mute/{player}");
            self.send(Method::DELETE, &path, None, true).await
        }
    }
}
