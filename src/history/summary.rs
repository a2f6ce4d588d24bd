//! What the history says, per day: time in each pattern, the mean score, nudges and the
//! answers to them, moves done, sitting streaks and breaks. Pure folds over slices and events
//! (the report and the dashboard share them); days are calendar days in a given time zone.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Timelike};

use super::{Event, EventKind, HistoryError, SLICE_S, Slice, Store, pattern_index};
use crate::posture::Pattern;

/// Frames missing this long end a sitting streak (the engine's sitting timer resets too).
pub const BREAK_GAP_S: i64 = 120;

/// Unix time of the first moment of `date` in `tz`.
pub fn day_start<Tz: TimeZone>(date: NaiveDate, tz: &Tz) -> i64 {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc().timestamp(), |t| t.timestamp())
}

/// The calendar day of unix time `t` in `tz`.
pub fn date_of<Tz: TimeZone>(t: i64, tz: &Tz) -> NaiveDate {
    tz.timestamp_opt(t, 0)
        .earliest()
        .map_or_else(NaiveDate::default, |d| d.date_naive())
}

/// One day of history.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DaySummary {
    pub date: NaiveDate,
    /// Seconds in each of [`PATTERNS`](crate::history::PATTERNS).
    pub pattern_s: [f64; crate::history::PATTERN_COUNT],
    score_weighted: f64,
    score_weight: f64,
    pub nudges: u32,
    pub moves_done: u32,
    pub snoozed: u32,
    pub not_now: u32,
    pub breaks_due: u32,
    pub breaks_taken: u32,
    /// Continuous stretches in view (unix start, end); a gap of [`BREAK_GAP_S`] ends one.
    pub streaks: Vec<(i64, i64)>,
    /// Breaks and longest streak of the days merged into this one (totals).
    merged_breaks: usize,
    merged_longest_s: i64,
}

impl DaySummary {
    pub fn new(date: NaiveDate) -> DaySummary {
        DaySummary {
            date,
            ..DaySummary::default()
        }
    }

    /// Adds a slice (slices must come oldest first).
    pub fn add_slice(&mut self, slice: &Slice) {
        for (total, s) in self.pattern_s.iter_mut().zip(slice.pattern_s) {
            *total += f64::from(s);
        }
        let present = f64::from(slice.present_s());
        if let Some(score) = slice.score {
            let w = present.max(0.1);
            self.score_weighted += f64::from(score) * w;
            self.score_weight += w;
        }
        if present > 0.0 {
            let end = slice.start + SLICE_S;
            match self.streaks.last_mut() {
                Some((_, last_end)) if slice.start - *last_end < BREAK_GAP_S => {
                    *last_end = (*last_end).max(end);
                }
                _ => self.streaks.push((slice.start, end)),
            }
        }
    }

    pub fn add_event(&mut self, event: &Event) {
        match event.kind {
            EventKind::Nudge => self.nudges += 1,
            EventKind::MoveDone => self.moves_done += 1,
            EventKind::Snoozed => self.snoozed += 1,
            EventKind::NotNow => self.not_now += 1,
            EventKind::BreakDue => self.breaks_due += 1,
            EventKind::BreakTaken => self.breaks_taken += 1,
            _ => {}
        }
    }

    pub fn seconds_in(&self, pattern: Pattern) -> f64 {
        self.pattern_s[pattern_index(pattern)]
    }

    /// Seconds a person was in view.
    pub fn present_s(&self) -> f64 {
        self.pattern_s.iter().sum::<f64>() - self.seconds_in(Pattern::Away)
    }

    /// Seconds judged upright or slouched (look-down and unknown are neither).
    pub fn posture_s(&self) -> f64 {
        self.seconds_in(Pattern::Upright) + self.slouched_s()
    }

    pub fn slouched_s(&self) -> f64 {
        super::slouched(&self.pattern_s)
    }

    /// Share of the judged posture time spent upright, 0–1.
    pub fn upright_share(&self) -> Option<f64> {
        self.share(Pattern::Upright)
    }

    /// Share of the judged posture time (upright or slouched) spent in `pattern`, 0–1.
    pub fn share(&self, pattern: Pattern) -> Option<f64> {
        let total = self.posture_s();
        (total > 0.0).then(|| self.seconds_in(pattern) / total)
    }

    /// Mean score over the time in view.
    pub fn mean_score(&self) -> Option<f64> {
        (self.score_weight > 0.0).then(|| self.score_weighted / self.score_weight)
    }

    pub fn longest_streak_s(&self) -> i64 {
        let own = self.streaks.iter().map(|(a, b)| b - a).max().unwrap_or(0);
        own.max(self.merged_longest_s)
    }

