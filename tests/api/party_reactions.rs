//! Reactions and the favourite phrase (issue 16): only participants of a
//! party with results, one reaction per phrase and player (replaced, then
//! removed), counts that every member's socket receives live, the rate
//! limit, and the favourite phrase's rules — not one's own, one per party,
//! ties broken as the README says, shown with the awards.

use std::collections::BTreeMap;
use std::time::Duration;

use party_protocol::ErrorCode;
use party_protocol::party::PartyResultsResponse;
use party_protocol::party_reactions::{PartyReactionsResponse, PhraseRef, Reaction};
use party_protocol::party_ws::ServerEvent;
use party_protocol::round::PhraseRole;
use party_protocol::{PhrasesetId, PlayerId, SessionId};
use serde_json::json;

use crate::on_both_backends;
use crate::support::party::Party;
use crate::support::ws::WsClient;
use crate::support::{Backend, Player, Reply, TestApp, spawn_app};

const WAIT: Duration = Duration::from_secs(10);

async fn react(
    app: &TestApp,
    who: &Player,
    session: SessionId,
    phrase: PhraseRef,
    reaction: &str,
) -> Reply {
    app.post(
        &format!("/party/{session}/reactions"),
        &who.token,
        json!({"phraseset_id": phrase.phraseset_id, "role": phrase.role, "reaction": reaction}),
    )
    .await
}

async fn unreact(app: &TestApp, who: &Player, session: SessionId, phrase: PhraseRef) -> Reply {
    let role = serde_json::to_value(phrase.role).unwrap();
    let path = format!(
        "/party/{session}/reactions/{}/{}",
        phrase.phraseset_id,
        role.as_str().unwrap()
    );
    app.request(reqwest::Method::DELETE, &path, Some(&who.token), None)
        .await
}

async fn favourite(app: &TestApp, who: &Player, session: SessionId, phrase: PhraseRef) -> Reply {
    app.post(
        &format!("/party/{session}/favourite"),
        &who.token,
        json!({"phraseset_id": phrase.phraseset_id, "role": phrase.role}),
    )
    .await
}

/// Every phrase of the results with its author and game votes, in the
/// results' order.
fn phrases(results: &PartyResultsResponse) -> Vec<(PhraseRef, PlayerId, i64)> {
    results
        .phrasesets_summary
        .iter()
        .flat_map(|set| {
            set.phrases.iter().map(|p| {
                (
                    PhraseRef {
                        phraseset_id: set.phraseset_id,
                        role: p.role,
                    },
                    p.author_id,
                    p.votes,
                )
            })
        })
        .collect()
}

/// The first phrase, in the results' order, that none of `who` wrote and
/// that is not `skip`.
fn not_by(results: &PartyResultsResponse, who: &[&Player], skip: Option<PhraseRef>) -> PhraseRef {
    phrases(results)
        .into_iter()
        .find(|(p, author, _)| who.iter().all(|w| w.id != *author) && Some(*p) != skip)
        .map(|(p, ..)| p)
        .expect("a phrase by someone else")
}

fn counts(body: &PartyReactionsResponse, phrase: PhraseRef) -> BTreeMap<Reaction, i64> {
    body.of(phrase)
        .expect("the phrase is listed")
        .counts
        .clone()
}

/// The `reactions_changed` events a socket receives up to `seq`: for each,
/// the counts of `phrase` it carries (if it names it) and its favourite.
async fn changes(
    socket: &mut WsClient,
    seq: i64,
    phrase: PhraseRef,
) -> Vec<(Option<BTreeMap<Reaction, i64>>, Option<PhraseRef>)> {
    socket.until_seq(seq, WAIT).await;
    socket
        .received
        .iter()
        .filter_map(|m| match &m.event {
            ServerEvent::ReactionsChanged {
                phrases,
                favourite_phrase,
            } => Some((
                phrases
                    .iter()
                    .find(|p| p.phrase() == phrase)
                    .map(|p| p.counts.clone()),
                favourite_phrase.as_ref().map(|f| PhraseRef {
                    phraseset_id: f.phraseset_id,
                    role: f.role,
                }),
            )),
            _ => None,
        })
        .collect()
}

