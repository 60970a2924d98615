//! Update-logic tests of the honest warnings: the low-balance warning
//! follows the party's quotas and the server's prices, and a server with
//! Party Mode off is known before any party call.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use party_protocol::party::PartyPhase;
use party_protocol::{Coins, ErrorCode};

use super::state::PARTY_MODE_OFF;
use super::{ApiCall, ApiReply, App, Effect, Msg, Screen, update};
use crate::api::ClientError;
use crate::fixtures::{self, app, session};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn reply(r: ApiReply) -> Msg {
    Msg::Api(Box::new(r))
}

fn party_mode_off(screen: Screen, active: bool) -> App {
    let mut a = app(screen);
    let mut d = fixtures::dashboard(4790, active);
    d.party_mode = false;
    a.dashboard = Some(d);
    a
}

#[test]
fn with_party_mode_off_the_dashboard_keys_say_so_instead_of_opening_a_dialog() {
    let mut a = party_mode_off(Screen::Dashboard, true);
    for k in ['c', 'j', 'r'] {
        a.error = None;
        let effects = update(&mut a, key(KeyCode::Char(k)));
        assert!(effects.is_empty(), "{k}: {effects:?}");
        assert_eq!(a.screen, Screen::Dashboard, "{k}");
        assert_eq!(a.error.as_deref(), Some(PARTY_MODE_OFF), "{k}");
    }
    // Refreshing still works, and may bring the news it is back on.
    assert_eq!(
        update(&mut a, key(KeyCode::Char('g'))),
        vec![Effect::Call(ApiCall::Dashboard)]
    );
}

#[test]
fn with_party_mode_on_the_same_keys_open_the_dialogs() {
    let mut a = app(Screen::Dashboard);
    update(&mut a, key(KeyCode::Char('c')));
    assert_eq!(a.screen, Screen::Create);
    assert_eq!(a.error, None);
    let mut a = app(Screen::Dashboard);
    update(&mut a, key(KeyCode::Char('j')));
    assert_eq!(a.screen, Screen::Join);
}

#[test]
fn with_party_mode_off_a_restarted_client_does_not_ask_for_its_party() {
    let mut a = App::new("s", fixtures::NOW);
    let mut d = fixtures::dashboard(4790, true);
    d.party_mode = false;
    assert!(update(&mut a, reply(ApiReply::Dashboard(Ok(d.clone())))).is_empty());
    assert_eq!(a.screen, Screen::Dashboard);
    assert!(a.party_mode_off());
    // The same dashboard with Party Mode on resumes the party.
    let mut a = App::new("s", fixtures::NOW);
    d.party_mode = true;
    assert_eq!(
        update(&mut a, reply(ApiReply::Dashboard(Ok(d)))),
        vec![Effect::Call(ApiCall::Status(session()))]
    );
    assert!(!a.party_mode_off());
}

#[test]
fn party_mode_disabled_from_create_goes_back_to_a_fresh_dashboard() {
    let mut a = app(Screen::Create);
    let refused = ClientError {
        code: Some(ErrorCode::PartyModeDisabled),
        message: "Party Mode is switched off on this server; solo play still works.".into(),
    };
    let effects = update(&mut a, reply(ApiReply::PartyOpened(Err(refused))));
    assert_eq!(effects, vec![Effect::Call(ApiCall::Dashboard)]);
    assert_eq!(a.screen, Screen::Dashboard);
    assert!(
        a.error
            .as_deref()
            .is_some_and(|e| e.contains("switched off"))
    );
}

#[test]
fn the_create_warning_follows_the_quotas_and_the_servers_prices() {
    let mut a = app(Screen::Create);
    a.dashboard = Some(fixtures::dashboard(300, false));
    // 1 prompt, 2 copies, 3 votes: 230 FC, covered.
    assert_eq!(a.create_cost().map(|c| c.cost), Some(Coins::new(230)));
    assert_eq!(a.create_warning(), None);
    // Two prompts (field 2): 200 + 4 × 50 + 30 = 430 FC, not covered.
    a.create.field = 2;
    update(&mut a, key(KeyCode::Right));
    let warning = a.create_warning().expect("a warning at 430 FC");
    assert!(
        warning.contains("430 FC") && warning.contains("300 FC"),
        "{warning}"
    );
    // The copy discount starts: the next dashboard's price counts.
    let mut d = fixtures::dashboard(300, false);
    d.round_availability.copy_discount_active = true;
    d.round_availability.copy_cost = Coins::new(40);
    update(&mut a, reply(ApiReply::Dashboard(Ok(d))));
    assert_eq!(a.create_cost().map(|c| c.cost), Some(Coins::new(390)));
    // Back to one prompt with the discount: 100 + 80 + 30 = 210, covered.
    update(&mut a, key(KeyCode::Left));
    assert_eq!(a.create_warning(), None);
}

#[test]
fn the_lobby_warns_with_the_cost_of_the_party_joined() {
    let mut a = app(Screen::Join);
    a.dashboard = Some(fixtures::dashboard(400, false));
    let mut lobby = fixtures::status(PartyPhase::Lobby);
    lobby.prompts_per_player = 2;
    lobby.copies_per_player = 4;
    lobby.votes_per_player = 5;
    update(&mut a, reply(ApiReply::Status(Ok(lobby.clone()))));
    assert_eq!(a.screen, Screen::Lobby);
    let warning = a.lobby_warning().expect("450 FC is more than 400 FC");
    assert_eq!(
        warning,
        "This match costs up to 450 FC (2 prompts, 4 copies, 5 votes). \
         You have 400 FC: you may run out mid-game."
    );
    // Richer, or in a cheaper party: no warning.
    a.dashboard = Some(fixtures::dashboard(450, false));
    assert_eq!(a.lobby_warning(), None);
    a.dashboard = Some(fixtures::dashboard(400, false));
    lobby.prompts_per_player = 1;
    lobby.copies_per_player = 2;
    update(&mut a, reply(ApiReply::Status(Ok(lobby))));
    assert_eq!(a.lobby_warning(), None);
}

#[test]
fn before_the_party_is_known_the_smallest_match_is_the_measure() {
    let mut a = app(Screen::Join);
    a.dashboard = Some(fixtures::dashboard(210, false));
    assert_eq!(a.entry_warning(), None);
    a.dashboard = Some(fixtures::dashboard(209, false));
    assert_eq!(
        a.entry_warning().as_deref(),
        Some("Even the smallest match (1 prompt, 2 copies, 1 vote) costs 210 FC; you have 209 FC.")
    );
    // Without a dashboard there are no prices and no wallet: no guess.
    let bare = App::new("s", fixtures::NOW);
    assert_eq!(bare.entry_warning(), None);
    assert_eq!(bare.create_warning(), None);
    assert!(!bare.party_mode_off());
}

#[test]
fn the_create_form_asks_for_twice_its_prompts_in_copies() {
    use super::cost::Quotas;
    use super::state::CreateForm;
    let mut form = CreateForm::default();
    let quotas = |prompts, votes| Quotas {
        prompts,
        copies: 2 * prompts,
        votes,
    };
    assert_eq!(form.quotas(), quotas(1, 3));
    form.values[2] = 3;
    form.values[3] = 5;
    assert_eq!(form.quotas(), quotas(3, 5));
}
