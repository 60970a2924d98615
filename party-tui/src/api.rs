//! The REST client: typed calls to the server, bearer auth with automatic
//! refresh, and errors carrying the server's stable code.

use std::sync::Arc;
use std::time::Duration;

use party_protocol::SessionId;
use party_protocol::account::{
    AuthResponse, DashboardResponse, LoginRequest, RegisterRequest, TokenResponse, WsTokenResponse,
};
use party_protocol::friends::{FriendRequestResponse, FriendsResponse, PartyInvite};
use party_protocol::ops::{HealthResponse, ProtocolMismatch, check_protocol_version};
use party_protocol::party::{
    ActivePartyResponse, AddBotsResponse, CreatePartyRequest, PartyCopyRoundResponse,
    PartyPromptRoundResponse, PartyResultsResponse, PartySessionResponse, PartyStatusResponse,
    PartySubmitResponse, PartyVoteRoundResponse, PlayAgainResponse, ReadyResponse,
    StartPartyResponse,
};
use party_protocol::party_access::PartyPassword;
use party_protocol::party_history::{
    HistoryQuery, HistoryResponse, LeaderboardQuery, LeaderboardResponse, PartyStatsResponse,
};
use party_protocol::round::PhrasesetResults;
use party_protocol::{ApiErrorBody, ErrorCode, PhrasesetId, PlayerId, RoundId, Username};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use tokio::sync::RwLock;

use crate::tls::Trust;

pub use crate::error::{ApiResult, ClientError};

mod matchmaking;
mod party_chat;
mod reactions;

/// A request that got no answer: a refused certificate says so and how to
/// trust it; anything else is "cannot reach".
fn network(err: &reqwest::Error) -> ClientError {
    let message = if crate::tls::is_certificate_error(err) {
        crate::error::untrusted_message(&root_cause(err))
    } else {
        format!("Cannot reach the server ({err}).")
    };
    ClientError {
        code: None,
        message,
    }
}

/// The innermost cause of an error: reqwest's own text ("error sending
/// request") says less than the TLS reason at the bottom of the chain.
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut last: &(dyn std::error::Error + 'static) = err;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

/// Why [`ApiClient::check_protocol`] refuses a server before any call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// It speaks another protocol version.
    #[error(transparent)]
    Protocol(#[from] ProtocolMismatch),
    /// Its TLS certificate is not trusted (see `--ca-cert`).
    #[error("{}", .0.message)]
    Certificate(ClientError),
}

#[derive(Debug, Clone, Default)]
struct Tokens {
    access: Option<String>,
    refresh: Option<String>,
}

/// A client of one server. Cheap to clone; clones share the tokens.
#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: String,
    tokens: Arc<RwLock<Tokens>>,
    /// Whom to trust for `wss://` (the HTTP client holds its own copy).
    trust: Trust,
}

impl ApiClient {
    /// `server` is the server's root URL, e.g. `http://127.0.0.1:8000`;
    /// an `https://` server is checked against the platform's roots.
    pub fn new(server: &str) -> Self {
        Self::with_trust(server, Trust::platform(server))
    }

    /// A client that trusts `trust` for `https://` and `wss://` (the
    /// platform's roots, plus a `--ca-cert`).
    pub fn with_trust(server: &str, trust: Trust) -> Self {
        let http = trust
            .http_builder()
            .timeout(Duration::from_secs(15))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_else(|err| {
                // Only a broken TLS setup fails here; calls then report it.
                tracing::error!(error = %err, "HTTP client setup failed");
                trust.http_builder().build().unwrap_or_default()
            });
        Self::with_http(http, server, trust)
    }

    /// A client signed in on its own but sending through `http`: many
    /// players (the benchmark's bots) share one connection pool and its
    /// settings this way. `trust` is for its sockets.
    pub fn with_http(http: reqwest::Client, server: &str, trust: Trust) -> Self {
        Self {
            trust,
            http,
            base: format!(
                "{}{}",
                server.trim_end_matches('/'),
                party_protocol::API_PREFIX
            ),
            tokens: Arc::new(RwLock::new(Tokens::default())),
        }
    }

    /// Whom this client trusts for `wss://`.
    pub fn trust(&self) -> &Trust {
        &self.trust
    }

    /// The server root (without `/qf`).
    pub fn server(&self) -> &str {
        self.base.trim_end_matches(party_protocol::API_PREFIX)
    }

    pub async fn refresh_token(&self) -> Option<String> {
        self.tokens.read().await.refresh.clone()
    }