/// The party's last event `seq`, as its status says.
async fn last_seq(party: &Party<'_>, who: &Player) -> i64 {
    party.status(who).await.seq
}

/// Refused before RESULTS and to outsiders; one reaction per phrase and
/// player, replaced and removed; every change reaches the other members'
/// sockets in order with the phrase's whole counts; bad reactions, unknown
/// phrases and a flood are refused with their codes, changing nothing.
async fn reactions_are_one_per_phrase_per_player_and_reach_every_socket(backend: Backend) {
    let app = spawn_app(backend).await;
    let people = app.guests(4).await;
    let (a, b, c, outsider) = (&people[0], &people[1], &people[2], &people[3]);
    let mut party = Party::gather(&app, people[..3].to_vec(), 1).await;
    let nowhere = PhraseRef {
        phraseset_id: PhrasesetId::new(),
        role: PhraseRole::Original,
    };
    react(&app, a, party.id, nowhere, "laugh")
        .await
        .err(ErrorCode::WrongPhase);
    favourite(&app, a, party.id, nowhere)
        .await
        .err(ErrorCode::WrongPhase);
    party.play_to_results(true).await;
    let results = party.results().await;
    // Neither a's nor c's: c's own phrase gets a reaction of its own below.
    let target = not_by(&results, &[a, c], None);

    // Only the party's participants, only for a party that exists.
    react(&app, outsider, party.id, target, "laugh")
        .await
        .err(ErrorCode::NotAParticipant);
    app.get(&format!("/party/{}/reactions", party.id), &outsider.token)
        .await
        .err(ErrorCode::NotAParticipant);
    react(&app, a, SessionId::new(), target, "laugh")
        .await
        .err(ErrorCode::SessionNotFound);
    react(&app, a, party.id, target, "thumbs_up")
        .await
        .err(ErrorCode::InvalidReaction);
    react(&app, a, party.id, nowhere, "laugh")
        .await
        .err(ErrorCode::PhraseNotFound);
    let bad_role = format!(
        "/party/{}/reactions/{}/copy3",
        party.id, target.phraseset_id
    );
    app.request(reqwest::Method::DELETE, &bad_role, Some(&a.token), None)
        .await
        .err(ErrorCode::InvalidRequest);

    let start = last_seq(&party, a).await;
    let mut b_socket = app.ws_connect(b, party.id, Some(start)).await;
    let mut c_socket = app.ws_connect(c, party.id, Some(start)).await;

    let first: PartyReactionsResponse = react(&app, a, party.id, target, "laugh").await.ok();
    assert_eq!(
        counts(&first, target),
        BTreeMap::from([(Reaction::Laugh, 1)])
    );
    assert_eq!(first.my_reaction(target), Some(Reaction::Laugh));
    // Reacting again replaces the reaction: still one from a.
    let replaced: PartyReactionsResponse = react(&app, a, party.id, target, "fire").await.ok();
    assert_eq!(
        counts(&replaced, target),
        BTreeMap::from([(Reaction::Fire, 1)])
    );
    // The same reaction once more changes nothing and records no event.
    let same: PartyReactionsResponse = react(&app, a, party.id, target, "fire").await.ok();
    assert_eq!(same, replaced);
    let both: PartyReactionsResponse = react(&app, b, party.id, target, "fire").await.ok();
    assert_eq!(counts(&both, target), BTreeMap::from([(Reaction::Fire, 2)]));
    assert_eq!(both.my_reaction(target), Some(Reaction::Fire));
    // Reacting to one's own phrase is allowed.
    let own = phrases(&results)
        .into_iter()
        .find(|(_, author, _)| *author == c.id)
        .map(|(p, ..)| p)
        .expect("c wrote a phrase");
    react(&app, c, party.id, own, "facepalm")
        .await
        .ok::<PartyReactionsResponse>();
    let removed: PartyReactionsResponse = unreact(&app, a, party.id, target).await.ok();
    assert_eq!(
        counts(&removed, target),
        BTreeMap::from([(Reaction::Fire, 1)])
    );
    assert_eq!(removed.my_reaction(target), None);
    // Removing nothing is harmless.
    let again: PartyReactionsResponse = unreact(&app, a, party.id, target).await.ok();
    assert_eq!(again, removed);

    // Five changes, five events (none for the two calls that changed
    // nothing), each with the phrase's whole counts, received by both
    // other members in the same order.
    let end = last_seq(&party, a).await;
    let expected = vec![
        Some(BTreeMap::from([(Reaction::Laugh, 1)])),
        Some(BTreeMap::from([(Reaction::Fire, 1)])),
        Some(BTreeMap::from([(Reaction::Fire, 2)])),
        None,
        Some(BTreeMap::from([(Reaction::Fire, 1)])),
    ];
    for socket in [&mut b_socket, &mut c_socket] {
        let seen: Vec<_> = changes(socket, end, target)
            .await
            .into_iter()
            .map(|(counts, favourite)| {
                assert_eq!(favourite, None, "nobody voted a favourite");
                counts
            })
            .collect();
        assert_eq!(seen, expected);
    }

    // Anyone in the party reads the same counts; each sees their own.
    let seen_by_c: PartyReactionsResponse = app
        .get(&format!("/party/{}/reactions", party.id), &c.token)
        .await
        .ok();
    assert_eq!(seen_by_c.phrases, removed.phrases);
    assert_eq!(seen_by_c.phrases.len(), phrases(&results).len());
    assert_eq!(seen_by_c.mine.len(), 1);
    assert_eq!(seen_by_c.my_reaction(own), Some(Reaction::Facepalm));

    // A flood is cut short (`429` with `Retry-After`), and what got
    // through still counts as a's one reaction.
    let flood = ["laugh", "love", "wow", "fire", "facepalm"];
    let mut limited = None;
    for i in 0..60 {
        let reply = react(&app, a, party.id, target, flood[i % flood.len()]).await;
        if reply.status.as_u16() == 429 {
            limited = Some(reply);
            break;
        }
        reply.ok::<PartyReactionsResponse>();
    }
    let limited = limited.expect("the flood was never limited");
    limited.err(ErrorCode::RateLimited);
    assert!(limited.retry_after.is_some());
    let after: PartyReactionsResponse = app
        .get(&format!("/party/{}/reactions", party.id), &b.token)
        .await
        .ok();
    assert_eq!(counts(&after, target).values().sum::<i64>(), 2);
    b_socket.close().await;
    c_socket.close().await;
    app.assert_conserved().await;
}

