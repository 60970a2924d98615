//! History, stats and leaderboards as a client reads them, and the same
//! records recomputed here from the results bodies a test saw, following
//! the README's definitions, so tests check the server against the rules
//! rather than against itself.

use std::collections::HashMap;

use party_protocol::party::{PartyResultsResponse, SessionStatus};
use party_protocol::party_history::{
    HistoryResponse, LeaderboardBoard, LeaderboardResponse, PartyStatsResponse,
};
use party_protocol::{PlayerId, SessionId};

use super::{Player, Reply, TestApp};

impl TestApp {
    pub async fn history_raw(&self, who: &Player, query: &str) -> Reply {
        self.get(&format!("/party/history{query}"), &who.token)
            .await
    }

    pub async fn history(&self, who: &Player, query: &str) -> HistoryResponse {
        self.history_raw(who, query).await.ok()
    }

    pub async fn party_stats(&self, who: &Player) -> PartyStatsResponse {
        self.get("/player/party-stats", &who.token).await.ok()
    }

    pub async fn leaderboard_raw(&self, who: &Player, query: &str) -> Reply {
        self.get(&format!("/party/leaderboard{query}"), &who.token)
            .await
    }

    pub async fn leaderboard(&self, who: &Player, query: &str) -> LeaderboardResponse {
        self.leaderboard_raw(who, query).await.ok()
    }
}

/// The best phrase as the README defines it: the most votes, ties to the
/// earlier party, then the phrase text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Best {
    pub phrase: String,
    pub votes: i64,
    pub session: SessionId,
}

/// One player's party record, summed from results bodies.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    pub played: i64,
    pub won: i64,
    pub rank_sum: i64,
    pub net: i64,
    pub votes: i64,
    pub correct: i64,
    pub original_votes: i64,
    pub fooled: i64,
    pub best: Option<Best>,
    /// Win (`Some(true)`), loss, or abandoned (`None`), oldest first.
    pub outcomes: Vec<Option<bool>>,
    pub is_bot: bool,
}

impl Record {
    /// `(current, best)` winning streaks, counted directly: abandoned
    /// parties skipped.
    pub fn streaks(&self) -> (i64, i64) {
        let wins: Vec<bool> = self.outcomes.iter().filter_map(|o| *o).collect();
        let current = wins.iter().rev().take_while(|w| **w).count() as i64;
        let best = wins
            .split(|w| !*w)
            .map(|run| run.len() as i64)
            .max()
            .unwrap_or(0);
        (current, best)
    }

    pub fn accuracy(&self) -> f64 {
        if self.votes == 0 {
            0.0
        } else {
            (self.correct as f64 * 1000.0 / self.votes as f64).round() / 10.0
        }
    }

    /// Asserts the server's stats equal this record.
    pub fn assert_matches(&self, who: &str, shown: &PartyStatsResponse) {
        let (current, best) = self.streaks();
        assert_eq!(shown.parties_played, self.played, "{who}: played");
        assert_eq!(shown.parties_won, self.won, "{who}: won");
        assert_eq!(shown.net_coins.get(), self.net, "{who}: net coins");
        assert_eq!(shown.votes_cast, self.votes, "{who}: votes");
        assert_eq!(shown.correct_votes, self.correct, "{who}: correct");
        assert!(
            (shown.vote_accuracy - self.accuracy()).abs() < 1e-9,
            "{who}: accuracy"
        );
        assert_eq!(
            shown.original_votes, self.original_votes,
            "{who}: originals"
        );
        assert_eq!(shown.copy_votes_fooled, self.fooled, "{who}: fooled");
        let average = (self.played > 0)
            .then(|| (self.rank_sum as f64 * 100.0 / self.played as f64).round() / 100.0);
        assert_eq!(shown.average_rank, average, "{who}: average rank");
        assert_eq!(
            (shown.current_win_streak, shown.best_win_streak),
            (current, best),
            "{who}: streaks over {:?}",
            self.outcomes
        );
        let shown_best = shown.best_phrase.as_ref().map(|b| Best {
            phrase: b.phrase.clone(),
            votes: b.votes,
            session: b.session_id,
        });
        assert_eq!(shown_best, self.best, "{who}: best phrase");
    }
}

/// Every player's record over `parties`, given oldest first.
pub fn records(parties: &[PartyResultsResponse]) -> HashMap<PlayerId, Record> {
    let mut out: HashMap<PlayerId, Record> = HashMap::new();
    for party in parties {
        let completed = party.status == SessionStatus::Completed;
        for r in &party.rankings {
            let rec = out.entry(r.player_id).or_default();
            rec.is_bot = r.is_bot;
            rec.played += 1;
            let won = completed && r.rank == 1;
            rec.won += i64::from(won);
            rec.outcomes.push(completed.then_some(won));
            rec.rank_sum += r.rank;
            rec.net += r.net_coins.get();
            rec.votes += r.votes_submitted;
            rec.correct += r.correct_votes;
            rec.original_votes += r.votes_on_originals;
            rec.fooled += r.votes_fooled;
        }
        for set in &party.phrasesets_summary {
            for phrase in &set.phrases {
                let Some(rec) = out.get_mut(&phrase.author_id) else {
                    continue; // a stand-in's copy
                };
                let better = match &rec.best {
                    None => phrase.votes > 0,
                    // Earlier parties come first, so a later one needs more.
                    Some(b) if b.session == party.session_id => {
                        phrase.votes > b.votes
                            || (phrase.votes == b.votes && phrase.phrase < b.phrase)
                    }
                    Some(b) => phrase.votes > b.votes,
                };
                if better {
                    rec.best = Some(Best {
                        phrase: phrase.phrase.clone(),
                        votes: phrase.votes,
                        session: party.session_id,
                    });
                }
            }
        }
    }
    out
}

/// A board recomputed from records: people only, those on it (the
/// accuracy board wants `min_votes`), best first by the README's order.
pub fn board(
    records: &HashMap<PlayerId, Record>,
    which: LeaderboardBoard,
    min_votes: i64,
) -> Vec<PlayerId> {
    let mut rows: Vec<(i64, i64, PlayerId)> = records
        .iter()
        .filter(|(_, r)| !r.is_bot && r.played > 0)
        .filter_map(|(id, r)| match which {
            LeaderboardBoard::Wins => Some((r.won, -r.played, *id)),
            LeaderboardBoard::NetCoins => Some((r.net, -r.played, *id)),
            LeaderboardBoard::VoteAccuracy => {
                (r.votes >= min_votes).then(|| (r.correct * 10_000 / r.votes, r.votes, *id))
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then(a.2.as_uuid().cmp(&b.2.as_uuid()))
    });
    rows.into_iter().map(|(_, _, id)| id).collect()
}
