//! A party's configuration: the requested numbers checked against the plan's
//! ranges and the game rules.

use party_protocol::ErrorCode;
use party_protocol::party::CreatePartyRequest;

use crate::config::GameRules;
use crate::error::{Error, Result};

/// A validated party configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PartyConfig {
    pub min_players: i64,
    pub max_players: i64,
    pub prompts: i64,
    pub copies: i64,
    pub votes: i64,
    pub phase_seconds: Option<i64>,
}

fn invalid_config(message: impl Into<String>) -> Error {
    Error::api(ErrorCode::InvalidPartyConfig, message)
}

/// Checks the requested configuration against the plan's ranges and the
/// game rules: copies must be twice the prompts (each prompt needs exactly
/// two copies), and with the maximum number of players there must be at
/// least one phraseset each player may vote on.
pub(super) fn party_config(rules: &GameRules, req: &CreatePartyRequest) -> Result<PartyConfig> {
    let (lo, hi) = (rules.party_min_players, rules.party_max_players);
    let min_players = req.min_players.unwrap_or(lo);
    let max_players = req.max_players.unwrap_or(hi);
    if !(lo..=hi).contains(&min_players) || !(lo..=hi).contains(&max_players) {
        return Err(invalid_config(format!(
            "Players must be between {lo} and {hi}."
        )));
    }
    if min_players > max_players {
        return Err(invalid_config("min_players cannot exceed max_players."));
    }
    let prompts = req.prompts_per_player.unwrap_or(1);
    if !(1..=rules.party_max_prompts_per_player).contains(&prompts) {
        return Err(invalid_config(format!(
            "prompts_per_player must be between 1 and {}.",
            rules.party_max_prompts_per_player
        )));
    }
    let copies = req.copies_per_player.unwrap_or(2 * prompts);
    if copies != 2 * prompts {
        return Err(invalid_config(
            "copies_per_player must be twice prompts_per_player: every prompt gets exactly two copies.",
        ));
    }
    let votes = req
        .votes_per_player
        .unwrap_or(rules.party_default_votes_per_player);
    if !(1..=rules.party_max_votes_per_player).contains(&votes) {
        return Err(invalid_config(format!(
            "votes_per_player must be between 1 and {}.",
            rules.party_max_votes_per_player
        )));
    }
    if let Some(secs) = req.phase_seconds
        && !(rules.party_min_phase_seconds..=rules.party_max_phase_seconds).contains(&secs)
    {
        return Err(invalid_config(format!(
            "phase_seconds must be between {} and {}.",
            rules.party_min_phase_seconds, rules.party_max_phase_seconds
        )));
    }
    Ok(PartyConfig {
        min_players,
        max_players,
        prompts,
        copies,
        votes,
        phase_seconds: req.phase_seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_the_plans() {
        let c = party_config(&GameRules::default(), &CreatePartyRequest::default()).unwrap();
        assert_eq!(
            (c.min_players, c.max_players, c.prompts, c.copies, c.votes),
            (3, 8, 1, 2, 3)
        );
    }

    #[test]
    fn config_rules_are_enforced() {
        let rules = GameRules::default();
        let bad = [
            CreatePartyRequest {
                min_players: Some(2),
                ..Default::default()
            },
            CreatePartyRequest {
                max_players: Some(9),
                ..Default::default()
            },
            CreatePartyRequest {
                min_players: Some(6),
                max_players: Some(5),
                ..Default::default()
            },
            CreatePartyRequest {
                prompts_per_player: Some(2),
                copies_per_player: Some(3),
                ..Default::default()
            },
            CreatePartyRequest {
                prompts_per_player: Some(4),
                ..Default::default()
            },
            CreatePartyRequest {
                votes_per_player: Some(0),
                ..Default::default()
            },
            CreatePartyRequest {
                phase_seconds: Some(5),
                ..Default::default()
            },
        ];
        for req in bad {
            let err = party_config(&rules, &req).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidPartyConfig, "{req:?}");
        }
        let ok = party_config(
            &rules,
            &CreatePartyRequest {
                prompts_per_player: Some(2),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(ok.copies, 4, "copies default to twice the prompts");
    }
}