    async fn remember(&self, access: &str, refresh: &str) {
        let mut t = self.tokens.write().await;
        t.access = Some(access.to_owned());
        t.refresh = Some(refresh.to_owned());
    }

    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
        auth: bool,
    ) -> ApiResult<T> {
        let mut retried = false;
        loop {
            let mut req = self
                .http
                .request(method.clone(), format!("{}{path}", self.base));
            if auth && let Some(token) = self.tokens.read().await.access.clone() {
                req = req.bearer_auth(token);
            }
            if let Some(body) = &body {
                req = req.json(body);
            }
            let resp = req.send().await.map_err(|e| network(&e))?;
            let status = resp.status();
            if status == StatusCode::UNAUTHORIZED && auth && !retried && self.try_refresh().await {
                retried = true;
                continue;
            }
            let bytes = resp.bytes().await.map_err(|e| network(&e))?;
            if status.is_success() {
                return serde_json::from_slice(&bytes).map_err(|e| ClientError {
                    code: None,
                    message: format!("Unexpected answer from the server: {e}"),
                });
            }
            return Err(match serde_json::from_slice::<ApiErrorBody>(&bytes) {
                Ok(body) => ClientError {
                    code: Some(body.error),
                    message: body.message,
                },
                Err(_) => ClientError {
                    code: None,
                    message: format!("The server answered {status}."),
                },
            });
        }
    }

    /// Rotates the tokens with the refresh token; true on success.
    async fn try_refresh(&self) -> bool {
        let Some(refresh) = self.tokens.read().await.refresh.clone() else {
            return false;
        };
        self.resume(&refresh).await.is_ok()
    }

    /// Signs in again with a saved refresh token.
    pub async fn resume(&self, refresh_token: &str) -> ApiResult<TokenResponse> {
        // A plain request, not `send`: `send` itself refreshes on a 401.
        let resp = self
            .http
            .post(format!("{}/auth/refresh", self.base))
            .json(&json!({"refresh_token": refresh_token}))
            .send()
            .await
            .map_err(|e| network(&e))?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| network(&e))?;
        if !status.is_success() {
            let body = serde_json::from_slice::<ApiErrorBody>(&bytes).ok();
            return Err(ClientError {
                code: body.as_ref().map(|b| b.error),
                message: body
                    .map_or_else(|| format!("The server answered {status}."), |b| b.message),
            });
        }
        let out: TokenResponse = serde_json::from_slice(&bytes).map_err(|e| ClientError {
            code: None,
            message: format!("Unexpected answer from the server: {e}"),
        })?;
        self.remember(&out.access_token, &out.refresh_token).await;
        Ok(out)
    }

    /// `GET /health`. Its body is read whatever the status: a 503 (database
    /// down) carries the same body, protocol version included.
    pub async fn health(&self) -> ApiResult<HealthResponse> {
        let resp = self
            .http
            .get(format!("{}/health", self.base))
            .send()
            .await
            .map_err(|e| network(&e))?;
        let bytes = resp.bytes().await.map_err(|e| network(&e))?;
        serde_json::from_slice(&bytes).map_err(|e| ClientError {
            code: None,
            message: format!("Unexpected answer from the server: {e}"),
        })
    }

    /// Refuses a server that announces another protocol version. A server
    /// that cannot be reached, or whose health answer carries no version, is
    /// let through: the first real call then reports that in its own words,
    /// as it did before the check existed.
    /// A certificate the client does not trust is refused here, though: no
    /// later call could succeed, and the player needs to hear why.
    pub async fn check_protocol(&self) -> Result<(), CheckError> {
        match self.health().await {
            Ok(health) => Ok(check_protocol_version(health.protocol_version)?),
            Err(err) if err.is_untrusted_certificate() => Err(CheckError::Certificate(err)),
            Err(err) => {
                tracing::debug!(error = %err.message, "no protocol version from the server");
                Ok(())
            }
        }
    }

    async fn signed_in(&self, auth: ApiResult<AuthResponse>) -> ApiResult<AuthResponse> {
        let auth = auth?;
        self.remember(&auth.access_token, &auth.refresh_token).await;
        Ok(auth)
    }

    pub async fn guest(&self) -> ApiResult<AuthResponse> {
        let r = self.send(Method::POST, "/player/guest", None, false).await;
        self.signed_in(r).await
    }

    pub async fn register(&self, username: &str, password: &str) -> ApiResult<AuthResponse> {
        let username = Username::parse(username).map_err(|e| ClientError {
            code: Some(ErrorCode::InvalidUsername),
            message: e.to_string(),
        })?;
        let body = serde_json::to_value(RegisterRequest {
            username,
            password: password.to_owned(),
            email: None,
        })
        .unwrap_or_default();
        let r = self.send(Method::POST, "/player", Some(body), false).await;
        self.signed_in(r).await
    }

    pub async fn login(&self, username: &str, password: &str) -> ApiResult<AuthResponse> {
        let body = serde_json::to_value(LoginRequest {
            username: Some(username.to_owned()),
            email: None,
            password: password.to_owned(),
        })
        .unwrap_or_default();
        let r = self
            .send(Method::POST, "/auth/login", Some(body), false)
            .await;
        self.signed_in(r).await
    }

    pub async fn dashboard(&self) -> ApiResult<DashboardResponse> {
        self.send(Method::GET, "/player/dashboard", None, true)
            .await
    }

    pub async fn ws_token(&self) -> ApiResult<WsTokenResponse> {
        self.send(Method::GET, "/auth/ws-token", None, true).await
    }

    pub async fn active_party(&self) -> ApiResult<ActivePartyResponse> {
        self.send(Method::GET, "/party/active", None, true).await
    }

    pub async fn create_party(&self, req: &CreatePartyRequest) -> ApiResult<PartySessionResponse> {
        self.send(Method::POST, "/party/create", Some(to_json(req)), true)
            .await
    }

    pub async fn join_party(&self, code: &str) -> ApiResult<PartySessionResponse> {
        self.send(
            Method::POST,
            "/party/join",
            Some(json!({"party_code": code})),
            true,
        )
        .await
    }

    /// `POST /party/join` with a password party's password.
    pub async fn join_party_with_password(
        &self,
        code: &str,
        password: &PartyPassword,
    ) -> ApiResult<PartySessionResponse> {
        self.send(
            Method::POST,
            "/party/join",
            Some(json!({"party_code": code, "password": password.expose()})),
            true,
        )
        .await
    }

    /// `GET /friends`.
    pub async fn friends(&self) -> ApiResult<FriendsResponse> {
        self.send(Method::GET, "/friends", None, true).await
    }

    /// `POST /friends/requests`: asks `username` (or accepts, if they asked first).
    pub async fn request_friend(&self, username: &str) -> ApiResult<FriendRequestResponse> {
        self.send(
            Method::POST,
            "/friends/requests",
            Some(json!({"username": username})),
            true,
        )
        .await
    }

    /// `POST /friends/requests/{username}/accept`.
    pub async fn accept_friend(&self, username: &str) -> ApiResult<FriendRequestResponse> {
        let path = format!("/friends/requests/{username}/accept");
        self.send(Method::POST, &path, None, true).await
    }

    /// `POST /party/{id}/invites`: the host invites `username`.
    pub async fn invite(&self, session: SessionId, username: &str) -> ApiResult<PartyInvite> {
        let path = format!("/party/{session}/invites");
        self.send(
            Method::POST,
            &path,
            Some(json!({"username": username})),
            true,
        )
        .await
    }

    pub async fn ready(&self, session: SessionId, ready: bool) -> ApiResult<ReadyResponse> {
        self.send(
            Method::POST,
            &format!("/party/{session}/ready"),
            Some(json!({"ready": ready})),
            true,
        )
        .await
    }

    pub async fn start(&self, session: SessionId) -> ApiResult<StartPartyResponse> {
        self.send(Method::POST, &format!("/party/{session}/start"), None, true)
            .await
    }

    pub async fn status(&self, session: SessionId) -> ApiResult<PartyStatusResponse> {
        self.send(Method::GET, &format!("/party/{session}/status"), None, true)
            .await
    }

    pub async fn results(&self, session: SessionId) -> ApiResult<PartyResultsResponse> {
        self.send(
            Method::GET,
            &format!("/party/{session}/results"),
            None,
            true,
        )
        .await
    }

    /// A page of the caller's past parties, newest first.
    pub async fn party_history(&self, query: &HistoryQuery) -> ApiResult<HistoryResponse> {
        let mut params = Vec::new();
        if let Some(limit) = query.limit {
            params.push(format!("limit={limit}"));
        }
        if let Some(before) = query.before {
            params.push(format!("before={before}"));
        }
        let path = if params.is_empty() {
            "/party/history".to_owned()
        } else {
            format!("/party/history?{}", params.join("&"))
        };
        self.send(Method::GET, &path, None, true).await
    }

    /// The caller's party stats.
    pub async fn party_stats(&self) -> ApiResult<PartyStatsResponse> {
        self.send(Method::GET, "/player/party-stats", None, true)
            .await
    }

    /// A party leaderboard with the caller's own row.
    pub async fn leaderboard(&self, query: &LeaderboardQuery) -> ApiResult<LeaderboardResponse> {
        let limit = query
            .limit
            .map(|n| format!("&limit={n}"))
            .unwrap_or_default();
        let path = format!(
            "/party/leaderboard?board={}&period={}{limit}",
            query.board.as_str(),
            query.period.as_str()
        );
        self.send(Method::GET, &path, None, true).await
    }

    /// One finalized phraseset's full results (voters, prizes): the reveal's
    /// detail, for a phraseset the caller wrote in or voted on.
    pub async fn phraseset_results(&self, id: PhrasesetId) -> ApiResult<PhrasesetResults> {
        self.send(
            Method::GET,
            &format!("/phrasesets/{id}/results"),
            None,
            true,
        )
        .await
    }

    pub async fn start_prompt(&self, session: SessionId) -> ApiResult<PartyPromptRoundResponse> {
        self.send(
            Method::POST,
            &format!("/party/{session}/rounds/prompt"),
            None,
            true,
        )
        .await
    }

    pub async fn start_copy(&self, session: SessionId) -> ApiResult<PartyCopyRoundResponse> {
        self.send(
            Method::POST,
            &format!("/party/{session}/rounds/copy"),
            None,
            true,
        )
        .await
    }

    pub async fn start_vote(&self, session: SessionId) -> ApiResult<PartyVoteRoundResponse> {
        self.send(
            Method::POST,
            &format!("/party/{session}/rounds/vote"),
            None,
            true,
        )
        .await
    }

    pub async fn submit(
        &self,
        session: SessionId,
        round: RoundId,
        phrase: &str,
    ) -> ApiResult<PartySubmitResponse> {
        self.send(
            Method::POST,
            &format!("/party/{session}/rounds/{round}/submit"),
            Some(json!({"phrase": phrase})),
            true,
        )
        .await
    }

    pub async fn leave(&self, session: SessionId) -> ApiResult<serde_json::Value> {
        self.send(Method::POST, &format!("/party/{session}/leave"), None, true)
            .await
    }

    pub async fn add_bots(&self, session: SessionId, count: i64) -> ApiResult<AddBotsResponse> {
        self.send(
            Method::POST,
            &format!("/party/{session}/bots"),
            Some(json!({"count": count})),
            true,
        )
        .await
    }

    pub async fn kick(&self, session: SessionId, player: PlayerId) -> ApiResult<serde_json::Value> {
        self.send(
            Method::DELETE,
            &format!("/party/{session}/participants/{player}"),
            None,
            true,
        )
        .await
    }

    pub async fn play_again(&self, session: SessionId) -> ApiResult<PlayAgainResponse> {
        self.send(
            Method::POST,
            &format!("/party/{session}/play-again"),
            None,
            true,
        )
        .await
    }
}

