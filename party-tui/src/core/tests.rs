//! Update-logic tests: each server event and key press moves the state as
//! expected, and a missing or out-of-order `seq` triggers a resync.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use party_protocol::party::{
    OwnPhaseProgress, PartyPhase, PartySubmitResponse, SkippedPlayer, SubmitSessionProgress,
};
use party_protocol::party_ws::{
    PhaseProgress, PlayerCounters, ProgressAction, ServerEvent, ServerMessage,
};
use party_protocol::round::RoundType;
use party_protocol::{ErrorCode, RoundId};

use super::{ApiCall, ApiReply, App, ConnState, Effect, Msg, Screen, WsEvent, update};
use crate::api::ClientError;
use crate::fixtures::{self, NOW, app, player, session};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn reply(r: ApiReply) -> Msg {
    Msg::Api(Box::new(r))
}

fn event(seq: i64, event: ServerEvent) -> Msg {
    Msg::Ws(WsEvent::Message(Box::new(ServerMessage {
        event,
        session_id: session(),
        seq,
        timestamp: NOW,
    })))
}

fn progress(seq: i64, who: u128, copies: i64) -> Msg {
    event(
        seq,
        ServerEvent::ProgressUpdate {
            player_id: player(who),
            username: "bob".into(),
            action: ProgressAction::SubmittedCopy,
            progress: PlayerCounters {
                prompts_submitted: 1,
                copies_submitted: copies,
                votes_submitted: 0,
            },
            session_progress: PhaseProgress {
                players_done_with_phase: 2,
                total_players: 4,
            },
        },
    )
}

fn in_party(phase: PartyPhase) -> App {
    let mut a = app(Screen::Play);
    a.party = Some(fixtures::status(phase));
    a.seq = 10;
    a.conn = ConnState::Live;
    a
}

fn err(code: ErrorCode, message: &str) -> ClientError {
    ClientError {
        code: Some(code),
        message: message.into(),
    }
}

#[test]
fn enter_with_an_empty_name_plays_as_a_guest() {
    let mut a = App::new("s", NOW);
    assert_eq!(
        update(&mut a, key(KeyCode::Enter)),
        vec![Effect::Call(ApiCall::Guest)]
    );
}

#[test]
fn typing_a_name_and_password_logs_in() {
    let mut a = App::new("s", NOW);
    for c in "al".chars() {
        update(&mut a, key(KeyCode::Char(c)));
    }
    assert!(
        update(&mut a, key(KeyCode::Enter)).is_empty(),
        "the password is still missing"
    );
    assert_eq!(a.signin.field, 1);
    for c in "pw".chars() {
        update(&mut a, key(KeyCode::Char(c)));
    }
    assert_eq!(
        update(&mut a, key(KeyCode::Enter)),
        vec![Effect::Call(ApiCall::Login {
            username: "al".into(),
            password: "pw".into()
        })]
    );
}

#[test]
fn a_restarted_client_rejoins_its_active_party() {
    let mut a = App::new("s", NOW);
    let effects = update(
        &mut a,
        reply(ApiReply::Dashboard(Ok(fixtures::dashboard(5000, true)))),
    );
    assert_eq!(a.screen, Screen::Dashboard);
    assert_eq!(effects, vec![Effect::Call(ApiCall::Status(session()))]);
}

#[test]
fn the_create_dialog_sends_the_chosen_quotas() {
    let mut a = app(Screen::Dashboard);
    update(&mut a, key(KeyCode::Char('c')));
    assert_eq!(a.screen, Screen::Create);
    update(&mut a, key(KeyCode::Down));
    update(&mut a, key(KeyCode::Down));
    update(&mut a, key(KeyCode::Right));
    let effects = update(&mut a, key(KeyCode::Enter));
    let Some(Effect::Call(ApiCall::CreateParty(req))) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!(req.prompts_per_player, Some(2));
    assert_eq!(req.copies_per_player, Some(4));
    assert_eq!(req.phase_seconds, None);
}

#[test]
fn join_codes_are_typed_upper_case() {
    let mut a = app(Screen::Join);
    for c in "hejy4883".chars() {
        update(&mut a, key(KeyCode::Char(c)));
    }
    assert_eq!(
        update(&mut a, key(KeyCode::Enter)),
        vec![Effect::Call(ApiCall::JoinParty("HEJY4883".into()))]
    );
}

