//! Friends, invites and the player socket (issue 15) from the players'
//! side: making two players friends, and a client of `GET /player/ws`.

use std::time::Duration;

use party_protocol::friends::{
    FriendRequestOutcome, FriendRequestResponse, FriendsResponse, PlayerMessage,
};
use serde_json::json;

use super::ws::{Ended, Socket, next_text};
use super::{Player, Reply, TestApp};

/// `who` asks `whom` to be friends.
pub async fn request_friend(app: &TestApp, who: &Player, whom: &str) -> Reply {
    app.post("/friends/requests", &who.token, json!({ "username": whom }))
        .await
}

/// Makes `a` and `b` friends: a asks, b accepts.
pub async fn befriend(app: &TestApp, a: &Player, b: &Player) {
    let asked: FriendRequestResponse = request_friend(app, a, &b.username).await.ok();
    assert_eq!(asked.outcome, FriendRequestOutcome::Requested);
    let accepted: FriendRequestResponse = app
        .post_empty(
            &format!("/friends/requests/{}/accept", a.username),
            &b.token,
        )
        .await
        .ok();
    assert_eq!(accepted.outcome, FriendRequestOutcome::Accepted);
    assert_eq!(accepted.player_id, a.id);
}

pub async fn friends(app: &TestApp, who: &Player) -> FriendsResponse {
    app.get("/friends", &who.token).await.ok()
}

/// A client of the player socket.
pub struct PlayerSocket {
    stream: Socket,
}

impl TestApp {
    /// Connects to the player socket with `token` (none: no `token` in the URL).
    pub async fn player_socket_raw(&self, token: Option<&str>) -> PlayerSocket {
        let base = self.ws_base();
        let url = match token {
            Some(token) => format!("{base}/player/ws?token={token}"),
            None => format!("{base}/player/ws"),
        };
        PlayerSocket {
            stream: self.ws_open(&url).await,
        }
    }

    /// Opens `who`'s player socket and reads its `hello`.
    pub async fn player_socket(&self, who: &Player) -> PlayerSocket {
        let token = self.ws_token(who).await;
        let mut socket = self.player_socket_raw(Some(&token)).await;
        match socket.next(Duration::from_secs(5)).await {
            Some(PlayerMessage::Hello { protocol_version }) => {
                assert_eq!(protocol_version, party_protocol::PROTOCOL_VERSION);
            }
            other => panic!("expected hello, got {other:?}"),
        }
        socket
    }
}

impl PlayerSocket {
    /// The next message within `wait` (`None`: nothing came, or it closed).
    pub async fn next(&mut self, wait: Duration) -> Option<PlayerMessage> {
        let deadline = tokio::time::Instant::now() + wait;
        next_text(&mut self.stream, deadline)
            .await
            .ok()
            .map(|(_, msg)| msg)
    }

    /// The close code the server ends the socket with, within `wait`.
    pub async fn close_code(&mut self, wait: Duration) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match next_text::<serde_json::Value>(&mut self.stream, deadline).await {
                Ok(_) => {}
                Err(Ended::Closed(code)) => return code,
                Err(Ended::TimedOut) => return None,
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
        // Let the server count the socket out before the caller looks.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
