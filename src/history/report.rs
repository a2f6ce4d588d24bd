//! The history as text: `sitwell report` (one row per day, as a table, CSV or JSON) and
//! `sitwell export --csv` (one row per slice, with the columns documented in
//! [`SLICE_COLUMNS`]).

use std::io::Write;

use chrono::{NaiveDate, TimeZone};
use serde_json::json;

use super::summary::{DaySummary, day_start};
use super::{FIRST_PATTERNS, HistoryError, PATTERNS, Store};
use crate::posture::Pattern;

/// How `sitwell report` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// A date on the command line: `YYYY-MM-DD`, `today`, `yesterday`, or `Nd` (N days ago).
pub fn parse_date(text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let text = text.trim();
    let days_ago = match text {
        "today" => Some(0),
        "yesterday" => Some(1),
        _ => text.strip_suffix('d').and_then(|n| n.parse::<u64>().ok()),
    };
    if let Some(n) = days_ago {
        return today
            .checked_sub_days(chrono::Days::new(n))
            .ok_or_else(|| format!("{text}: too far back"));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        format!("{text}: not a date (use YYYY-MM-DD, today, yesterday or a number of days like 7d)")
    })
}

fn minutes(seconds: f64) -> f64 {
    (seconds / 60.0 * 10.0).round() / 10.0
}

/// "2h 05m" from an hour up; below it, the minutes with `minutes_unit` ("m", " min").
pub fn hours_minutes(seconds: f64, minutes_unit: &str) -> String {
    let total = (seconds / 60.0).round() as i64;
    if total >= 60 {
        format!("{}h {:02}m", total / 60, total % 60)
    } else {
        format!("{total}{minutes_unit}")
    }
}

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "–".into(), |s| format!("{:.0}%", s * 100.0))
}

/// The days (and their total) in `format`.
pub fn render_days(days: &[DaySummary], format: Format) -> String {
    let mut total = DaySummary::default();
    for day in days {
        total.merge(day);
    }
    match format {
        Format::Table => table(days, &total),
        Format::Csv => csv(days),
        Format::Json => {
            let mut value = json!({
                "days": days.iter().map(day_json).collect::<Vec<_>>(),
                "total": day_json(&total),
            });
            value["total"]["date"] = serde_json::Value::Null;
            format!("{value:#}\n")
        }
    }
}

fn day_json(d: &DaySummary) -> serde_json::Value {
    let mut pattern_min = serde_json::Map::new();
    for (p, s) in PATTERNS.iter().zip(d.pattern_s) {
        pattern_min.insert(p.as_str().into(), minutes(s).into());
    }
    json!({
        "date": d.date.to_string(),
        "in_view_min": minutes(d.present_s()),
        "mean_score": d.mean_score().map(|s| (s * 10.0).round() / 10.0),
        "upright_share": d.upright_share().map(|s| (s * 1000.0).round() / 1000.0),
        "pattern_min": pattern_min,
        "nudges": d.nudges,
        "moves_done": d.moves_done,
        "snoozed": d.snoozed,
        "not_now": d.not_now,
        "breaks_due": d.breaks_due,
        "breaks_taken": d.breaks_taken,
        "breaks": d.breaks(),
        "longest_sitting_min": minutes(d.longest_streak_s() as f64),
    })
}

const DAY_HEADER: [&str; 15] = [
    "date",
    "in_view_min",
    "mean_score",
    "upright_pct",
    "forward_head_pct",
    "rounded_shoulders_pct",
    "upper_crossed_pct",
    "look_down_min",
    "nudges",
    "moves_done",
    "snoozed",
    "breaks",
    "longest_sitting_min",
    "side_lean_pct",
    "head_tilt_pct",
];

/// A CSV writer as Sitwell writes CSV: comma-separated, a cell quoted only where it must be,
/// lines ending in `\n`.
pub fn csv_writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

