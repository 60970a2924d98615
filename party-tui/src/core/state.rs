//! The client's state: which screen, what the player sees and types.

use std::collections::{HashMap, VecDeque};

use party_protocol::account::DashboardResponse;
use party_protocol::party::{
    CreatePartyRequest, PartyCode, PartyCopyRoundResponse, PartyPhase, PartyPromptRoundResponse,
    PartyResultsResponse, PartyStatusResponse, PartyVoteRoundResponse, SessionStatus,
};
use party_protocol::round::{PhrasesetResults, RoundDetails, RoundType};
use party_protocol::{Coins, PhrasesetId, PlayerId, RoundId, SessionId};
use time::OffsetDateTime;

use party_protocol::friends::{BlockedPlayer, FriendsResponse, PartyInvite};
use party_protocol::party_access::PartyAccess;
use party_protocol::party_chat::PartyChatMessage;

use party_protocol::party_history::PartyStatsResponse;

use super::cost::{MatchCost, Prices, Quotas};
pub use super::prompt::{Prompt, PromptKind};
pub use super::spectator::{ChatLine, Watch};
use super::views::{BoardView, HistoryList, PublicList, QuickWait};

/// What the client says, and does instead of offering a party, when the
/// server reports Party Mode switched off.
pub const PARTY_MODE_OFF: &str = "Party Mode is switched off on this server.";

/// Chat lines kept on screen (older ones stay on the server).
pub const CHAT_LINES: usize = 50;

/// The players' chat of the party on screen (its logic: `party_chat`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartyChat {
    /// Whose chat this is (`None`: none loaded yet).
    pub session: Option<SessionId>,
    /// The latest lines, oldest first, in the order the server numbered them.
    pub lines: VecDeque<PartyChatMessage>,
    /// The players of this party the player muted.
    pub muted: Vec<PlayerId>,
    /// A line is being typed (letters go to it, not to the keys).
    pub typing: bool,
    pub input: String,
}

impl PartyChat {
    /// Adds a line unless it is here already (the reply to sending it and
    /// the socket both bring the player's own), keeping the order.
    pub(super) fn add(&mut self, message: PartyChatMessage) {
        if self.muted.contains(&message.player_id)
            || self
                .lines
                .iter()
                .any(|m| m.message_id == message.message_id)
        {
            return;
        }
        let at = self
            .lines
            .iter()
            .position(|m| m.message_id > message.message_id)
            .unwrap_or(self.lines.len());
        self.lines.insert(at, message);
        while self.lines.len() > CHAT_LINES {
            self.lines.pop_front();
        }
    }
}

/// The screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    SignIn,
    Dashboard,
    Create,
    Join,
    Lobby,
    Play,
    Results,
    /// Friends, requests and blocks.
    Friends,
    /// Watching a party as a spectator.
    Spectate,
    /// Waiting in the quick-match queue.
    QuickMatch,
    /// The public lobbies.
    PublicParties,
    /// The player's past parties.
    History,
    /// The player's party stats.
    Stats,
    Leaderboard,
}

/// The socket's state, shown as the connection indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnState {
    /// No party, no socket.
    Idle,
    Connecting,
    Live,
    /// Dropped; retrying after a pause.
    Reconnecting {
        attempt: u32,
    },
    /// The socket cannot connect: the client polls the status endpoint.
    Polling,
}

/// The round on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundView {
    pub round_id: RoundId,
    pub kind: RoundType,
    pub prompt_text: Option<String>,
    pub original_phrase: Option<String>,
    pub phrases: Option<[String; 3]>,
    pub expires_at: OffsetDateTime,
    /// Votes: on one of the party's own sets (false: a global set, from
    /// the whole server). Unknown for other rounds.
    pub from_party: Option<bool>,
}

impl From<PartyPromptRoundResponse> for RoundView {
    fn from(r: PartyPromptRoundResponse) -> Self {
        RoundView {
            round_id: r.round_id,
            kind: RoundType::Prompt,
            prompt_text: Some(r.prompt_text),
            original_phrase: None,
            phrases: None,
            expires_at: r.expires_at,
            from_party: None,
        }
    }
}

impl From<PartyCopyRoundResponse> for RoundView {
    fn from(r: PartyCopyRoundResponse) -> Self {
        RoundView {
            round_id: r.round_id,
            kind: RoundType::Copy,
            prompt_text: None,
            original_phrase: Some(r.original_phrase),
            phrases: None,
            expires_at: r.expires_at,
            from_party: None,
        }
    }
}