    /// Times the user got up (or stopped being seen) for ≥ 2 min between streaks.
    pub fn breaks(&self) -> usize {
        self.streaks.len().saturating_sub(1) + self.merged_breaks
    }

    pub fn is_empty(&self) -> bool {
        self.streaks.is_empty() && self.nudges == 0 && self.pattern_s.iter().all(|s| *s == 0.0)
    }

    /// Everything of `other` added in (totals over several days; streaks are kept per day).
    pub fn merge(&mut self, other: &DaySummary) {
        for (a, b) in self.pattern_s.iter_mut().zip(other.pattern_s) {
            *a += b;
        }
        self.score_weighted += other.score_weighted;
        self.score_weight += other.score_weight;
        self.nudges += other.nudges;
        self.moves_done += other.moves_done;
        self.snoozed += other.snoozed;
        self.not_now += other.not_now;
        self.breaks_due += other.breaks_due;
        self.breaks_taken += other.breaks_taken;
        // Streaks stay per day: the night between two days is not a break.
        self.merged_breaks += other.breaks();
        self.merged_longest_s = self.merged_longest_s.max(other.longest_streak_s());
    }
}

/// Summaries of every day from `first` to `last` (inclusive, empty days included).
pub fn days<Tz: TimeZone>(
    store: &Store,
    first: NaiveDate,
    last: NaiveDate,
    tz: &Tz,
) -> Result<Vec<DaySummary>, HistoryError> {
    fold_days(store, first, last, tz, |_| {}, |_| {})
}

/// [`days`], also handing every slice and event read to `each_slice` / `each_event`, so that
/// a caller needing more than the summaries reads the history once.
fn fold_days<Tz: TimeZone>(
    store: &Store,
    first: NaiveDate,
    last: NaiveDate,
    tz: &Tz,
    mut each_slice: impl FnMut(&Slice),
    mut each_event: impl FnMut(&Event),
) -> Result<Vec<DaySummary>, HistoryError> {
    let mut days: BTreeMap<NaiveDate, DaySummary> = first
        .iter_days()
        .take_while(|d| *d <= last)
        .map(|d| (d, DaySummary::new(d)))
        .collect();
    let Some(next) = last.succ_opt() else {
        return Ok(Vec::new());
    };
    let (from, to) = (day_start(first, tz), day_start(next, tz));
    store.for_each_slice(from, to, |slice| {
        if let Some(day) = days.get_mut(&date_of(slice.start, tz)) {
            day.add_slice(&slice);
        }
        each_slice(&slice);
    })?;
    for event in store.events(from as f64, to as f64)? {
        if let Some(day) = days.get_mut(&date_of(event.t as i64, tz)) {
            day.add_event(&event);
        }
        each_event(&event);
    }
    Ok(days.into_values().collect())
}

/// A point of today's timeline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimelinePoint {
    /// Hours since local midnight.
    pub hour: f64,
    pub score: Option<f32>,
    pub pattern: Pattern,
}

/// Everything the dashboard shows, loaded in one go (off the UI thread).
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    pub day: NaiveDate,
    pub today: DaySummary,
    pub timeline: Vec<TimelinePoint>,
    /// Nudges today: hour and move.
    pub nudges: Vec<(f64, Option<String>)>,
    /// Today's sitting streaks, in hours since midnight.
    pub streaks: Vec<(f64, f64)>,
    /// Moves done today, most first: (move id, times).
    pub moves_done: Vec<(String, u32)>,
    /// The last 30 days, oldest first, `day` last.
    pub days: Vec<DaySummary>,
    /// Over those days, per hour of the day: seconds judged upright or slouched, and of
    /// them slouched (when do I slump?).
    pub by_hour: [HourTotals; 24],
    /// How long loading took.
    pub loaded_in: Duration,
}

/// Posture time in one hour of the day.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct HourTotals {
    pub posture_s: f64,
    pub slouched_s: f64,
}

impl HourTotals {
    /// Share of the posture time spent slouched, 0–1.
    pub fn slouched_share(&self) -> Option<f64> {
        (self.posture_s >= 60.0).then(|| self.slouched_s / self.posture_s)
    }
}

/// Days the trends cover.
pub const TREND_DAYS: u64 = 30;

