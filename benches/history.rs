//! Criterion benches of the history on a year of synthetic workdays (about 605 000 slices):
//! opening the dashboard (open the file, summarise 30 days, today's timeline) and a year-long
//! report. Prints the size of the year's file first.
//!
//! Run: `cargo bench --bench history`.

use chrono::{NaiveDate, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use sitwell::history::{Store, sample, summary};

/// The folder of the year's file, removed when the bench ends (also under `cargo test`, which
/// runs each bench once).
struct Scratch(std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn year_file() -> (Scratch, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("sitwell-bench-history-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("year.sqlite");
    let (mut store, _) = Store::open(&path).expect("a history");
    let last = NaiveDate::from_ymd_opt(2026, 11, 20).expect("a date");
    let slices = sample::fill(&mut store, last, 365, &Utc).expect("a year");
    store.checkpoint().expect("checkpoint");
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "a year of history: {slices} slices, {:.1} MB ({:.0} bytes per slice)",
        bytes as f64 / 1e6,
        bytes as f64 / slices.max(1) as f64
    );
    (Scratch(dir), path)
}

fn history(c: &mut Criterion) {
    let (_scratch, path) = year_file();
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).expect("a date");
    c.bench_function(
        "dashboard: open a year's history and load today + 30 days",
        |b| {
            b.iter(|| {
                let (store, _) = Store::open(&path).expect("opens");
                summary::dashboard(&store, day, &Utc).expect("loads")
            })
        },
    );
    let (store, _) = Store::open(&path).expect("opens");
    let first = NaiveDate::from_ymd_opt(2025, 11, 21).expect("a date");
    c.bench_function("report: 365 days", |b| {
        b.iter(|| summary::days(&store, first, day, &Utc).expect("summarised"))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = history
}
criterion_main!(benches);
