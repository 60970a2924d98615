//! `headless chat …`: the players' party chat from a script (README
//! "Party chat"). Each command prints one JSON line: `send` the message as
//! stored, `list` a page of the chat (newest page first, each oldest
//! first), `mute` the players of the party muted now. They work on the
//! current party, or with `--party ID` on a past one (its history).

use party_protocol::SessionId;
use party_protocol::party_chat::ChatQuery;
use serde_json::json;

use crate::headless::{Exit, Player, emit, fail, party_or_last};

/// `headless chat` and its subcommands.
#[derive(Debug, Clone, clap::Args)]
pub struct ChatArgs {
    #[command(subcommand)]
    pub command: ChatCommand,
    /// A party's id (current or past; default: the current or last party).
    #[arg(long, global = true)]
    pub party: Option<SessionId>,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum ChatCommand {
    /// Say something to the party (lobby and results only).
    Send { text: String },
    /// Print a page of the chat.
    List {
        /// Messages per page, 1–100 (default 50).
        #[arg(long)]
        limit: Option<u32>,
        /// The previous page's `next_before`: the older page.
        #[arg(long)]
        before: Option<i64>,
    },
    /// Mute a player of the party by username; --unmute lifts it.
    Mute {
        username: String,
        #[arg(long)]
        unmute: bool,
    },
}

pub async fn chat(p: &mut Player, args: ChatArgs) -> Result<(), Exit> {
    let session = match args.party {
        Some(session) => session,
        None => party_or_last(p).await?,
    };
    match args.command {
        ChatCommand::Send { text } => {
            let message = p
                .api()
                .send_chat(session, &text)
                .await
                .map_err(|e| fail(&e))?;
            emit(&json!({"event": "chat_sent", "session_id": session, "message": message}));
        }
        ChatCommand::List { limit, before } => {
            let page = p
                .api()
                .chat_page(session, ChatQuery { limit, before })
                .await
                .map_err(|e| fail(&e))?;
            emit(&json!({
                "event": "chat",
                "session_id": session,
                "messages": page.messages,
                "next_before": page.next_before,
                "muted": page.muted,
            }));
        }
        ChatCommand::Mute { username, unmute } => {
            let status = p.api().status(session).await.map_err(|e| fail(&e))?;
            let Some(target) = status
                .participants
                .iter()
                .find(|q| q.username.eq_ignore_ascii_case(&username))
            else {
                emit(&json!({
                    "event": "error",
                    "error": "player_not_found",
                    "message": format!("Nobody called {username} is in this party."),
                }));
                return Err(Exit::Refused);
            };
            let muted = p
                .api()
                .mute(session, target.player_id, !unmute)
                .await
                .map_err(|e| fail(&e))?;
            emit(&json!({"event": "muted", "session_id": session, "muted": muted.muted}));
        }
    }
    Ok(())
}
