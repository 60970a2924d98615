//! Messages into the core and effects out of it.

use crossterm::event::KeyEvent;
use party_protocol::SessionId;
use party_protocol::account::{AuthResponse, DashboardResponse};
use party_protocol::friends::{BlocksResponse, FriendsResponse, PartyInvite, PlayerMessage};
use party_protocol::party::ActivePartyResponse;
use party_protocol::party::{
    AddBotsResponse, CreatePartyRequest, PartyResultsResponse, PartySessionResponse,
    PartyStatusResponse, PartySubmitResponse, PlayAgainResponse, ReadyResponse, StartPartyResponse,
};
use party_protocol::party_access::{PartyAccess, PartyAccessResponse, PartyPassword};
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
    Quit,
}
