//! After the party (issue 16): the standings stored when a party settles,
//! and what is read from them — a player's history, their party stats and
//! the leaderboards. The rules live in `party::standings`; this module
//! gathers the facts and shapes the answers.

use std::collections::HashMap;

use party_protocol::party::{PartyCode, PartyPhase, SessionStatus};
use party_protocol::party_history::{
    BestPhrase, HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT, HistoryEntry, HistoryPlayer,
    HistoryQuery, HistoryResponse, LEADERBOARD_DEFAULT_LIMIT, LEADERBOARD_MAX_LIMIT,
    LEADERBOARD_MIN_VOTES, LeaderboardQuery, LeaderboardResponse, LeaderboardRow,
    PartyStatsResponse,
};
use party_protocol::{Coins, ErrorCode, PlayerId, SessionId};
use uuid::Uuid;

use super::access::not_found;
use super::view::public_results;
use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::party::standings::{self, Finish, Totals};
use crate::service::Game;
use crate::store::{BoardRow, PhraseRow, StandingRow, Tx};

/// Stores a settled party's standings: its rankings as the results show
/// them now, in the settling transaction. A lobby abandoned before the
/// start has no results and stores nothing.
pub(super) async fn record_standings(tx: &mut Tx, session: Uuid, now: Millis) -> Result<()> {
    let s = tx.session(session).await?.ok_or_else(not_found)?;
    if s.phase() == PartyPhase::Lobby {
        return Ok(());
    }
    let results = public_results(tx, &s).await?;
    let rows: Vec<StandingRow> = results
        .rankings
        .iter()
        .map(|r| StandingRow {
            player_id: r.player_id.as_uuid(),
            is_bot: r.is_bot,
            rank: r.rank,
            net_coins: r.net_coins.get(),
            votes: r.votes_submitted,
            correct_votes: r.correct_votes,
            original_votes: r.votes_on_originals,
            copy_votes_fooled: r.votes_fooled,
        })
        .collect();
    let completed = results.status == SessionStatus::Completed;
    tx.insert_standings(session, now, completed, &rows).await
}

fn bounded(limit: Option<u32>, default: u32, max: u32, what: &str) -> Result<i64> {
    match limit.unwrap_or(default) {
        n @ 1.. if n <= max => Ok(i64::from(n)),
        _ => Err(Error::api(
            ErrorCode::InvalidRequest,
            format!("{what} limit must be between 1 and {max}."),
        )),
    }
}

/// The phrase of `player`'s that drew the most votes; ties go to the
/// earlier party, then the phrase text, so the answer is stable.
fn best_phrase(player: Uuid, rows: &[PhraseRow]) -> Option<BestPhrase> {
    let mine = rows.iter().flat_map(|r| {
        [
            (
                r.original_player_id,
                &r.original_phrase,
                r.original_votes,
                true,
            ),
            (r.copy_player_1, &r.copy_phrase_1, r.copy_votes_1, false),
            (r.copy_player_2, &r.copy_phrase_2, r.copy_votes_2, false),
        ]
        .into_iter()
        .filter(move |(author, ..)| *author == player)
        .map(move |(_, phrase, votes, is_original)| (r, phrase, votes, is_original))
    });
    mine.filter(|(_, _, votes, _)| *votes > 0)
        .min_by(|a, b| {
            b.2.cmp(&a.2)
                .then(a.0.ended_at.cmp(&b.0.ended_at))
                .then_with(|| a.1.cmp(b.1))
        })
        .map(|(r, phrase, votes, is_original)| BestPhrase {
            phrase: phrase.clone(),
            prompt_text: r.prompt_text.clone(),
            is_original,
            votes,
            session_id: r.session_id.into(),
        })
}

