//! Messages into the core and effects out of it.

use crossterm::event::KeyEvent;
use party_protocol::SessionId;
use party_protocol::account::{AuthResponse, DashboardResponse};
use party_protocol::party::{
    AddBotsResponse, CreatePartyRequest, PartyResultsResponse, PartySessionResponse,
    PartyStatusResponse, PartySubmitResponse, PlayAgainResponse, ReadyResponse, StartPartyResponse,
};
use party_protocol::party_ws::ServerMessage;
use party_protocol::round::{PhrasesetResults, RoundType};
use party_protocol::{PhrasesetId, PlayerId, RoundId};
use time::OffsetDateTime;

use super::state::RoundView;
use crate::api::ApiResult;

/// Something that happened.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// The clock ticked (countdowns, polling).
    Tick(OffsetDateTime),
    Api(Box<ApiReply>),
    Ws(WsEvent),
}

/// What the socket task reports.
#[derive(Debug, Clone)]
pub enum WsEvent {
    Connected,
    Message(Box<ServerMessage>),
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
    JoinWithPassword(String, party_protocol::party_access::PartyPassword),
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
    /// Remember the refresh token so a restart resumes the session.
    SaveCredentials,
    Quit,
}