fn csv(days: &[DaySummary]) -> String {
    let mut out = csv_writer(Vec::new());
    // Writing into memory cannot fail.
    let _ = out.write_record(DAY_HEADER);
    let pct = |s: Option<f64>| s.map_or_else(String::new, |s| format!("{:.1}", s * 100.0));
    for d in days {
        let row = [
            d.date.to_string(),
            format!("{:.1}", minutes(d.present_s())),
            d.mean_score()
                .map_or_else(String::new, |s| format!("{s:.1}")),
            pct(d.share(Pattern::Upright)),
            pct(d.share(Pattern::ForwardHead)),
            pct(d.share(Pattern::RoundedShoulders)),
            pct(d.share(Pattern::UpperCrossed)),
            format!("{:.1}", minutes(d.seconds_in(Pattern::LookDown))),
            d.nudges.to_string(),
            d.moves_done.to_string(),
            d.snoozed.to_string(),
            d.breaks().to_string(),
            format!("{:.1}", minutes(d.longest_streak_s() as f64)),
            pct(d.share(Pattern::SideLean)),
            pct(d.share(Pattern::HeadTilt)),
        ];
        let _ = out.write_record(&row);
    }
    let bytes = out.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

fn table(days: &[DaySummary], total: &DaySummary) -> String {
    let header = [
        "day",
        "in view",
        "score",
        "upright",
        "fwd head",
        "rounded",
        "both",
        "side",
        "tilt",
        "nudges",
        "done",
        "snoozed",
        "breaks",
        "longest sit",
    ];
    let row = |label: String, d: &DaySummary| -> Vec<String> {
        vec![
            label,
            hours_minutes(d.present_s(), "m"),
            d.mean_score()
                .map_or_else(|| "–".into(), |s| format!("{s:.0}")),
            percent(d.share(Pattern::Upright)),
            percent(d.share(Pattern::ForwardHead)),
            percent(d.share(Pattern::RoundedShoulders)),
            percent(d.share(Pattern::UpperCrossed)),
            percent(d.share(Pattern::SideLean)),
            percent(d.share(Pattern::HeadTilt)),
            d.nudges.to_string(),
            d.moves_done.to_string(),
            d.snoozed.to_string(),
            d.breaks().to_string(),
            hours_minutes(d.longest_streak_s() as f64, "m"),
        ]
    };
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| (*h).to_owned()).collect()];
    for d in days.iter().filter(|d| !d.is_empty()) {
        rows.push(row(d.date.format("%a %Y-%m-%d").to_string(), d));
    }
    if rows.len() == 1 {
        return "No history in this period.\n".into();
    }
    rows.push(row("total".into(), total));
    let widths: Vec<usize> = (0..header.len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (cell, w))| {
                if c == 0 {
                    format!("{cell:<w$}")
                } else {
                    format!("{cell:>w$}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if i == 0 || i == rows.len() - 2 {
            out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
            out.push('\n');
        }
    }
    out
}

/// The columns of `sitwell export --csv`, one row per 10-s slice, with what each means.
pub const SLICE_COLUMNS: [(&str, &str); 20] = [
    (
        "start",
        "local start time of the slice, ISO 8601 with offset",
    ),
    ("start_unix", "the same as seconds since 1970-01-01 UTC"),
    (
        "seconds",
        "seconds of the slice covered by judged frames (≤ 10)",
    ),
    ("pattern", "the pattern the slice spent most time in"),
    (
        "score",
        "mean posture score 0–100 while you were in view (100 = your calibrated upright)",
    ),
    ("cva_deg", "mean estimated craniovertebral angle, degrees"),
    (
        "cva_drop_deg",
        "its mean fall from your calibrated upright, degrees",
    ),
    (
        "shoulder_angle_deg",
        "mean estimated shoulder angle, degrees",
    ),
    (
        "shoulder_drop_deg",
        "its mean fall from your calibrated upright, degrees",
    ),
    ("confidence", "how sure the judge was, 0–1"),
    ("upright_s", "seconds judged upright"),
    ("forward_head_s", "seconds with the head forward"),
    ("rounded_shoulders_s", "seconds with the shoulders rounded"),
    (
        "upper_crossed_s",
        "seconds with both (the upper-crossed pattern)",
    ),
    (
        "look_down_s",
        "seconds looking down (not counted as slouching)",
    ),
    (
        "unknown_s",
        "seconds in view but not judgeable (turned away, shoulders hidden)",
    ),
    ("away_s", "seconds with nobody in view"),
    ("frames", "frames judged"),
    // Added with the history's third schema version, at the end so that the columns before
    // keep their places.
    ("side_lean_s", "seconds leaning to one side"),
    ("head_tilt_s", "seconds with the head tilted to one side"),
];

