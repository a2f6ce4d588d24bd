//! The posture history against real SQLite files in temp dirs: round trips, upgrades from an
//! older schema, garbled, foreign, newer and locked files, retention, `forget --all`, the
//! writer thread, and a replay of the demo clip that fills a history which `report` and
//! `export` read back.

mod common;

use std::path::Path;

use chrono::{NaiveDate, Utc};
use serde_json::Value;

use sitwell::history::report::SLICE_COLUMNS;
use sitwell::history::store::{Opened, SCHEMA_VERSION};
use sitwell::history::{
    Event, EventKind, HistoryError, InstanceLock, PATTERNS, Slice, Store, Writer, sample, summary,
};
use sitwell::posture::Pattern;

use common::{demo_clip, sitwell_at_home as sitwell, sitwell_ok};

fn temp_dir(tag: &str) -> common::Scratch {
    common::temp_dir("history", tag)
}

fn slice(start: i64, pattern: Pattern, score: Option<f32>) -> Slice {
    let mut pattern_s = [0.0; PATTERNS.len()];
    pattern_s[PATTERNS
        .iter()
        .position(|p| *p == pattern)
        .expect("a pattern")] = 10.0;
    Slice {
        start,
        pattern_s,
        score,
        cva_deg: score.map(|_| 47.5),
        cva_drop_deg: score.map(|_| 2.5),
        shoulder_angle_deg: score.map(|_| 55.0),
        shoulder_drop_deg: score.map(|_| 1.0),
        confidence: score.map(|_| 0.93),
        frames: 20,
    }
}

fn open(path: &Path) -> (Store, Opened) {
    Store::open(path).expect("the history opens")
}

#[test]
fn slices_and_events_survive_closing_and_reopening() {
    let dir = temp_dir("round-trip");
    let path = dir.join("history.sqlite");
    let slices = vec![
        slice(1_000_000, Pattern::Upright, Some(97.5)),
        slice(1_000_010, Pattern::UpperCrossed, Some(41.2)),
        slice(1_000_020, Pattern::Away, None),
    ];
    let events = vec![
        Event::new(1_000_012.5, EventKind::Nudge)
            .with_move("chin_tuck")
            .with_detail("upper_crossed"),
        Event::new(1_000_030.0, EventKind::MoveDone).with_move("chin_tuck"),
    ];
    {
        let (mut store, opened) = open(&path);
        assert_eq!(opened, Opened::Ready);
        store.write(&slices, &events).expect("written");
    }
    let (store, _) = open(&path);
    assert_eq!(store.slices(0, i64::MAX).expect("read"), slices);
    assert_eq!(store.events(0.0, f64::MAX).expect("read"), events);
    // Write-ahead logging, so reports can read while Sitwell writes.
    let mode: String = rusqlite::Connection::open(&path)
        .and_then(|c| c.query_row("PRAGMA journal_mode", [], |r| r.get(0)))
        .expect("journal mode");
    assert_eq!(mode, "wal");
}

#[test]
fn an_older_schema_is_migrated_and_keeps_its_rows() {
    let dir = temp_dir("migrate");
    let path = dir.join("history.sqlite");
    {
        let v1 = Store::create_at_version(&path, 1).expect("a version-1 file");
        v1.execute(
            "INSERT INTO slices (start, upright_ds, forward_head_ds, rounded_shoulders_ds,
                upper_crossed_ds, look_down_ds, unknown_ds, away_ds, score_x10, frames)
             VALUES (500, 100, 0, 0, 0, 0, 0, 0, 915, 19)",
            [],
        )
        .expect("a version-1 row");
    }
    let (store, opened) = open(&path);
    assert_eq!(opened, Opened::Ready);
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    let rows = store.slices(0, 1000).expect("read");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].score, Some(91.5));
    assert_eq!(rows[0].pattern(), Pattern::Upright);
    // The column version 2 added is there, empty for old rows.
    assert_eq!(rows[0].confidence, None);
}

