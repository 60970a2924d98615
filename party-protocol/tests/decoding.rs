//! Decoding never panics: whatever bytes a client sends as a request body
//! or a socket message, the decoders answer with a value or an error. The
//! server turns the error into `400 invalid_request` (or closes the socket
//! with its documented code); a panic would be a 500 or a dropped task.
//! Two generators: raw bytes (mostly not JSON at all), and JSON values
//! built from the fields the real bodies use, so the decoders' inner
//! paths (enums, newtypes, nested objects) are reached too.

use party_protocol::account::{LoginRequest, RefreshRequest, RegisterRequest};
use party_protocol::party::{AddBotsRequest, CreatePartyRequest, JoinPartyRequest, ReadyRequest};
use party_protocol::party_ws::ClientMessage;
use party_protocol::round::SubmitRequest;
use party_protocol::{Phrase, Username};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Decodes `bytes` as every request body and client message.
fn decode_all(bytes: &[u8]) {
    let _ = serde_json::from_slice::<RegisterRequest>(bytes);
    let _ = serde_json::from_slice::<LoginRequest>(bytes);
    let _ = serde_json::from_slice::<RefreshRequest>(bytes);
    let _ = serde_json::from_slice::<CreatePartyRequest>(bytes);
    let _ = serde_json::from_slice::<JoinPartyRequest>(bytes);
    let _ = serde_json::from_slice::<ReadyRequest>(bytes);
    let _ = serde_json::from_slice::<AddBotsRequest>(bytes);
    let _ = serde_json::from_slice::<SubmitRequest>(bytes);
    let _ = serde_json::from_slice::<ClientMessage>(bytes);
}

/// Keys the real bodies and messages use, plus one nobody uses.
const KEYS: &[&str] = &[
    "type",
    "since",
    "phrase",
    "username",
    "password",
    "email",
    "refresh_token",
    "party_code",
    "is_ready",
    "count",
    "min_players",
    "max_players",
    "prompts_per_player",
    "copies_per_player",
    "votes_per_player",
    "phase_seconds",
    "unknown",
];

/// Values a hostile client might put there.
const TEXT: &[&str] = &[
    "ping",
    "resume",
    "pong",
    "ABCD2345",
    "abcd2345",
    "",
    " ",
    "a",
    "GARDEN PARTY",
    "\u{0}",
    "🎉",
    "-1",
    "9223372036854775807",
    "null",
    "ＡＢＣＤ２３４５",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(TEXT).prop_map(Value::from),
        "\\PC{0,30}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|pairs| {
                Value::Object(
                    pairs
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<String, Value>>(),
                )
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic_a_decoder(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        decode_all(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics_a_decoder(value in json_value()) {
        let bytes = serde_json::to_vec(&value).expect("a JSON value serializes");
        decode_all(&bytes);
    }

    #[test]
    fn arbitrary_text_never_panics_the_newtype_parsers(text in "\\PC{0,120}") {
        // What parses, round-trips; the rest is an error value, not a panic.
        if let Ok(phrase) = Phrase::parse(&text) {
            prop_assert_eq!(Phrase::parse(phrase.as_str()), Ok(phrase.clone()));
        }
        if let Ok(name) = Username::parse(&text) {
            prop_assert_eq!(Username::parse(name.as_str()), Ok(name.clone()));
        }
        if let Ok(code) = party_protocol::party::PartyCode::parse(&text) {
            prop_assert_eq!(party_protocol::party::PartyCode::parse(code.as_str()), Ok(code.clone()));
        }
    }
}
