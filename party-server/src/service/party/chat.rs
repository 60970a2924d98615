//! Party chat (README "Party chat"): the players of a party talk in its
//! lobby and on its results — never while rounds are played, so nobody can
//! leak an answer. Messages are stored with the party (its participants
//! read them again, paged, in its history) and handed to its player
//! sockets once committed; a player may mute another.

use party_protocol::party::{PartyPhase, SessionStatus};
use party_protocol::party_chat::{
    CHAT_PAGE_DEFAULT_LIMIT, CHAT_PAGE_MAX_LIMIT, ChatPage, ChatQuery, ChatText, MuteResponse,
    PartyChatMessage,
};
use party_protocol::{ErrorCode, PlayerId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::access::{locked, member, not_found};
use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::service::Game;
use crate::store::{ChatRow, SessionRow, Tx};

/// What goes to every instance's player sockets of the party once a
/// message is committed: the message, and the participants who muted its
/// sender (read once per message, so sockets filter without a read).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChatNotice {
    pub message: PartyChatMessage,
    pub hidden_from: Vec<PlayerId>,
}

/// Chat is open in the lobby and on the results, closed during rounds,
/// and over with a party abandoned (in its lobby or while it ran).
fn ensure_chat_open(s: &SessionRow) -> Result<()> {
    if s.state() == SessionStatus::Abandoned {
        return Err(Error::api(
            ErrorCode::WrongPhase,
            "This party was abandoned: its chat is closed.",
        ));
    }
    match s.phase() {
        PartyPhase::Lobby | PartyPhase::Results | PartyPhase::Completed => Ok(()),
        PartyPhase::Prompt | PartyPhase::Copy | PartyPhase::Vote => Err(Error::api(
            ErrorCode::ChatClosed,
            "Chat is closed while rounds are played; it opens again with the results.",
        )),
    }
}

fn message(row: ChatRow) -> Result<PartyChatMessage> {
    Ok(PartyChatMessage {
        message_id: row.message_id,
        player_id: PlayerId::from_uuid(row.player_id),
        username: row.username,
        text: ChatText::parse(&row.text)
            .map_err(|e| Error::internal(format!("stored chat message: {e}")))?,
        sent_at: Millis(row.sent_at).to_datetime(),
    })
}

/// The participant `target` of `session`, or `player_not_found`.
async fn party_player(tx: &mut Tx, session: Uuid, target: PlayerId) -> Result<()> {
    tx.participant(session, target)
        .await?
        .map(|_| ())
        .ok_or_else(|| {
            Error::api(
                ErrorCode::PlayerNotFound,
                "Nobody in this party has that id.",
            )
        })
}

impl Game {
    /// `POST /party/{id}/chat`: a player still in the party says `text`.
    /// The rate limit is taken last, so a refused message costs nothing.
    #[tracing::instrument(skip_all, fields(player = %player, party = %session))]
    pub async fn send_party_chat(
        &self,
        player: PlayerId,
        session: Uuid,
        text: ChatText,
    ) -> Result<PartyChatMessage> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let s = locked(&mut tx, session).await?;
        let me = member(&mut tx, session, player).await?;
        if me.has_left() {
            return Err(Error::api(
                ErrorCode::NotAParticipant,
                "You left this party.",
            ));
        }
        ensure_chat_open(&s)?;
        self.party_chat_budget
            .take(session, player)
            .map_err(Error::rate_limited)?;
        let message_id = tx
            .insert_chat_message(session, player, text.as_str(), now)
            .await?;
        let hidden_from = tx
            .muters_in_party(session, player)
            .await?
            .into_iter()
            .map(PlayerId::from_uuid)
            .collect();
        let message = PartyChatMessage {
            message_id,
            player_id: player,
            username: me.username,
            text,
            sent_at: now.to_datetime(),
        };
        let notice = ChatNotice {
            message: message.clone(),
            hidden_from,
        };
        let notice = serde_json::to_string(&notice)
            .map_err(|e| Error::internal(format!("chat notice: {e}")))?;
        tx.say(session, notice);
        tx.commit().await?;
        Ok(message)
    }

    /// `GET /party/{id}/chat`: a page of the party's chat for one of its
    /// participants (also one who left, and after the party), without the
    /// players they muted.
    #[tracing::instrument(skip_all, fields(player = %player, party = %session))]
    pub async fn party_chat(
        &self,
        player: PlayerId,
        session: Uuid,
        query: ChatQuery,
    ) -> Result<ChatPage> {
        let limit = query.limit.unwrap_or(CHAT_PAGE_DEFAULT_LIMIT);
        if !(1..=CHAT_PAGE_MAX_LIMIT).contains(&limit) {
            return Err(Error::invalid_request(format!(
                "limit: from 1 to {CHAT_PAGE_MAX_LIMIT}"
            )));
        }
        if query.before.is_some_and(|before| before < 1) {
            return Err(Error::invalid_request("before: a message id (1 or more)"));
        }
        let mut tx = self.store.read().await?;
        tx.session(session).await?.ok_or_else(not_found)?;
        member(&mut tx, session, player).await?;
        let limit = i64::from(limit);
        let mut rows = tx
            .chat_page(session, player, query.before, limit + 1)
            .await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_before = more.then(|| rows.last().map(|r| r.message_id)).flatten();
        rows.reverse();
        let muted = tx.muted_in_party(session, player).await?;
        Ok(ChatPage {
            messages: rows.into_iter().map(message).collect::<Result<_>>()?,
            next_before,
            muted: muted.into_iter().map(PlayerId::from_uuid).collect(),
        })
    }

    /// `POST /party/{id}/chat/mute` (`muted: true`) and
    /// `DELETE /party/{id}/chat/mute/{player_id}`: a participant mutes or
    /// unmutes another participant of the party, in any phase.
    #[tracing::instrument(skip_all, fields(player = %player, party = %session, muted = muted))]
    pub async fn mute_in_party(
        &self,
        player: PlayerId,
        session: Uuid,
        target: PlayerId,
        muted: bool,
    ) -> Result<MuteResponse> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.session(session).await?.ok_or_else(not_found)?;
        member(&mut tx, session, player).await?;
        if target == player {
            return Err(Error::api(
                ErrorCode::CannotTargetSelf,
                "You cannot mute yourself.",
            ));
        }
        party_player(&mut tx, session, target).await?;
        tx.set_chat_mute(player, target, muted, now).await?;
        let muted = tx.muted_in_party(session, player).await?;
        tx.commit().await?;
        Ok(MuteResponse {
            muted: muted.into_iter().map(PlayerId::from_uuid).collect(),
        })
    }
}