#[test]
fn a_garbled_file_is_moved_aside_and_a_new_history_started() {
    let dir = temp_dir("garbled");
    let path = dir.join("history.sqlite");
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(&path, &garbage).expect("garbage written");
    let (mut store, opened) = open(&path);
    let Opened::MovedAside { moved_to, why } = &opened else {
        panic!("expected the file to be moved aside, got {opened:?}");
    };
    assert!(why.contains("could not be read"), "{why}");
    assert_eq!(std::fs::read(moved_to).expect("moved file"), garbage);
    let notice = opened.notice(&path).unwrap_or_default();
    assert!(notice.contains("new history"), "{notice}");
    store
        .write(&[slice(10, Pattern::Upright, Some(90.0))], &[])
        .expect("the new history takes writes");
}

#[test]
fn a_foreign_database_is_moved_aside_untouched() {
    let dir = temp_dir("foreign");
    let path = dir.join("history.sqlite");
    {
        let other = rusqlite::Connection::open(&path).expect("another program's file");
        other
            .execute_batch("CREATE TABLE invoices (id INTEGER, amount REAL); INSERT INTO invoices VALUES (1, 9.5);")
            .expect("its table");
    }
    let (_store, opened) = open(&path);
    let Opened::MovedAside { moved_to, why } = opened else {
        panic!("a foreign database must not be used");
    };
    assert!(why.contains("another program"), "{why}");
    let amount: f64 = rusqlite::Connection::open(&moved_to)
        .and_then(|c| c.query_row("SELECT amount FROM invoices", [], |r| r.get(0)))
        .expect("the other program's data is intact");
    assert_eq!(amount, 9.5);
}

#[test]
fn a_history_from_a_newer_sitwell_is_left_alone() {
    let dir = temp_dir("newer");
    let path = dir.join("history.sqlite");
    {
        let conn = Store::create_at_version(&path, SCHEMA_VERSION).expect("a file");
        conn.pragma_update(None, "user_version", 99)
            .expect("a future version");
    }
    match Store::open(&path) {
        Err(e @ HistoryError::Newer { .. }) => {
            assert!(e.to_string().contains("newer Sitwell"), "{e}")
        }
        other => panic!("expected a refusal, got {:?}", other.map(|(_, o)| o)),
    }
    let version: i64 = rusqlite::Connection::open(&path)
        .and_then(|c| c.query_row("PRAGMA user_version", [], |r| r.get(0)))
        .expect("still readable");
    assert_eq!(version, 99);
}

/// Another program holding the database in exclusive mode.
fn hold_exclusively(path: &Path) -> rusqlite::Connection {
    let holder = rusqlite::Connection::open(path).expect("holder opens");
    holder
        .execute_batch(
            "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; DELETE FROM events WHERE 0;",
        )
        .expect("holder takes the lock");
    holder
}

#[test]
fn a_locked_database_is_reported_not_waited_on() {
    let dir = temp_dir("locked");
    let path = dir.join("history.sqlite");
    drop(open(&path));
    let _holder = hold_exclusively(&path);
    match Store::open(&path) {
        Err(e) => {
            assert!(e.is_locked(), "{e}");
            assert!(e.to_string().contains("another Sitwell"), "{e}");
        }
        Ok(_) => panic!("a locked database must be reported"),
    }
    // The command line says the same, and exits.
    let out = sitwell(&["report", "--db", path.to_str().expect("utf-8")], &dir);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("locked by another program"), "{stderr}");
}

