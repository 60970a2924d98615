//! What players see of a party: the lobby, the status with everyone's
//! progress, and the results with rankings, awards and the phraseset
//! summary (the plan's scoring service).

use std::collections::HashMap;

use party_protocol::party::{
    Bonuses, ConnectionStatus, LobbyParticipant, ParticipantStatus, PartyPhase, PartyProgress,
    PartyResultsResponse, PartySessionResponse, PartyStatusResponse, PhrasesetSummary,
    RankingEntry, SPECTATOR_NAMES_SHOWN, SpectatorList, StatusParticipant, SummaryPhrase,
};
use party_protocol::round::PhraseRole;
use party_protocol::{Coins, PhrasesetId, PlayerId};
use uuid::Uuid;

use super::access::{not_found, not_participant, results_status};
use super::bonuses::{bonus_facts, votes_in_order};
use super::progress::progress_of;
use crate::clock::Millis;
use crate::config::GameRules;
use crate::error::Result;
use crate::party::awards;
use crate::party::results::{self, PlayerStats};
use crate::service::Game;
use crate::service::rounds::lookup::details;
use crate::store::{MoneyRow, ParticipantRow, SessionRow, Tx};

fn participant_status(p: &ParticipantRow) -> ParticipantStatus {
    p.status
}

fn connection(p: &ParticipantRow) -> ConnectionStatus {
    p.connection_status
}

/// The lobby view returned by create and join.
pub(super) async fn lobby(tx: &mut Tx, session: Uuid) -> Result<PartySessionResponse> {
    let s = tx.session(session).await?.ok_or_else(not_found)?;
    let everyone = tx.participants(session).await?;
    Ok(PartySessionResponse {
        session_id: s.session_id.into(),
        party_code: s.party_code.clone(),
        host_player_id: s.host(),
        status: s.state(),
        current_phase: s.phase(),
        created_at: Millis(s.created_at).to_datetime(),
        participant_count: everyone.len() as i64,
        participants: everyone
            .iter()
            .map(|p| LobbyParticipant {
                player_id: p.player(),
                username: p.username.clone(),
                is_host: p.is_host,
                is_bot: p.is_bot,
                status: participant_status(p),
                connection_status: connection(p),
                joined_at: Millis(p.joined_at).to_datetime(),
            })
            .collect(),
        min_players: i64::from(s.min_players),
        max_players: i64::from(s.max_players),
        prompts_per_player: i64::from(s.prompts_per_player),
        copies_per_player: i64::from(s.copies_per_player),
        votes_per_player: i64::from(s.votes_per_player),
        phase_seconds: s.phase_seconds,
        access: tx.party_access(session).await?.mode,
        listing: tx.party_listing(session).await?,
    })
}

/// A participant's quotas as the status reports them: before a phase has
/// begun, what it will ask (copies: twice the prompts; votes: the quota,
/// which global content fills where party sets cannot); once begun, what
/// was actually assigned.
fn required(s: &SessionRow, p: &ParticipantRow) -> (i64, i64, i64) {
    let prompts = i64::from(s.prompts_per_player);
    let phase = s.phase();
    let copies = if phase >= PartyPhase::Copy {
        i64::from(p.copies_required)
    } else {
        i64::from(s.copies_per_player)
    };
    let votes = if phase >= PartyPhase::Vote {
        i64::from(p.votes_required)
    } else {
        i64::from(s.votes_per_player)
    };
    (prompts, copies, votes)
}

