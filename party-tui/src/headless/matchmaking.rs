//! `headless quick-match` and `headless parties`: the quick-match queue
//! and the public lobby list from a script.

use std::time::Duration;

use party_protocol::matchmaking::QuickMatchStatus;
use serde_json::json;

use super::{Exit, Player, emit, fail};

/// How often `quick-match` asks the server whether the match formed.
const POLL: Duration = Duration::from_millis(500);

/// `headless quick-match [--bot-fill-after SECS] [--timeout SECS]`: queues,
/// then waits (at most `timeout`) until a party formed, and prints it
/// (`quick_match_formed`). Out of time it leaves the queue and stops with
/// `Timeout`.
pub async fn quick_match(
    p: &Player,
    bot_fill_after: Option<i64>,
    timeout: u64,
) -> Result<(), Exit> {
    let api = p.api();
    let mut status = api
        .quick_match(bot_fill_after)
        .await
        .map_err(|e| fail(&e))?;
    if let QuickMatchStatus::Queued(place) = &status {
        emit(&json!({"event": "queued", "position": place.position,
            "queue_length": place.queue_length, "bot_fill_at": place.bot_fill_at}));
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    loop {
        match status {
            QuickMatchStatus::Matched(formed) => {
                emit(
                    &json!({"event": "quick_match_formed", "session_id": formed.session_id,
                    "party_code": formed.party_code}),
                );
                return Ok(());
            }
            QuickMatchStatus::Idle => {
                // Matched into a lobby the player already left, or taken
                // out of the queue by joining a party elsewhere.
                emit(&json!({"event": "error", "error": "not_queued",
                    "message": "No longer in the quick-match queue."}));
                return Err(Exit::Refused);
            }
            QuickMatchStatus::Queued(_) => {}
        }
        if tokio::time::Instant::now() + POLL > deadline {
            // Out of time: leave rather than be matched with nobody waiting.
            let _ = api.leave_quick_match().await;
            emit(&json!({"event": "error", "error": "timeout",
                "message": "No match within the timeout; left the queue."}));
            return Err(Exit::Timeout);
        }
        tokio::time::sleep(POLL).await;
        status = api.quick_match_status().await.map_err(|e| fail(&e))?;
    }
}

/// `headless quick-match --leave`: leaves the queue.
pub async fn leave_queue(p: &Player) -> Result<(), Exit> {
    p.api().leave_quick_match().await.map_err(|e| fail(&e))?;
    emit(&json!({"event": "left_queue"}));
    Ok(())
}

/// `headless parties [--limit N] [--offset N]`: one page of public lobbies.
pub async fn parties(p: &Player, limit: i64, offset: i64) -> Result<(), Exit> {
    let page = p
        .api()
        .public_parties(limit, offset)
        .await
        .map_err(|e| fail(&e))?;
    emit(&json!({"event": "parties", "parties": page.parties, "next_offset": page.next_offset}));
    Ok(())
}
