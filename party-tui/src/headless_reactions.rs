//! Headless commands for reactions and the favourite phrase (issue 16):
//! `react` and `favourite`. Each prints one JSON line,
//! `{"event":"reactions","reactions":{…}}`: every phrase's counts, the
//! caller's own reactions and favourite, and the party's favourite phrase.

use party_protocol::SessionId;
use party_protocol::party_reactions::{PhraseRef, Reaction};
use party_protocol::round::PhraseRole;
use serde_json::json;

use crate::headless::{self, Exit, Player, emit, fail};

/// `--reaction` values: `laugh`, `love`, `wow`, `fire`, `facepalm`.
pub fn parse_reaction(text: &str) -> Result<Reaction, String> {
    Reaction::parse(text).map_err(|err| format!("{text:?}: {err}"))
}

/// `--role` values: `original`, `copy1`, `copy2`.
pub fn parse_role(text: &str) -> Result<PhraseRole, String> {
    PhraseRole::parse(text).ok_or_else(|| format!("{text:?}: expected original, copy1 or copy2"))
}

/// The party named, or the one the player is in (or was in last).
async fn session(p: &mut Player, party: Option<SessionId>) -> Result<SessionId, Exit> {
    match party {
        Some(s) => Ok(s),
        None => headless::party_or_last(p).await,
    }
}

/// `headless react --phraseset ID --role R [--reaction NAME] [--party ID]`:
/// gives (or replaces) the caller's reaction to the phrase; without
/// `--reaction`, removes it.
pub async fn react(
    p: &mut Player,
    party: Option<SessionId>,
    phrase: PhraseRef,
    reaction: Option<Reaction>,
) -> Result<(), Exit> {
    let session = session(p, party).await?;
    let out = p
        .api()
        .react(session, phrase, reaction)
        .await
        .map_err(|e| fail(&e))?;
    emit(&json!({"event": "reactions", "reactions": out}));
    Ok(())
}

/// `headless favourite [--phraseset ID --role R | --remove] [--party ID]`:
/// votes the phrase the caller's favourite, or withdraws the vote; with
/// neither, only prints the party's reactions.
pub async fn favourite(
    p: &mut Player,
    party: Option<SessionId>,
    phrase: Option<PhraseRef>,
    remove: bool,
) -> Result<(), Exit> {
    let session = session(p, party).await?;
    let api = p.api();
    let out = match (phrase, remove) {
        (Some(phrase), _) => api.favourite(session, Some(phrase)).await,
        (None, true) => api.favourite(session, None).await,
        (None, false) => api.reactions(session).await,
    }
    .map_err(|e| fail(&e))?;
    emit(&json!({"event": "reactions", "reactions": out}));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reactions_and_roles_parse_their_wire_names() {
        assert_eq!(parse_reaction("fire"), Ok(Reaction::Fire));
        assert_eq!(parse_role("copy2"), Ok(PhraseRole::Copy2));
        assert!(parse_reaction("thumbs_up").is_err());
        assert!(parse_role("copy3").is_err());
    }
}
