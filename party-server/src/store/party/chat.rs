//! Party chat (`migrations/*/0014_party_chat.sql`): the players' messages,
//! numbered per party, and who muted whom.

use party_protocol::PlayerId;
use uuid::Uuid;

use crate::clock::Millis;
use crate::error::Result;
use crate::store::{Tx, columns_row};

/// One stored chat message, with its sender's name.
#[derive(Debug, Clone)]
pub struct ChatRow {
    pub message_id: i64,
    pub player_id: Uuid,
    pub username: String,
    pub text: String,
    pub sent_at: i64,
}

columns_row!(ChatRow {
    message_id,
    player_id,
    username,
    text,
    sent_at
});

impl Tx {
    /// Stores a message as the party's next one and returns its number.
    /// The caller holds the session's lock, so two messages never take the
    /// same number.
    pub async fn insert_chat_message(
        &mut self,
        session: Uuid,
        player: PlayerId,
        text: &str,
        now: Millis,
    ) -> Result<i64> {
        self.query(
            "INSERT INTO party_chat_messages (session_id, message_id, player_id, text, sent_at) \
             SELECT $1, COALESCE(MAX(message_id), 0) + 1, $2, $3, $4 \
             FROM party_chat_messages WHERE session_id = $1 RETURNING message_id",
        )
        .bind(session)
        .bind(player.as_uuid())
        .bind(text)
        .bind(now.0)
        .fetch_one()
        .await
    }

    /// Up to `limit` of the party's messages numbered below `before` (all
    /// when `None`), newest first, without those of players `reader` muted.
    pub async fn chat_page(
        &mut self,
        session: Uuid,
        reader: PlayerId,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<ChatRow>> {
        self.query(
            "SELECT c.message_id, c.player_id, p.username, c.text, c.sent_at \
             FROM party_chat_messages c JOIN players p ON p.player_id = c.player_id \
             WHERE c.session_id = $1 AND c.message_id < $3 \
             AND NOT EXISTS (SELECT 1 FROM party_chat_mutes m \
                             WHERE m.muter_id = $2 AND m.muted_id = c.player_id) \
             ORDER BY c.message_id DESC LIMIT $4",
        )
        .bind(session)
        .bind(reader.as_uuid())
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all()
        .await
    }

    /// Mutes (`on`) or unmutes `target` for `muter`; harmless when it
    /// already is so.
    pub async fn set_chat_mute(
        &mut self,
        muter: PlayerId,
        target: PlayerId,
        on: bool,
        now: Millis,
    ) -> Result<()> {
        if on {
            self.query(
                "INSERT INTO party_chat_mutes (muter_id, muted_id, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (muter_id, muted_id) DO NOTHING",
            )
            .bind(muter.as_uuid())
            .bind(target.as_uuid())
            .bind(now.0)
            .execute()
            .await?;
        } else {
            self.query("DELETE FROM party_chat_mutes WHERE muter_id = $1 AND muted_id = $2")
                .bind(muter.as_uuid())
                .bind(target.as_uuid())
                .execute()
                .await?;
        }
        Ok(())
    }

    /// The participants of `session` that `muter` has muted, in join order.
    pub async fn muted_in_party(&mut self, session: Uuid, muter: PlayerId) -> Result<Vec<Uuid>> {
        self.query(
            "SELECT pp.player_id FROM party_participants pp \
             JOIN party_chat_mutes m ON m.muted_id = pp.player_id AND m.muter_id = $2 \
             WHERE pp.session_id = $1 ORDER BY pp.joined_at, pp.player_id",
        )
        .bind(session)
        .bind(muter.as_uuid())
        .fetch_all()
        .await
    }

    /// The participants of `session` who muted `sender`: the sockets its
    /// message must not reach.
    pub async fn muters_in_party(&mut self, session: Uuid, sender: PlayerId) -> Result<Vec<Uuid>> {
        self.query(
            "SELECT pp.player_id FROM party_participants pp \
             JOIN party_chat_mutes m ON m.muter_id = pp.player_id AND m.muted_id = $2 \
             WHERE pp.session_id = $1",
        )
        .bind(session)
        .bind(sender.as_uuid())
        .fetch_all()
        .await
    }
}