fn to_json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    /// A one-connection HTTP server that answers anything with `status` and `body`.
    async fn fake_server(status: &'static str, body: String) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut conn, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 4096];
            let _ = conn.read(&mut request).await;
            let answer = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            conn.write_all(answer.as_bytes()).await.unwrap();
        });
        format!("http://{addr}")
    }

    fn health(version: u32) -> String {
        format!(r#"{{"status":"ok","database":"sqlite","protocol_version":{version}}}"#)
    }

    #[tokio::test]
    async fn a_server_of_another_protocol_version_is_refused_with_a_clear_message() {
        let newer = party_protocol::PROTOCOL_VERSION + 1;
        let api = ApiClient::new(&fake_server("200 OK", health(newer)).await);
        let err = api.check_protocol().await.unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "this server speaks protocol {newer}, this client speaks protocol {} — update this client",
                party_protocol::PROTOCOL_VERSION
            )
        );
    }

    #[tokio::test]
    async fn the_same_version_passes_even_while_the_database_is_down() {
        let body = format!(
            r#"{{"status":"unavailable","database":"postgres","protocol_version":{}}}"#,
            party_protocol::PROTOCOL_VERSION
        );
        let api = ApiClient::new(&fake_server("503 Service Unavailable", body).await);
        assert_eq!(api.check_protocol().await, Ok(()));
    }

    #[tokio::test]
    async fn a_server_without_a_version_is_not_refused_here() {
        let api = ApiClient::new(&fake_server("404 Not Found", String::new()).await);
        assert_eq!(api.check_protocol().await, Ok(()));
    }
}
