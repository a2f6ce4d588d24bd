//! The history database: one SQLite file (WAL, versioned migrations) holding slices and
//! events. Opening it deals with the bad cases: a garbled or foreign file is moved aside and
//! a fresh one started; a file locked by another program is reported, not waited on forever;
//! a file from a newer Sitwell is left alone.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, params};

use super::{Event, EventKind, FIRST_PATTERNS, Slice};

/// Marks the file as Sitwell's (`PRAGMA application_id`, "Sitw").
pub const APPLICATION_ID: i32 = 0x5369_7477;
/// How long a statement waits for another program's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// The schema, one step per version (`PRAGMA user_version` is the number of steps applied).
/// Durations are stored in tenths of a second, score and angles in tenths: small integers keep a
/// year of slices small.
const MIGRATIONS: [&str; 3] = [
    // 1: slices and events.
    "CREATE TABLE slices (
        id INTEGER PRIMARY KEY,
        start INTEGER NOT NULL,
        upright_ds INTEGER NOT NULL,
        forward_head_ds INTEGER NOT NULL,
        rounded_shoulders_ds INTEGER NOT NULL,
        upper_crossed_ds INTEGER NOT NULL,
        look_down_ds INTEGER NOT NULL,
        unknown_ds INTEGER NOT NULL,
        away_ds INTEGER NOT NULL,
        score_x10 INTEGER,
        cva_x10 INTEGER,
        cva_drop_x10 INTEGER,
        shoulder_x10 INTEGER,
        shoulder_drop_x10 INTEGER,
        frames INTEGER NOT NULL
    );
    CREATE INDEX slices_start ON slices(start);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        t REAL NOT NULL,
        kind TEXT NOT NULL,
        move TEXT,
        detail TEXT
    );
    CREATE INDEX events_t ON events(t);",
    // 2: how sure the judge was, per slice.
    "ALTER TABLE slices ADD COLUMN confidence_pct INTEGER;",
    // 3: time leaning to one side and with the head tilted.
    "ALTER TABLE slices ADD COLUMN side_lean_ds INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE slices ADD COLUMN head_tilt_ds INTEGER NOT NULL DEFAULT 0;",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(
        "the history database {path} is locked by another program (is another Sitwell running?)"
    )]
    Locked { path: PathBuf },
    #[error(
        "the history database {path} was written by a newer Sitwell (schema {found}, this one \
         knows {SCHEMA_VERSION}); update Sitwell or use another --db"
    )]
    Newer { path: PathBuf, found: usize },
    #[error(
        "the history database {path} has an older schema ({found}); start Sitwell once to \
         upgrade it"
    )]
    Older { path: PathBuf, found: usize },
    #[error("there is no history at {path} yet")]
    Missing { path: PathBuf },
    #[error("cannot move the broken history database {path} aside: {cause}")]
    MoveAside {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("cannot create the folder for {path}: {cause}")]
    Folder {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("the history database {path} could not be read ({message})")]
    Corrupt { path: PathBuf, message: String },
    #[error("{path} is not a Sitwell history (it belongs to another program)")]
    Foreign { path: PathBuf },
    #[error("history database {path}: {cause}")]
    Sqlite {
        path: PathBuf,
        cause: rusqlite::Error,
    },
}

impl HistoryError {
    /// Another program holds the lock (retrying later may work).
    pub fn is_locked(&self) -> bool {
        matches!(self, HistoryError::Locked { .. })
    }

    /// The file cannot be used as it is (moving it aside and starting again is the way out).
    pub fn is_unusable(&self) -> bool {
        matches!(
            self,
            HistoryError::Corrupt { .. } | HistoryError::Foreign { .. }
        )
    }

    fn from_sqlite(path: &Path, cause: rusqlite::Error) -> HistoryError {
        let path = path.to_path_buf();
        if is_corruption(&cause) {
            HistoryError::Corrupt {
                path,
                message: cause.to_string(),
            }
        } else if is_busy(&cause) {
            HistoryError::Locked { path }
        } else {
            HistoryError::Sqlite { path, cause }
        }
    }
}