/// `GET /party/{id}/status` for `caller`: what anyone watching sees
/// ([`public_status`]), the spectators, and the caller's own round.
pub(super) async fn status(
    tx: &mut Tx,
    _rules: &GameRules,
    session: Uuid,
    caller: PlayerId,
) -> Result<PartyStatusResponse> {
    let s = tx.session(session).await?.ok_or_else(not_found)?;
    if tx.participant(session, caller).await?.is_none() {
        return Err(not_participant());
    }
    let mut status = public_status(tx, &s).await?;
    status.spectators = Some(spectator_list(tx, session).await?);
    status.active_round = match tx.active_round(caller).await? {
        Some(r) if r.party_session_id == Some(session) => {
            let mut shown = details(&r);
            if let Some(set) = shown.phraseset_id {
                let own = tx.phraseset(set).await?.map(|ps| ps.party_session_id);
                shown.from_party = Some(own == Some(Some(session)));
            }
            Some(shown)
        }
        _ => None,
    };
    Ok(status)
}

/// The party's spectators as every status lists them, apart from its players.
pub(super) async fn spectator_list(tx: &mut Tx, session: Uuid) -> Result<SpectatorList> {
    Ok(SpectatorList {
        count: tx.spectator_count(session).await?,
        names: tx
            .spectator_names(
                session,
                i64::try_from(SPECTATOR_NAMES_SHOWN).unwrap_or(i64::MAX),
            )
            .await?,
    })
}

/// The status everyone may see at this moment: phase, deadlines, everyone's
/// counters and quotas, and no one's own round (`active_round` and
/// `spectators` are left empty). The one builder of a party's status: a
/// player's adds their round ([`status`]), a spectator's the spectators.
pub(super) async fn public_status(tx: &mut Tx, s: &SessionRow) -> Result<PartyStatusResponse> {
    let session = s.session_id;
    let everyone = tx.participants(session).await?;
    let playing = everyone.iter().filter(|p| !p.has_left()).count() as i64;
    let mut progress = PartyProgress {
        total_prompts: 0,
        total_copies: 0,
        total_votes: 0,
        required_prompts: 0,
        required_copies: 0,
        required_votes: 0,
        players_ready_for_next_phase: 0,
        total_players: playing,
    };
    let global: HashMap<Uuid, i64> = if s.phase() >= PartyPhase::Vote {
        tx.global_votes_assigned(session)
            .await?
            .into_iter()
            .collect()
    } else {
        HashMap::new()
    };
    let mut participants = Vec::with_capacity(everyone.len());
    for p in &everyone {
        let (prompts_required, copies_required, votes_required) = required(s, p);
        let mut counters = progress_of(s, p);
        counters.copies_required = copies_required;
        counters.votes_required = votes_required;
        let phase_complete = counters.done_with(s.phase());
        progress.total_prompts += counters.prompts;
        progress.total_copies += counters.copies;
        progress.total_votes += counters.votes;
        if !p.has_left() {
            progress.required_prompts += prompts_required;
            progress.required_copies += copies_required;
            progress.required_votes += votes_required;
            progress.players_ready_for_next_phase += i64::from(phase_complete);
        }
        participants.push(StatusParticipant {
            player_id: p.player(),
            username: p.username.clone(),
            is_host: p.is_host,
            is_bot: p.is_bot,
            status: participant_status(p),
            connection_status: connection(p),
            prompts_submitted: counters.prompts,
            copies_submitted: counters.copies,
            votes_submitted: counters.votes,
            prompts_required,
            copies_required,
            votes_required,
            global_votes_required: global.get(&p.player_id).copied().unwrap_or(0),
            phase_complete,
        });
    }
    Ok(PartyStatusResponse {
        session_id: s.session_id.into(),
        party_code: s.party_code.clone(),
        host_player_id: s.host(),
        status: s.state(),
        current_phase: s.phase(),
        phase_started_at: s.phase_started_at.map(|m| Millis(m).to_datetime()),
        phase_expires_at: s.phase_expires_at.map(|m| Millis(m).to_datetime()),
        min_players: i64::from(s.min_players),
        max_players: i64::from(s.max_players),
        prompts_per_player: i64::from(s.prompts_per_player),
        copies_per_player: i64::from(s.copies_per_player),
        votes_per_player: i64::from(s.votes_per_player),
        seq: s.event_seq,
        participants,
        progress,
        active_round: None,
        next_session_id: s.next_session_id.map(Into::into),
        access: tx.party_access(session).await?.mode,
        listing: tx.party_listing(session).await?,
        spectators: None,
    })
}

