//! One small SQL layer over the two databases the store runs on: SQLite (embedded, the
//! default) and PostgreSQL (several instances sharing one database). Statements are written
//! once, in the dialect both understand, with `?N` placeholders (rewritten to `$N` for
//! PostgreSQL); only the schema is written per database. Values cross as [`V`].
//!
//! Write transactions are serialised on both: SQLite's `BEGIN IMMEDIATE` takes the write lock
//! at the start, PostgreSQL takes a transaction-scoped advisory lock. The audit chain needs
//! that: each record links to the one before it, so two writers must not read the same head.

use crate::{Error, Result};
use std::cell::RefCell;
use std::collections::HashMap;

/// A value passed to or read from the database.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum V {
    Null,
    I(i64),
    F(f64),
    T(String),
}

impl From<i64> for V {
    fn from(v: i64) -> V {
        V::I(v)
    }
}
impl From<f64> for V {
    fn from(v: f64) -> V {
        V::F(v)
    }
}
impl From<usize> for V {
    fn from(v: usize) -> V {
        V::I(v as i64)
    }
}
impl From<&str> for V {
    fn from(v: &str) -> V {
        V::T(v.to_string())
    }
}
impl From<String> for V {
    fn from(v: String) -> V {
        V::T(v)
    }
}
impl From<&String> for V {
    fn from(v: &String) -> V {
        V::T(v.clone())
    }
}
impl<T: Into<V>> From<Option<T>> for V {
    fn from(v: Option<T>) -> V {
        v.map(Into::into).unwrap_or(V::Null)
    }
}

/// Parameters: `p![a, b]`.
macro_rules! p {
    ($($x:expr),* $(,)?) => { &[$($crate::db::V::from($x)),*][..] };
}
pub(crate) use p;

/// A result row.
#[derive(Debug)]
pub(crate) struct Row(Vec<V>);

impl Row {
    pub(crate) fn i64(&self, i: usize) -> i64 {
        match &self.0[i] {
            V::I(v) => *v,
            V::F(f) => *f as i64,
            V::T(t) => t.parse().unwrap_or(0),
            V::Null => 0,
        }
    }
    pub(crate) fn opt_i64(&self, i: usize) -> Option<i64> {
        match &self.0[i] {
            V::Null => None,
            _ => Some(self.i64(i)),
        }
    }
    pub(crate) fn text(&self, i: usize) -> String {
        self.opt_text(i).unwrap_or_default()
    }
    pub(crate) fn f64(&self, i: usize) -> f64 {
        match &self.0[i] {
            V::F(f) => *f,
            V::I(v) => *v as f64,
            V::T(t) => t.parse().unwrap_or(0.0),
            V::Null => 0.0,
        }
    }
    pub(crate) fn opt_text(&self, i: usize) -> Option<String> {
        match &self.0[i] {
            V::T(t) => Some(t.clone()),
            V::I(v) => Some(v.to_string()),
            V::F(f) => Some(f.to_string()),
            V::Null => None,
        }
    }
}

enum Conn {
    Lite(rusqlite::Connection),
    Pg {
        client: Box<postgres::Client>,
        statements: HashMap<String, postgres::Statement>,
    },
}

/// A connection to either database.
pub(crate) struct Db {
    conn: RefCell<Conn>,
}

/// Marks a PostgreSQL error, which the store reports as a database error like SQLite's.
fn pg(e: postgres::Error) -> Error {
    Error::Postgres(match e.as_db_error() {
        Some(d) => format!("{}: {}", d.severity(), d.message()),
        None => e.to_string(),
    })
}

impl rusqlite::types::ToSql for V {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value};
        Ok(match self {
            V::Null => ToSqlOutput::Owned(Value::Null),
            V::I(v) => ToSqlOutput::Owned(Value::Integer(*v)),
            V::F(v) => ToSqlOutput::Owned(Value::Real(*v)),
            V::T(v) => ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(v.as_bytes())),
        })
    }
}

impl postgres::types::ToSql for V {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>>
    {
        use postgres::types::Type;
        match self {
            V::Null => Ok(postgres::types::IsNull::Yes),
            V::I(v) if *ty == Type::INT4 => (*v as i32).to_sql(ty, out),
            V::I(v) if *ty == Type::TEXT || *ty == Type::VARCHAR => v.to_string().to_sql(ty, out),
            V::I(v) => v.to_sql(ty, out),
            V::F(v) => v.to_sql(ty, out),
            V::T(v) => v.to_sql(ty, out),
        }
    }
    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }
    postgres::types::to_sql_checked!();
}

/// `?N` → `$N` (the statements hold no `?` inside string literals).
fn to_pg(sql: &str) -> String {
    sql.replace('?', "$")
}

