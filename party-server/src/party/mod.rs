//! Party Mode's pure rules: the phase machine, up-front assignment, results
//! awards and bonuses, party codes and the bots' phrase writing. No I/O here; the
//! use cases in `service::party` load state, ask these functions, persist.

pub mod assign;
pub mod awards;
pub mod bonuses;
pub mod bots;
pub mod code;
pub mod favourite;
pub mod matchmaking;
pub mod phase;
pub mod results;
pub mod standings;