#[test]
fn old_history_is_pruned_and_forget_all_wipes_everything() {
    let dir = temp_dir("retention");
    let path = dir.join("history.sqlite");
    let (mut store, _) = open(&path);
    let day = 86_400;
    let now = 1_800_000_000;
    let old = now - 400 * day;
    store
        .write(
            &[
                slice(old, Pattern::Upright, Some(90.0)),
                slice(now, Pattern::Upright, Some(80.0)),
            ],
            &[
                Event::new(old as f64, EventKind::Nudge),
                Event::new(now as f64, EventKind::Nudge),
            ],
        )
        .expect("written");
    let removed = store.prune(now - 365 * day).expect("pruned");
    assert_eq!(removed, 1);
    assert_eq!(store.counts().expect("counts"), (1, 1));
    assert_eq!(store.span().expect("span"), Some((now, now)));

    let date = NaiveDate::from_ymd_opt(2026, 11, 20).expect("a date");
    sample::fill(&mut store, date, 30, &Utc).expect("a month of history");
    store.checkpoint().expect("checkpoint");
    let full = std::fs::metadata(&path).expect("size").len();
    store.forget_all().expect("forgotten");
    assert_eq!(store.counts().expect("counts"), (0, 0));
    let empty = std::fs::metadata(&path).expect("size").len();
    assert!(empty * 10 < full, "{empty} bytes left of {full}");
}

#[test]
fn the_writer_commits_on_close_and_starts_over_from_a_garbled_file() {
    let dir = temp_dir("writer");
    let path = dir.join("history.sqlite");
    std::fs::write(&path, b"this is not a database, it is a shopping list").expect("garbage");
    let writer = Writer::start(path.clone(), 365).expect("writer starts");
    for i in 0..5 {
        writer.slice(slice(2_000_000 + i * 10, Pattern::Upright, Some(95.0)));
    }
    writer.event(Event::new(2_000_001.0, EventKind::SessionStart));
    let written = writer.close();
    assert_eq!((written.slices, written.events, written.lost), (5, 1, 0));
    let (store, opened) = open(&path);
    assert_eq!(opened, Opened::Ready);
    assert_eq!(store.counts().expect("counts"), (5, 1));
    let moved_aside = std::fs::read_dir(&dir).expect("dir").flatten().any(|e| {
        e.file_name()
            .to_string_lossy()
            .starts_with("history.broken-")
    });
    assert!(moved_aside, "the garbled file is kept beside the new one");
}

#[test]
fn a_writer_keeps_rows_while_the_database_is_locked() {
    let dir = temp_dir("writer-locked");
    let path = dir.join("history.sqlite");
    drop(open(&path));
    let holder = hold_exclusively(&path);
    let writer = Writer::start(path.clone(), 365).expect("writer starts");
    // A fast replay's worth of rows: the writer tries to commit at once, and cannot.
    for i in 0..600 {
        writer.slice(slice(3_000_000 + i * 10, Pattern::Upright, Some(95.0)));
    }
    let mut problem = None;
    for _ in 0..200 {
        problem = writer.take_problem();
        if problem.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let problem = problem.expect("the user is told the history cannot be saved");
    assert!(
        problem.contains("locked") && problem.contains("kept in memory"),
        "{problem}"
    );
    // The other program lets go; nothing was lost.
    drop(holder);
    let written = writer.close();
    assert_eq!((written.slices, written.lost), (600, 0), "{written:?}");
    assert_eq!(open(&path).0.counts().expect("counts"), (600, 0));
}

#[test]
fn a_day_summary_adds_up_the_slices_and_events() {
    let dir = temp_dir("summary");
    let path = dir.join("history.sqlite");
    let (mut store, _) = open(&path);
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).expect("a Friday");
    let (slices, events) = sample::workday(day, &Utc, 7);
    store.write(&slices, &events).expect("written");
    let data = summary::dashboard(&store, day, &Utc).expect("dashboard data");
    let present: f64 = slices.iter().map(|s| f64::from(s.present_s())).sum();
    assert!((data.today.present_s() - present).abs() < 1.0);
    let nudges = events.iter().filter(|e| e.kind == EventKind::Nudge).count();
    assert_eq!(data.today.nudges as usize, nudges);
    assert_eq!(data.nudges.len(), nudges);
    assert_eq!(data.timeline.len(), slices.len());
    // The timeline runs in local hours of that day.
    assert!(data.timeline.iter().all(|p| (8.5..18.0).contains(&p.hour)));
    assert_eq!(data.days.len(), 30);
    assert!(data.today.streaks.len() >= 4, "{:?}", data.today.streaks);
    let done: u32 = data.moves_done.iter().map(|(_, n)| n).sum();
    assert_eq!(done, data.today.moves_done + data.today.breaks_taken);
}

