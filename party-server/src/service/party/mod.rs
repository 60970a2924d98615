//! Party Mode use cases (plan §3–§6, game-rules §6).
//!
//! The plan's three services map onto these modules:
//! - session (lobby life: create, ready, start, play-again) — [`lobby`]
//!   and [`again`] (bringing everyone into the next lobby), and who is in
//!   the party (join, leave, kick, bots) — [`roster`], with coming back to
//!   a running party in [`rejoin`];
//! - coordination (party rounds and submissions) — [`play`], with phase
//!   changes, deadlines and settlement in [`phases`] (the stand-ins that
//!   write missing copies in [`standins`]), vote work (party sets,
//!   then global ones) in [`votes`], the server-side bots
//!   in [`autoplay`] and connection presence in [`presence`];
//! - scoring (status, rankings, awards) — [`view`], and after the party
//!   (standings stored at settlement, history, stats, leaderboards) —
//!   [`history`];
//! - reactions to the phrases and the favourite phrase, once a party has
//!   results — [`reactions`];
//! - watching (spectators, their chat and their seats in the next game) —
//!   [`spectators`];
//! - the players' own chat in the lobby and on the results, with mutes —
//!   [`chat`].
//!
//! Who may join a lobby (its access mode, invites) is [`privacy`], with
//! the wrong-password limit in [`attempts`]; quick match and the public
//! lobby list are [`matchmaking`].
//!
//! Shared by them: [`access`] (loading and locking a party for a request),
//! [`config`], [`events`], [`players`] (server-side players) and
//! [`progress`] (who is done with a phase).
//!
//! Every method locks the party's session row first (PostgreSQL; SQLite
//! serializes writers anyway), so changes to one party happen one at a time:
//! its event sequence stays gapless and a phase advances exactly once.

mod access;
mod again;
mod attempts;
mod autoplay;
mod boards;
mod bonuses;
mod chat;
mod config;
mod events;
mod history;
mod lobby;
mod matchmaking;
mod phases;
mod play;
mod players;
mod presence;
mod privacy;
mod progress;
mod reactions;
mod rejoin;
mod roster;
mod spectators;
mod standins;
mod view;
mod votes;

pub use attempts::PasswordAttempts;
pub use autoplay::PartySweep;
pub use boards::AllTimeBoards;
pub use chat::ChatNotice;
pub(crate) use events::emit;
