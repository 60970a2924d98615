//! Party chat: open in the lobby and on the results, closed during rounds;
//! its limits (length, rate); who may send and read; live delivery on the
//! party socket (never as an event); mutes, live and in the pages; and the
//! chat read again, paged, once the party is over.

use std::time::Duration;

use party_protocol::party::PartyPhase;
use party_protocol::party_chat::{
    CHAT_BURST, CHAT_MAX_CHARS, ChatPage, MuteResponse, PartyChatMessage,
};
use party_protocol::party_ws::ServerEvent;
use party_protocol::{ErrorCode, PlayerId, SessionId};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::party::{Party, leave};
use crate::support::ws::WsClient;
use crate::support::{Backend, Player, Reply, TestApp, spawn_app};

const WAIT: Duration = Duration::from_secs(10);

async fn say(app: &TestApp, who: &Player, session: SessionId, text: &str) -> Reply {
    app.post(
        &format!("/party/{session}/chat"),
        &who.token,
        json!({"text": text}),
    )
    .await
}

async fn said(app: &TestApp, who: &Player, session: SessionId, text: &str) -> PartyChatMessage {
    say(app, who, session, text).await.ok()
}

async fn page(app: &TestApp, who: &Player, session: SessionId, query: &str) -> Reply {
    app.get(&format!("/party/{session}/chat{query}"), &who.token)
        .await
}

fn texts(page: &ChatPage) -> Vec<String> {
    page.messages.iter().map(|m| m.text.to_string()).collect()
}

async fn mute(app: &TestApp, who: &Player, session: SessionId, whom: PlayerId) -> Reply {
    app.post(
        &format!("/party/{session}/chat/mute"),
        &who.token,
        json!({"player_id": whom}),
    )
    .await
}

async fn unmute(app: &TestApp, who: &Player, session: SessionId, whom: PlayerId) -> Reply {
    app.request(
        reqwest::Method::DELETE,
        &format!("/party/{session}/chat/mute/{whom}"),
        Some(&who.token),
        None,
    )
    .await
}

/// The next chat message on a player's socket, skipping events.
async fn next_chat(socket: &mut WsClient) -> (i64, PartyChatMessage) {
    loop {
        let m = socket.next(WAIT).await.expect("a chat message");
        if let ServerEvent::PartyChat(message) = m.event {
            return (m.seq, message);
        }
    }
}

async fn chat_is_open_in_the_lobby_and_on_the_results_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let humans = app.guests(3).await;
    let outsider = app.guests(1).await.remove(0);
    let mut party = Party::gather(&app, humans, 1).await;
    let (ann, bob, cy) = (
        party.humans[0].clone(),
        party.humans[1].clone(),
        party.humans[2].clone(),
    );

    // The text rules, before anything is stored.
    say(&app, &ann, party.id, &"a".repeat(CHAT_MAX_CHARS + 1))
        .await
        .err(ErrorCode::ChatMessageTooLong);
    for bad in ["   ", "two\nlines"] {
        say(&app, &ann, party.id, bad)
            .await
            .err(ErrorCode::InvalidRequest);
    }
    app.post(
        &party.path("/chat"),
        &ann.token,
        json!({"text": "hi", "to": "all"}),
    )
    .await
    .err(ErrorCode::InvalidRequest);
    say(&app, &outsider, party.id, "let me in")
        .await
        .err(ErrorCode::NotAParticipant);
    say(&app, &ann, SessionId::new(), "anyone?")
        .await
        .err(ErrorCode::SessionNotFound);

    // The lobby: trimmed, numbered, with who said it.
    let longest = "b".repeat(CHAT_MAX_CHARS);
    let first = said(&app, &ann, party.id, "  hello lobby  ").await;
    assert_eq!(first.text.as_str(), "hello lobby");
    assert_eq!((first.message_id, first.player_id), (1, ann.id));
    assert_eq!(first.username, ann.username);
    assert_eq!(said(&app, &bob, party.id, &longest).await.message_id, 2);

    // Rounds: closed in every phase, for everyone.
    party.start().await;
    leave(&app, &cy, party.id).await;
    party.humans.pop();
    say(&app, &bob, party.id, "the answer is")
        .await
        .err(ErrorCode::ChatClosed);
    party.play_prompts().await;
    party.let_bots_play().await;
    assert_eq!(party.note_phase().await, PartyPhase::Copy);
    say(&app, &ann, party.id, "copy this")
        .await
        .err(ErrorCode::ChatClosed);
    party.play_copies().await;
    party.let_bots_play().await;
    if party.note_phase().await == PartyPhase::Vote {
        say(&app, &ann, party.id, "vote for mine")
            .await
            .err(ErrorCode::ChatClosed);
        party.play_votes().await;
        party.let_bots_play().await;
    }
    assert_eq!(party.note_phase().await, PartyPhase::Results);

    // Results: open again; the refusals stored nothing.
    let gg = said(&app, &bob, party.id, "gg").await;
    assert_eq!(gg.message_id, 3);
    // One who left may read the chat but not say anything.
    say(&app, &cy, party.id, "I was here")
        .await
        .err(ErrorCode::NotAParticipant);
    let seen: ChatPage = page(&app, &cy, party.id, "").await.ok();
    assert_eq!(texts(&seen), ["hello lobby", longest.as_str(), "gg"]);
    assert_eq!(seen.next_before, None);
    assert!(seen.muted.is_empty());
}