#[test]
fn a_replay_fills_the_history_that_report_and_export_read_back() {
    let home = temp_dir("replay");
    let db = home.join("replay.sqlite");
    let db_arg = db.to_str().expect("utf-8 path");
    let clip = demo_clip();
    let out = sitwell(
        &[
            "watch",
            "--headless",
            "--source",
            &clip,
            "--dwell",
            "10",
            "--db",
            db_arg,
        ],
        &home,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("slices and"), "{stderr}");

    let out = sitwell_ok(
        &[
            "report", "--db", db_arg, "--since", "today", "--format", "json",
        ],
        &home,
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let today = &report["days"][0];
    // 55 s judged after the 5-s calibration: upright, a slouch with one nudge, recovery.
    let in_view = today["in_view_min"].as_f64().unwrap_or_default();
    assert!((0.8..=1.0).contains(&in_view), "{today}");
    assert_eq!(today["nudges"], 1, "{today}");
    let minutes = &today["pattern_min"];
    let slouched = minutes["upper_crossed"].as_f64().unwrap_or_default()
        + minutes["forward_head"].as_f64().unwrap_or_default();
    assert!(slouched > 0.3, "{today}");
    assert!(
        minutes["upright"].as_f64().unwrap_or_default() > 0.3,
        "{today}"
    );

    let csv = home.join("slices.csv");
    sitwell_ok(
        &[
            "export",
            "--csv",
            csv.to_str().expect("utf-8"),
            "--db",
            db_arg,
        ],
        &home,
    );
    let text = std::fs::read_to_string(&csv).expect("the CSV");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let names: Vec<&str> = SLICE_COLUMNS.iter().map(|(n, _)| *n).collect();
    assert_eq!(header, names);
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!((6..=7).contains(&rows.len()), "{text}");
    assert!(rows.iter().all(|r| r.len() == names.len()));
    assert!(rows.iter().any(|r| r[3] == "upper_crossed"), "{text}");

    // docs/command-line.md documents every column.
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join("command-line.md");
    let doc = std::fs::read_to_string(&doc_path).expect("docs/command-line.md");
    for name in names {
        assert!(
            doc.contains(&format!("`{name}`")),
            "docs/command-line.md lacks the column {name}"
        );
    }

    let out = sitwell(&["forget", "--all", "--db", db_arg], &home);
    assert!(out.status.success());
    let out = sitwell(&["report", "--db", db_arg], &home);
    assert!(String::from_utf8_lossy(&out.stdout).contains("No history in this period"));
}

#[test]
fn a_second_sitwell_on_the_same_history_is_refused_politely() {
    let home = temp_dir("second");
    let db = home.join("history.sqlite");
    let _first = InstanceLock::acquire(&db).expect("the first instance");
    let clip = demo_clip();
    let out = sitwell(
        &[
            "watch",
            "--headless",
            "--source",
            &clip,
            "--db",
            db.to_str().expect("utf-8"),
        ],
        &home,
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("already running"), "{stderr}");
    assert!(stderr.contains(&std::process::id().to_string()), "{stderr}");
}

#[test]
fn reports_on_a_missing_history_say_so() {
    let home = temp_dir("missing");
    let out = sitwell(&["report"], &home);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no history"), "{stderr}");
    assert!(!home.join(".local/share/sitwell/history.sqlite").exists());
}
