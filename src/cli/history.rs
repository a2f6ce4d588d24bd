//! The history commands: `report`, `export`, `forget --all` and the hidden `seed-history`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use sitwell::history::report::{self, Format};
use sitwell::history::store::{ForReading, open_for_reading};
use sitwell::history::{self, InstanceLock, Store, summary};

pub(super) fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

pub(super) fn parse_day(text: &str) -> anyhow::Result<chrono::NaiveDate> {
    report::parse_date(text, today()).map_err(anyhow::Error::msg)
}

/// A `--until`-style day: the one given, else today.
pub(super) fn day_or_today(text: Option<&str>) -> anyhow::Result<chrono::NaiveDate> {
    text.map_or_else(|| Ok(today()), parse_day)
}

pub(super) fn run_report(
    db: &Path,
    since: Option<&str>,
    until: Option<&str>,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let until = day_or_today(until)?;
    let since = match since {
        Some(text) => parse_day(text)?,
        None => until
            .checked_sub_days(chrono::Days::new(6))
            .unwrap_or(until),
    };
    if since > until {
        anyhow::bail!("--since {since} is after --until {until}");
    }
    let Some(store) = open_history(db)? else {
        return Ok(ExitCode::from(1));
    };
    let days = summary::days(&store, since, until, &chrono::Local)?;
    print!("{}", report::render_days(&days, format));
    Ok(ExitCode::SUCCESS)
}

pub(super) fn run_export(
    db: &Path,
    csv: &Path,
    since: Option<&str>,
    until: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let Some(store) = open_history(db)? else {
        return Ok(ExitCode::from(1));
    };
    let until = day_or_today(until)?;
    let since = match since {
        Some(text) => parse_day(text)?,
        None => match store.span()? {
            Some((oldest, _)) => summary::date_of(oldest, &chrono::Local),
            None => until,
        },
    };
    if csv == Path::new("-") {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        report::export_csv(&store, since, until, &chrono::Local, &mut out)?;
        out.flush()?;
    } else {
        let file = sitwell::files::create_private(csv)
            .with_context(|| format!("cannot create {}", csv.display()))?;
        let mut out = std::io::BufWriter::new(file);
        let rows = report::export_csv(&store, since, until, &chrono::Local, &mut out)?;
        out.flush()
            .with_context(|| format!("cannot write {}", csv.display()))?;
        eprintln!(
            "{rows} slices ({since} to {until}) written to {}",
            csv.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn run_forget(db: &Path) -> anyhow::Result<ExitCode> {
    let _lock = match InstanceLock::acquire(db) {
        Ok(lock) => lock,
        Err(e @ history::lock::LockError::Held { .. }) => {
            eprintln!("{e}\nQuit it first (menu → Quit), then run `sitwell forget --all` again.");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    let forgotten = if db.exists() {
        let (mut store, _) = Store::open(db)?;
        let counts = store.counts()?;
        store.forget_all()?;
        Some(counts)
    } else {
        None
    };
    // After opening, which may itself have moved a damaged file aside.
    let removed_copies = history::store::moved_aside_copies(db)
        .into_iter()
        .filter(|copy| std::fs::remove_file(copy).is_ok())
        .count();
    match forgotten {
        Some((slices, events)) => println!(
            "Forgot {slices} slices and {events} events; {} is empty now.",
            db.display()
        ),
        None => println!("There was no history at {}.", db.display()),
    }
    if removed_copies > 0 {
        println!("Also removed {removed_copies} damaged cop(ies) moved aside earlier.");
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn run_seed(db: &Path, days: u64, until: Option<&str>) -> anyhow::Result<ExitCode> {
    let until = day_or_today(until)?;
    let started = std::time::Instant::now();
    let (mut store, _) = Store::open(db)?;
    let slices = history::sample::fill(&mut store, until, days, &chrono::Local)?;
    store.checkpoint()?;
    let bytes = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0);
    println!(
        "{days} days ({slices} slices) written to {} in {:.1} s: {:.1} MB",
        db.display(),
        started.elapsed().as_secs_f64(),
        bytes as f64 / 1e6
    );
    Ok(ExitCode::SUCCESS)
}

/// The history at `db` for reading, or `None` with the reason already printed.
fn open_history(db: &Path) -> anyhow::Result<Option<Store>> {
    Ok(match open_for_reading(db)? {
        ForReading::Missing => {
            eprintln!(
                "There is no history at {} yet. Sitwell keeps one while it watches your camera \
                 (or: sitwell watch --headless --source CLIP --db {}).",
                db.display(),
                db.display()
            );
            None
        }
        ForReading::MovedAside { notice } => {
            eprintln!("{notice}");
            None
        }
        ForReading::Ready { store, notice } => {
            if let Some(notice) = notice {
                eprintln!("{notice}");
            }
            Some(store)
        }
    })
}