#[test]
fn a_first_status_opens_the_socket_from_its_sequence() {
    let mut a = app(Screen::Dashboard);
    let effects = update(
        &mut a,
        reply(ApiReply::Status(Ok(fixtures::status(PartyPhase::Lobby)))),
    );
    assert_eq!(a.screen, Screen::Lobby);
    assert_eq!(
        effects,
        vec![
            Effect::ConnectWs {
                session: session(),
                since: Some(10)
            },
            // The lobby's chat, loaded once.
            Effect::Call(ApiCall::ChatPage(session())),
        ]
    );
}

#[test]
fn a_status_older_than_the_last_event_is_dropped_and_asked_again() {
    let mut a = in_party(PartyPhase::Lobby);
    a.seq = 11;
    let mut stale = fixtures::status(PartyPhase::Lobby);
    stale.seq = 10;
    stale.participants.pop();
    let effects = update(&mut a, reply(ApiReply::Status(Ok(stale))));
    assert_eq!(effects, vec![Effect::Call(ApiCall::Status(session()))]);
    assert_eq!(a.seq, 11);
    assert_eq!(
        a.party.as_ref().map(|p| p.participants.len()),
        Some(fixtures::status(PartyPhase::Lobby).participants.len()),
        "the newer state stays"
    );
    // A status as new as the last event applies.
    let mut fresh = fixtures::status(PartyPhase::Lobby);
    fresh.seq = 11;
    fresh.participants.pop();
    update(&mut a, reply(ApiReply::Status(Ok(fresh.clone()))));
    assert_eq!(
        a.party.as_ref().map(|p| p.participants.len()),
        Some(fresh.participants.len())
    );
}

#[test]
fn a_phase_with_work_owed_starts_the_next_round_once() {
    let mut a = in_party(PartyPhase::Prompt);
    a.party = None;
    let effects = update(
        &mut a,
        reply(ApiReply::Status(Ok(fixtures::status(PartyPhase::Copy)))),
    );
    assert!(effects.contains(&Effect::Call(ApiCall::StartRound(
        session(),
        RoundType::Copy
    ))));
    assert!(a.busy);
    // A second status while the start is in flight starts nothing more.
    let again = update(
        &mut a,
        reply(ApiReply::Status(Ok(fixtures::status(PartyPhase::Copy)))),
    );
    assert!(
        !again
            .iter()
            .any(|e| matches!(e, Effect::Call(ApiCall::StartRound(..))))
    );
}

#[test]
fn no_round_starts_in_the_lobby_or_when_the_quota_is_met() {
    let mut a = in_party(PartyPhase::Lobby);
    let effects = update(
        &mut a,
        reply(ApiReply::Status(Ok(fixtures::status(PartyPhase::Lobby)))),
    );
    // Only the lobby's chat is loaded.
    assert_eq!(effects, vec![Effect::Call(ApiCall::ChatPage(session()))]);
    let mut done = fixtures::status(PartyPhase::Copy);
    done.participants[0].phase_complete = true;
    let mut b = in_party(PartyPhase::Copy);
    assert!(update(&mut b, reply(ApiReply::Status(Ok(done)))).is_empty());
}

#[test]
fn a_status_with_an_open_round_resumes_it_without_a_new_start() {
    let mut a = in_party(PartyPhase::Prompt);
    let mut status = fixtures::status(PartyPhase::Prompt);
    status.active_round = Some(party_protocol::round::RoundDetails {
        round_id: RoundId::from_uuid(uuid::Uuid::from_u128(0x40)),
        round_type: RoundType::Prompt,
        status: party_protocol::round::RoundStatus::Active,
        cost: party_protocol::Coins::new(100),
        created_at: NOW,
        expires_at: NOW,
        prompt_text: Some("a prompt".into()),
        original_phrase: None,
        prompt_round_id: None,
        discount_active: None,
        phraseset_id: None,
        phrases: None,
        submitted_phrase: None,
        from_party: None,
    });
    let effects = update(&mut a, reply(ApiReply::Status(Ok(status))));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(a.round.as_ref().map(|r| r.kind), Some(RoundType::Prompt));
}

#[test]
fn an_opened_round_refreshes_the_balance_it_was_paid_from() {
    let mut a = in_party(PartyPhase::Prompt);
    a.busy = true;
    let round = fixtures::round(RoundType::Prompt);
    let effects = update(&mut a, reply(ApiReply::RoundStarted(Ok(round))));
    assert_eq!(effects, vec![Effect::Call(ApiCall::Dashboard)]);
    assert!(!a.busy);
    assert_eq!(a.round.as_ref().map(|r| r.kind), Some(RoundType::Prompt));
}

