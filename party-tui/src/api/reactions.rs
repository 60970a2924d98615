//! Reactions and the favourite phrase (README "Reactions and the
//! favourite phrase").

use party_protocol::SessionId;
use party_protocol::party_reactions::{PartyReactionsResponse, PhraseRef, Reaction};
use reqwest::Method;
use serde_json::json;

use super::{ApiClient, ApiResult};

impl ApiClient {
    /// `GET /party/{id}/reactions`: every phrase's counts, yours, the favourite.
    pub async fn reactions(&self, session: SessionId) -> ApiResult<PartyReactionsResponse> {
        let path = format!("/party/{session}/reactions");
        self.send(Method::GET, &path, None, true).await
    }

    /// `POST /party/{id}/reactions` with a reaction (it replaces yours),
    /// `DELETE /party/{id}/reactions/{set}/{role}` without one.
    pub async fn react(
        &self,
        session: SessionId,
        phrase: PhraseRef,
        reaction: Option<Reaction>,
    ) -> ApiResult<PartyReactionsResponse> {
        let Some(r) = reaction else {
            let path = format!(
                "/party/{session}/reactions/{}/{}",
                phrase.phraseset_id,
                phrase.role.as_str()
            );
            return self.send(Method::DELETE, &path, None, true).await;
        };
        let body = json!({
            "phraseset_id": phrase.phraseset_id,
            "role": phrase.role,
            "reaction": r.as_str(),
        });
        let path = format!("/party/{session}/reactions");
        self.send(Method::POST, &path, Some(body), true).await
    }

    /// `POST /party/{id}/favourite` with a phrase (it moves your vote),
    /// `DELETE /party/{id}/favourite` without one.
    pub async fn favourite(
        &self,
        session: SessionId,
        phrase: Option<PhraseRef>,
    ) -> ApiResult<PartyReactionsResponse> {
        let path = format!("/party/{session}/favourite");
        match phrase {
            Some(p) => {
                let body = serde_json::to_value(p).unwrap_or_default();
                self.send(Method::POST, &path, Some(body), true).await
            }
            None => self.send(Method::DELETE, &path, None, true).await,
        }
    }
}
