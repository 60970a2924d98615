//! Reactions and the favourite phrase on the results screen: the keys'
//! calls (a reaction, the same again to take it back, a favourite, never
//! one's own), counts following the answers and the socket's events, and
//! 80×24 snapshots of the reveal with counts and of the scoreboard with
//! the favourite phrase.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use party_protocol::party::PartyPhase;
use party_protocol::party_reactions::{
    FavouritePhrase, MyReaction, PartyReactionsResponse, PhraseReactions, PhraseRef, Reaction,
};
use party_protocol::party_ws::{ServerEvent, ServerMessage};
use party_protocol::round::PhraseRole;

use super::tests::draw;
use crate::core::{ApiCall, ApiReply, App, ConnState, Effect, Msg, RevealStep, Screen, update};
use crate::fixtures::{self, NOW, app, player, session, set_id, set_results};

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// Fixture set 0's phrase by role (GARAGE ECHO is alice's original, GRUMPY
/// ECHO bob's copy, LOUD NEIGHBORS the bot's).
fn phrase(role: PhraseRole) -> PhraseRef {
    PhraseRef {
        phraseset_id: set_id(0),
        role,
    }
}

fn counts(role: PhraseRole, given: &[(Reaction, i64)], favourite_votes: i64) -> PhraseReactions {
    PhraseReactions {
        phraseset_id: set_id(0),
        role,
        counts: given.iter().copied().collect::<BTreeMap<_, _>>(),
        favourite_votes,
    }
}

/// What the server answers alice at first: dana laughed at GARAGE ECHO.
fn loaded() -> PartyReactionsResponse {
    PartyReactionsResponse {
        session_id: session(),
        phrases: vec![
            counts(PhraseRole::Original, &[(Reaction::Laugh, 1)], 0),
            counts(PhraseRole::Copy1, &[], 0),
            counts(PhraseRole::Copy2, &[], 0),
        ],
        mine: vec![],
        my_favourite: None,
        favourite_phrase: None,
    }
}

fn bob_copy_favourite(votes: i64) -> FavouritePhrase {
    FavouritePhrase {
        phraseset_id: set_id(0),
        role: PhraseRole::Copy1,
        phrase: "GRUMPY ECHO".into(),
        prompt_text: "a bad reason to start a band".into(),
        author_id: player(2),
        author_username: "bob".into(),
        votes,
    }
}

/// Alice's client with the results in, the first set's original marked,
/// and the reactions loaded.
fn reacting() -> App {
    let mut a = app(Screen::Play);
    a.party = Some(fixtures::status(PartyPhase::Results));
    a.conn = ConnState::Live;
    let effects = update(
        &mut a,
        Msg::Api(Box::new(ApiReply::Results(Ok(fixtures::results())))),
    );
    assert!(
        effects.contains(&Effect::Call(ApiCall::Reactions(session()))),
        "the results ask for the reactions: {effects:?}"
    );
    update(
        &mut a,
        Msg::Api(Box::new(ApiReply::PhrasesetResults(
            set_id(0),
            Ok(set_results(0)),
        ))),
    );
    update(
        &mut a,
        Msg::Api(Box::new(ApiReply::Reactions(Ok(loaded())))),
    );
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.reveal.map(|r| r.step), Some(RevealStep::Original));
    a
}

fn event(seq: i64, event: ServerEvent) -> Msg {
    Msg::Ws(crate::core::WsEvent::Message(Box::new(ServerMessage {
        event,
        session_id: session(),
        seq,
        timestamp: NOW,
    })))
}

#[test]
fn keys_react_take_back_and_vote_a_favourite_but_never_ones_own() {
    let mut a = reacting();
    // The reveal lists GARAGE ECHO, GRUMPY ECHO, LOUD NEIGHBORS: ↓ picks bob's copy.
    assert!(press(&mut a, KeyCode::Down).is_empty());
    let copy = phrase(PhraseRole::Copy1);
    assert_eq!(
        press(&mut a, KeyCode::Char('4')),
        [Effect::Call(ApiCall::React(
            session(),
            copy,
            Some(Reaction::Fire)
        ))]
    );
    // The answer: alice's fire on it.
    let mut answered = loaded();
    answered.phrases[1] = counts(PhraseRole::Copy1, &[(Reaction::Fire, 1)], 0);
    answered.mine = vec![MyReaction {
        phraseset_id: set_id(0),
        role: PhraseRole::Copy1,
        reaction: Reaction::Fire,
    }];
    update(
        &mut a,
        Msg::Api(Box::new(ApiReply::Reactions(Ok(answered)))),
    );
    // The same key again takes it back.
    assert_eq!(
        press(&mut a, KeyCode::Char('4')),
        [Effect::Call(ApiCall::React(session(), copy, None))]
    );
    assert_eq!(
        press(&mut a, KeyCode::Char('f')),
        [Effect::Call(ApiCall::Favourite(session(), Some(copy)))]
    );
    // ↑ picks alice's own original: no favourite, a message instead.
    press(&mut a, KeyCode::Up);
    assert!(press(&mut a, KeyCode::Char('f')).is_empty());
    assert!(
        a.error
            .as_deref()
            .is_some_and(|e| e.contains("someone else"))
    );
    // Reacting keeps the set on screen: the reveal did not move on.
    assert_eq!(a.reveal.map(|r| r.step), Some(RevealStep::Original));
}

#[test]
fn events_update_the_counts_and_the_favourite_with_the_awards() {
    let mut a = reacting();
    let seq = a.seq;
    update(
        &mut a,
        event(
            seq + 1,
            ServerEvent::ReactionsChanged {
                phrases: vec![counts(
                    PhraseRole::Copy1,
                    &[(Reaction::Laugh, 2), (Reaction::Wow, 1)],
                    2,
                )],
                favourite_phrase: Some(bob_copy_favourite(2)),
            },
        ),
    );
    let reactions = a.reactions.as_ref().expect("loaded");
    let copy = reactions.of(phrase(PhraseRole::Copy1)).expect("listed");
    assert_eq!(copy.counts[&Reaction::Laugh], 2);
    assert_eq!(copy.favourite_votes, 2);
    assert_eq!(
        reactions.of(phrase(PhraseRole::Original)).unwrap().counts[&Reaction::Laugh],
        1,
        "a phrase the event does not name keeps its counts"
    );
    let results = a.results.as_ref().expect("results");
    assert_eq!(results.awards.favourite_phrase, Some(bob_copy_favourite(2)));
    press(&mut a, KeyCode::Down);
    let screen = draw(&a);
    assert!(screen.contains(" ▸2. GRUMPY ECHO"), "{screen}");
    assert!(screen.contains("s skip to the scores"), "{screen}");
    assert!(screen.contains("😂2 😮1 · ♥2"), "{screen}");
    insta::assert_snapshot!("reactions_on_the_reveal", screen);

    // The scoreboard shows the favourite with the awards.
    press(&mut a, KeyCode::Char('s'));
    assert_eq!(a.reveal, None);
    let screen = draw(&a);
    assert!(
        screen.contains("Favourite phrase: GRUMPY ECHO by bob (♥ 2 votes)"),
        "{screen}"
    );
    insta::assert_snapshot!("favourite_phrase_with_the_awards", screen);
}
