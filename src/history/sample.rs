//! Synthetic history: plausible workdays (sitting spells, slouches that grow in the
//! afternoon, nudges and answers, breaks) for the dashboard's tests and screenshots and for
//! measuring what a year of history costs. Deterministic for a given seed.

use chrono::{Datelike, NaiveDate, TimeZone, Weekday};

use super::summary::day_start;
use super::{Event, EventKind, HistoryError, SLICE_S, Slice, Store, pattern_index};
use crate::posture::Pattern;

/// A small deterministic random source (xorshift).
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The rows of one synthetic workday (none on weekends).
pub fn workday<Tz: TimeZone>(date: NaiveDate, tz: &Tz, seed: u64) -> (Vec<Slice>, Vec<Event>) {
    let mut slices = Vec::new();
    let mut events = Vec::new();
    if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
        return (slices, events);
    }
    let mut dice = Dice(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let midnight = day_start(date, tz);
    // Sitting spells (start hour, end hour), with a lunch break and a few short ones.
    let spells = [(9.0, 10.6), (10.8, 12.4), (13.3, 15.1), (15.3, 17.4)];
    let moves = [
        "chin_tuck",
        "brugger_relief",
        "shoulder_blade_squeeze",
        "chair_thoracic_extension",
    ];
    events.push(Event::new(
        midnight as f64 + 9.0 * 3600.0 - 5.0,
        EventKind::SessionStart,
    ));
    // Nudges at most every 20 minutes (the engine's cooldown, and a snooze now and then).
    let mut last_nudge = i64::MIN / 2;
    for (spell_index, (from_h, to_h)) in spells.into_iter().enumerate() {
        let from = midnight + (from_h * 3600.0 + dice.next() * 600.0) as i64;
        let to = midnight + (to_h * 3600.0 - dice.next() * 600.0) as i64;
        let from = from - from.rem_euclid(SLICE_S);
        // Slouching grows through the spell and through the day.
        let afternoon = if from_h >= 13.0 { 0.25 } else { 0.0 };
        let mut slouch_run = 0;
        let mut t = from;
        while t < to {
            let progress = (t - from) as f64 / (to - from).max(1) as f64;
            let p_slouch = 0.08 + afternoon + 0.35 * progress;
            let mut pattern_s = [0.0f32; crate::history::PATTERN_COUNT];
            let pattern = if slouch_run > 0 {
                slouch_run -= 1;
                if dice.next() < 0.5 {
                    Pattern::UpperCrossed
                } else {
                    Pattern::ForwardHead
                }
            } else if dice.next() < p_slouch * 0.035 {
                slouch_run = 8 + (dice.next() * 30.0) as i32;
                Pattern::ForwardHead
            } else if dice.next() < 0.04 {
                Pattern::LookDown
            } else if dice.next() < 0.01 {
                Pattern::Away
            } else if dice.next() < 0.02 {
                Pattern::RoundedShoulders
            } else {
                Pattern::Upright
            };
            pattern_s[pattern_index(pattern)] = 9.5;
            pattern_s[pattern_index(Pattern::Upright)] += 0.5;
            let slouched = pattern.is_slouch();
            let score = match pattern {
                Pattern::Away => None,
                _ if slouched => Some(35.0 + dice.next() as f32 * 30.0),
                _ => Some(82.0 + dice.next() as f32 * 18.0),
            };
            let drop = if slouched {
                9.0 + dice.next() as f32 * 8.0
            } else {
                dice.next() as f32 * 3.0
            };
            slices.push(Slice {
                start: t,
                pattern_s,
                score,
                cva_deg: score.map(|_| 50.0 - drop),
                cva_drop_deg: score.map(|_| drop),
                shoulder_angle_deg: score.map(|_| 56.0 - drop * 0.5),
                shoulder_drop_deg: score.map(|_| drop * 0.5),
                confidence: score.map(|_| 0.85 + dice.next() as f32 * 0.15),
                frames: 20,
            });
            // A slouch that lasts a minute gets a nudge, answered most of the time.
            if slouch_run == 0 && slouched && t - last_nudge >= 1200 && dice.next() < 0.5 {
                last_nudge = t;
                let move_id = moves[(dice.next() * moves.len() as f64) as usize % moves.len()];
                let at = t as f64;
                events.push(
                    Event::new(at, EventKind::Nudge)
                        .with_move(move_id)
                        .with_detail(pattern.as_str()),
                );
                let answer = dice.next();
                let (kind, reason) = if answer < 0.55 {
                    (EventKind::MoveDone, "done")
                } else if answer < 0.75 {
                    (EventKind::Snoozed, "snoozed")
                } else {
                    (EventKind::NudgeCleared, "recovered")
                };
                events.push(
                    Event::new(at + 40.0, kind)
                        .with_move(move_id)
                        .with_detail(reason),
                );
            }
            t += SLICE_S;
        }
        if spell_index == 2 {
            events.push(Event::new(to as f64, EventKind::BreakDue).with_move("stand_and_reach"));
            events.push(
                Event::new(to as f64 + 30.0, EventKind::BreakTaken).with_move("stand_and_reach"),
            );
        }
        events.push(Event::new(to as f64 + 60.0, EventKind::Away));
    }
    events.sort_by(|a, b| a.t.total_cmp(&b.t));
    (slices, events)
}

/// Fills `store` with `days` synthetic days ending with `last`; returns the slices written.
pub fn fill<Tz: TimeZone>(
    store: &mut Store,
    last: NaiveDate,
    days: u64,
    tz: &Tz,
) -> Result<u64, HistoryError> {
    let first = last
        .checked_sub_days(chrono::Days::new(days.saturating_sub(1)))
        .unwrap_or(last);
    let mut written = 0;
    for (i, date) in first.iter_days().take(days as usize).enumerate() {
        let (slices, events) = workday(date, tz, i as u64 + 1);
        store.write(&slices, &events)?;
        written += slices.len() as u64;
    }
    Ok(written)
}
