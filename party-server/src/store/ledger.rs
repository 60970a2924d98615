//! The double-entry ledger: every coin movement is a [`Transfer`] between two
//! [`Account`]s, applied to the stored balances and recorded as one row, in
//! the caller's transaction.

use std::collections::{BTreeMap, HashMap};

use party_protocol::{ErrorCode, PhrasesetId, PlayerId};
use serde::Serialize;
use uuid::Uuid;

use super::{Arg, Tx, values_list};
use crate::clock::Millis;
use crate::error::{Error, Result};

/// One side of a coin movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Account {
    Wallet(PlayerId),
    Vault(PlayerId),
    Pool(PhrasesetId),
    /// The game itself: it grants starting coins and bonuses, holds entry
    /// fees until they fund a pool or are refunded, and keeps penalties.
    House,
}

impl Account {
    fn kind(self) -> &'static str {
        match self {
            Account::Wallet(_) => "wallet",
            Account::Vault(_) => "vault",
            Account::Pool(_) => "pool",
            Account::House => "house",
        }
    }

    fn id(self) -> Option<Uuid> {
        match self {
            Account::Wallet(p) | Account::Vault(p) => Some(p.as_uuid()),
            Account::Pool(ps) => Some(ps.as_uuid()),
            Account::House => None,
        }
    }

    fn player(self) -> Option<PlayerId> {
        match self {
            Account::Wallet(p) | Account::Vault(p) => Some(p),
            Account::Pool(_) | Account::House => None,
        }
    }
}

/// A coin movement to record.
#[derive(Debug, Clone)]
pub struct Transfer<'a> {
    pub from: Account,
    pub to: Account,
    pub amount: i64,
    /// The ledger type: `prompt_entry`, `vote_payout`, `refund`, …
    pub kind: &'a str,
    /// The round, vote or phraseset the movement is about.
    pub reference: Option<Uuid>,
    /// Set for payouts: a second transfer with the same key is refused by the database.
    pub idempotency_key: Option<String>,
}

/// A payout from a phraseset's pool, split between a player's wallet and vault.
#[derive(Debug, Clone)]
pub struct SplitPayout {
    pub pool: PhrasesetId,
    pub player: PlayerId,
    pub wallet: i64,
    pub vault: i64,
    /// The ledger type of the wallet's share (`prize_payout`, `vote_payout`).
    pub kind: &'static str,
    /// The vote or phraseset paid for.
    pub reference: Uuid,
    /// The payout's idempotency key, suffixed `:wallet` and `:vault`.
    pub key: String,
}

/// The result of checking the books.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerAudit {
    pub wallets: i64,
    pub vaults: i64,
    pub pools: i64,
    pub house: i64,
    /// wallets + vaults + pools + house: always exactly zero.
    pub sum: i64,
    /// Players whose stored wallet or vault differs from their ledger history.
    pub mismatched_players: i64,
    /// Phrasesets whose stored pool differs from their ledger history.
    pub mismatched_pools: i64,
    /// Ledger rows whose recorded `wallet_after`/`vault_after` differ from
    /// the player's balances replayed up to that row.
    pub mismatched_entries: i64,
    pub entries: i64,
}

impl LedgerAudit {
    pub fn balanced(&self) -> bool {
        self.sum == 0
            && self.mismatched_players == 0
            && self.mismatched_pools == 0
            && self.mismatched_entries == 0
    }
}

impl Tx {
    /// Applies a transfer. A debit that would make a wallet, vault or pool
    /// negative is refused (`insufficient_balance` for a wallet) and nothing
    /// is written. Returns the player's wallet and vault after, when a player
    /// is on either side.
    pub async fn transfer(&mut self, t: &Transfer<'_>, now: Millis) -> Result<Option<(i64, i64)>> {
        if t.amount == 0 {
            return Ok(None);
        }
        if t.amount < 0 {
            return Err(Error::internal(format!(
                "negative transfer of {} ({})",
                t.amount, t.kind
            )));
        }
        let from_balances = self.apply(t.from, -t.amount).await?;
        let to_balances = self.apply(t.to, t.amount).await?;
        let balances = from_balances.or(to_balances);
        self.record(&[(t, balances)], now).await?;
        Ok(balances)
    }

