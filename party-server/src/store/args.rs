//! A statement's arguments, as both drivers bind them: each keeps the Rust
//! type it came from, so PostgreSQL sees the parameter types it always
//! did and SQLite stores what sqlx stored (see `sqlite.rs`).

use std::borrow::Cow;

use uuid::Uuid;

/// A statement's argument, owned or borrowed.
#[derive(Debug, Clone)]
pub enum Arg<'a> {
    I64(Option<i64>),
    I32(Option<i32>),
    F64(Option<f64>),
    Bool(Option<bool>),
    Text(Option<Cow<'a, str>>),
    Uuid(Option<Uuid>),
    /// A PostgreSQL `uuid[]` (for `= ANY($1)`); SQLite has no arrays.
    UuidList(Cow<'a, [Uuid]>),
}

macro_rules! arg_from {
    ($($ty:ty => $variant:ident),* $(,)?) => {$(
        impl From<$ty> for Arg<'_> {
            fn from(value: $ty) -> Self {
                Arg::$variant(Some(value))
            }
        }
        impl From<Option<$ty>> for Arg<'_> {
            fn from(value: Option<$ty>) -> Self {
                Arg::$variant(value)
            }
        }
    )*};
}
arg_from!(i64 => I64, i32 => I32, f64 => F64, bool => Bool, Uuid => Uuid);

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Arg::Text(Some(Cow::Borrowed(value)))
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(value: Option<&'a str>) -> Self {
        Arg::Text(value.map(Cow::Borrowed))
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(value: &'a String) -> Self {
        Arg::Text(Some(Cow::Borrowed(value)))
    }
}

impl<'a> From<&'a Option<String>> for Arg<'a> {
    fn from(value: &'a Option<String>) -> Self {
        Arg::Text(value.as_deref().map(Cow::Borrowed))
    }
}

impl From<String> for Arg<'_> {
    fn from(value: String) -> Self {
        Arg::Text(Some(Cow::Owned(value)))
    }
}

impl From<Option<String>> for Arg<'_> {
    fn from(value: Option<String>) -> Self {
        Arg::Text(value.map(Cow::Owned))
    }
}

impl<'a> From<&'a [Uuid]> for Arg<'a> {
    fn from(value: &'a [Uuid]) -> Self {
        Arg::UuidList(Cow::Borrowed(value))
    }
}

impl From<Vec<Uuid>> for Arg<'_> {
    fn from(value: Vec<Uuid>) -> Self {
        Arg::UuidList(Cow::Owned(value))
    }
}