impl From<PartyVoteRoundResponse> for RoundView {
    fn from(r: PartyVoteRoundResponse) -> Self {
        RoundView {
            round_id: r.round_id,
            kind: RoundType::Vote,
            prompt_text: Some(r.prompt_text),
            original_phrase: None,
            phrases: Some(r.phrases),
            expires_at: r.expires_at,
            from_party: Some(r.from_party),
        }
    }
}

impl From<RoundDetails> for RoundView {
    fn from(r: RoundDetails) -> Self {
        RoundView {
            round_id: r.round_id,
            kind: r.round_type,
            prompt_text: r.prompt_text,
            original_phrase: r.original_phrase,
            phrases: r.phrases,
            expires_at: r.expires_at,
            from_party: r.from_party,
        }
    }
}

/// A short notice that fades after a few seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub text: String,
    pub until: OffsetDateTime,
}

/// The sign-in form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInForm {
    pub username: String,
    pub password: String,
    /// 0: username, 1: password.
    pub field: usize,
}

/// The create-party dialog: (min, max, prompts, votes, phase seconds
/// (0 = default), access (0 open, 1 password, 2 invite-only)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateForm {
    pub values: [i64; CreateForm::FIELDS],
    pub field: usize,
}

impl Default for CreateForm {
    fn default() -> Self {
        Self {
            values: [3, 8, 1, 3, 0, 0],
            field: 0,
        }
    }
}

impl CreateForm {
    /// The party this dialog would ask for: copies are twice the prompts.
    pub fn quotas(&self) -> Quotas {
        let [_, _, prompts, votes, _, _] = self.values;
        Quotas {
            prompts,
            copies: 2 * prompts,
            votes,
        }
    }

    /// How many fields the dialog has.
    pub const FIELDS: usize = 6;
    /// The access field's index.
    pub const ACCESS: usize = 5;

    /// The create request the fields make (the password aside: it comes
    /// from its own dialog).
    pub fn request(&self) -> CreatePartyRequest {
        let [min, max, prompts, votes, secs, _] = self.values;
        let access = self.access();
        CreatePartyRequest {
            min_players: Some(min),
            max_players: Some(max),
            prompts_per_player: Some(prompts),
            copies_per_player: Some(2 * prompts),
            votes_per_player: Some(votes),
            phase_seconds: (secs > 0).then_some(secs),
            access: (access == PartyAccess::InviteOnly).then_some(access),
            password: None,
            public: None,
        }
    }

    /// Who may join the party this dialog would open.
    pub fn access(&self) -> PartyAccess {
        match self.values[Self::ACCESS] {
            1 => PartyAccess::Password,
            2 => PartyAccess::InviteOnly,
            _ => PartyAccess::Open,
        }
    }

    pub const LABELS: [&'static str; CreateForm::FIELDS] = [
        "Min players",
        "Max players",
        "Prompts each",
        "Votes each",
        "Phase seconds",
        "Who may join",
    ];
    /// (lowest, highest, step) per field.
    pub const RANGES: [(i64, i64, i64); CreateForm::FIELDS] = {
        use party_protocol::party::{
            PARTY_PLAYERS as P, PARTY_PROMPTS_PER_PLAYER as R, PARTY_VOTES_PER_PLAYER as V,
        };
        [
            (*P.start(), *P.end(), 1),
            (*P.start(), *P.end(), 1),
            (*R.start(), *R.end(), 1),
            (*V.start(), *V.end(), 1),
            (0, 600, 30),
            (0, 2, 1),
        ]
    };
}

/// One step of a phraseset's reveal, in the order they play.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevealStep {
    /// The prompt alone.
    Prompt,
    /// The three phrases, none marked.
    Phrases,
    /// The original marked; every phrase's author, voters and prize.
    Original,
}

impl RevealStep {
    /// How long the step stays before the reveal moves on by itself: long
    /// enough to read it aloud, short enough that nobody must press a key.
    pub fn seconds(self) -> i64 {
        match self {
            RevealStep::Prompt => 3,
            RevealStep::Phrases => 5,
            RevealStep::Original => 9,
        }
    }

    pub fn next(self) -> Option<Self> {
        match self {
            RevealStep::Prompt => Some(RevealStep::Phrases),
            RevealStep::Phrases => Some(RevealStep::Original),
            RevealStep::Original => None,
        }
    }