    /// Pays payouts out of prize pools, each split between a player's wallet
    /// (`kind`) and vault (`vault_rake`): the same ledger rows, in the same
    /// order, as one transfer per share, but one statement per pool, one per
    /// player and one for all the rows — a party's whole settlement is a
    /// handful of statements instead of six per payout. Pools and players
    /// are updated in id order, so concurrent settlements lock alike.
    /// Idempotency keys are `{key}:wallet` and `{key}:vault`.
    pub async fn pay_from_pools(&mut self, payouts: &[SplitPayout], now: Millis) -> Result<()> {
        let mut transfers = Vec::with_capacity(payouts.len() * 2);
        let mut pools: BTreeMap<Uuid, i64> = BTreeMap::new();
        let mut credits: BTreeMap<Uuid, (i64, i64)> = BTreeMap::new();
        for p in payouts {
            if p.wallet < 0 || p.vault < 0 {
                return Err(Error::internal(format!(
                    "negative payout {}/{} ({})",
                    p.wallet, p.vault, p.kind
                )));
            }
            *pools.entry(p.pool.as_uuid()).or_default() += p.wallet + p.vault;
            let credit = credits.entry(p.player.as_uuid()).or_default();
            credit.0 += p.wallet;
            credit.1 += p.vault;
            for (to, amount, kind, share) in [
                (Account::Wallet(p.player), p.wallet, p.kind, "wallet"),
                (Account::Vault(p.player), p.vault, "vault_rake", "vault"),
            ] {
                if amount > 0 {
                    transfers.push(Transfer {
                        from: Account::Pool(p.pool),
                        to,
                        amount,
                        kind,
                        reference: Some(p.reference),
                        idempotency_key: Some(format!("{}:{share}", p.key)),
                    });
                }
            }
        }
        if transfers.is_empty() {
            return Ok(());
        }
        for (pool, total) in pools.into_iter().filter(|(_, total)| *total > 0) {
            self.apply(Account::Pool(PhrasesetId::from_uuid(pool)), -total)
                .await?;
        }
        // Each player's balances before this batch; the rows then replay them.
        let mut running: HashMap<Uuid, (i64, i64)> = HashMap::new();
        for (player, (wallet, vault)) in credits.into_iter().filter(|(_, c)| *c != (0, 0)) {
            let after: (i64, i64) = self.query(
                "UPDATE players SET wallet = wallet + $2, vault = vault + $3 WHERE player_id = $1 \
                 RETURNING wallet, vault")
                .bind(player)
                .bind(wallet)
                .bind(vault)
                .fetch_optional()
                .await?
            .ok_or_else(|| Error::internal("payout to a missing player"))?;
            running.insert(player, (after.0 - wallet, after.1 - vault));
        }
        let mut rows = Vec::with_capacity(transfers.len());
        for t in &transfers {
            // Every transfer here goes to a wallet or a vault credited above.
            let balances = match t.to {
                Account::Wallet(p) | Account::Vault(p) => running.get_mut(&p.as_uuid()),
                Account::Pool(_) | Account::House => None,
            }
            .ok_or_else(|| Error::internal("payout row without its credit"))?;
            match t.to {
                Account::Wallet(_) => balances.0 += t.amount,
                _ => balances.1 += t.amount,
            }
            rows.push((t, Some(*balances)));
        }
        self.record(&rows, now).await
    }