#[test]
fn typing_and_enter_submits_the_phrase() {
    let mut a = in_party(PartyPhase::Prompt);
    a.round = Some(fixtures::round(RoundType::Prompt));
    for c in "garage echo".chars() {
        update(&mut a, key(KeyCode::Char(c)));
    }
    update(&mut a, key(KeyCode::Char('7')));
    assert_eq!(
        a.input, "GARAGE ECHO",
        "only letters, spaces and apostrophes"
    );
    let effects = update(&mut a, key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::Call(ApiCall::Submit(
            session(),
            RoundId::from_uuid(uuid::Uuid::from_u128(0x40)),
            "GARAGE ECHO".into()
        ))]
    );
    assert!(
        update(&mut a, key(KeyCode::Enter)).is_empty(),
        "no double submit"
    );
}

#[test]
fn a_rejected_phrase_keeps_the_input_and_shows_why() {
    let mut a = in_party(PartyPhase::Prompt);
    a.round = Some(fixtures::round(RoundType::Prompt));
    a.input = "ZZZ ECHO".into();
    a.busy = true;
    let effects = update(
        &mut a,
        reply(ApiReply::Submitted(Err(err(
            ErrorCode::InvalidPhrase,
            "\"ZZZ\" is not a word we know.",
        )))),
    );
    assert!(effects.is_empty());
    assert_eq!(a.input, "ZZZ ECHO");
    assert!(!a.busy);
    assert_eq!(a.error.as_deref(), Some("\"ZZZ\" is not a word we know."));
}

#[test]
fn a_submission_clears_the_round_and_refreshes() {
    let mut a = in_party(PartyPhase::Vote);
    a.round = Some(fixtures::round(RoundType::Vote));
    a.busy = true;
    let effects = update(
        &mut a,
        reply(ApiReply::Submitted(Ok(PartySubmitResponse {
            success: true,
            phrase: "GARAGE ECHO".into(),
            round_type: RoundType::Vote,
            correct: Some(true),
            session_progress: SubmitSessionProgress {
                own: OwnPhaseProgress {
                    your_votes_submitted: Some(1),
                    votes_required: Some(1),
                    phase_complete: Some(true),
                    ..OwnPhaseProgress::default()
                },
                players_ready: 2,
                total_players: 4,
            },
            phase_transition: None,
        }))),
    );
    assert!(a.round.is_none());
    assert!(effects.contains(&Effect::Call(ApiCall::Status(session()))));
    assert!(a.toasts.back().is_some_and(|t| t.text.contains("Correct")));
}

#[test]
fn votes_pick_with_arrows_or_numbers() {
    let mut a = in_party(PartyPhase::Vote);
    a.round = Some(fixtures::round(RoundType::Vote));
    update(&mut a, key(KeyCode::Down));
    update(&mut a, key(KeyCode::Down));
    update(&mut a, key(KeyCode::Down));
    assert_eq!(a.selected, 2);
    update(&mut a, key(KeyCode::Char('1')));
    let effects = update(&mut a, key(KeyCode::Enter));
    let Some(Effect::Call(ApiCall::Submit(_, _, choice))) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!(choice, "RAPID WIZARD");
}

#[test]
fn in_order_progress_updates_counters_without_a_refresh() {
    let mut a = in_party(PartyPhase::Copy);
    let effects = update(&mut a, progress(11, 2, 2));
    assert!(effects.is_empty());
    assert_eq!(a.seq, 11);
    let bob = &a.party.as_ref().unwrap().participants[1];
    assert_eq!(bob.copies_submitted, 2);
    assert!(bob.phase_complete);
    assert!(
        a.toasts
            .back()
            .is_some_and(|t| t.text == "bob wrote a copy")
    );
}

#[test]
fn a_duplicate_event_is_ignored() {
    let mut a = in_party(PartyPhase::Copy);
    assert!(update(&mut a, progress(10, 2, 2)).is_empty());
    assert_eq!(
        a.party.as_ref().unwrap().participants[1].copies_submitted,
        0
    );
    assert_eq!(a.seq, 10);
}

