//! End-to-end tests: the real `party-server` binary, over HTTP, on a fresh
//! database per test (SQLite always; PostgreSQL too when
//! `PARTY_TEST_POSTGRES_URL` is set).

// Test code may panic on a broken precondition: that is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod support;

mod accounts;
mod bad_input;
mod cli_docs;
mod client_facts;
mod concurrency;
mod conservation;
mod cycles;
mod faults;
mod forwarded;
mod friends;
mod limits;
mod logging;
mod metrics;
mod party;
mod party_abandoned;
mod party_again;
mod party_awards;
mod party_chat;
mod party_errors;
mod party_global;
mod party_history;
mod party_listing;
mod party_lobby;
mod party_phase_end;
mod party_plan;
mod party_private;
mod party_reactions;
mod party_rejoin;
mod party_submissions;
mod party_timing;
mod presence;
mod public_parties;
mod quick_match;
mod realtime;
mod socket_access;
mod socket_limits;
mod spectator_secrets;
mod spectators;
mod timers;
mod tls;
mod token_reuse;
