//! Pure game rules: no I/O, no clock, no database.

pub mod bot_vocabulary;
pub mod dictionary;
pub mod house_library;
pub mod prompts;
pub mod scoring;
pub mod validation;
