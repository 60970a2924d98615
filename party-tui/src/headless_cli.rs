//! The `headless` subcommands: their command line and what each one does,
//! driving the client core without a terminal (see README "Scripts and CI").

use std::path::PathBuf;
use std::time::Duration;

use clap::Subcommand;
use party_protocol::party::PartyPhase;
use party_protocol::party_access::PartyAccess;
use party_protocol::party_history::{LeaderboardBoard, LeaderboardPeriod, LeaderboardQuery};
use party_protocol::party_reactions::{PhraseRef, Reaction};
use party_protocol::round::PhraseRole;
use party_protocol::{PhrasesetId, SessionId};
use serde_json::json;

use crate::api::ApiClient;
use crate::core::ApiCall;
use crate::headless::{self, Exit, Player, Strategy, emit};
use crate::tls::Trust;
use crate::{headless_history, headless_reactions};

#[derive(Debug, Subcommand)]
pub enum HeadlessCommand {
    /// Play as a new guest (the sign-in is saved in --data-dir).
    Guest,
    /// Register a new account.
    Signup {
        #[arg(long)]
        username: String,
        #[arg(long)]
        password: String,
    },
    /// Sign in to an existing account.
    Login {
        #[arg(long)]
        username: String,
        #[arg(long)]
        password: String,
    },
    /// Create a party (prints its code).
    Create {
        #[arg(long)]
        min_players: Option<i64>,
        #[arg(long)]
        max_players: Option<i64>,
        #[arg(long)]
        prompts: Option<i64>,
        #[arg(long)]
        votes: Option<i64>,
        #[arg(long)]
        phase_seconds: Option<i64>,
        /// Protect the party with this password.
        #[arg(long, conflicts_with = "invite_only")]
        password: Option<String>,
        /// Only invited players and your friends may join.
        #[arg(long)]
        invite_only: bool,
        /// Server-side bots to add.
        #[arg(long, default_value_t = 0)]
        bots: i64,
        /// List the party in the public lobby list.
        #[arg(long)]
        public: bool,
    },
    /// Queue for a quick match and wait until it forms (prints the party);
    /// --leave leaves the queue instead.
    QuickMatch {
        /// Seconds to wait for humans before bots fill the party
        /// (default: humans only).
        #[arg(long, value_name = "SECS", conflicts_with = "leave")]
        bot_fill_after: Option<i64>,
        #[arg(long)]
        leave: bool,
        /// Seconds to wait for the match (then leave the queue).
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
    /// List public lobbies with free seats, newest first.
    Parties {
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    /// Join a party by code (an invite needs no password).
    Join {
        code: String,
        /// The party's password, for a password party.
        #[arg(long)]
        password: Option<String>,
    },
    /// List friends with presence and pending requests; --add sends a
    /// request, --accept accepts one first.
    Friends {
        #[arg(long)]
        add: Option<String>,
        #[arg(long)]
        accept: Option<String>,
    },
    /// Invite a player by username to your lobby (host).
    Invite { username: String },
    /// Watch a party as a spectator: print every event of its spectator
    /// socket (and the spectators' chat) as JSON lines until it reaches
    /// --until (a phase, or `seated`: play-again gave you a seat in the
    /// next game, which needs --join-next-game).
    Spectate(crate::headless_spectate::SpectateArgs),
    /// Mark ready in the lobby.
    Ready,
    /// Start the party (host).
    Start,
    /// Print the party status.
    Status,
    /// Play your rounds until the party reaches RESULTS (or --until PHASE).
    Play {
        /// Comma-separated phrases to use first; then generated ones.
        #[arg(long, value_delimiter = ',')]
        phrases: Vec<String>,
        /// Stop when the party reaches this phase.
        #[arg(long, default_value = "RESULTS")]
        until: String,
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
    /// Wait until the party reaches a phase.
    Wait {
        #[arg(long)]
        phase: String,
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
    /// Print the party's results.
    Results,
    /// Leave the party.
    Leave,
    /// Print your past parties, newest first; --party ID prints one past
    /// party's full results and reveal.
    History {
        /// Parties per page, 1–50 (default 20).
        #[arg(long)]
        limit: Option<u32>,
        /// The previous page's `next_before`: the page after it.
        #[arg(long, conflicts_with = "party")]
        before: Option<SessionId>,
        /// A past party's id (from the history): its full results.
        #[arg(long)]
        party: Option<SessionId>,
    },
    /// Print a past party's highlight reel (its podium, awards and best
    /// fakes, as text); --out FILE saves it there too.
    Highlights {
        /// The party's id (from the history or its results).
        #[arg(long)]
        party: SessionId,
        /// A file to write the reel to (replaced if it exists).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// React to a phrase of a party's results (the current party, or the
    /// last one played, or --party); without --reaction, take yours back.
    React {
        /// The phrase's phraseset (`phraseset_id` in the results).
        #[arg(long)]
        phraseset: PhrasesetId,
        /// Its role there: original, copy1 or copy2.
        #[arg(long, value_parser = headless_reactions::parse_role)]
        role: PhraseRole,
        /// laugh, love, wow, fire or facepalm.
        #[arg(long, value_parser = headless_reactions::parse_reaction)]
        reaction: Option<Reaction>,
        #[arg(long)]
        party: Option<SessionId>,
    },
    /// Vote a phrase (not yours) the party's favourite; --remove withdraws
    /// your vote; with neither, print the party's reactions.
    Favourite {
        #[arg(long, requires = "role", conflicts_with = "remove")]
        phraseset: Option<PhrasesetId>,
        #[arg(long, requires = "phraseset", value_parser = headless_reactions::parse_role)]
        role: Option<PhraseRole>,
        #[arg(long)]
        remove: bool,
        #[arg(long)]
        party: Option<SessionId>,
    },
    /// Print your party stats.
    Stats,
    /// The players' party chat: send, list (also a past party's), mute.
    Chat(crate::headless_chat::ChatArgs),
    /// Print a party leaderboard and your place on it.
    Leaderboard {
        /// `wins`, `net_coins` or `vote_accuracy`.
        #[arg(long, default_value = "wins", value_parser = headless_history::parse_board)]
        board: LeaderboardBoard,
        /// `weekly` (since Monday 00:00 UTC) or `all_time`.
        #[arg(long, default_value = "all_time", value_parser = headless_history::parse_period)]
        period: LeaderboardPeriod,
        /// Rows, 1–100 (default 10).
        #[arg(long)]
        limit: Option<u32>,
    },
}

fn exit_of(result: Result<(), Exit>) -> Exit {
    result.err().unwrap_or(Exit::Ok)
}

/// Runs one headless command against `server`.
pub async fn run_headless(
    server: &str,
    trust: Trust,
    data_dir: PathBuf,
    cmd: HeadlessCommand,
) -> Exit {
    let api = ApiClient::with_trust(server, trust);
    if let Err(exit) = headless::check_protocol(&api).await {
        return exit;
    }
    let mut p = Player::new(api, Some(data_dir));
    exit_of(headless_step(&mut p, cmd).await)
}

async fn signed_in(p: &mut Player, call: ApiCall) -> Result<(), Exit> {
    p.call(call).await.map_err(|e| headless::fail(&e))?;
    p.run_until(None, Duration::from_secs(10), |a| a.dashboard.is_some())
        .await?;
    // Let the saved-credentials task finish before the process exits.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (id, name) = p.app.me.clone().ok_or(Exit::NoSession)?;
    emit(
        &json!({"event": "signed_in", "player_id": id, "username": name, "wallet": p.app.wallet()}),
    );
    Ok(())
}

async fn headless_step(p: &mut Player, cmd: HeadlessCommand) -> Result<(), Exit> {
    match cmd {
        HeadlessCommand::Guest => return signed_in(p, ApiCall::Guest).await,
        HeadlessCommand::Signup { username, password } => {
            return signed_in(p, ApiCall::Register { username, password }).await;
        }
        HeadlessCommand::Login { username, password } => {
            return signed_in(p, ApiCall::Login { username, password }).await;
        }
        _ => {}
    }
    headless::resume(p).await?;
    if let HeadlessCommand::Friends { add, accept } = &cmd {
        return headless::friends(p, add.as_deref(), accept.as_deref()).await;
    }
    match cmd {
        HeadlessCommand::History {
            limit,
            before,
            party,
        } => return headless_history::history(p, limit, before, party).await,
        HeadlessCommand::Stats => return headless_history::stats(p).await,
        HeadlessCommand::Highlights { party, out } => {
            return headless_history::highlights(p, party, out.as_deref()).await;
        }
        HeadlessCommand::Leaderboard {
            board,
            period,
            limit,
        } => {
            let query = LeaderboardQuery {
                board,
                period,
                limit,
            };
            return headless_history::leaderboard(p, query).await;
        }
        _ => {}
    }
    // Every command below is a party command.
    headless::require_party_mode(p)?;
    match cmd {
        HeadlessCommand::React {
            phraseset,
            role,
            reaction,
            party,
        } => {
            let phrase = PhraseRef {
                phraseset_id: phraseset,
                role,
            };
            return headless_reactions::react(p, party, phrase, reaction).await;
        }
        HeadlessCommand::Favourite {
            phraseset,
            role,
            remove,
            party,
        } => {
            let phrase = phraseset
                .zip(role)
                .map(|(phraseset_id, role)| PhraseRef { phraseset_id, role });
            return headless_reactions::favourite(p, party, phrase, remove).await;
        }
        _ => {}
    }
    match cmd {
        HeadlessCommand::Chat(args) => crate::headless_chat::chat(p, args).await?,
        HeadlessCommand::Create {
            min_players,
            max_players,
            prompts,
            votes,
            phase_seconds,
            password,
            invite_only,
            bots,
            public,
        } => {
            let password = password
                .as_deref()
                .map(headless::password_arg)
                .transpose()?;
            let access = invite_only.then_some(PartyAccess::InviteOnly);
            let req = headless::create_request(
                min_players,
                max_players,
                prompts,
                votes,
                phase_seconds,
                access,
                password,
                public,
            );
            p.call(ApiCall::CreateParty(req))
                .await
                .map_err(|e| headless::fail(&e))?;
            let session = headless::opened_party(p).await?;
            if bots > 0 {
                p.call(ApiCall::AddBots(session, bots))
                    .await
                    .map_err(|e| headless::fail(&e))?;
            }
            let code = p.app.party.as_ref().map(|s| s.party_code.clone());
            emit(
                &json!({"event": "party_created", "session_id": session, "party_code": code, "bots": bots}),
            );
        }
        HeadlessCommand::Join { code, password } => {
            let code = code.to_ascii_uppercase();
            let call = match password
                .as_deref()
                .map(headless::password_arg)
                .transpose()?
            {
                Some(password) => ApiCall::JoinWithPassword(code, password),
                None => ApiCall::JoinParty(code),
            };
            p.call(call).await.map_err(|e| headless::fail(&e))?;
            let session = headless::opened_party(p).await?;
            let code = p.app.party.as_ref().map(|s| s.party_code.clone());
            emit(&json!({"event": "joined", "session_id": session, "party_code": code}));
        }
        HeadlessCommand::Ready => {
            let session = headless::party(p).await?;
            p.call(ApiCall::Ready(session, true))
                .await
                .map_err(|e| headless::fail(&e))?;
            emit(&json!({"event": "ready", "session_id": session}));
        }
        HeadlessCommand::Start => {
            let session = headless::party(p).await?;
            p.call(ApiCall::Start(session))
                .await
                .map_err(|e| headless::fail(&e))?;
            emit(&json!({"event": "started", "session_id": session}));
        }
        HeadlessCommand::Status => {
            headless::party(p).await?;
            emit(&json!({"event": "status", "status": p.app.party}));
        }
        HeadlessCommand::Play {
            phrases,
            until,
            timeout,
        } => {
            let target = headless::parse_phase(&until).unwrap_or(PartyPhase::Results);
            headless::party(p).await?;
            let mut strategy = if phrases.is_empty() {
                Strategy::Bot
            } else {
                Strategy::Phrases(phrases)
            };
            p.run_until(Some(&mut strategy), Duration::from_secs(timeout), |a| {
                a.phase().is_some_and(|ph| ph >= target)
                    && (target != PartyPhase::Results || a.results.is_some())
            })
            .await?;
            emit(&json!({"event": "done", "phase": p.app.phase(), "seq": p.app.seq}));
        }
        HeadlessCommand::Wait { phase, timeout } => {
            let Some(target) = headless::parse_phase(&phase) else {
                emit(
                    &json!({"event": "error", "error": "invalid_request", "message": "unknown phase"}),
                );
                return Err(Exit::Refused);
            };
            headless::party(p).await?;
            p.run_until(None, Duration::from_secs(timeout), |a| {
                a.phase().is_some_and(|ph| ph >= target)
            })
            .await?;
            emit(&json!({"event": "phase", "phase": p.app.phase(), "seq": p.app.seq}));
        }
        HeadlessCommand::Results => {
            let session = headless::party_or_last(p).await?;
            p.call(ApiCall::Results(session))
                .await
                .map_err(|e| headless::fail(&e))?;
            emit(&json!({"event": "results", "results": p.app.results}));
        }
        HeadlessCommand::Leave => {
            let session = headless::party(p).await?;
            p.call(ApiCall::Leave(session))
                .await
                .map_err(|e| headless::fail(&e))?;
            emit(&json!({"event": "left", "session_id": session}));
        }
        HeadlessCommand::Invite { username } => headless::invite(p, &username).await?,
        HeadlessCommand::Spectate(args) => crate::headless_spectate::spectate(p, args).await?,
        HeadlessCommand::QuickMatch { leave: true, .. } => {
            headless::matchmaking::leave_queue(p).await?;
        }
        HeadlessCommand::QuickMatch {
            bot_fill_after,
            timeout,
            ..
        } => headless::matchmaking::quick_match(p, bot_fill_after, timeout).await?,
        HeadlessCommand::Parties { limit, offset } => {
            headless::matchmaking::parties(p, limit, offset).await?;
        }
        HeadlessCommand::Guest
        | HeadlessCommand::Signup { .. }
        | HeadlessCommand::Login { .. }
        | HeadlessCommand::Friends { .. }
        | HeadlessCommand::History { .. }
        | HeadlessCommand::Highlights { .. }
        | HeadlessCommand::Stats
        | HeadlessCommand::React { .. }
        | HeadlessCommand::Favourite { .. }
        | HeadlessCommand::Leaderboard { .. } => {}
    }
    Ok(())
}