/// Loads the dashboard for `day` (today, usually).
pub fn dashboard<Tz: TimeZone>(
    store: &Store,
    day: NaiveDate,
    tz: &Tz,
) -> Result<Dashboard, HistoryError> {
    let started = Instant::now();
    let first = day
        .checked_sub_days(chrono::Days::new(TREND_DAYS - 1))
        .unwrap_or(day);
    let midnight = day_start(day, tz);
    let hour = |t: f64| (t - midnight as f64) / 3600.0;
    let mut by_hour = [HourTotals::default(); 24];
    let mut timeline = Vec::new();
    let mut nudges = Vec::new();
    let mut moves: BTreeMap<String, u32> = BTreeMap::new();
    // One read of the 30 days; today's rows are the ones from local midnight on.
    let days = fold_days(
        store,
        first,
        day,
        tz,
        |s| {
            let hour_of_day = tz
                .timestamp_opt(s.start, 0)
                .earliest()
                .map_or(0, |t| t.hour() as usize);
            let slouched = f64::from(s.slouched_s());
            let totals = &mut by_hour[hour_of_day.min(23)];
            totals.slouched_s += slouched;
            totals.posture_s += slouched + f64::from(s.pattern_s[pattern_index(Pattern::Upright)]);
            if s.start >= midnight {
                timeline.push(TimelinePoint {
                    hour: hour(s.start as f64 + SLICE_S as f64 / 2.0),
                    score: s.score,
                    pattern: s.pattern(),
                });
            }
        },
        |e| {
            if e.t < midnight as f64 {
                return;
            }
            match (e.kind, &e.move_id) {
                (EventKind::Nudge, move_id) => nudges.push((hour(e.t), move_id.clone())),
                (EventKind::MoveDone | EventKind::BreakTaken, Some(m)) => {
                    *moves.entry(m.clone()).or_default() += 1;
                }
                _ => {}
            }
        },
    )?;
    let mut moves_done: Vec<(String, u32)> = moves.into_iter().collect();
    moves_done.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let today = days.last().cloned().unwrap_or_else(|| DaySummary::new(day));
    let streaks = today
        .streaks
        .iter()
        .map(|(a, b)| (hour(*a as f64), hour(*b as f64)))
        .collect();
    Ok(Dashboard {
        day,
        today,
        timeline,
        nudges,
        streaks,
        moves_done,
        days,
        by_hour,
        loaded_in: started.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(start: i64, pattern: Pattern, score: f32) -> Slice {
        let mut pattern_s = [0.0; crate::history::PATTERN_COUNT];
        pattern_s[pattern_index(pattern)] = 10.0;
        Slice {
            start,
            pattern_s,
            score: (pattern != Pattern::Away).then_some(score),
            cva_deg: None,
            cva_drop_deg: None,
            shoulder_angle_deg: None,
            shoulder_drop_deg: None,
            confidence: None,
            frames: 20,
        }
    }

    #[test]
    fn streaks_end_after_two_minutes_without_the_user() {
        let mut day = DaySummary::new(NaiveDate::default());
        for i in 0..30 {
            day.add_slice(&slice(i * 10, Pattern::Upright, 90.0));
        }
        // 90 s away in view of the camera: still one streak.
        for i in 30..39 {
            day.add_slice(&slice(i * 10, Pattern::Away, 0.0));
        }
        for i in 39..60 {
            day.add_slice(&slice(i * 10, Pattern::ForwardHead, 50.0));
        }
        // Five minutes with no frames (camera released): a break.
        for i in 90..100 {
            day.add_slice(&slice(i * 10, Pattern::Upright, 90.0));
        }
        assert_eq!(day.streaks, vec![(0, 600), (900, 1000)]);
        assert_eq!(day.breaks(), 1);
        assert_eq!(day.longest_streak_s(), 600);
        assert_eq!(day.seconds_in(Pattern::Away), 90.0);
        let mut total = DaySummary::default();
        total.merge(&day);
        total.merge(&day);
        assert_eq!((total.breaks(), total.longest_streak_s()), (2, 600));
        assert_eq!(day.present_s(), 610.0);
        let share = day.upright_share().unwrap_or_default();
        assert!((share - 400.0 / 610.0).abs() < 1e-9);
        let mean = day.mean_score().unwrap_or_default();
        assert!(
            (mean - (90.0 * 400.0 + 50.0 * 210.0) / 610.0).abs() < 0.1,
            "{mean}"
        );
    }

    #[test]
    fn days_split_at_local_midnight() {
        let tz = chrono::FixedOffset::east_opt(2 * 3600).expect("valid offset");
        let date = NaiveDate::from_ymd_opt(2026, 11, 20).expect("valid date");
        let start = day_start(date, &tz);
        // 2026-11-20 00:00 at UTC+2 is 2026-11-19 22:00 UTC: unix 1_763_589_600.
        assert_eq!(start, 1_763_589_600 + 365 * 86_400);
        assert_eq!(date_of(start, &tz), date);
        assert_eq!(
            date_of(start - 1, &tz),
            date.pred_opt().expect("a day before")
        );
    }
}
