//! The one-line dialog over a screen: a party's password (to join, to
//! watch, to create or to protect a lobby), a username (a friend request,
//! a block, an invite) or a party code to watch. Enter carries it out, Esc
//! closes it; a password shows as dots.

use crossterm::event::KeyCode;
use party_protocol::SessionId;
use party_protocol::party_access::{MAX_PARTY_PASSWORD_CHARS, PartyAccess, PartyPassword};

use super::common::call;
use super::matchmaking;
use super::msg::{ApiCall, Effect};
use super::state::App;
use crate::api_social::FriendAction;

/// What the typed line is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    /// The password of the party with this code, to join it.
    JoinPassword(String),
    /// A party code, to watch that party.
    WatchCode,
    /// The password of the party with this code, to watch it.
    WatchPassword(String),
    /// The password of the party the create dialog opens.
    CreatePassword,
    /// The host protects the lobby with a password.
    AccessPassword(SessionId),
    /// A username to send a friend request to.
    FriendRequest,
    /// A username to block.
    Block,
    /// A username (a friend's, Tab picks one) to invite to the lobby.
    Invite(SessionId),
    /// Seconds to wait for people before bots fill a quick match (empty:
    /// people only).
    QuickMatchWait,
}

impl PromptKind {
    pub fn title(&self) -> &'static str {
        match self {
            PromptKind::JoinPassword(_) => " This party has a password ",
            PromptKind::WatchCode => " Watch a party ",
            PromptKind::WatchPassword(_) => " Watch: this party has a password ",
            PromptKind::CreatePassword => " Password for your party ",
            PromptKind::AccessPassword(_) => " Protect the lobby with a password ",
            PromptKind::FriendRequest => " Add a friend ",
            PromptKind::Block => " Block a player ",
            PromptKind::Invite(_) => " Invite to your lobby ",
            PromptKind::QuickMatchWait => " Quick match ",
        }
    }

    /// The line above the input.
    pub fn label(&self) -> String {
        match self {
            PromptKind::JoinPassword(code) | PromptKind::WatchPassword(code) => {
                format!("Password for party {code}:")
            }
            PromptKind::WatchCode => "Party code (4 letters, 4 digits):".into(),
            PromptKind::CreatePassword | PromptKind::AccessPassword(_) => {
                "New party password (4 to 64 characters):".into()
            }
            PromptKind::FriendRequest | PromptKind::Block => "Username:".into(),
            PromptKind::Invite(_) => "Username (Tab: your friends):".into(),
            PromptKind::QuickMatchWait => {
                "Seconds before bots fill the party (0–600), or empty for humans only:".into()
            }
        }
    }

    pub fn masked(&self) -> bool {
        matches!(
            self,
            PromptKind::JoinPassword(_)
                | PromptKind::WatchPassword(_)
                | PromptKind::CreatePassword
                | PromptKind::AccessPassword(_)
        )
    }

    fn is_code(&self) -> bool {
        *self == PromptKind::WatchCode
    }
}

/// The dialog: what for, and what was typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: String,
}

impl Prompt {
    pub fn new(kind: PromptKind) -> Self {
        Prompt {
            kind,
            input: String::new(),
        }
    }
}

/// Opens a dialog.
pub(super) fn open(app: &mut App, kind: PromptKind) {
    app.prompt = Some(Prompt::new(kind));
}

/// A key while the dialog is open.
pub(super) fn on_key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let Some(prompt) = app.prompt.as_mut() else {
        return vec![];
    };
    match code {
        KeyCode::Esc => app.prompt = None,
        KeyCode::Backspace => {
            prompt.input.pop();
        }
        KeyCode::Tab => {
            if matches!(prompt.kind, PromptKind::Invite(_)) {
                let names: Vec<&str> = app
                    .friends
                    .iter()
                    .flat_map(|f| f.friends.iter().map(|f| f.username.as_str()))
                    .collect();
                // The next friend after the one typed, round the list.
                let next = names
                    .iter()
                    .position(|n| *n == prompt.input)
                    .map_or(0, |i| (i + 1) % names.len().max(1));
                if let Some(name) = names.get(next) {
                    (*name).clone_into(&mut prompt.input);
                }
            }
        }
        KeyCode::Char(c) => {
            let len = prompt.input.chars().count();
            if prompt.kind == PromptKind::QuickMatchWait {
                if c.is_ascii_digit() && len < 3 {
                    prompt.input.push(c);
                }
            } else if prompt.kind.is_code() {
                if c.is_ascii_alphanumeric() && len < 8 {
                    prompt.input.push(c.to_ascii_uppercase());
                }
            } else if prompt.kind.masked() {
                if len < MAX_PARTY_PASSWORD_CHARS {
                    prompt.input.push(c);
                }
            } else if (c.is_alphanumeric() || c == '_' || c == '-') && len < 32 {
                prompt.input.push(c);
            }
        }
        KeyCode::Enter => return submit(app),
        _ => {}
    }
    vec![]
}

/// Enter: the call the dialog was for. A password that breaks the rules
/// keeps the dialog open and says why.
fn submit(app: &mut App) -> Vec<Effect> {
    let Some(prompt) = app.prompt.clone() else {
        return vec![];
    };
    let text = prompt.input.trim().to_owned();
    // An empty wait means something: humans only.
    if text.is_empty() && prompt.kind != PromptKind::QuickMatchWait {
        return vec![];
    }
    let password = || PartyPassword::parse(&prompt.input);
    let effect = match prompt.kind {
        PromptKind::JoinPassword(code) => match password() {
            Ok(p) => call(ApiCall::JoinWithPassword(code, p)),
            Err(e) => return refuse(app, e.to_string()),
        },
        PromptKind::WatchCode => call(ApiCall::Spectate(text, None)),
        PromptKind::WatchPassword(code) => match password() {
            Ok(p) => call(ApiCall::Spectate(code, Some(p))),
            Err(e) => return refuse(app, e.to_string()),
        },
        PromptKind::CreatePassword => match password() {
            Ok(p) => {
                let mut req = app.create.request();
                req.access = Some(PartyAccess::Password);
                req.password = Some(p);
                call(ApiCall::CreateParty(req))
            }
            Err(e) => return refuse(app, e.to_string()),
        },
        PromptKind::AccessPassword(session) => match password() {
            Ok(p) => call(ApiCall::SetAccess(session, PartyAccess::Password, Some(p))),
            Err(e) => return refuse(app, e.to_string()),
        },
        PromptKind::FriendRequest => call(ApiCall::Friend(FriendAction::Request, text)),
        PromptKind::Block => call(ApiCall::Friend(FriendAction::Block, text)),
        PromptKind::Invite(session) => call(ApiCall::Invite(session, text)),
        PromptKind::QuickMatchWait => match matchmaking::parse_wait(&text) {
            Ok(wait) => matchmaking::start(app, wait),
            Err(e) => return refuse(app, e),
        },
    };
    app.prompt = None;
    vec![effect]
}

fn refuse(app: &mut App, why: String) -> Vec<Effect> {
    app.error = Some(why);
    vec![]
}