/// `GET /party/{id}/results`: rankings by net coins in this session,
/// awards, and a summary of every party phraseset — final at RESULTS, as
/// they stood for an abandoned party.
pub(super) async fn results(
    tx: &mut Tx,
    session: Uuid,
    caller: PlayerId,
) -> Result<PartyResultsResponse> {
    let s = tx.session(session).await?.ok_or_else(not_found)?;
    if tx.participant(session, caller).await?.is_none() {
        return Err(not_participant());
    }
    public_results(tx, &s).await
}

/// The results as everyone may see them once they are public (the same for
/// players and spectators): `wrong_phase` before.
pub(super) async fn public_results(tx: &mut Tx, s: &SessionRow) -> Result<PartyResultsResponse> {
    let session = s.session_id;
    let everyone = tx.participants(session).await?;
    let ended_as = results_status(s)?;
    let money: HashMap<Uuid, MoneyRow> = tx
        .session_money(session)
        .await?
        .into_iter()
        .map(|m| (m.player_id, m))
        .collect();
    let votes: HashMap<Uuid, (i64, i64)> = tx
        .session_votes(session)
        .await?
        .into_iter()
        .map(|v| (v.player_id, (v.votes, v.correct)))
        .collect();
    let sets = tx.party_phrasesets(session).await?;
    let mut originals: HashMap<Uuid, i64> = HashMap::new();
    let mut fooled: HashMap<Uuid, i64> = HashMap::new();
    for ps in &sets {
        *originals.entry(ps.original_player_id).or_default() += i64::from(ps.original_votes);
        *fooled.entry(ps.copy_player_1).or_default() += i64::from(ps.copy_votes_1);
        *fooled.entry(ps.copy_player_2).or_default() += i64::from(ps.copy_votes_2);
    }
    let facts = bonus_facts(&votes_in_order(tx, session).await?, &sets);
    // Only a party that got past COPY has a standing when COPY ended.
    let past_copy = s.phase() >= PartyPhase::Vote;
    let stats: Vec<PlayerStats> = everyone
        .iter()
        .map(|p| {
            let m = money.get(&p.player_id);
            let coins = |f: fn(&MoneyRow) -> i64| m.map_or(0, f);
            let (cast, correct) = votes.get(&p.player_id).copied().unwrap_or_default();
            let fact = |of: &HashMap<Uuid, i64>| of.get(&p.player_id).copied().unwrap_or(0);
            PlayerStats {
                player_id: p.player(),
                username: p.username.clone(),
                is_bot: p.is_bot,
                spent: coins(|m| m.spent),
                earned: coins(|m| m.earned),
                prompts: i64::from(p.prompts_submitted),
                copies: i64::from(p.copies_submitted),
                votes: cast,
                correct_votes: correct,
                votes_on_originals: originals.get(&p.player_id).copied().unwrap_or(0),
                votes_fooled: fooled.get(&p.player_id).copied().unwrap_or(0),
                longest_streak: fact(&facts.longest_streak),
                streak_coins: coins(|m| m.streak),
                best_copy_fooled: fact(&facts.best_copy),
                combos: fact(&facts.combos),
                combo_coins: coins(|m| m.combo),
                net_after_copy: past_copy.then(|| coins(|m| m.net_after_copy)),
            }
        })
        .collect();
    let ranked = results::rank(stats);
    let mut awards = awards::awards(&ranked);
    awards.favourite_phrase = super::reactions::favourite_phrase(tx, session, &sets).await?;
    let mut authors: Vec<Uuid> = Vec::new();
    for ps in &sets {
        authors.extend([ps.original_player_id, ps.copy_player_1, ps.copy_player_2]);
    }
    let names = tx.usernames(&authors).await?;
    let name_of: HashMap<Uuid, String> = authors.into_iter().zip(names).collect();
    let phrasesets_summary = sets
        .iter()
        .map(|ps| {
            let phrase = |text: &str, author: Uuid, votes: i32, role: PhraseRole| SummaryPhrase {
                phrase: text.to_owned(),
                is_original: role == PhraseRole::Original,
                role,
                author_id: PlayerId::from_uuid(author),
                author_username: name_of.get(&author).cloned().unwrap_or_default(),
                votes: i64::from(votes),
            };
            PhrasesetSummary {
                phraseset_id: PhrasesetId::from_uuid(ps.phraseset_id),
                prompt_text: ps.prompt_text.clone(),
                vote_count: i64::from(ps.vote_count),
                original_player: name_of
                    .get(&ps.original_player_id)
                    .cloned()
                    .unwrap_or_default(),
                most_votes: results::most_votes(
                    i64::from(ps.original_votes),
                    i64::from(ps.copy_votes_1),
                    i64::from(ps.copy_votes_2),
                ),
                prize_pool: Coins::new(ps.final_pool.unwrap_or(ps.prize_pool)),
                phrases: vec![
                    phrase(
                        &ps.original_phrase,
                        ps.original_player_id,
                        ps.original_votes,
                        PhraseRole::Original,
                    ),
                    phrase(
                        &ps.copy_phrase_1,
                        ps.copy_player_1,
                        ps.copy_votes_1,
                        PhraseRole::Copy1,
                    ),
                    phrase(
                        &ps.copy_phrase_2,
                        ps.copy_player_2,
                        ps.copy_votes_2,
                        PhraseRole::Copy2,
                    ),
                ],
            }
        })
        .collect();
    Ok(PartyResultsResponse {
        session_id: s.session_id.into(),
        party_code: s.party_code.clone(),
        status: ended_as,
        completed_at: s.completed_at.map(|m| Millis(m).to_datetime()),
        rankings: ranked
            .iter()
            .map(|(rank, st)| RankingEntry {
                coins_refunded: Coins::new(
                    money.get(&st.player_id.as_uuid()).map_or(0, |m| m.refunded),
                ),
                mvp_score: awards::mvp_score(st),
                rank_after_copy: awards::rank_after_copy(&ranked, st),
                bonuses: Bonuses {
                    streak_coins: Coins::new(st.streak_coins),
                    longest_streak: st.longest_streak,
                    combo_coins: Coins::new(st.combo_coins),
                    combos: st.combos,
                },
                rank: *rank,
                player_id: st.player_id,
                username: st.username.clone(),
                is_bot: st.is_bot,
                net_coins: Coins::new(st.net()),
                coins_spent: Coins::new(st.spent),
                coins_earned: Coins::new(st.earned),
                prompts_submitted: st.prompts,
                copies_submitted: st.copies,
                votes_submitted: st.votes,
                correct_votes: st.correct_votes,
                vote_accuracy: st.accuracy(),
                votes_on_originals: st.votes_on_originals,
                votes_fooled: st.votes_fooled,
            })
            .collect(),
        awards,
        phrasesets_summary,
    })
}

impl Game {
    /// `GET /party/{id}/status`: members only.
    #[tracing::instrument(skip_all, fields(player = %player, party = %session))]
    pub async fn party_status(
        &self,
        player: PlayerId,
        session: Uuid,
    ) -> Result<PartyStatusResponse> {
        let mut tx = self.store.read().await?;
        status(&mut tx, &self.rules, session, player).await
    }

    /// `GET /party/{id}/results`: members only, once in RESULTS or abandoned.
    #[tracing::instrument(skip_all, fields(player = %player, party = %session))]
    pub async fn party_results(
        &self,
        player: PlayerId,
        session: Uuid,
    ) -> Result<PartyResultsResponse> {
        let mut tx = self.store.read().await?;
        results(&mut tx, session, player).await
    }
}