fn board_row(
    board: party_protocol::party_history::LeaderboardBoard,
    r: BoardRow,
) -> LeaderboardRow {
    let totals = Totals {
        played: r.played,
        wins: r.wins,
        net_coins: r.net,
        votes: r.votes,
        correct: r.correct,
    };
    LeaderboardRow {
        rank: r.pos,
        player_id: PlayerId::from_uuid(r.player_id),
        username: r.username,
        value: standings::board_value(board, &totals),
        parties_played: r.played,
        wins: r.wins,
        net_coins: Coins::new(r.net),
        votes_cast: r.votes,
        correct_votes: r.correct,
    }
}

impl Game {
    /// `GET /party/history`: a page of the caller's finished parties.
    #[tracing::instrument(skip_all, fields(player = %player))]
    pub async fn party_history(
        &self,
        player: PlayerId,
        query: HistoryQuery,
    ) -> Result<HistoryResponse> {
        let limit = bounded(
            query.limit,
            HISTORY_DEFAULT_LIMIT,
            HISTORY_MAX_LIMIT,
            "The history",
        )?;
        let mut tx = self.store.read().await?;
        let after = match query.before {
            None => None,
            Some(before) => Some(
                tx.history_cursor(player, before.as_uuid())
                    .await?
                    .ok_or_else(|| {
                        Error::api(
                            ErrorCode::InvalidRequest,
                            "`before` must name a party of your history (a page's next_before).",
                        )
                    })?,
            ),
        };
        // One more than the page tells whether another page follows.
        let mut page = tx.history_page(player, after, limit + 1).await?;
        let more = page.len() as i64 > limit;
        page.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let ids: Vec<Uuid> = page.iter().map(|h| h.session_id).collect();
        let mut players: HashMap<Uuid, Vec<HistoryPlayer>> = HashMap::new();
        for p in tx.standings_of(&ids).await? {
            players
                .entry(p.session_id)
                .or_default()
                .push(HistoryPlayer {
                    player_id: PlayerId::from_uuid(p.player_id),
                    username: p.username,
                    is_bot: p.is_bot,
                    rank: p.rank,
                    net_coins: Coins::new(p.net_coins),
                });
        }
        let next_before = more
            .then(|| page.last().map(|h| SessionId::from(h.session_id)))
            .flatten();
        let parties = page
            .into_iter()
            .map(|h| {
                Ok(HistoryEntry {
                    session_id: h.session_id.into(),
                    party_code: PartyCode::parse(&h.party_code).map_err(|_| {
                        Error::internal(format!(
                            "stored party code {:?} is malformed",
                            h.party_code
                        ))
                    })?,
                    status: if h.completed {
                        SessionStatus::Completed
                    } else {
                        SessionStatus::Abandoned
                    },
                    ended_at: Millis(h.ended_at).to_datetime(),
                    rank: h.rank,
                    net_coins: Coins::new(h.net_coins),
                    players: players.remove(&h.session_id).unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(HistoryResponse {
            parties,
            next_before,
        })
    }

    /// `GET /player/party-stats`: the caller's record over every party
    /// they finished, recomputed from the stored standings each time.
    #[tracing::instrument(skip_all, fields(player = %player))]
    pub async fn party_stats(&self, player: PlayerId) -> Result<PartyStatsResponse> {
        let mut tx = self.store.read().await?;
        let totals = tx.stats_totals(player).await?;
        let finishes: Vec<Finish> = tx
            .finishes(player)
            .await?
            .into_iter()
            .map(|(completed, rank)| Finish { completed, rank })
            .collect();
        let phrases = tx.standing_phrases(player).await?;
        let (current, best) = standings::win_streaks(&finishes);
        Ok(PartyStatsResponse {
            parties_played: totals.played,
            parties_won: totals.wins,
            average_rank: standings::average_rank(totals.rank_sum, totals.played),
            net_coins: Coins::new(totals.net_coins),
            votes_cast: totals.votes,
            correct_votes: totals.correct_votes,
            vote_accuracy: standings::accuracy(totals.correct_votes, totals.votes),
            original_votes: totals.original_votes,
            copy_votes_fooled: totals.copy_votes_fooled,
            best_phrase: best_phrase(player.as_uuid(), &phrases),
            current_win_streak: current,
            best_win_streak: best,
        })
    }

    /// Recounts the all-time boards if the standings changed since they
    /// were last counted (at start-up, so that no request waits for it).
    pub async fn warm_leaderboards(&self) -> Result<()> {
        self.boards.warm(&self.store, LEADERBOARD_MIN_VOTES).await
    }

    /// Standings were stored by another instance (or may have been while
    /// its notices could not arrive): the boards recount on their next read.
    pub fn standings_changed(&self) {
        self.store.standings_changed();
    }

    /// `GET /party/leaderboard`: the top of a board and the caller's row.
    #[tracing::instrument(skip_all, fields(player = %player))]
    pub async fn party_leaderboard(
        &self,
        player: PlayerId,
        query: LeaderboardQuery,
    ) -> Result<LeaderboardResponse> {
        let limit = bounded(
            query.limit,
            LEADERBOARD_DEFAULT_LIMIT,
            LEADERBOARD_MAX_LIMIT,
            "The leaderboard",
        )?;
        let since = standings::period_start(query.period, self.now());
        let rows = if let Some(since) = since {
            let mut tx = self.store.read().await?;
            tx.leaderboard(query.board, since, LEADERBOARD_MIN_VOTES, limit, player)
                .await?
        } else {
            // Every standing of every person: ranked in memory, recounted
            // once per settlement (see `boards`).
            self.boards
                .rows(
                    &self.store,
                    query.board,
                    LEADERBOARD_MIN_VOTES,
                    limit,
                    player.as_uuid(),
                )
                .await?
        };
        let mut me = None;
        let mut top = Vec::new();
        for r in rows {
            let row = board_row(query.board, r);
            if row.player_id == player {
                me = Some(row.clone());
            }
            if row.rank <= limit {
                top.push(row);
            }
        }
        Ok(LeaderboardResponse {
            board: query.board,
            period: query.period,
            since: since.map(Millis::to_datetime),
            min_votes: LEADERBOARD_MIN_VOTES,
            rows: top,
            me,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(author: Uuid, copier: Uuid, votes: (i64, i64, i64), ended_at: i64) -> PhraseRow {
        PhraseRow {
            session_id: Uuid::new_v4(),
            ended_at,
            prompt_text: "a prompt".into(),
            original_phrase: "ORIGINAL".into(),
            copy_phrase_1: "COPY ONE".into(),
            copy_phrase_2: "COPY TWO".into(),
            original_player_id: author,
            copy_player_1: copier,
            copy_player_2: Uuid::new_v4(),
            original_votes: votes.0,
            copy_votes_1: votes.1,
            copy_votes_2: votes.2,
        }
    }

    #[test]
    fn the_best_phrase_is_the_most_voted_of_the_players_own() {
        let me = Uuid::new_v4();
        let other = Uuid::new_v4();
        let rows = [
            set(me, other, (1, 5, 0), 10),
            set(other, me, (0, 3, 9), 20),
            set(other, me, (2, 3, 0), 30),
        ];
        let best = best_phrase(me, &rows).unwrap();
        // The 5 and 9 went to other people's phrases.
        assert_eq!(
            (best.phrase.as_str(), best.votes, best.is_original),
            ("COPY ONE", 3, false)
        );
        assert_eq!(
            best.session_id,
            SessionId::from(rows[1].session_id),
            "ties: the earlier party"
        );
        assert!(
            best_phrase(me, &[set(me, other, (0, 1, 1), 5)]).is_none(),
            "no vote, no best"
        );
    }

    #[test]
    fn limits_are_bounded() {
        assert_eq!(bounded(None, 20, 50, "x").unwrap(), 20);
        assert_eq!(bounded(Some(50), 20, 50, "x").unwrap(), 50);
        assert!(bounded(Some(0), 20, 50, "x").is_err());
        assert!(bounded(Some(51), 20, 50, "x").is_err());
    }
}
