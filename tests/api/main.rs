//! End-to-end tests: the real `party-server` binary, over HTTP, on a fresh
//! database per test (SQLite always; PostgreSQL too when
//! `PARTY_TEST_POSTGRES_URL` is set).

mod support;

mod cycles;