fn code(e: &rusqlite::Error) -> Option<ErrorCode> {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    }
}

fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        code(e),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        code(e),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// An open history database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// What opening found, for the user to be told.
#[derive(Debug, Clone, PartialEq)]
pub enum Opened {
    Ready,
    /// The old file could not be used and was renamed to `moved_to`; a new one was started.
    MovedAside {
        moved_to: PathBuf,
        why: String,
    },
}

impl Opened {
    /// The message for the user, if there is one.
    pub fn notice(&self, path: &Path) -> Option<String> {
        match self {
            Opened::Ready => None,
            Opened::MovedAside { moved_to, why } => Some(format!(
                "the history database {} {why}; it was moved to {} and a new history started",
                path.display(),
                moved_to.display()
            )),
        }
    }
}

impl Store {
    /// Opens (or creates) the history at `path` for writing, migrating it to this build's
    /// schema; a garbled or foreign file is moved aside. Only the holder of the history's
    /// [`InstanceLock`](super::InstanceLock) should call this.
    pub fn open(path: &Path) -> Result<(Store, Opened), HistoryError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::files::create_private_dir(dir).map_err(|cause| HistoryError::Folder {
                path: path.to_path_buf(),
                cause,
            })?;
        }
        match Store::open_checked(path, OpenFlags::default()) {
            Ok(store) => Ok((store, Opened::Ready)),
            Err(e) if e.is_unusable() => {
                let why = match &e {
                    HistoryError::Corrupt { message, .. } => {
                        format!("could not be read ({message})")
                    }
                    _ => "belongs to another program".to_owned(),
                };
                let moved_to = move_aside(path)?;
                let store = Store::open_checked(path, OpenFlags::default())?;
                Ok((store, Opened::MovedAside { moved_to, why }))
            }
            Err(e) => Err(e),
        }
    }

    /// Opens an existing history to read it (reports, export, the dashboard), while Sitwell
    /// may be writing it: nothing is created, migrated or moved aside.
    pub fn open_existing(path: &Path) -> Result<Store, HistoryError> {
        if !path.exists() {
            return Err(HistoryError::Missing {
                path: path.to_path_buf(),
            });
        }
        let sqlite = |cause| HistoryError::from_sqlite(path, cause);
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sqlite)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite)?;
        let (app_id, version): (i32, i64) = conn
            .query_row(
                "SELECT (SELECT application_id FROM pragma_application_id),
                        (SELECT user_version FROM pragma_user_version)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(sqlite)?;
        if app_id != APPLICATION_ID {
            return Err(HistoryError::Foreign {
                path: path.to_path_buf(),
            });
        }
        let version = usize::try_from(version).unwrap_or(usize::MAX);
        // Older: the running Sitwell upgrades it when it next starts; newer: not ours to read.
        let path_buf = path.to_path_buf();
        match version.cmp(&SCHEMA_VERSION) {
            std::cmp::Ordering::Less => {
                return Err(HistoryError::Older {
                    path: path_buf,
                    found: version,
                });
            }
            std::cmp::Ordering::Greater => {
                return Err(HistoryError::Newer {
                    path: path_buf,
                    found: version,
                });
            }
            std::cmp::Ordering::Equal => {}
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn open_checked(path: &Path, flags: OpenFlags) -> Result<Store, HistoryError> {
        let sqlite = |cause| HistoryError::from_sqlite(path, cause);
        // The user's alone (0600): SQLite gives its WAL and shared-memory files the mode of
        // the database file, so they follow.
        let private = if path.exists() {
            crate::files::make_private(path)
        } else {
            crate::files::create_private(path).map(drop)
        };
        private.map_err(|cause| HistoryError::Folder {
            path: path.to_path_buf(),
            cause,
        })?;
        let conn = Connection::open_with_flags(path, flags).map_err(sqlite)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite)?;
        let app_id: i32 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(sqlite)?;
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(sqlite)?;
        if app_id != APPLICATION_ID && (app_id != 0 || tables > 0) {
            return Err(HistoryError::Foreign {
                path: path.to_path_buf(),
            });
        }
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sqlite)?;
        let version = usize::try_from(version).unwrap_or(usize::MAX);
        if version > SCHEMA_VERSION {
            return Err(HistoryError::Newer {
                path: path.to_path_buf(),
                found: version,
            });
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sqlite)?;
        // Every 30-s batch reaches the disk: a power cut loses at most the batch in memory.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(sqlite)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.migrate(version).map_err(sqlite)?;
        Ok(store)
    }

    /// Applies the migrations after `from`, each in its own transaction.
    fn migrate(&mut self, from: usize) -> rusqlite::Result<()> {
        for (done, step) in MIGRATIONS.iter().enumerate().skip(from) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(step)?;
            tx.pragma_update(None, "user_version", (done + 1) as i64)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            tx.commit()?;
        }
        Ok(())
    }

    fn error(&self, cause: rusqlite::Error) -> HistoryError {
        HistoryError::from_sqlite(&self.path, cause)
    }

    /// Writes a batch in one transaction: all of it or none.
    pub fn write(&mut self, slices: &[Slice], events: &[Event]) -> Result<(), HistoryError> {
        self.write_inner(slices, events)
            .map_err(|e| HistoryError::from_sqlite(&self.path, e))
    }

    fn write_inner(&mut self, slices: &[Slice], events: &[Event]) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO slices (start, upright_ds, forward_head_ds, rounded_shoulders_ds,
                    upper_crossed_ds, look_down_ds, unknown_ds, away_ds, score_x10, cva_x10,
                    cva_drop_x10, shoulder_x10, shoulder_drop_x10, frames, confidence_pct,
                    side_lean_ds, head_tilt_ds)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                    ?17)",
            )?;
            for s in slices {
                let ds = s.pattern_s.map(|v| (v * 10.0).round() as i64);
                let tenths = |v: Option<f32>| v.map(|v| (v * 10.0).round() as i64);
                insert.execute(params![
                    s.start,
                    ds[0],
                    ds[1],
                    ds[2],
                    ds[3],
                    ds[4],
                    ds[5],
                    ds[6],
                    tenths(s.score),
                    tenths(s.cva_deg),
                    tenths(s.cva_drop_deg),
                    tenths(s.shoulder_angle_deg),
                    tenths(s.shoulder_drop_deg),
                    s.frames,
                    s.confidence.map(|c| (c * 100.0).round() as i64),
                    ds[FIRST_PATTERNS],
                    ds[FIRST_PATTERNS + 1],
                ])?;
            }
            let mut insert = tx.prepare_cached(
                "INSERT INTO events (t, kind, move, detail) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for e in events {
                insert.execute(params![
                    (e.t * 1e3).round() / 1e3,
                    e.kind.as_str(),
                    e.move_id,
                    e.detail
                ])?;
            }
        }
        tx.commit()
    }

    /// Calls `each` for every slice starting in `[from, to)` (unix seconds), oldest first.
    pub fn for_each_slice(
        &self,
        from: i64,
        to: i64,
        mut each: impl FnMut(Slice),
    ) -> Result<(), HistoryError> {
        let mut run = || -> rusqlite::Result<()> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT start, upright_ds, forward_head_ds, rounded_shoulders_ds,
                    upper_crossed_ds, look_down_ds, unknown_ds, away_ds, score_x10, cva_x10,
                    cva_drop_x10, shoulder_x10, shoulder_drop_x10, frames, confidence_pct,
                    side_lean_ds, head_tilt_ds
                 FROM slices WHERE start >= ?1 AND start < ?2 ORDER BY start, id",
            )?;
            let mut rows = stmt.query(params![from, to])?;
            while let Some(row) = rows.next()? {
                // Columns 1–7: the first seven patterns; 15 and 16: side lean and head tilt.
                let mut pattern_s = [0.0f32; super::PATTERN_COUNT];
                for (i, seconds) in pattern_s.iter_mut().enumerate() {
                    let column = if i < FIRST_PATTERNS {
                        1 + i
                    } else {
                        15 + (i - FIRST_PATTERNS)
                    };
                    *seconds = row.get::<_, i64>(column)? as f32 / 10.0;
                }
                let tenths = |i: usize| -> rusqlite::Result<Option<f32>> {
                    Ok(row.get::<_, Option<i64>>(i)?.map(|v| v as f32 / 10.0))
                };
                each(Slice {
                    start: row.get(0)?,
                    pattern_s,
                    score: tenths(8)?,
                    cva_deg: tenths(9)?,
                    cva_drop_deg: tenths(10)?,
                    shoulder_angle_deg: tenths(11)?,
                    shoulder_drop_deg: tenths(12)?,
                    frames: row.get(13)?,
                    confidence: row.get::<_, Option<i64>>(14)?.map(|v| v as f32 / 100.0),
                });
            }
            Ok(())
        };
        run().map_err(|e| self.error(e))
    }

    /// The slices starting in `[from, to)`.
    pub fn slices(&self, from: i64, to: i64) -> Result<Vec<Slice>, HistoryError> {
        let mut out = Vec::new();
        self.for_each_slice(from, to, |s| out.push(s))?;
        Ok(out)
    }

    /// The events in `[from, to)` (unix seconds), oldest first. Kinds this build does not know
    /// (from a newer schema) are skipped.
    pub fn events(&self, from: f64, to: f64) -> Result<Vec<Event>, HistoryError> {
        let run = || -> rusqlite::Result<Vec<Event>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT t, kind, move, detail FROM events WHERE t >= ?1 AND t < ?2 ORDER BY t, id",
            )?;
            let rows = stmt.query_map(params![from, to], |row| {
                Ok((
                    row.get::<_, f64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, Option<String>>(3)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (t, kind, move_id, detail) = row?;
                if let Some(kind) = EventKind::parse(&kind) {
                    out.push(Event {
                        t,
                        kind,
                        move_id,
                        detail,
                    });
                }
            }
            Ok(out)
        };
        run().map_err(|e| self.error(e))
    }

    /// The unix time of the oldest and newest slice, if any.
    pub fn span(&self) -> Result<Option<(i64, i64)>, HistoryError> {
        self.conn
            .query_row("SELECT min(start), max(start) FROM slices", [], |r| {
                Ok(r.get::<_, Option<i64>>(0)?.zip(r.get::<_, Option<i64>>(1)?))
            })
            .map_err(|e| self.error(e))
    }

    /// Deletes everything older than `before` (unix seconds); returns the slices removed.
    pub fn prune(&mut self, before: i64) -> Result<usize, HistoryError> {
        let run = |conn: &mut Connection| -> rusqlite::Result<usize> {
            let tx = conn.transaction()?;
            let removed = tx.execute("DELETE FROM slices WHERE start < ?1", [before])?;
            tx.execute("DELETE FROM events WHERE t < ?1", [before as f64])?;
            tx.commit()?;
            Ok(removed)
        };
        run(&mut self.conn).map_err(|e| HistoryError::from_sqlite(&self.path, e))
    }

    /// Wipes the whole history, and the space it took on disk.
    pub fn forget_all(&mut self) -> Result<(), HistoryError> {
        let run = |conn: &mut Connection| -> rusqlite::Result<()> {
            conn.execute_batch("DELETE FROM slices; DELETE FROM events;")?;
            // Deleted rows linger in free pages and the write-ahead log until these run.
            conn.execute_batch("VACUUM;")?;
            Ok(())
        };
        run(&mut self.conn).map_err(|e| HistoryError::from_sqlite(&self.path, e))?;
        self.checkpoint()
    }

    /// Rows stored: (slices, events).
    pub fn counts(&self) -> Result<(u64, u64), HistoryError> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM slices), (SELECT count(*) FROM events)",
                [],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
            )
            .map_err(|e| self.error(e))
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<usize, HistoryError> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .map(|v| usize::try_from(v).unwrap_or(0))
            .map_err(|e| self.error(e))
    }

    /// Writes everything to the main file and empties the write-ahead log; a reader in the
    /// way is reported as a lock.
    pub fn checkpoint(&self) -> Result<(), HistoryError> {
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
            .map_err(|e| self.error(e))?;
        if busy != 0 {
            return Err(HistoryError::Locked {
                path: self.path.clone(),
            });
        }
        Ok(())
    }

    /// Creates a database at `path` with only the first `steps` migrations (tests of upgrades).
    #[doc(hidden)]
    pub fn create_at_version(path: &Path, steps: usize) -> rusqlite::Result<Connection> {
        let conn = Connection::open(path)?;
        for (done, step) in MIGRATIONS.iter().enumerate().take(steps) {
            conn.execute_batch(step)?;
            conn.pragma_update(None, "user_version", (done + 1) as i64)?;
        }
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        Ok(conn)
    }
}

