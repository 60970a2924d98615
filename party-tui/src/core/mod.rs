//! The client's core, shared by every driver (interactive, headless, bots):
//! the state ([`state`]), what can happen ([`msg`]) and the pure update
//! function ([`update`]) that turns a message into a new state and a list of
//! effects for the runtime to carry out. No I/O here. The update function
//! hands keys to [`keys`], API replies to [`replies`] and socket events to
//! [`events`]; the results' reveal is in [`reveal`], reactions to its phrases in
//! [`reactions`], and what a match
//! costs in [`cost`]. Who plays with whom has its own modules: the
//! friends screen ([`friends`]), invites and the player socket
//! (`invites`), the one-line dialogs (`prompt`) and watching a party
//! (`spectator`); the players' chat in the lobby and on the results is
//! `party_chat`. The dashboard's other screens have theirs: quick match
//! and the public lobbies ([`matchmaking`]), the party history and a past
//! party reopened ([`history`]), the stats and the leaderboards
//! ([`records`]); what those screens hold is in [`views`].

mod common;
pub mod cost;
mod events;
pub mod friends;
pub mod history;
mod invites;
mod keys;
pub mod matchmaking;
pub mod msg;
mod party_chat;
mod prompt;
mod reactions;
pub mod records;
mod reel;
mod replies;
mod reveal;
mod spectator;
pub mod state;
pub mod update;
pub mod views;

#[cfg(test)]
mod abandoned_tests;
#[cfg(test)]
mod history_tests;
#[cfg(test)]
mod matchmaking_tests;
#[cfg(test)]
mod party_chat_tests;
#[cfg(test)]
mod reveal_tests;
#[cfg(test)]
mod social_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod warn_tests;

pub use msg::{ApiCall, ApiReply, Effect, Msg, SocketEvent, WsEvent};
pub use reactions::{picked, shown};
pub use state::{
    App, ChatLine, ConnState, PartyChat, Prompt, PromptKind, Reveal, RevealMode, RevealStep,
    RoundView, Screen, SetDetails, Watch,
};
pub use update::update;