async fn only_participants_read_the_chat_and_its_pages_hold_every_message(backend: Backend) {
    let app = spawn_app(backend).await;
    let humans = app.guests(4).await;
    let [outsider, watcher] = <[Player; 2]>::try_from(app.guests(2).await).unwrap();
    let party = Party::gather(&app, humans, 0).await;
    let (ann, bob, cy, dee) = (
        &party.humans[0],
        &party.humans[1],
        &party.humans[2],
        &party.humans[3],
    );
    app.post(
        "/party/spectate",
        &watcher.token,
        json!({"party_code": party.code.to_string()}),
    )
    .await
    .ok::<Value>();

    let mut expected = Vec::new();
    for (who, text) in [
        (ann, "one"),
        (bob, "two"),
        (cy, "three"),
        (ann, "four"),
        (bob, "five"),
    ] {
        said(&app, who, party.id, text).await;
        expected.push(text.to_owned());
    }

    // Pages of two, newest page first, each oldest first.
    let mut pages = Vec::new();
    let mut query = "?limit=2".to_owned();
    loop {
        let got: ChatPage = page(&app, cy, party.id, &query).await.ok();
        pages.push(texts(&got));
        match got.next_before {
            Some(before) => query = format!("?limit=2&before={before}"),
            None => break,
        }
    }
    assert_eq!(
        pages,
        [vec!["four", "five"], vec!["two", "three"], vec!["one"]]
    );
    let whole: ChatPage = page(&app, ann, party.id, "").await.ok();
    assert_eq!(texts(&whole), expected);
    assert_eq!(
        whole
            .messages
            .iter()
            .map(|m| m.message_id)
            .collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );

    for bad in [
        "?limit=0",
        "?limit=101",
        "?before=0",
        "?after=3",
        "?limit=x",
    ] {
        page(&app, ann, party.id, bad)
            .await
            .err(ErrorCode::InvalidRequest);
    }
    // Neither a stranger nor a spectator reads the players' chat.
    for nobody in [&outsider, &watcher] {
        page(&app, nobody, party.id, "")
            .await
            .err(ErrorCode::NotAParticipant);
        say(&app, nobody, party.id, "hi")
            .await
            .err(ErrorCode::NotAParticipant);
    }
    page(&app, ann, SessionId::new(), "")
        .await
        .err(ErrorCode::SessionNotFound);

    // The rate: a burst, then 429 with Retry-After (from a player who has
    // said nothing yet, so the budget is full whatever the timing).
    for i in 0..CHAT_BURST {
        said(&app, dee, party.id, &format!("burst {i}")).await;
    }
    let limited = say(&app, dee, party.id, "one too many").await;
    limited.err(ErrorCode::RateLimited);
    assert!(limited.retry_after.is_some());
    // Each player has a budget of their own: bob has used two of his.
    said(&app, bob, party.id, "still me").await;
    let last: ChatPage = page(&app, ann, party.id, "?limit=1").await.ok();
    assert_eq!(texts(&last), ["still me"]);
    assert_eq!(last.next_before, Some(9), "the refused line was not stored");
}

