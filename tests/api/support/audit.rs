//! The money checks: the server's ledger audit, the conservation assertion
//! every scenario ends with, and snapshots of everyone's money to show that
//! a refused request moved no coin.

use serde_json::Value;

use super::{Player, TestApp};

impl TestApp {
    /// The ledger audit.
    pub async fn audit(&self) -> Value {
        self.request(reqwest::Method::GET, "/test/audit", None, None)
            .await
            .ok()
    }

    /// Asserts that no coin was created or destroyed: wallets + vaults +
    /// pools + house sum to zero, and every stored balance matches the ledger.
    pub async fn assert_conserved(&self) {
        let audit = self.audit().await;
        assert_eq!(audit["sum"], 0, "coins created or destroyed: {audit}");
        assert_eq!(
            audit["mismatched_players"], 0,
            "balances differ from the ledger: {audit}"
        );
        assert_eq!(
            audit["mismatched_pools"], 0,
            "pools differ from the ledger: {audit}"
        );
        assert_eq!(
            audit["mismatched_entries"], 0,
            "ledger rows record balances their history does not give: {audit}"
        );
    }
}

/// Every player's (wallet, vault) and the ledger audit (totals and the
/// number of ledger entries): equal snapshots mean no coin moved.
#[derive(Debug, PartialEq)]
pub struct Money {
    balances: Vec<(i64, i64)>,
    audit: Value,
}

pub async fn money(app: &TestApp, players: &[Player]) -> Money {
    let mut balances = Vec::with_capacity(players.len());
    for p in players {
        balances.push(app.balances(p).await);
    }
    Money {
        balances,
        audit: app.audit().await,
    }
}