    /// Appends ledger rows, each with the player's balances after it.
    async fn record(
        &mut self,
        rows: &[(&Transfer<'_>, Option<(i64, i64)>)],
        now: Millis,
    ) -> Result<()> {
        let sql = format!(
            "INSERT INTO ledger (created_at, kind, amount, from_account, from_id, to_account, to_id, \
             player_id, wallet_after, vault_after, reference_id, idempotency_key) VALUES {}",
            values_list(rows.len(), 12, 1)
        );
        let args = rows.iter().flat_map(|(t, balances)| {
            let player = t.from.player().or(t.to.player());
            [
                Arg::from(now.0),
                Arg::from(t.kind),
                Arg::from(t.amount),
                Arg::from(t.from.kind()),
                Arg::from(t.from.id()),
                Arg::from(t.to.kind()),
                Arg::from(t.to.id()),
                Arg::from(player.map(|p| p.as_uuid())),
                Arg::from(balances.map(|b| b.0)),
                Arg::from(balances.map(|b| b.1)),
                Arg::from(t.reference),
                Arg::from(t.idempotency_key.as_deref()),
            ]
        });
        self.query(&sql).bind_all(args).execute().await?;
        Ok(())
    }

    /// Changes one account's stored balance by `delta`; debits are
    /// conditional, so a balance can only go negative if the CHECK
    /// constraint is bypassed — and then the database refuses.
    async fn apply(&mut self, account: Account, delta: i64) -> Result<Option<(i64, i64)>> {
        let (sql, id) = match account {
            Account::House => return Ok(None),
            Account::Wallet(p) => (
                "UPDATE players SET wallet = wallet + $2 WHERE player_id = $1 AND wallet + $2 >= 0 \
                 RETURNING wallet, vault",
                p.as_uuid(),
            ),
            Account::Vault(p) => (
                "UPDATE players SET vault = vault + $2 WHERE player_id = $1 AND vault + $2 >= 0 \
                 RETURNING wallet, vault",
                p.as_uuid(),
            ),
            Account::Pool(ps) => (
                "UPDATE phrasesets SET prize_pool = prize_pool + $2 WHERE phraseset_id = $1 \
                 AND prize_pool + $2 >= 0 RETURNING prize_pool, prize_pool",
                ps.as_uuid(),
            ),
        };
        let row: Option<(i64, i64)> = self
            .query(sql)
            .bind(id)
            .bind(delta)
            .fetch_optional()
            .await?;
        match (row, account) {
            (Some(balances), Account::Wallet(_) | Account::Vault(_)) => Ok(Some(balances)),
            (Some(_), _) => Ok(None),
            (None, Account::Wallet(_)) => Err(Error::api(
                ErrorCode::InsufficientBalance,
                format!("Your wallet cannot cover {} FC.", -delta),
            )),
            (None, _) => Err(Error::internal(format!(
                "{} cannot go below zero",
                account.kind()
            ))),
        }
    }

    /// Sums every account and replays the ledger per account.
    pub async fn audit(&mut self) -> Result<LedgerAudit> {
        let totals = "SELECT \
            CAST(COALESCE((SELECT SUM(wallet) FROM players), 0) AS BIGINT), \
            CAST(COALESCE((SELECT SUM(vault) FROM players), 0) AS BIGINT), \
            CAST(COALESCE((SELECT SUM(prize_pool) FROM phrasesets), 0) AS BIGINT), \
            CAST(COALESCE((SELECT SUM(CASE WHEN to_account = 'house' THEN amount ELSE 0 END) \
                 - SUM(CASE WHEN from_account = 'house' THEN amount ELSE 0 END) FROM ledger), 0) AS BIGINT), \
            CAST((SELECT COUNT(*) FROM ledger) AS BIGINT)";
        let (wallets, vaults, pools, house, entries): (i64, i64, i64, i64, i64) =
            self.query(totals).fetch_one().await?;
        let players = "SELECT CAST(COUNT(*) AS BIGINT) FROM players p WHERE \
            p.wallet <> COALESCE((SELECT SUM(CASE WHEN l.to_account = 'wallet' THEN l.amount ELSE 0 END) \
                - SUM(CASE WHEN l.from_account = 'wallet' THEN l.amount ELSE 0 END) \
                FROM ledger l WHERE l.player_id = p.player_id), 0) \
            OR p.vault <> COALESCE((SELECT SUM(CASE WHEN l.to_account = 'vault' THEN l.amount ELSE 0 END) \
                - SUM(CASE WHEN l.from_account = 'vault' THEN l.amount ELSE 0 END) \
                FROM ledger l WHERE l.player_id = p.player_id), 0)";
        let mismatched_players: i64 = self.query(players).fetch_one().await?;
        let pools_sql = "SELECT CAST(COUNT(*) AS BIGINT) FROM phrasesets ps WHERE ps.prize_pool <> COALESCE(( \
            SELECT SUM(CASE WHEN l.to_account = 'pool' AND l.to_id = ps.phraseset_id THEN l.amount ELSE 0 END) \
                 - SUM(CASE WHEN l.from_account = 'pool' AND l.from_id = ps.phraseset_id THEN l.amount ELSE 0 END) \
            FROM ledger l WHERE l.to_id = ps.phraseset_id OR l.from_id = ps.phraseset_id), 0)";
        let mismatched_pools: i64 = self.query(pools_sql).fetch_one().await?;
        // A player's rows are written while their balance row is locked, so
        // entry order is the order the balances changed in.
        let entries_sql = "SELECT CAST(COUNT(*) AS BIGINT) FROM ( \
            SELECT wallet_after, vault_after, \
              SUM(CASE WHEN to_account = 'wallet' THEN amount WHEN from_account = 'wallet' THEN -amount ELSE 0 END) \
                OVER (PARTITION BY player_id ORDER BY entry_id) AS wallet_replayed, \
              SUM(CASE WHEN to_account = 'vault' THEN amount WHEN from_account = 'vault' THEN -amount ELSE 0 END) \
                OVER (PARTITION BY player_id ORDER BY entry_id) AS vault_replayed \
            FROM ledger WHERE player_id IS NOT NULL) e \
            WHERE wallet_after IS NOT NULL \
              AND (wallet_after <> wallet_replayed OR vault_after <> vault_replayed)";
        let mismatched_entries: i64 = self.query(entries_sql).fetch_one().await?;
        Ok(LedgerAudit {
            wallets,
            vaults,
            pools,
            house,
            sum: wallets + vaults + pools + house,
            mismatched_players,
            mismatched_pools,
            mismatched_entries,
            entries,
        })
    }
}
