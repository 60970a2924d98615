//! Pure game rules: no I/O, no clock, no database.

pub mod dictionary;
pub mod prompts;
pub mod scoring;
pub mod validation;