fn pg_value(row: &postgres::Row, i: usize) -> std::result::Result<V, postgres::Error> {
    use postgres::types::Type;
    let ty = row.columns()[i].type_().clone();
    Ok(if ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(i)?.map_or(V::Null, V::I)
    } else if ty == Type::INT4 {
        row.try_get::<_, Option<i32>>(i)?
            .map_or(V::Null, |v| V::I(v as i64))
    } else if ty == Type::INT2 {
        row.try_get::<_, Option<i16>>(i)?
            .map_or(V::Null, |v| V::I(v as i64))
    } else if ty == Type::FLOAT8 {
        row.try_get::<_, Option<f64>>(i)?.map_or(V::Null, V::F)
    } else if ty == Type::BOOL {
        row.try_get::<_, Option<bool>>(i)?
            .map_or(V::Null, |v| V::I(v as i64))
    } else if ty == Type::VOID {
        V::Null
    } else {
        row.try_get::<_, Option<String>>(i)?.map_or(V::Null, V::T)
    })
}

impl Db {
    pub(crate) fn sqlite(conn: rusqlite::Connection) -> Db {
        Db {
            conn: RefCell::new(Conn::Lite(conn)),
        }
    }

    pub(crate) fn postgres(url: &str) -> Result<Db> {
        let client = postgres::Client::connect(url, postgres::NoTls).map_err(pg)?;
        Ok(Db {
            conn: RefCell::new(Conn::Pg {
                client: Box::new(client),
                statements: HashMap::new(),
            }),
        })
    }

    pub(crate) fn is_postgres(&self) -> bool {
        matches!(&*self.conn.borrow(), Conn::Pg { .. })
    }

    /// Runs several statements without parameters (schema).
    pub(crate) fn batch(&self, sql: &str) -> Result<()> {
        match &mut *self.conn.borrow_mut() {
            Conn::Lite(c) => c.execute_batch(sql)?,
            Conn::Pg { client, .. } => client.batch_execute(sql).map_err(pg)?,
        }
        Ok(())
    }

    /// Runs one statement; returns the rows changed.
    pub(crate) fn exec(&self, sql: &str, params: &[V]) -> Result<u64> {
        match &mut *self.conn.borrow_mut() {
            Conn::Lite(c) => {
                let mut st = c.prepare_cached(sql)?;
                Ok(st.execute(rusqlite::params_from_iter(params.iter()))? as u64)
            }
            Conn::Pg { client, statements } => {
                let st = prepared(client, statements, sql)?;
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    params.iter().map(|p| p as _).collect();
                client.execute(&st, &refs).map_err(pg)
            }
        }
    }

    /// Runs a query; returns every row.
    pub(crate) fn rows(&self, sql: &str, params: &[V]) -> Result<Vec<Row>> {
        match &mut *self.conn.borrow_mut() {
            Conn::Lite(c) => {
                let mut st = c.prepare_cached(sql)?;
                let n = st.column_count();
                let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    let mut v = Vec::with_capacity(n);
                    for i in 0..n {
                        use rusqlite::types::ValueRef;
                        v.push(match r.get_ref(i)? {
                            ValueRef::Null => V::Null,
                            ValueRef::Integer(x) => V::I(x),
                            ValueRef::Real(x) => V::F(x),
                            ValueRef::Text(t) | ValueRef::Blob(t) => {
                                V::T(String::from_utf8_lossy(t).into_owned())
                            }
                        });
                    }
                    out.push(Row(v));
                }
                Ok(out)
            }
            Conn::Pg { client, statements } => {
                let st = prepared(client, statements, sql)?;
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    params.iter().map(|p| p as _).collect();
                let rows = client.query(&st, &refs).map_err(pg)?;
                rows.iter()
                    .map(|r| {
                        (0..r.len())
                            .map(|i| pg_value(r, i))
                            .collect::<std::result::Result<Vec<V>, _>>()
                            .map(Row)
                            .map_err(pg)
                    })
                    .collect()
            }
        }
    }

    /// Runs a query; returns its first row, if any.
    pub(crate) fn row(&self, sql: &str, params: &[V]) -> Result<Option<Row>> {
        Ok(self.rows(sql, params)?.into_iter().next())
    }

    /// Starts a write transaction, serialised with every other writer of the database. It
    /// rolls back unless committed.
    pub(crate) fn begin(&self) -> Result<Tx<'_>> {
        let pg = self.is_postgres();
        self.batch(if pg {
            "BEGIN ISOLATION LEVEL READ COMMITTED"
        } else {
            "BEGIN IMMEDIATE"
        })?;
        let tx = Tx {
            db: self,
            open: true,
        };
        if pg {
            // Any constant will do, as long as every writer uses it.
            self.rows("SELECT pg_advisory_xact_lock(7263512)", &[])?;
        }
        Ok(tx)
    }
}

fn prepared(
    client: &mut postgres::Client,
    statements: &mut HashMap<String, postgres::Statement>,
    sql: &str,
) -> Result<postgres::Statement> {
    if let Some(s) = statements.get(sql) {
        return Ok(s.clone());
    }
    let s = client.prepare(&to_pg(sql)).map_err(pg)?;
    statements.insert(sql.to_string(), s.clone());
    Ok(s)
}

/// An open write transaction.
pub(crate) struct Tx<'a> {
    db: &'a Db,
    open: bool,
}

impl std::ops::Deref for Tx<'_> {
    type Target = Db;
    fn deref(&self) -> &Db {
        self.db
    }
}

impl Tx<'_> {
    pub(crate) fn commit(mut self) -> Result<()> {
        self.open = false;
        self.db.batch("COMMIT")
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.db.batch("ROLLBACK");
        }
    }
}
