//! Prompt, copy and vote rounds (game-rules §3).
//!
//! - [`solo`]: the solo round endpoints;
//! - [`lookup`], [`start`], [`submit`]: finding, starting and submitting a
//!   round, shared by the solo endpoints and party play;
//! - [`settlement`]: refunds, phraseset finalization and prize payouts,
//!   shared by solo and party rounds and the sweeper.

pub(crate) mod lookup;
pub(crate) mod settlement;
mod solo;
pub(crate) mod start;
pub(crate) mod submit;

pub(crate) use settlement::{expire_round, finalize_phraseset};
pub(crate) use solo::{availability_in, current_round_in};