/// The favourite phrase by the README's rule, computed here from the
/// results: most favourite votes, then more game votes, then the earlier
/// phrase in the results' order.
fn expected_favourite(
    results: &PartyResultsResponse,
    votes: &[(PhraseRef, i64)],
) -> Option<PhraseRef> {
    let mut best: Option<(i64, i64, PhraseRef)> = None;
    for (phrase, _, game) in phrases(results) {
        let fav = votes
            .iter()
            .filter(|(p, _)| *p == phrase)
            .map(|(_, n)| *n)
            .sum::<i64>();
        if fav > 0 && best.is_none_or(|(f, g, _)| (fav, game) > (f, g)) {
            best = Some((fav, game, phrase));
        }
    }
    best.map(|(.., p)| p)
}

/// Not one's own phrase; one favourite per participant, moved and
/// withdrawn; the winner and its ties as the README says, in the results'
/// awards and in the events.
async fn the_favourite_phrase_is_one_per_player_with_ties_broken(backend: Backend) {
    let app = spawn_app(backend).await;
    let people = app.guests(3).await;
    let (a, b, c) = (&people[0], &people[1], &people[2]);
    let mut party = Party::gather(&app, people.clone(), 1).await;
    party.play_to_results(true).await;
    let results = party.results().await;
    assert_eq!(
        results.awards.favourite_phrase, None,
        "no votes, no favourite"
    );

    let mine = phrases(&results)
        .into_iter()
        .find(|(_, author, _)| *author == a.id)
        .map(|(p, ..)| p)
        .expect("a wrote a phrase");
    favourite(&app, a, party.id, mine)
        .await
        .err(ErrorCode::OwnPhrase);

    let start = last_seq(&party, a).await;
    let mut c_socket = app.ws_connect(c, party.id, Some(start)).await;
    // liked: neither a's nor b's (both vote for it); rival: neither b's nor c's.
    let liked = not_by(&results, &[a, b], None);
    let rival = not_by(&results, &[b, c], Some(liked));
    // One vote each: a tie, broken by game votes, then order.
    favourite(&app, a, party.id, liked)
        .await
        .ok::<PartyReactionsResponse>();
    let tied: PartyReactionsResponse = favourite(&app, b, party.id, rival).await.ok();
    let want = expected_favourite(&results, &[(liked, 1), (rival, 1)]);
    let crowned = tied.favourite_phrase.as_ref().map(|f| PhraseRef {
        phraseset_id: f.phraseset_id,
        role: f.role,
    });
    assert_eq!(crowned, want);
    assert_eq!(tied.favourite_phrase.as_ref().map(|f| f.votes), Some(1));
    assert_eq!(tied.my_favourite, Some(rival));
    let shown = party.results().await.awards.favourite_phrase;
    assert_eq!(shown, tied.favourite_phrase, "shown with the awards");

    // b moves their vote to liked: liked has two and wins outright; the event
    // carries both phrases' new counts.
    let moved: PartyReactionsResponse = favourite(&app, b, party.id, liked).await.ok();
    assert_eq!(moved.of(liked).unwrap().favourite_votes, 2);
    assert_eq!(moved.of(rival).unwrap().favourite_votes, 0);
    let winner = moved.favourite_phrase.clone().expect("liked wins");
    assert_eq!(
        (winner.phraseset_id, winner.role, winner.votes),
        (liked.phraseset_id, liked.role, 2)
    );
    let (author, text) = results
        .phrasesets_summary
        .iter()
        .find(|s| s.phraseset_id == liked.phraseset_id)
        .and_then(|s| s.phrases.iter().find(|p| p.role == liked.role))
        .map(|p| (p.author_id, p.phrase.clone()))
        .unwrap();
    assert_eq!((winner.author_id, winner.phrase.clone()), (author, text));

    // a withdraws: liked keeps b's vote.
    let withdrawn: PartyReactionsResponse = app
        .request(
            reqwest::Method::DELETE,
            &format!("/party/{}/favourite", party.id),
            Some(&a.token),
            None,
        )
        .await
        .ok();
    assert_eq!(withdrawn.my_favourite, None);
    assert_eq!(withdrawn.of(liked).unwrap().favourite_votes, 1);
    // c votes rival: a tie of one each again, broken the same way as before.
    let retied: PartyReactionsResponse = favourite(&app, c, party.id, rival).await.ok();
    let crowned = retied.favourite_phrase.as_ref().map(|f| PhraseRef {
        phraseset_id: f.phraseset_id,
        role: f.role,
    });
    assert_eq!(crowned, want);

    // The socket saw every change: the move named both phrases.
    let end = last_seq(&party, a).await;
    c_socket.until_seq(end, WAIT).await;
    let named: Vec<usize> = c_socket
        .received
        .iter()
        .filter_map(|m| match &m.event {
            ServerEvent::ReactionsChanged { phrases, .. } => Some(phrases.len()),
            _ => None,
        })
        .collect();
    assert_eq!(named, [1, 1, 2, 1, 1]);
    let last = changes(&mut c_socket, end, liked).await.pop().unwrap();
    assert_eq!(last.1, want);
    c_socket.close().await;
    app.assert_conserved().await;
}

on_both_backends!(
    reactions_are_one_per_phrase_per_player_and_reach_every_socket,
    the_favourite_phrase_is_one_per_player_with_ties_broken,
);