/// The name prefix of copies moved aside from `path` (`history.broken-`).
fn moved_aside_prefix(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map_or_else(|| "history".into(), |s| s.to_string_lossy().into_owned());
    format!("{stem}.broken-")
}

/// The copies [`move_aside`] made of `path` (with their WAL and shared-memory files).
pub fn moved_aside_copies(path: &Path) -> Vec<PathBuf> {
    let prefix = moved_aside_prefix(path);
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(&prefix))
        .map(|entry| entry.path())
        .collect()
}

/// Renames `path` (and its WAL and shared-memory files) to `<stem>.broken-<unix time>.<ext>`.
pub fn move_aside(path: &Path) -> Result<PathBuf, HistoryError> {
    let stamp = super::unix_now() as i64;
    let prefix = moved_aside_prefix(path);
    let ext = path
        .extension()
        .map_or_else(String::new, |e| format!(".{}", e.to_string_lossy()));
    let mut moved_to = path.with_file_name(format!("{prefix}{stamp}{ext}"));
    let mut n = 1;
    while moved_to.exists() {
        moved_to = path.with_file_name(format!("{prefix}{stamp}-{n}{ext}"));
        n += 1;
    }
    let failed = |cause| HistoryError::MoveAside {
        path: path.to_path_buf(),
        cause,
    };
    // The write-ahead log first: a new file at `path` must never replay the old one's log.
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let mut side_to = moved_to.as_os_str().to_owned();
        side_to.push(suffix);
        if Path::new(&side).exists() {
            std::fs::rename(&side, &side_to).map_err(failed)?;
        }
    }
    std::fs::rename(path, &moved_to).map_err(failed)?;
    Ok(moved_to)
}

/// What a command (report, export) finds when it opens a history to read.
pub enum ForReading {
    /// There is no history at that path yet.
    Missing,
    /// The file was damaged and has been moved aside: there is nothing to read.
    MovedAside { notice: String },
    /// The history, with what was done to it on the way (an upgrade), if anything.
    Ready {
        store: Store,
        notice: Option<String>,
    },
}

/// Opens an existing history for a command. With no Sitwell running on it (its lock free),
/// the command may upgrade it or move a damaged file aside, and says so in the notice;
/// otherwise it only reads.
pub fn open_for_reading(db: &Path) -> Result<ForReading, HistoryError> {
    if !db.exists() {
        return Ok(ForReading::Missing);
    }
    let Ok(_lock) = super::InstanceLock::acquire(db) else {
        return Ok(ForReading::Ready {
            store: Store::open_existing(db)?,
            notice: None,
        });
    };
    let (store, opened) = Store::open(db)?;
    let notice = opened.notice(db);
    Ok(match opened {
        Opened::MovedAside { .. } => ForReading::MovedAside {
            notice: notice.unwrap_or_default(),
        },
        Opened::Ready => ForReading::Ready { store, notice },
    })
}
