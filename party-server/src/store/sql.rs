//! One statement API over both databases.
//!
//! Every query of the game is written once, as SQL text with `$N`
//! placeholders, and run through [`Query`]: on PostgreSQL it becomes a
//! sqlx query (prepared and cached per connection by sqlx), on SQLite it
//! runs inline on the connection the transaction holds (see `sqlite.rs`).
//! Arguments are [`Arg`]s, which keep the Rust type they came from so
//! PostgreSQL sees the same parameter types as before; rows are read
//! through [`DbRow`] into types implementing [`FromRow`].

use std::time::Instant;

use sqlx::postgres::{PgArguments, PgRow};
use sqlx::{Postgres, Row as _};
use uuid::Uuid;

use super::args::Arg;
use super::{Conn, Tx};
use crate::error::{Error, Result, UnknownValue};

/// A statement being built on a transaction: `tx.query(SQL).bind(a)…`,
/// then one of the `execute`/`fetch_*` methods.
#[derive(Debug)]
#[must_use = "a query does nothing until executed or fetched"]
pub struct Query<'a> {
    tx: &'a mut Tx,
    sql: &'a str,
    args: Vec<Arg<'a>>,
}

impl Tx {
    /// Starts a statement on this transaction.
    pub fn query<'a>(&'a mut self, sql: &'a str) -> Query<'a> {
        Query {
            tx: self,
            sql,
            args: Vec::new(),
        }
    }
}

impl<'a> Query<'a> {
    /// Binds the next `$N`.
    pub fn bind(mut self, value: impl Into<Arg<'a>>) -> Self {
        self.args.push(value.into());
        self
    }

    /// Binds every argument of `values`, in order (for generated statements).
    pub fn bind_all(mut self, values: impl IntoIterator<Item = Arg<'a>>) -> Self {
        self.args.extend(values);
        self
    }

    /// Runs the statement; the number of rows it changed.
    pub async fn execute(self) -> Result<u64> {
        let started = Instant::now();
        self.tx.statements += 1;
        let changed = match &mut self.tx.conn {
            Conn::Sqlite(conn) => conn.execute(self.sql, &self.args)?,
            Conn::Postgres(tx) => pg_query(self.sql, &self.args)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
        };
        log_statement(self.sql, changed, 0, started);
        Ok(changed)
    }

    /// Every row, read as `T`.
    pub async fn fetch_all<T: FromRow>(self) -> Result<Vec<T>> {
        self.fetch_up_to(usize::MAX).await
    }

    /// The first row, if any.
    pub async fn fetch_optional<T: FromRow>(self) -> Result<Option<T>> {
        Ok(self.fetch_up_to(1).await?.pop())
    }

    /// The first row; none is an internal error (the caller knows it exists).
    pub async fn fetch_one<T: FromRow>(self) -> Result<T> {
        let sql = self.sql;
        self.fetch_optional()
            .await?
            .ok_or_else(|| Error::internal(format!("no row returned by: {sql}")))
    }

    async fn fetch_up_to<T: FromRow>(mut self, limit: usize) -> Result<Vec<T>> {
        let started = Instant::now();
        self.tx.statements += 1;
        let rows = self.read_up_to(limit).await?;
        log_statement(self.sql, 0, rows.len(), started);
        Ok(rows)
    }

    async fn read_up_to<T: FromRow>(&mut self, limit: usize) -> Result<Vec<T>> {
        match &mut self.tx.conn {
            Conn::Sqlite(conn) => conn.fetch(self.sql, &self.args, limit, |row, names| {
                T::from_row(&DbRow::Sqlite(row, names))
            }),
            Conn::Postgres(tx) => {
                let rows = if limit == 1 {
                    pg_query(self.sql, &self.args)
                        .fetch_optional(&mut **tx)
                        .await?
                        .into_iter()
                        .collect()
                } else {
                    pg_query(self.sql, &self.args).fetch_all(&mut **tx).await?
                };
                rows.iter()
                    .map(|row| T::from_row(&DbRow::Postgres(row)))
                    .collect()
            }
        }
    }
}

/// Every statement at `debug`, on both databases, inside the span of the
/// use case that ran it (sqlx's own statement log is off).
fn log_statement(sql: &str, rows_affected: u64, rows_returned: usize, started: Instant) {
    let elapsed = started.elapsed();
    if elapsed >= SLOW_STATEMENT {
        tracing::warn!(
            target: "party_server::store",
            statement = sql.trim(),
            rows_affected,
            rows_returned,
            elapsed_us = elapsed.as_micros() as u64,
            "slow statement"
        );
    } else {
        tracing::debug!(
            target: "party_server::store",
            statement = sql.trim(),
            rows_affected,
            rows_returned,
            elapsed_us = elapsed.as_micros() as u64,
        );
    }
}

/// A statement slower than this is logged at `warn`.
const SLOW_STATEMENT: std::time::Duration = std::time::Duration::from_millis(20);

