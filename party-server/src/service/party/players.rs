//! Server-side players: bots a host adds and the stand-ins that write a
//! party's missing copies, created with the starting wallet like anyone.

use party_protocol::PlayerId;

use crate::clock::Millis;
use crate::config::GameRules;
use crate::error::{Error, Result};
use crate::party::bots;
use crate::store::{Account, Constraint, Transfer, Tx, violates};

/// Creates a server-side player (a bot or a stand-in) with the starting wallet.
pub(super) async fn create_bot_player(
    tx: &mut Tx,
    rules: &GameRules,
    name: Option<String>,
    now: Millis,
) -> Result<(PlayerId, String)> {
    let id = PlayerId::new();
    for attempt in 0..10 {
        let username = match (&name, attempt) {
            (Some(n), 0) => n.clone(),
            _ => bots::name(&mut rand::rng()),
        };
        match tx
            .insert_player(id, &username, None, None, false, true, now)
            .await
        {
            Err(e) if violates(&e, &[Constraint::PlayerUsername]) => {}
            Err(e) => return Err(e),
            Ok(()) => {
                tx.transfer(
                    &Transfer {
                        from: Account::House,
                        to: Account::Wallet(id),
                        amount: rules.starting_wallet,
                        kind: "signup_grant",
                        reference: None,
                        idempotency_key: Some(format!("grant:{id}")),
                    },
                    now,
                )
                .await?;
                return Ok((id, username));
            }
        }
    }
    Err(Error::internal("could not name a bot"))
}