    pub fn previous(self) -> Option<Self> {
        match self {
            RevealStep::Prompt => None,
            RevealStep::Phrases => Some(RevealStep::Prompt),
            RevealStep::Original => Some(RevealStep::Phrases),
        }
    }
}

/// Whether the reveal plays (before the scoreboard, moving on by itself) or
/// a phraseset is browsed from the scoreboard (whole, until a key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevealMode {
    Playing,
    Browsing,
}

/// The phraseset on the results screen instead of the scoreboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reveal {
    /// Its index in the results' `phrasesets_summary`.
    pub set: usize,
    pub step: RevealStep,
    pub mode: RevealMode,
    /// When the step came on screen (the auto-advance counts from here).
    pub since: OffsetDateTime,
}

/// What the client learned of a party phraseset beyond the results summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetDetails {
    /// Its voters and prizes.
    Loaded(Box<PhrasesetResults>),
    /// Not for this player: the server shows them only to the set's writers
    /// and voters. The summary's authors and counts remain.
    Withheld,
    /// The call failed (the server unreachable, say); the summary remains.
    Failed,
}

/// Everything the client knows.
#[derive(Debug, Clone)]
pub struct App {
    pub screen: Screen,
    /// Where the client talks to (shown in the header).
    pub server: String,
    /// The link is plain HTTP beyond this machine and its LAN: the header
    /// warns (see [`crate::tls::unencrypted_beyond_lan`]).
    pub unencrypted: bool,
    /// How friends reach this game (`party-tui --server …`, `ssh -p …`),
    /// shown with the party code in the lobby; empty when the client was
    /// not started to host (`--lan` or `host`).
    pub share: Vec<String>,
    pub me: Option<(PlayerId, String)>,
    pub dashboard: Option<DashboardResponse>,
    pub party: Option<PartyStatusResponse>,
    /// The party's last event applied.
    pub seq: i64,
    pub round: Option<RoundView>,
    pub results: Option<PartyResultsResponse>,
    /// The reveal playing, or the phraseset browsed; `None`: the scoreboard.
    pub reveal: Option<Reveal>,
    /// Voters and prizes of the results' phrasesets, as they arrive.
    pub set_details: HashMap<PhrasesetId, SetDetails>,
    /// The results' reactions and favourite phrase, once loaded (players only).
    pub reactions: Option<party_protocol::party_reactions::PartyReactionsResponse>,
    /// The phrase picked for a reaction, in the reveal's order of the set shown.
    pub phrase_pick: usize,
    /// Set by a `play_again` event: the lobby everyone is invited to.
    pub invite: Option<(SessionId, PartyCode)>,
    pub input: String,
    pub selected: usize,
    pub signin: SignInForm,
    pub create: CreateForm,
    pub toasts: VecDeque<Toast>,
    /// The last error, shown until the next key.
    pub error: Option<String>,
    pub conn: ConnState,
    pub help: bool,
    pub now: OffsetDateTime,
    /// A round start or submission is in flight: no second one.
    pub busy: bool,
    /// Ctrl-L was pressed during play: the next key answers "Leave the
    /// party? y/n", so one stray key cannot drop the player's work.
    pub confirm_leave: bool,
    pub quit: bool,
    /// When the status was last polled (polling mode).
    pub last_poll: OffsetDateTime,
    /// The one-line dialog open over the screen (a password, a username, a
    /// code), if any.
    pub prompt: Option<Prompt>,
    /// The code the last join asked for: a password party's answer
    /// retries it with the password typed.
    pub last_join: Option<String>,
    /// The friends list with presence and requests, once loaded.
    pub friends: Option<FriendsResponse>,
    pub blocked: Vec<BlockedPlayer>,
    /// Invites to lobbies, newest first, as the player socket sends them.
    pub invites: Vec<PartyInvite>,
    /// Whether this client holds the player socket on the dashboard (the
    /// interactive drivers do; headless commands, short-lived, do not).
    pub live_invites: bool,
    /// The player socket is open (or opening).
    pub player_ws: bool,
    /// The party watched as a spectator.
    pub watch: Option<Watch>,
    /// The quick match asked for, while queued.
    pub quick: Option<QuickWait>,
    pub public: PublicList,
    pub history: HistoryList,
    /// The past party whose results show, reopened from the history: the
    /// results screen is read-only then, and Esc returns to the history.
    pub past: Option<SessionId>,
    /// The highlight reel shown over the results (`h`), as text.
    pub reel: Option<String>,
    /// Lines of the reel scrolled past (↑↓).
    pub reel_scroll: u16,
    pub stats: Option<PartyStatsResponse>,
    pub board: BoardView,
    /// The players' chat of the party on screen (lobby and results).
    pub chat: PartyChat,
}