/// The sqlx query for `sql` with `args` bound in order.
fn pg_query<'q>(
    sql: &'q str,
    args: &'q [Arg<'q>],
) -> sqlx::query::Query<'q, Postgres, PgArguments> {
    args.iter().fold(sqlx::query(sql), |query, arg| match arg {
        Arg::I64(v) => query.bind(*v),
        Arg::I32(v) => query.bind(*v),
        Arg::F64(v) => query.bind(*v),
        Arg::Bool(v) => query.bind(*v),
        Arg::Text(v) => query.bind(v.as_deref()),
        Arg::Uuid(v) => query.bind(*v),
        Arg::UuidList(v) => query.bind(&**v),
    })
}

/// `($1, $2, …), ($k, …), …`: the VALUES list of a multi-row insert of
/// `rows` rows of `columns` columns, numbered from `$first`.
pub fn values_list(rows: usize, columns: usize, first: usize) -> String {
    let mut out = String::with_capacity(rows * columns * 5);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..columns {
            if c > 0 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(first + r * columns + c).to_string());
        }
        out.push(')');
    }
    out
}

/// `$first, $first+1, …` (`count` of them): an `IN (…)` list.
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A row of either database, read by column name or index.
#[derive(Debug)]
pub enum DbRow<'r> {
    /// A row and its statement's column names.
    Sqlite(&'r rusqlite::Row<'r>, &'r [String]),
    Postgres(&'r PgRow),
}

/// A value both drivers can read from a column.
pub trait Column:
    rusqlite::types::FromSql + for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>
{
}

impl<T> Column for T where
    T: rusqlite::types::FromSql + for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>
{
}

/// A column name or index both drivers accept.
pub trait ColumnRef:
    rusqlite::RowIndex + sqlx::ColumnIndex<PgRow> + std::fmt::Debug + Copy
{
    /// Its position among a statement's column `names`, if found exactly.
    fn position(self, names: &[String]) -> Option<usize>;
}

impl ColumnRef for &str {
    fn position(self, names: &[String]) -> Option<usize> {
        names.iter().position(|name| name == self)
    }
}

impl ColumnRef for usize {
    fn position(self, names: &[String]) -> Option<usize> {
        (self < names.len()).then_some(self)
    }
}

impl DbRow<'_> {
    /// The column `column`, read as `T`.
    pub fn try_get<T: Column, I: ColumnRef>(&self, column: I) -> Result<T> {
        match self {
            // By position when the name matches exactly; otherwise
            // rusqlite's own (case-insensitive) search, and its error.
            DbRow::Sqlite(row, names) => match column.position(names) {
                Some(index) => row.get(index),
                None => row.get(column),
            }
            .map_err(|err| Error::internal(format!("cannot read column {column:?}: {err}"))),
            DbRow::Postgres(row) => Ok(row.try_get(column)?),
        }
    }
}

/// Implements [`FromRow`] for a struct whose fields are read from the
/// columns of the same names.
macro_rules! columns_row {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl $crate::store::FromRow for $ty {
            fn from_row(row: &$crate::store::DbRow<'_>) -> $crate::error::Result<Self> {
                Ok($ty { $($field: row.try_get(stringify!($field))?),* })
            }
        }
    };
}
pub(crate) use columns_row;

/// A type read from one row.
pub trait FromRow: Sized {
    fn from_row(row: &DbRow<'_>) -> Result<Self>;
}

/// One-column rows read as the column's value.
macro_rules! scalar_rows {
    ($($ty:ty),*) => {$(
        impl FromRow for $ty {
            fn from_row(row: &DbRow<'_>) -> Result<Self> {
                row.try_get(0)
            }
        }
    )*};
}
scalar_rows!(i64, i32, f64, bool, String, Uuid);

impl<T: Column> FromRow for Option<T> {
    fn from_row(row: &DbRow<'_>) -> Result<Self> {
        row.try_get(0)
    }
}

/// Rows of a few columns read as tuples, column by column.
macro_rules! tuple_rows {
    ($(($($name:ident $idx:tt),+)),*) => {$(
        impl<$($name: Column),+> FromRow for ($($name,)+) {
            fn from_row(row: &DbRow<'_>) -> Result<Self> {
                Ok(($(row.try_get::<$name, usize>($idx)?,)+))
            }
        }
    )*};
}
tuple_rows!(
    (A 0),
    (A 0, B 1),
    (A 0, B 1, C 2),
    (A 0, B 1, C 2, D 3),
    (A 0, B 1, C 2, D 3, E 4),
    (A 0, B 1, C 2, D 3, E 4, F 5)
);

/// Reads the text column `column` of a `table` row and parses it with
/// `parse`; a value the code does not know is an internal error naming the
/// table, the column and the value — never a silent default.
pub fn enum_column<T>(
    row: &DbRow<'_>,
    table: &'static str,
    column: &'static str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T> {
    let value: String = row.try_get(column)?;
    parse(&value).ok_or_else(|| {
        Error::internal(
            UnknownValue {
                table,
                column,
                value,
            }
            .to_string(),
        )
    })
}

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

#[cfg(test)]
mod tests {
    use super::values_list;

    #[test]
    fn a_values_list_numbers_its_placeholders_row_by_row() {
        assert_eq!(values_list(2, 3, 1), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(values_list(1, 2, 4), "($4, $5)");
        assert_eq!(values_list(0, 2, 1), "");
        assert_eq!(super::placeholders(3, 2), "$3, $4");
    }
}
