//! Messages into the core and effects out of it.

use crossterm::event::KeyEvent;
use party_protocol::SessionId;
use party_protocol::account::{AuthResponse, DashboardResponse};
use party_protocol::friends::{BlocksResponse, FriendsResponse, PartyInvite, PlayerMessage};
use party_protocol::matchmaking::{PublicPartiesResponse, QuickMatchStatus};
use party_protocol::party::ActivePartyResponse;
use party_protocol::party::{
    AddBotsResponse, CreatePartyRequest, PartyResultsResponse, PartySessionResponse,
    PartyStatusResponse, PartySubmitResponse, PlayAgainResponse, ReadyResponse, StartPartyResponse,
};
use party_protocol::party_access::{PartyAccess, PartyAccessResponse, PartyPassword};
use party_protocol::party_chat::{ChatPage, MuteResponse, PartyChatMessage};
use party_protocol::party_history::{
    HistoryQuery, HistoryResponse, LeaderboardQuery, LeaderboardResponse, PartyStatsResponse,
};
use party_protocol::party_reactions::{PartyReactionsResponse, PhraseRef, Reaction};
use party_protocol::party_ws::ServerMessage;
use party_protocol::round::{PhrasesetResults, RoundType};
use party_protocol::spectate::{
    ChatResponse, NextGameResponse, SpectatorSocketMessage, SpectatorStatusResponse,
};
use party_protocol::{PhrasesetId, PlayerId, RoundId};
use time::OffsetDateTime;

use super::state::RoundView;
use crate::api::ApiResult;
use crate::api_social::FriendAction;

/// Something that happened.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// The clock ticked (countdowns, polling).
    Tick(OffsetDateTime),
    Api(Box<ApiReply>),
    Ws(WsEvent),
    /// The spectator socket of the party watched.
    Spectator(SocketEvent<SpectatorSocketMessage>),
    /// The player socket (invites), held on the dashboard.
    Player(SocketEvent<PlayerMessage>),
    /// A [`Effect::SaveText`] was written (the path) or not (why).
    Saved(Result<String, String>),
}

/// What the party socket task reports.
pub type WsEvent = SocketEvent<ServerMessage>;

/// What a socket task reports.
#[derive(Debug, Clone)]
pub enum SocketEvent<T> {
    Connected,
    Message(Box<T>),
    /// The socket dropped; `retry_in` is the backoff before the next try,
    /// `None` when the close was final (4001–4004) or too many tries failed.
    Disconnected {
        retry_in: Option<u64>,
        code: Option<u16>,
    },
}

/// A server call the runtime should make.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiCall {
    Resume(String),
    Guest,
    Register {
        username: String,
        password: String,
    },
    Login {
        username: String,
        password: String,
    },
    Dashboard,
    CreateParty(CreatePartyRequest),
    JoinParty(String),
    /// Joining a password party (the password's `Debug` hides it).
    JoinWithPassword(String, PartyPassword),
    Ready(SessionId, bool),
    Start(SessionId),
    Status(SessionId),
    StartRound(SessionId, RoundType),
    Submit(SessionId, RoundId, String),
    Results(SessionId),
    /// One party phraseset's voters and prizes, for the reveal.
    PhrasesetResults(PhrasesetId),
    Leave(SessionId),
    AddBots(SessionId, i64),
    Kick(SessionId, PlayerId),
    PlayAgain(SessionId),
    /// The party the server has this player in (after a seat in the next game).
    ActiveParty,
    /// The friends list with presence and requests, and the blocked players.
    Friends,
    Friend(FriendAction, String),
    Invite(SessionId, String),
    DeclineInvite(SessionId),
    SetAccess(SessionId, PartyAccess, Option<PartyPassword>),
    /// Watch the party with this code (and password).
    Spectate(String, Option<PartyPassword>),
    SpectatorStatus(SessionId),
    SpectatorResults(SessionId),
    NextGame(SessionId, bool),
    Chat(SessionId, String),
    StopSpectating(SessionId),
    /// Queue for a quick match: seconds until bots fill it (`None`: humans only).
    QuickMatch(Option<i64>),
    QuickMatchStatus,
    LeaveQuickMatch,
    /// The page of public lobbies from this offset.
    PublicParties(i64),
    History(HistoryQuery),
    /// A past party's full results, reopened from the history.
    PastResults(SessionId),
    Stats,
    Leaderboard(LeaderboardQuery),
    /// The latest page of the party's own chat.
    ChatPage(SessionId),
    /// A line in the party's own chat (the spectators' is [`ApiCall::Chat`]).
    SendChat(SessionId, String),
    /// Mute (`true`) or unmute a player of the party.
    Mute(SessionId, PlayerId, bool),
    /// The party's reactions and favourite phrase.
    Reactions(SessionId),
    /// Give (`Some`) or take back (`None`) a reaction to a phrase.
    React(SessionId, PhraseRef, Option<Reaction>),
    /// Vote a phrase the favourite (`Some`), or withdraw the vote.
    Favourite(SessionId, Option<PhraseRef>),
}

