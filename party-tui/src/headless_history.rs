//! Headless commands for after the party (issue 16): `history` (a page of
//! past parties, or one party's full results with `--party`), `stats`,
//! `leaderboard` and `highlights`. Each prints one JSON line.

use party_protocol::SessionId;
use party_protocol::party_history::{
    HistoryQuery, LeaderboardBoard, LeaderboardPeriod, LeaderboardQuery,
};
use serde_json::json;

use crate::headless::{Exit, Player, emit, fail};

/// `--board` values: `wins`, `net_coins`, `vote_accuracy`.
pub fn parse_board(text: &str) -> Result<LeaderboardBoard, String> {
    serde_json::from_value(json!(text))
        .map_err(|_| format!("{text:?}: expected wins, net_coins or vote_accuracy"))
}

/// `--period` values: `weekly`, `all_time`.
pub fn parse_period(text: &str) -> Result<LeaderboardPeriod, String> {
    serde_json::from_value(json!(text))
        .map_err(|_| format!("{text:?}: expected weekly or all_time"))
}

/// `headless history [--limit N] [--before ID]`: `{"event":"history",…}`;
/// `headless history --party ID`: `{"event":"party_results",…}`, the past
/// party's full results and reveal.
pub async fn history(
    p: &Player,
    limit: Option<u32>,
    before: Option<SessionId>,
    party: Option<SessionId>,
) -> Result<(), Exit> {
    if let Some(session) = party {
        let results = p.api().results(session).await.map_err(|e| fail(&e))?;
        emit(&json!({"event": "party_results", "results": results}));
        return Ok(());
    }
    let page = p
        .api()
        .party_history(&HistoryQuery { limit, before })
        .await
        .map_err(|e| fail(&e))?;
    emit(&json!({
        "event": "history",
        "parties": page.parties,
        "next_before": page.next_before,
    }));
    Ok(())
}

/// `headless highlights --party ID [--out FILE]`: `{"event":"highlights",
/// "session_id":…,"text":…}` (and `"saved_to"` with `--out`).
pub async fn highlights(
    p: &Player,
    session: SessionId,
    out: Option<&std::path::Path>,
) -> Result<(), Exit> {
    let results = p.api().results(session).await.map_err(|e| fail(&e))?;
    let text = crate::highlights::reel(&results);
    if let Some(path) = out {
        std::fs::write(path, &text).map_err(|e| {
            emit(&json!({
                "event": "error",
                "error": "cannot_write_file",
                "message": format!("could not write {}: {e}", path.display()),
            }));
            Exit::LocalFile
        })?;
    }
    emit(&json!({
        "event": "highlights",
        "session_id": session,
        "text": text,
        "saved_to": out.map(|p| p.display().to_string()),
    }));
    Ok(())
}

/// `headless stats`: `{"event":"party_stats","stats":{…}}`.
pub async fn stats(p: &Player) -> Result<(), Exit> {
    let stats = p.api().party_stats().await.map_err(|e| fail(&e))?;
    emit(&json!({"event": "party_stats", "stats": stats}));
    Ok(())
}

/// `headless leaderboard [--board B] [--period P] [--limit N]`:
/// `{"event":"leaderboard",…}` with the caller's own row in `me`.
pub async fn leaderboard(p: &Player, query: LeaderboardQuery) -> Result<(), Exit> {
    let board = p.api().leaderboard(&query).await.map_err(|e| fail(&e))?;
    emit(&json!({"event": "leaderboard", "leaderboard": board}));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boards_and_periods_parse_their_wire_names() {
        assert_eq!(parse_board("net_coins"), Ok(LeaderboardBoard::NetCoins));
        assert_eq!(parse_period("all_time"), Ok(LeaderboardPeriod::AllTime));
        assert!(parse_board("elo").is_err());
        assert!(parse_period("daily").is_err());
    }
}