#[test]
fn a_gap_in_seq_triggers_a_resync() {
    let mut a = in_party(PartyPhase::Copy);
    let effects = update(&mut a, progress(13, 2, 2));
    assert_eq!(
        effects,
        vec![
            Effect::Call(ApiCall::Status(session())),
            Effect::ConnectWs {
                session: session(),
                since: Some(10)
            }
        ]
    );
    assert_eq!(a.seq, 10, "nothing applied past the gap");
}

#[test]
fn a_phase_transition_clears_the_round_and_refreshes() {
    let mut a = in_party(PartyPhase::Prompt);
    a.round = Some(fixtures::round(RoundType::Prompt));
    let effects = update(
        &mut a,
        event(
            11,
            ServerEvent::PhaseTransition {
                old_phase: PartyPhase::Prompt,
                new_phase: PartyPhase::Copy,
                phase_started_at: NOW,
                phase_expires_at: None,
                message: "All players finished prompts!".into(),
            },
        ),
    );
    assert!(a.round.is_none());
    assert_eq!(effects, vec![Effect::Call(ApiCall::Status(session()))]);
    assert!(
        a.toasts
            .back()
            .is_some_and(|t| t.text.starts_with("All players"))
    );
}

#[test]
fn a_snapshot_replaces_the_state() {
    let mut a = in_party(PartyPhase::Prompt);
    let snapshot: party_protocol::party_ws::SessionSnapshot =
        fixtures::status(PartyPhase::Vote).into();
    update(
        &mut a,
        event(25, ServerEvent::SessionUpdate(Box::new(snapshot))),
    );
    assert_eq!(a.phase(), Some(PartyPhase::Vote));
    assert_eq!(a.seq, 25);
}

fn play_again(skipped: Vec<SkippedPlayer>) -> Msg {
    event(
        11,
        ServerEvent::PlayAgain {
            new_session_id: party_protocol::SessionId::from_uuid(uuid::Uuid::from_u128(9)),
            party_code: fixtures::code("KMNP2345"),
            skipped,
        },
    )
}

#[test]
fn the_play_again_event_moves_the_player_to_the_new_lobby() {
    let mut a = in_party(PartyPhase::Results);
    a.screen = Screen::Results;
    a.me = Some((player(2), "bob".into()));
    assert_eq!(
        update(&mut a, play_again(vec![])),
        vec![
            Effect::CloseWs,
            Effect::Call(ApiCall::Status(party_protocol::SessionId::from_uuid(
                uuid::Uuid::from_u128(9)
            )))
        ]
    );
    assert!(a.party.is_none(), "the old party is left behind");
    assert!(a.invite.is_none(), "no key to press");
}

#[test]
fn a_player_play_again_skipped_stays_and_is_told_why() {
    let mut a = in_party(PartyPhase::Results);
    a.screen = Screen::Results;
    a.me = Some((player(2), "bob".into()));
    let skipped = SkippedPlayer {
        player_id: player(2),
        username: "bob".into(),
        reason: ErrorCode::AlreadyInParty,
        message: "bob is already in party ABCD2345 and was not brought along.".into(),
    };
    assert_eq!(update(&mut a, play_again(vec![skipped])), vec![]);
    assert_eq!(a.screen, Screen::Results);
    assert!(a.party.is_some());
    assert!(
        a.toasts.iter().any(|t| t.text.contains("ABCD2345")),
        "{:?}",
        a.toasts
    );
}

#[test]
fn ctrl_l_asks_before_leaving() {
    let ctrl_l = Msg::Key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::CONTROL));
    let session = session();
    let mut a = in_party(PartyPhase::Prompt);
    assert_eq!(update(&mut a, ctrl_l.clone()), vec![]);
    assert!(a.confirm_leave);
    assert_eq!(crate::ui::key_hints(&a), "Leave the party? y/n");
    // Anything but y keeps the player in.
    assert_eq!(update(&mut a, key(KeyCode::Char('n'))), vec![]);
    assert!(!a.confirm_leave);
    assert!(a.party.is_some());
    // Ctrl-L, then y: leave.
    update(&mut a, ctrl_l);
    assert_eq!(
        update(&mut a, key(KeyCode::Char('y'))),
        vec![Effect::Call(ApiCall::Leave(session))]
    );
}

