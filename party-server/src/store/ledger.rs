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
    /// order, as one transfer per share, applied as one batch
    /// ([`Tx::transfer_all`]) — a party's whole settlement is a handful of
    /// statements however many payouts it has. Idempotency keys are
    /// `{key}:wallet` and `{key}:vault`.
    pub async fn pay_from_pools(&mut self, payouts: &[SplitPayout], now: Millis) -> Result<()> {
        let mut transfers = Vec::with_capacity(payouts.len() * 2);
        for p in payouts {
            if p.wallet < 0 || p.vault < 0 {
                return Err(Error::internal(format!(
                    "negative payout {}/{} ({})",
                    p.wallet, p.vault, p.kind
                )));
            }
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
        self.transfer_all(&transfers, now).await
    }

    /// Applies many transfers at once: the same balances and the same
    /// ledger rows, in the same order, as one [`Tx::transfer`] each, but in
    /// a fixed handful of statements however many there are — the players'
    /// rows locked in id order (PostgreSQL), one update of every player's
    /// wallet and vault, one of every pool, one insert of all the rows. A
    /// debit that would take a balance below zero at any point of the
    /// sequence is refused like a single transfer's, and the caller's
    /// transaction must then be dropped.
    pub async fn transfer_all(&mut self, transfers: &[Transfer<'_>], now: Millis) -> Result<()> {
        let transfers: Vec<&Transfer<'_>> = transfers.iter().filter(|t| t.amount != 0).collect();
        if let Some(t) = transfers.iter().find(|t| t.amount < 0) {
            return Err(Error::internal(format!(
                "negative transfer of {} ({})",
                t.amount, t.kind
            )));
        }
        if transfers.is_empty() {
            return Ok(());
        }
        // Net change per player (wallet, vault) and per pool.
        let mut players: BTreeMap<Uuid, (i64, i64)> = BTreeMap::new();
        let mut pools: BTreeMap<Uuid, i64> = BTreeMap::new();
        for t in &transfers {
            for (account, delta) in [(t.from, -t.amount), (t.to, t.amount)] {
                match account {
                    Account::Wallet(p) => players.entry(p.as_uuid()).or_default().0 += delta,
                    Account::Vault(p) => players.entry(p.as_uuid()).or_default().1 += delta,
                    Account::Pool(ps) => *pools.entry(ps.as_uuid()).or_default() += delta,
                    Account::House => {}
                }
            }
        }
        // One row needs no order; several are locked in id order first, so
        // concurrent batches over the same players cannot deadlock.
        if players.len() > 1 {
            let ids: Vec<Uuid> = players.keys().copied().collect();
            self.lock_players(&ids).await?;
        }
        let mut running = self.shift_players(&players).await?;
        self.shift_pools(&pools).await?;
        // Replay the sequence from each player's balances before it, so
        // every row carries the balances right after it.
        for (id, (wallet, vault)) in &mut running {
            let (dw, dv) = players[id];
            *wallet -= dw;
            *vault -= dv;
        }
        let mut rows = Vec::with_capacity(transfers.len());
        for t in transfers {
            for (account, delta) in [(t.from, -t.amount), (t.to, t.amount)] {
                let Some(p) = account.player() else { continue };
                let balances = running
                    .get_mut(&p.as_uuid())
                    .ok_or_else(|| Error::internal("transfer to a player not updated"))?;
                match account {
                    Account::Wallet(_) => balances.0 += delta,
                    _ => balances.1 += delta,
                }
                if balances.0 < 0 || balances.1 < 0 {
                    return Err(overdrawn(account, delta));
                }
            }
            let player = t.from.player().or(t.to.player());
            rows.push((t, player.and_then(|p| running.get(&p.as_uuid()).copied())));
        }
        self.record(&rows, now).await
    }

    /// Adds each player's (wallet, vault) delta in one statement; returns
    /// the balances after. Refused if any would end below zero.
    async fn shift_players(
        &mut self,
        deltas: &BTreeMap<Uuid, (i64, i64)>,
    ) -> Result<HashMap<Uuid, (i64, i64)>> {
        if deltas.is_empty() {
            return Ok(HashMap::new());
        }
        // `column1`… are the VALUES list's column names on both databases.
        let sql = format!(
            "UPDATE players SET wallet = players.wallet + v.column2, vault = players.vault + v.column3 \
             FROM (VALUES {}) AS v WHERE players.player_id = v.column1 \
             AND players.wallet + v.column2 >= 0 AND players.vault + v.column3 >= 0 \
             RETURNING player_id, wallet, vault",
            values_list(deltas.len(), 3, 1)
        );
        let args = deltas
            .iter()
            .flat_map(|(id, (w, v))| [Arg::from(*id), Arg::from(*w), Arg::from(*v)]);
        let after: Vec<(Uuid, i64, i64)> = self.query(&sql).bind_all(args).fetch_all().await?;
        if after.len() < deltas.len() {
            let short = deltas
                .iter()
                .find(|(id, _)| !after.iter().any(|(p, _, _)| p == *id))
                .map(|(id, (w, _))| (*id, *w));
            return Err(match short {
                Some((id, w)) if w < 0 => overdrawn(Account::Wallet(PlayerId::from_uuid(id)), w),
                _ => Error::internal("a batch of transfers touched a missing or overdrawn player"),
            });
        }
        Ok(after.into_iter().map(|(id, w, v)| (id, (w, v))).collect())
    }

    /// Adds each pool's delta in one statement; refused if any would end
    /// below zero (or the pool is missing).
    async fn shift_pools(&mut self, deltas: &BTreeMap<Uuid, i64>) -> Result<()> {
        if deltas.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "UPDATE phrasesets SET prize_pool = phrasesets.prize_pool + v.column2 \
             FROM (VALUES {}) AS v WHERE phrasesets.phraseset_id = v.column1 \
             AND phrasesets.prize_pool + v.column2 >= 0",
            values_list(deltas.len(), 2, 1)
        );
        let args = deltas
            .iter()
            .flat_map(|(id, delta)| [Arg::from(*id), Arg::from(*delta)]);
        let changed = self.query(&sql).bind_all(args).execute().await?;
        if changed < deltas.len() as u64 {
            return Err(Error::internal("pool cannot go below zero"));
        }
        Ok(())
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
            (None, _) => Err(overdrawn(account, delta)),
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

/// The refusal of a debit of `-delta` that `account` cannot cover.
fn overdrawn(account: Account, delta: i64) -> Error {
    match account {
        Account::Wallet(_) => Error::api(
            ErrorCode::InsufficientBalance,
            format!("Your wallet cannot cover {} FC.", -delta),
        ),
        _ => Error::internal(format!("{} cannot go below zero", account.kind())),
    }
}

#[cfg(test)]
mod tests {
    use party_protocol::{ErrorCode, PlayerId};

    use super::{Account, Transfer};
    use crate::clock::Millis;
    use crate::error::Error;
    use crate::store::{Store, Tx};

    fn move_coins(from: Account, to: Account, amount: i64) -> Transfer<'static> {
        Transfer {
            from,
            to,
            amount,
            kind: "refund",
            reference: None,
            idempotency_key: None,
        }
    }

    /// A fresh SQLite store with two players holding nothing yet.
    async fn two_players() -> (tempfile::TempDir, Store, PlayerId, PlayerId) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = Store::connect(&url).await.unwrap();
        let (a, b) = (PlayerId::new(), PlayerId::new());
        let mut tx = store.begin().await.unwrap();
        for (id, name) in [(a, "Alice"), (b, "Bob")] {
            tx.insert_player(id, name, None, None, true, false, Millis(1))
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        (dir, store, a, b)
    }

    async fn balances(tx: &mut Tx, p: PlayerId) -> (i64, i64) {
        tx.query("SELECT wallet, vault FROM players WHERE player_id = $1")
            .bind(p.as_uuid())
            .fetch_one()
            .await
            .unwrap()
    }

    /// A batch lands exactly where the same transfers one at a time would:
    /// the same balances, and ledger rows whose recorded balances replay.
    #[tokio::test]
    async fn a_batch_of_transfers_books_like_one_transfer_at_a_time() {
        let (_dir, store, a, b) = two_players().await;
        let batch = [
            move_coins(Account::House, Account::Wallet(a), 100),
            move_coins(Account::Wallet(a), Account::House, 30),
            move_coins(Account::House, Account::Wallet(b), 5),
            move_coins(Account::House, Account::Vault(a), 0),
            move_coins(Account::Wallet(a), Account::Vault(a), 20),
        ];
        let mut tx = store.begin().await.unwrap();
        tx.transfer_all(&batch, Millis(2)).await.unwrap();
        assert_eq!(balances(&mut tx, a).await, (50, 20));
        assert_eq!(balances(&mut tx, b).await, (5, 0));
        let rows: Vec<(i64, Option<i64>, Option<i64>)> = tx
            .query("SELECT amount, wallet_after, vault_after FROM ledger ORDER BY entry_id")
            .fetch_all()
            .await
            .unwrap();
        assert_eq!(
            rows,
            [
                (100, Some(100), Some(0)),
                (30, Some(70), Some(0)),
                (5, Some(5), Some(0)),
                (20, Some(50), Some(20)),
            ],
            "the zero transfer is skipped, the others in order"
        );
        let audit = tx.audit().await.unwrap();
        assert!(audit.balanced(), "{audit:?}");
    }

    /// A debit the wallet cannot cover at its point in the sequence is
    /// refused, even when a later credit would make the total come out
    /// positive, as it would be one transfer at a time.
    #[tokio::test]
    async fn a_batch_refuses_a_debit_its_wallet_cannot_cover_at_that_point() {
        let (_dir, store, a, _) = two_players().await;
        let mut tx = store.begin().await.unwrap();
        tx.transfer_all(
            &[move_coins(Account::House, Account::Wallet(a), 70)],
            Millis(2),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        for batch in [
            vec![move_coins(Account::Wallet(a), Account::House, 71)],
            vec![
                move_coins(Account::Wallet(a), Account::House, 150),
                move_coins(Account::House, Account::Wallet(a), 100),
            ],
        ] {
            let mut tx = store.begin().await.unwrap();
            let err = tx.transfer_all(&batch, Millis(3)).await.unwrap_err();
            assert!(
                matches!(
                    &err,
                    Error::Api {
                        code: ErrorCode::InsufficientBalance,
                        ..
                    }
                ),
                "{err:?}"
            );
        }
        let mut tx = store.read().await.unwrap();
        assert_eq!(balances(&mut tx, a).await, (70, 0), "nothing was written");
    }
}
