//! Reading text columns that hold an enum (a status, a phase, a kind).
//!
//! Rows hold the enum, parsed as they are read. A value the code does not
//! know is an internal error naming the table, the column and the value —
//! never a silent default, which would let a bad row pass for another state.
//! The derived `FromRow` cannot parse them (the enums live in the protocol
//! crate, so this crate cannot give them sqlx's decoding traits), hence
//! [`from_row!`], which writes a row's decoding once for both drivers.

use sqlx::{ColumnIndex, Decode, Row, Type};

use crate::error::{Error, Result, UnknownValue};

/// Parses `value`, read from `table.column`, with `parse`.
pub fn parse_text<T>(
    table: &'static str,
    column: &'static str,
    value: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T> {
    parse(value).ok_or_else(|| {
        Error::internal(
            UnknownValue {
                table,
                column,
                value: value.to_owned(),
            }
            .to_string(),
        )
    })
}

/// Reads the text column `column` of a `table` row and parses it with
/// `parse`. The error travels through sqlx as a decode error carrying
/// [`UnknownValue`]; `Error`'s conversion turns it into an internal error.
pub fn enum_column<'r, R, T>(
    row: &'r R,
    table: &'static str,
    column: &'static str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> sqlx::Result<T>
where
    R: Row,
    &'static str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
{
    let value: String = row.try_get(column)?;
    parse(&value).ok_or_else(|| {
        sqlx::Error::Decode(Box::new(UnknownValue {
            table,
            column,
            value,
        }))
    })
}

/// Implements `sqlx::FromRow` for `$ty` on SQLite and PostgreSQL rows with
/// one body, in which `$row` is the driver's row (like [`super::on_conn!`],
/// the body is compiled once per driver).
macro_rules! from_row {
    ($ty:ty, $row:ident => $body:expr) => {
        impl<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> for $ty {
            fn from_row($row: &'r sqlx::sqlite::SqliteRow) -> sqlx::Result<Self> {
                #[allow(unused_imports)]
                use sqlx::Row as _;
                $body
            }
        }
        impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for $ty {
            fn from_row($row: &'r sqlx::postgres::PgRow) -> sqlx::Result<Self> {
                #[allow(unused_imports)]
                use sqlx::Row as _;
                $body
            }
        }
    };
}
pub(crate) use from_row;
