//! Quick match and the public lobby list (README "Quick match and public
//! parties").

use party_protocol::matchmaking::{PublicPartiesResponse, QuickMatchStatus};
use reqwest::Method;
use serde_json::json;

use super::{ApiClient, ApiResult};

impl ApiClient {
    /// `POST /party/quick-match`: queues (again: keeps the first place);
    /// `bot_fill_after` seconds until bots fill the party, `None`: humans only.
    pub async fn quick_match(&self, bot_fill_after: Option<i64>) -> ApiResult<QuickMatchStatus> {
        let body = match bot_fill_after {
            Some(secs) => json!({ "bot_fill_after_seconds": secs }),
            None => json!({}),
        };
        self.send(Method::POST, "/party/quick-match", Some(body), true)
            .await
    }

    /// `GET /party/quick-match`: queued, matched or idle.
    pub async fn quick_match_status(&self) -> ApiResult<QuickMatchStatus> {
        self.send(Method::GET, "/party/quick-match", None, true)
            .await
    }

    /// `DELETE /party/quick-match`: leaves the queue.
    pub async fn leave_quick_match(&self) -> ApiResult<QuickMatchStatus> {
        self.send(Method::DELETE, "/party/quick-match", None, true)
            .await
    }

    /// `GET /party/public`: one page of the public lobbies, newest first.
    pub async fn public_parties(
        &self,
        limit: i64,
        offset: i64,
    ) -> ApiResult<PublicPartiesResponse> {
        let path = format!("/party/public?limit={limit}&offset={offset}");
        self.send(Method::GET, &path, None, true).await
    }
}