/// Where `frames` is in [`SLICE_COLUMNS`].
const FRAMES_COLUMN: usize = 17;

/// Where each of [`PATTERNS`] is in [`SLICE_COLUMNS`].
const fn slice_column_of(pattern_index: usize) -> usize {
    if pattern_index < FIRST_PATTERNS {
        10 + pattern_index
    } else {
        18 + (pattern_index - FIRST_PATTERNS)
    }
}

/// Writes the slices of the days `from` to `until` (inclusive) as CSV; returns the rows.
pub fn export_csv<Tz: TimeZone>(
    store: &Store,
    from: NaiveDate,
    until: NaiveDate,
    tz: &Tz,
    out: &mut dyn Write,
) -> Result<u64, ExportError>
where
    Tz::Offset: std::fmt::Display,
{
    let mut out = csv_writer(out);
    out.write_record(SLICE_COLUMNS.iter().map(|(name, _)| *name))?;
    let to = until
        .succ_opt()
        .map_or(i64::MAX, |next| day_start(next, tz));
    let mut rows = 0;
    let mut failed: Option<csv::Error> = None;
    let opt = |v: Option<f32>| v.map_or_else(String::new, |v| format!("{v:.1}"));
    store.for_each_slice(day_start(from, tz), to, |s| {
        if failed.is_some() {
            return;
        }
        let start = tz
            .timestamp_opt(s.start, 0)
            .earliest()
            .map_or_else(String::new, |t| t.to_rfc3339());
        let mut cells = vec![
            start,
            s.start.to_string(),
            format!("{:.1}", s.seconds()),
            s.pattern().as_str().to_owned(),
            opt(s.score),
            opt(s.cva_deg),
            opt(s.cva_drop_deg),
            opt(s.shoulder_angle_deg),
            opt(s.shoulder_drop_deg),
            s.confidence.map_or_else(String::new, |c| format!("{c:.2}")),
        ];
        cells.resize(SLICE_COLUMNS.len(), String::new());
        for (i, seconds) in s.pattern_s.iter().enumerate() {
            cells[slice_column_of(i)] = format!("{seconds:.1}");
        }
        cells[FRAMES_COLUMN] = s.frames.to_string();
        match out.write_record(&cells) {
            Ok(()) => rows += 1,
            Err(e) => failed = Some(e),
        }
    })?;
    match failed {
        Some(e) => Err(e.into()),
        None => {
            out.flush()?;
            Ok(rows)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
    #[error("cannot write the export: {0}")]
    Csv(#[from] csv::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_on_the_command_line() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 21).expect("valid date");
        assert_eq!(parse_date("today", today), Ok(today));
        assert_eq!(
            parse_date("7d", today),
            Ok(NaiveDate::from_ymd_opt(2026, 11, 14).expect("valid date"))
        );
        assert_eq!(
            parse_date("2026-01-02", today),
            Ok(NaiveDate::from_ymd_opt(2026, 1, 2).expect("valid date"))
        );
        assert!(parse_date("last tuesday", today).is_err_and(|e| e.contains("YYYY-MM-DD")));
    }

    #[test]
    fn slice_columns_match_the_pattern_order() {
        for (i, p) in PATTERNS.iter().enumerate() {
            assert_eq!(
                SLICE_COLUMNS[slice_column_of(i)].0,
                format!("{}_s", p.as_str())
            );
        }
        assert_eq!(SLICE_COLUMNS[FRAMES_COLUMN].0, "frames");
    }
}