impl App {
    pub fn new(server: impl Into<String>, now: OffsetDateTime) -> Self {
        App {
            screen: Screen::SignIn,
            server: server.into(),
            unencrypted: false,
            share: Vec::new(),
            me: None,
            dashboard: None,
            party: None,
            seq: 0,
            round: None,
            results: None,
            reveal: None,
            set_details: HashMap::new(),
            reactions: None,
            phrase_pick: 0,
            invite: None,
            input: String::new(),
            selected: 0,
            signin: SignInForm::default(),
            create: CreateForm::default(),
            toasts: VecDeque::new(),
            error: None,
            conn: ConnState::Idle,
            help: false,
            now,
            busy: false,
            confirm_leave: false,
            quit: false,
            last_poll: now,
            prompt: None,
            last_join: None,
            friends: None,
            blocked: Vec::new(),
            invites: Vec::new(),
            live_invites: false,
            player_ws: false,
            watch: None,
            quick: None,
            public: PublicList::default(),
            history: HistoryList::default(),
            past: None,
            reel: None,
            reel_scroll: 0,
            stats: None,
            board: BoardView::default(),
            chat: PartyChat::default(),
        }
    }

    pub fn my_id(&self) -> Option<PlayerId> {
        self.me.as_ref().map(|(id, _)| *id)
    }

    pub fn session_id(&self) -> Option<SessionId> {
        self.party.as_ref().map(|p| p.session_id)
    }

    pub fn phase(&self) -> Option<PartyPhase> {
        self.party.as_ref().map(|p| p.current_phase)
    }

    /// Whether the results on screen are those of an abandoned party (no
    /// play-again from there: the server opens the next lobby only from
    /// RESULTS).
    pub fn results_abandoned(&self) -> bool {
        self.results
            .as_ref()
            .is_some_and(|r| r.status == SessionStatus::Abandoned)
    }

    pub fn is_host(&self) -> bool {
        matches!((&self.party, self.my_id()), (Some(p), Some(me)) if p.host_player_id == me)
    }

    pub fn wallet(&self) -> i64 {
        self.dashboard.as_ref().map_or(0, |d| d.wallet.get())
    }

    /// The server said Party Mode is off. Unknown (no dashboard yet) is
    /// not off: the server's answer then says so.
    pub fn party_mode_off(&self) -> bool {
        self.dashboard.as_ref().is_some_and(|d| !d.party_mode)
    }

    /// The cost of a match with these quotas at the prices the server last
    /// reported; `None` before the first dashboard.
    pub fn match_cost(&self, quotas: Quotas) -> Option<MatchCost> {
        let prices = Prices::from(&self.dashboard.as_ref()?.round_availability);
        Some(MatchCost::new(quotas, prices))
    }

    /// The cost of the party the create dialog would open.
    pub fn create_cost(&self) -> Option<MatchCost> {
        self.match_cost(self.create.quotas())
    }

    /// The create dialog's warning (plan §7.5): the wallet is short of the
    /// match as configured.
    pub fn create_warning(&self) -> Option<String> {
        self.create_cost()?.warning(Coins::new(self.wallet()))
    }

    /// The dashboard's and join dialog's warning, before the party is
    /// known: the wallet is short of even the smallest match.
    pub fn entry_warning(&self) -> Option<String> {
        self.match_cost(Quotas::smallest())?
            .smallest_warning(Coins::new(self.wallet()))
    }

    /// The lobby's warning: the wallet is short of the party joined.
    pub fn lobby_warning(&self) -> Option<String> {
        let party = self.party.as_ref()?;
        self.match_cost(Quotas::of_party(party))?
            .warning(Coins::new(self.wallet()))
    }

    pub fn toast(&mut self, text: impl Into<String>) {
        let until = self.now + time::Duration::seconds(4);
        self.toasts.push_back(Toast {
            text: text.into(),
            until,
        });
        while self.toasts.len() > 3 {
            self.toasts.pop_front();
        }
    }
}