async fn a_muted_player_is_neither_delivered_nor_listed(backend: Backend) {
    let app = spawn_app(backend).await;
    let humans = app.guests(3).await;
    let outsider = app.guests(1).await.remove(0);
    let party = Party::gather(&app, humans, 0).await;
    let (ann, bob, cy) = (&party.humans[0], &party.humans[1], &party.humans[2]);
    let mut sockets = Vec::new();
    for who in [ann, bob, cy] {
        let mut socket = app.ws_connect(who, party.id, None).await;
        socket.next(WAIT).await.expect("snapshot");
        sockets.push(socket);
    }

    // Who may mute whom.
    mute(&app, ann, party.id, ann.id)
        .await
        .err(ErrorCode::CannotTargetSelf);
    mute(&app, ann, party.id, outsider.id)
        .await
        .err(ErrorCode::PlayerNotFound);
    mute(&app, &outsider, party.id, bob.id)
        .await
        .err(ErrorCode::NotAParticipant);
    let muted: MuteResponse = mute(&app, ann, party.id, bob.id).await.ok();
    assert_eq!(muted.muted, [bob.id]);
    // Muting twice is harmless.
    let again: MuteResponse = mute(&app, ann, party.id, bob.id).await.ok();
    assert_eq!(again.muted, [bob.id]);

    // Bob speaks, then Cy: Ann's socket gets Cy's line first and only.
    // Chat follows one channel in order, so Bob's would have come before.
    let seq = party.status(ann).await.seq;
    said(&app, bob, party.id, "from bob").await;
    said(&app, cy, party.id, "from cy").await;
    let (chat_seq, heard) = next_chat(&mut sockets[0]).await;
    assert_eq!(heard.text.as_str(), "from cy");
    assert_eq!(chat_seq, seq, "chat is no event: it carries the last seq");
    for socket in &mut sockets[1..] {
        assert_eq!(next_chat(socket).await.1.text.as_str(), "from bob");
        assert_eq!(next_chat(socket).await.1.text.as_str(), "from cy");
    }
    let ann_sees: ChatPage = page(&app, ann, party.id, "").await.ok();
    assert_eq!(texts(&ann_sees), ["from cy"]);
    assert_eq!(ann_sees.muted, [bob.id]);
    let cy_sees: ChatPage = page(&app, cy, party.id, "").await.ok();
    assert_eq!(texts(&cy_sees), ["from bob", "from cy"]);
    assert!(cy_sees.muted.is_empty(), "a mute is the muter's own");

    // Unmuted: delivered again, and the earlier lines listed again.
    let lifted: MuteResponse = unmute(&app, ann, party.id, bob.id).await.ok();
    assert!(lifted.muted.is_empty());
    said(&app, bob, party.id, "bob again").await;
    assert_eq!(
        next_chat(&mut sockets[0]).await.1.text.as_str(),
        "bob again"
    );
    let ann_sees: ChatPage = page(&app, ann, party.id, "").await.ok();
    assert_eq!(texts(&ann_sees), ["from bob", "from cy", "bob again"]);

    // Chat advanced no event number: a ready after it is the next event.
    app.post_empty(&party.path("/ready"), &cy.token)
        .await
        .ok::<Value>();
    let next = sockets[0].next(WAIT).await.expect("an event");
    assert!(
        matches!(next.event, ServerEvent::PlayerReady { .. }),
        "{next:?}"
    );
    assert_eq!(next.seq, seq + 1);
}

/// A lobby whose last human leaves is deleted, its chat and the mutes'
/// rows of it with it (the mutes, between players, stay).
async fn a_deleted_lobby_takes_its_chat_with_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let [ann, bob] = <[Player; 2]>::try_from(app.guests(2).await).unwrap();
    let lobby = crate::support::party::create(&app, &ann, json!({})).await;
    crate::support::party::join(&app, &bob, &lobby.party_code.to_string())
        .await
        .ok::<Value>();
    said(&app, &ann, lobby.session_id, "anyone?").await;
    mute(&app, &bob, lobby.session_id, ann.id)
        .await
        .ok::<MuteResponse>();
    leave(&app, &bob, lobby.session_id).await;
    page(&app, &bob, lobby.session_id, "")
        .await
        .err(ErrorCode::NotAParticipant);
    leave(&app, &ann, lobby.session_id).await;
    page(&app, &ann, lobby.session_id, "")
        .await
        .err(ErrorCode::SessionNotFound);
    // Bob's mute of Ann outlives the lobby: in their next party, her lines
    // are not listed for him.
    let next = Party::gather(
        &app,
        vec![ann.clone(), bob.clone(), app.guests(1).await.remove(0)],
        0,
    )
    .await;
    said(&app, &ann, next.id, "hello again").await;
    let seen: ChatPage = page(&app, &bob, next.id, "").await.ok();
    assert!(seen.messages.is_empty());
    assert_eq!(seen.muted, [ann.id]);
}

/// With PostgreSQL, a message said through one instance reaches the
/// sockets held by another (SQLite serves from one process).
async fn chat_reaches_the_sockets_of_every_instance(backend: Backend) {
    let app = spawn_app(backend.clone()).await;
    let other = match backend {
        Backend::Postgres(_) => Some(app.sibling().await),
        Backend::Sqlite => None,
    };
    let far = other.as_ref().unwrap_or(&app);
    let humans = app.guests(3).await;
    let party = Party::gather(&app, humans, 0).await;
    let mut listening = far.ws_connect(&party.humans[1], party.id, None).await;
    listening.next(WAIT).await.expect("snapshot");
    said(&app, &party.humans[0], party.id, "over here").await;
    let (_, heard) = next_chat(&mut listening).await;
    assert_eq!(heard.text.as_str(), "over here");
    assert_eq!(heard.player_id, party.humans[0].id);
}

on_both_backends!(
    chat_is_open_in_the_lobby_and_on_the_results_only,
    only_participants_read_the_chat_and_its_pages_hold_every_message,
    a_muted_player_is_neither_delivered_nor_listed,
    a_deleted_lobby_takes_its_chat_with_it,
    chat_reaches_the_sockets_of_every_instance,
);