/// A call's answer.
#[derive(Debug, Clone)]
pub enum ApiReply {
    SignedIn(ApiResult<AuthResponse>),
    Resumed(ApiResult<()>),
    Dashboard(ApiResult<DashboardResponse>),
    PartyOpened(ApiResult<PartySessionResponse>),
    Ready(ApiResult<ReadyResponse>),
    Started(ApiResult<StartPartyResponse>),
    Status(ApiResult<PartyStatusResponse>),
    RoundStarted(ApiResult<RoundView>),
    Submitted(ApiResult<PartySubmitResponse>),
    Results(ApiResult<PartyResultsResponse>),
    PhrasesetResults(PhrasesetId, ApiResult<PhrasesetResults>),
    Left(ApiResult<()>),
    BotsAdded(ApiResult<AddBotsResponse>),
    Kicked(ApiResult<()>),
    PlayAgain(ApiResult<PlayAgainResponse>),
    ActiveParty(ApiResult<ActivePartyResponse>),
    Friends(ApiResult<(FriendsResponse, BlocksResponse)>),
    Friend(FriendAction, String, ApiResult<()>),
    Invited(String, ApiResult<PartyInvite>),
    InviteDeclined(SessionId, ApiResult<()>),
    AccessSet(ApiResult<PartyAccessResponse>),
    /// The answer to watching by code (which code, for a password retry).
    Spectating(String, ApiResult<SpectatorStatusResponse>),
    SpectatorStatus(ApiResult<SpectatorStatusResponse>),
    SpectatorResults(ApiResult<PartyResultsResponse>),
    NextGame(ApiResult<NextGameResponse>),
    Chat(ApiResult<ChatResponse>),
    StoppedSpectating(ApiResult<()>),
    /// The answer to queueing or to a status read.
    QuickMatch(ApiResult<QuickMatchStatus>),
    LeftQueue(ApiResult<QuickMatchStatus>),
    /// A page of public lobbies, with the offset asked for.
    PublicParties(i64, ApiResult<PublicPartiesResponse>),
    /// A history page, with the cursor asked with.
    History(Option<SessionId>, ApiResult<HistoryResponse>),
    PastResults(SessionId, ApiResult<PartyResultsResponse>),
    Stats(ApiResult<PartyStatsResponse>),
    Leaderboard(ApiResult<LeaderboardResponse>),
    ChatPage(SessionId, ApiResult<ChatPage>),
    ChatSent(ApiResult<PartyChatMessage>),
    Muted(ApiResult<MuteResponse>),
    /// The answer of every reactions call.
    Reactions(ApiResult<PartyReactionsResponse>),
}

/// Work for the runtime.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Call(ApiCall),
    /// Open (or re-open) the party socket, resuming after `since`.
    ConnectWs {
        session: SessionId,
        since: Option<i64>,
    },
    CloseWs,
    /// Open (or re-open) the spectator socket, resuming after `since`.
    ConnectSpectatorWs {
        session: SessionId,
        since: Option<i64>,
    },
    CloseSpectatorWs,
    /// Open the player socket (invites arrive on it).
    ConnectPlayerWs,
    ClosePlayerWs,
    /// Remember the refresh token so a restart resumes the session.
    SaveCredentials,
    /// Write `text` to `file_name` in the client's data directory.
    SaveText {
        file_name: String,
        text: String,
    },
    Quit,
}