#[test]
fn a_status_asked_for_before_leaving_does_not_bring_the_party_back() {
    let mut a = in_party(PartyPhase::Prompt);
    // The socket's own player_left arrives first and asks for the status…
    let effects = update(
        &mut a,
        event(
            11,
            ServerEvent::PlayerLeft {
                player_id: player(1),
                username: "alice".into(),
                participant_count: 3,
            },
        ),
    );
    assert_eq!(effects, vec![Effect::Call(ApiCall::Status(session()))]);
    // …then the leave is answered: the dashboard.
    update(&mut a, reply(ApiReply::Left(Ok(()))));
    assert_eq!(a.screen, Screen::Dashboard);
    // The status answers last, the player marked as gone: it is not a party
    // to show (nor a socket to open) any more.
    let mut status = fixtures::status(PartyPhase::Prompt);
    status.seq = 11;
    status.participants[0].status = party_protocol::party::ParticipantStatus::Left;
    assert_eq!(update(&mut a, reply(ApiReply::Status(Ok(status)))), vec![]);
    assert_eq!(a.screen, Screen::Dashboard);
    assert!(a.party.is_none());
}

#[test]
fn being_kicked_returns_to_the_dashboard() {
    let mut a = in_party(PartyPhase::Lobby);
    a.screen = Screen::Lobby;
    let effects = update(
        &mut a,
        event(
            11,
            ServerEvent::PlayerKicked {
                player_id: player(1),
                username: "alice".into(),
                participant_count: 3,
            },
        ),
    );
    assert_eq!(a.screen, Screen::Dashboard);
    assert!(a.party.is_none());
    assert_eq!(
        effects,
        vec![Effect::CloseWs, Effect::Call(ApiCall::Dashboard)]
    );
}

#[test]
fn when_the_socket_gives_up_the_client_polls() {
    let mut a = in_party(PartyPhase::Copy);
    update(
        &mut a,
        Msg::Ws(WsEvent::Disconnected {
            retry_in: Some(500),
            code: None,
        }),
    );
    assert_eq!(a.conn, ConnState::Reconnecting { attempt: 1 });
    update(
        &mut a,
        Msg::Ws(WsEvent::Disconnected {
            retry_in: None,
            code: None,
        }),
    );
    assert_eq!(a.conn, ConnState::Polling);
    assert!(update(&mut a, Msg::Tick(NOW + time::Duration::seconds(1))).is_empty());
    assert_eq!(
        update(&mut a, Msg::Tick(NOW + time::Duration::seconds(2))),
        vec![Effect::Call(ApiCall::Status(session()))]
    );
    update(&mut a, Msg::Ws(WsEvent::Connected));
    assert_eq!(a.conn, ConnState::Live);
}

#[test]
fn help_opens_and_closes_and_ctrl_c_quits() {
    let mut a = in_party(PartyPhase::Lobby);
    a.screen = Screen::Lobby;
    update(&mut a, key(KeyCode::Char('?')));
    assert!(a.help);
    assert!(
        update(&mut a, key(KeyCode::Char('s'))).is_empty(),
        "keys go to the help first"
    );
    update(&mut a, key(KeyCode::Esc));
    assert!(!a.help);
    let quit = update(
        &mut a,
        Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert_eq!(quit, vec![Effect::Quit]);
    assert!(a.quit);
}

#[test]
fn only_the_host_gets_host_keys() {
    let mut a = in_party(PartyPhase::Lobby);
    a.screen = Screen::Lobby;
    assert_eq!(
        update(&mut a, key(KeyCode::Char('s'))),
        vec![Effect::Call(ApiCall::Start(session()))]
    );
    a.me = Some((player(2), "bob".into()));
    assert!(update(&mut a, key(KeyCode::Char('s'))).is_empty());
    assert_eq!(
        update(&mut a, key(KeyCode::Char('r'))),
        vec![Effect::Call(ApiCall::Ready(session(), false))],
        "bob is ready, so r un-readies"
    );
}

#[test]
fn r_on_the_dashboard_rejoins_a_party_the_player_left_by_its_code() {
    let mut a = app(Screen::Dashboard);
    let mut d = fixtures::dashboard(5000, true);
    if let Some(active) = d.active_party.as_mut() {
        active.left = true;
    }
    // Signing in does not pull the player back into a party they left.
    assert_eq!(update(&mut a, reply(ApiReply::Dashboard(Ok(d)))), vec![]);
    assert_eq!(
        update(&mut a, key(KeyCode::Char('r'))),
        vec![Effect::Call(ApiCall::JoinParty("HEJY4883".into()))]
    );
}
