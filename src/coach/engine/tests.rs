//! The engine's tests: each steps the pure state machine through a scripted sitting and checks
//! the effects and their times.

use super::*;

fn reading(pattern: Pattern, slouch_level: f32) -> Reading {
    let side = pattern.is_side_slouch();
    Reading {
        cva_deg: 50.0,
        cva_drop_deg: 5.0 * slouch_level,
        shoulder_angle_deg: 56.0,
        confidence: 1.0,
        pattern,
        slouch_level,
        forward_level: if side { 0.0 } else { slouch_level },
        side_level: if side { slouch_level } else { 0.0 },
        score: 100.0 - 20.0 * slouch_level,
        measured: true,
        ..Reading::unmeasured()
    }
}

fn upright() -> Reading {
    reading(Pattern::Upright, 0.1)
}
fn slouched() -> Reading {
    reading(Pattern::ForwardHead, 2.0)
}

/// Feed `r` every half second over [from, to); collect effects with their times.
fn run(
    s: &mut EngineState,
    r: Option<&Reading>,
    from: f64,
    to: f64,
    cfg: &EngineConfig,
) -> Vec<(f64, Effect)> {
    let mut out = Vec::new();
    let mut t = from;
    while t < to - 1e-9 {
        let obs = r.map_or(Observation::NoPerson, Observation::Person);
        let (next, effects) = step(s, obs, t, cfg);
        *s = next;
        out.extend(effects.into_iter().map(|e| (t, e)));
        t += 0.5;
    }
    out
}

fn nudges(effects: &[(f64, Effect)]) -> Vec<f64> {
    effects
        .iter()
        .filter(|(_, e)| matches!(e, Effect::ShowNudge { .. }))
        .map(|(t, _)| *t)
        .collect()
}

/// The defaults with a 10 s dwell and a 1 s entry, the round numbers the times below use.
fn cfg() -> EngineConfig {
    EngineConfig {
        enter_s: 1.0,
        ..EngineConfig::default()
    }
    .with_dwell(10.0)
}

#[test]
fn a_slouch_is_nudged_after_enter_plus_dwell_and_not_before() {
    let cfg = cfg();
    let mut s = EngineState::default();
    assert!(run(&mut s, Some(&upright()), 0.0, 5.0, &cfg).is_empty());
    let effects = run(&mut s, Some(&slouched()), 5.0, 30.0, &cfg);
    assert_eq!(
        nudges(&effects),
        vec![16.0],
        "5 s + 1 s to enter + 10 s dwell"
    );
    assert!(matches!(
        effects[0].1,
        Effect::ShowNudge {
            pattern: Pattern::ForwardHead,
            move_id: "chin_tuck"
        }
    ));
    assert_eq!(s.dwell_progress(30.0, &cfg), 1.0);
}

#[test]
fn recovering_clears_the_nudge_after_recover_time() {
    let cfg = cfg();
    let mut s = EngineState::default();
    run(&mut s, Some(&slouched()), 0.0, 20.0, &cfg);
    assert!(s.nudge.is_some());
    let effects = run(&mut s, Some(&upright()), 20.0, 30.0, &cfg);
    assert_eq!(
        effects,
        vec![(
            23.0,
            Effect::ClearNudge {
                reason: ClearReason::Recovered
            }
        )]
    );
    assert_eq!(s.dwell_progress(30.0, &cfg), 0.0);
}

#[test]
fn a_short_blip_while_recovering_does_not_keep_the_nudge() {
    let cfg = cfg();
    let near = reading(Pattern::Upright, 0.8);
    // Sat up at 20 s, then readings just above the exit level from 22 s until `blip_end`.
    // A 0.5 s blip does not restart the upright clock (cleared 3 s after sitting up); a
    // 1.5 s return does (cleared 3 s after it ends).
    for (blip_end, cleared_at) in [(23.0, 23.0), (23.5, 26.5)] {
        let mut s = EngineState::default();
        run(&mut s, Some(&slouched()), 0.0, 20.0, &cfg);
        assert!(s.nudge.is_some());
        let mut effects = run(&mut s, Some(&upright()), 20.0, 22.0, &cfg);
        effects.extend(run(&mut s, Some(&near), 22.0, blip_end, &cfg));
        effects.extend(run(&mut s, Some(&upright()), blip_end, 30.0, &cfg));
        let cleared = Effect::ClearNudge {
            reason: ClearReason::Recovered,
        };
        assert_eq!(
            effects,
            vec![(cleared_at, cleared)],
            "blip until {blip_end}"
        );
    }
}

#[test]
fn jitter_at_the_threshold_neither_starts_nor_ends_a_slouch() {
    let cfg = cfg();
    // Single slouched frames between upright ones never start an episode.
    let mut s = EngineState::default();
    for i in 0..120 {
        let t = f64::from(i) * 0.5;
        let r = if i % 2 == 0 { slouched() } else { upright() };
        let (next, effects) = step(&s, Observation::Person(&r), t, &cfg);
        s = next;
        assert!(effects.is_empty(), "{effects:?} at {t}");
    }
    assert_eq!(s.slouch_since, None);
    // Once slouching, a level just under the threshold (above the exit level) keeps it.
    let mut s = EngineState::default();
    run(&mut s, Some(&slouched()), 0.0, 3.0, &cfg);
    let since = s.slouch_since;
    assert!(since.is_some());
    let near = reading(Pattern::Upright, 0.8);
    let effects = run(&mut s, Some(&near), 3.0, 6.0, &cfg);
    assert_eq!(s.slouch_since, since);
    assert!(effects.is_empty());
    // ... and the slouch that goes on is nudged on time.
    let effects = run(&mut s, Some(&slouched()), 6.0, 15.0, &cfg);
    assert_eq!(s.slouch_since, since);
    assert_eq!(nudges(&effects).len(), 1);
    // Below the exit level for the recover time, it ends.
    run(
        &mut s,
        Some(&reading(Pattern::Upright, 0.5)),
        15.0,
        19.0,
        &cfg,
    );
    assert_eq!(s.slouch_since, None);
}

#[test]
fn a_wobble_around_the_threshold_with_short_spikes_never_nudges() {
    // What real footage of an upright user looks like: the level hovers near the exit
    // level, with a clear "slouch" spike of a few seconds now and then.
    let cfg = cfg();
    let mut s = EngineState::default();
    let mut all = Vec::new();
    for cycle in 0..10 {
        let t0 = f64::from(cycle) * 30.0;
        all.extend(run(&mut s, Some(&slouched()), t0, t0 + 4.0, &cfg));
        all.extend(run(
            &mut s,
            Some(&reading(Pattern::Upright, 0.8)),
            t0 + 4.0,
            t0 + 30.0,
            &cfg,
        ));
    }
    assert!(nudges(&all).is_empty(), "{all:?}");
}

#[test]
fn a_sideways_slouch_is_an_episode_of_its_own() {
    let cfg = cfg();
    let tilt = reading(Pattern::HeadTilt, 1.5);
    // 8 s of forward head, then 8 s of a tilted head: neither lasts enter + dwell (11 s) on its
    // own, so no nudge — the tilt does not carry on the forward head's dwell.
    let mut s = EngineState::default();
    let mut all = run(&mut s, Some(&slouched()), 0.0, 8.0, &cfg);
    all.extend(run(&mut s, Some(&tilt), 8.0, 16.0, &cfg));
    all.extend(run(&mut s, Some(&upright()), 16.0, 20.0, &cfg));
    assert!(nudges(&all).is_empty(), "{all:?}");
    // A forward head's card, then the head tilts instead (upright front to back): after the
    // 1 s entry the forward head is over — its card goes as recovered — and the tilt counts
    // its own dwell from when it began.
    let mut s = EngineState::default();
    let shown = run(&mut s, Some(&slouched()), 0.0, 12.0, &cfg);
    assert_eq!(nudges(&shown), vec![11.0]);
    let after = run(&mut s, Some(&tilt), 12.0, 30.0, &cfg);
    let cleared: Vec<f64> = after
        .iter()
        .filter(|(_, e)| {
            matches!(
                e,
                Effect::ClearNudge {
                    reason: ClearReason::Recovered
                }
            )
        })
        .map(|(t, _)| *t)
        .collect();
    assert_eq!(cleared, vec![13.0], "{after:?}");
    // Cooldown (10 min) keeps the tilt's own card away this soon after the first.
    assert!(nudges(&after).is_empty(), "{after:?}");
    // A forward slouch that wavers into a lean for under a second stays one episode.
    let mut s = EngineState::default();
    let mut all = run(&mut s, Some(&slouched()), 0.0, 6.0, &cfg);
    all.extend(run(
        &mut s,
        Some(&reading(Pattern::SideLean, 1.2)),
        6.0,
        6.5,
        &cfg,
    ));
    all.extend(run(&mut s, Some(&slouched()), 6.5, 12.0, &cfg));
    assert_eq!(nudges(&all), vec![11.0], "{all:?}");
    // A tilt held long enough is nudged for itself, with a move that serves it.
    let mut s = EngineState::default();
    let effects = run(&mut s, Some(&tilt), 0.0, 15.0, &cfg);
    assert_eq!(nudges(&effects), vec![11.0]);
    assert_eq!(s.nudge.map(|n| n.move_id), Some("neck_side_stretch"));
}

#[test]
fn glances_are_forgiven_short_and_end_the_episode_long() {
    let cfg = cfg();
    let look = reading(Pattern::LookDown, 2.0);
    // Looking down with the head tilted but not forward is no bowed head: never nudged.
    let mut s = EngineState::default();
    let tilted_look = Reading {
        forward_level: 0.5,
        side_level: 1.3,
        slouch_level: 1.3,
        ..reading(Pattern::LookDown, 1.3)
    };
    assert!(run(&mut s, Some(&tilted_look), 0.0, 120.0, &cfg).is_empty());
    // Looking down with the head barely forward (level under 1) never nudges.
    let mut s = EngineState::default();
    let light = reading(Pattern::LookDown, 0.8);
    assert!(run(&mut s, Some(&light), 0.0, 120.0, &cfg).is_empty());
    // A bowed head, its head come forward, is forgiven for bowed_head_after_s (30 s), then
    // is a forward head: nudged after the entry (1 s) and the dwell (10 s).
    let mut s = EngineState::default();
    let effects = run(&mut s, Some(&look), 0.0, 60.0, &cfg);
    assert_eq!(cfg.bowed_head_after_s, 30.0);
    assert_eq!(nudges(&effects), vec![41.0], "{effects:?}");
    assert_eq!(s.slouch_pattern, Some(Pattern::ForwardHead));
    // Glances of 20 s with an upright look between them never add up to one bowed head.
    let mut s = EngineState::default();
    let mut all = Vec::new();
    for k in 0..4 {
        let t0 = f64::from(k) * 25.0;
        all.extend(run(&mut s, Some(&look), t0, t0 + 20.0, &cfg));
        all.extend(run(&mut s, Some(&upright()), t0 + 20.0, t0 + 25.0, &cfg));
    }
    assert!(nudges(&all).is_empty(), "{all:?}");
    // A head bowed so far the face is lost (unknown frames) keeps the bowed head's clock.
    let mut s = EngineState::default();
    run(&mut s, Some(&look), 0.0, 20.0, &cfg);
    run(
        &mut s,
        Some(&reading(Pattern::Unknown, 0.0)),
        20.0,
        25.0,
        &cfg,
    );
    let effects = run(&mut s, Some(&look), 25.0, 60.0, &cfg);
    assert_eq!(nudges(&effects), vec![41.0], "{effects:?}");
    // A short glance inside a slouch neither resets nor ends it.
    let mut s = EngineState::default();
    run(&mut s, Some(&slouched()), 0.0, 5.0, &cfg);
    run(&mut s, Some(&look), 5.0, 8.0, &cfg);
    let effects = run(&mut s, Some(&slouched()), 8.0, 12.0, &cfg);
    assert_eq!(nudges(&effects), vec![11.0]);
    // A glance longer than glance_max_s ends the episode.
    let mut s = EngineState::default();
    run(&mut s, Some(&slouched()), 0.0, 5.0, &cfg);
    run(&mut s, Some(&look), 5.0, 5.0 + cfg.glance_max_s + 1.0, &cfg);
    assert_eq!(s.slouch_since, None);
    // Frames that cannot be judged (head turned away) count as glances too.
    let mut s = EngineState::default();
    assert!(
        run(
            &mut s,
            Some(&reading(Pattern::Unknown, 3.0)),
            0.0,
            60.0,
            &cfg
        )
        .is_empty()
    );
}

#[test]
fn cooldown_separates_nudges() {
    let cfg = cfg();
    let mut s = EngineState::default();
    let first = run(&mut s, Some(&slouched()), 0.0, 20.0, &cfg);
    assert_eq!(nudges(&first), vec![11.0]);
    run(&mut s, Some(&upright()), 20.0, 30.0, &cfg);
    // Slouching again within the cooldown: no nudge.
    let again = run(
        &mut s,
        Some(&slouched()),
        30.0,
        11.0 + cfg.cooldown_s - 1.0,
        &cfg,
    );
    assert!(nudges(&again).is_empty());
    // After it, the still-running slouch is nudged, with a different move.
    let later = run(
        &mut s,
        Some(&slouched()),
        11.0 + cfg.cooldown_s - 1.0,
        11.0 + cfg.cooldown_s + 2.0,
        &cfg,
    );
    assert_eq!(nudges(&later), vec![11.0 + cfg.cooldown_s]);
    let moves: Vec<&str> = first
        .iter()
        .chain(later.iter())
        .filter_map(|(_, e)| match e {
            Effect::ShowNudge { move_id, .. } => Some(*move_id),
            _ => None,
        })
        .collect();
    assert_ne!(moves[0], moves[1]);
}

#[test]
fn snooze_done_and_not_now() {
    let cfg = cfg();
    let mut s = EngineState::default();
    run(&mut s, Some(&slouched()), 0.0, 12.0, &cfg);
    let (next, effects) = step_action(&s, UserAction::Snooze, 12.0, &cfg);
    s = next;
    assert_eq!(
        effects,
        vec![Effect::ClearNudge {
            reason: ClearReason::Snoozed
        }]
    );
    let during = run(&mut s, Some(&slouched()), 12.0, 12.0 + cfg.snooze_s, &cfg);
    assert!(nudges(&during).is_empty());
    let after = run(
        &mut s,
        Some(&slouched()),
        12.0 + cfg.snooze_s,
        12.0 + cfg.snooze_s + 12.0,
        &cfg,
    );
    assert_eq!(nudges(&after).len(), 1);

    let (done, effects) = step_action(&s, UserAction::Done, 2000.0, &cfg);
    assert_eq!(
        effects,
        vec![Effect::ClearNudge {
            reason: ClearReason::Done
        }]
    );
    assert_eq!(done.slouch_since, None, "a new dwell is needed after Done");
    let (_, effects) = step_action(&s, UserAction::NotNow, 2000.0, &cfg);
    assert_eq!(
        effects,
        vec![Effect::ClearNudge {
            reason: ClearReason::NotNow
        }]
    );
    // Answers with no card up change nothing visible.
    let (_, effects) = step_action(&EngineState::default(), UserAction::Done, 0.0, &cfg);
    assert!(effects.is_empty());
}

#[test]
fn away_pauses_everything_and_back_carries_on() {
    let cfg = cfg();
    let mut s = EngineState::default();
    run(&mut s, Some(&slouched()), 0.0, 12.0, &cfg);
    assert!(s.nudge.is_some());
    let gone = run(&mut s, None, 12.0, 20.0, &cfg);
    assert_eq!(
        gone,
        vec![
            (17.0, Effect::Away),
            (
                17.0,
                Effect::ClearNudge {
                    reason: ClearReason::Away
                }
            )
        ]
    );
    assert!(s.away && s.slouch_since.is_none());
    // A few frames without a person are not away.
    let mut brief = EngineState::default();
    assert!(run(&mut brief, None, 0.0, 4.5, &cfg).is_empty());
    let back = run(&mut s, Some(&upright()), 20.0, 21.0, &cfg);
    assert_eq!(back, vec![(20.0, Effect::Back)]);
}

#[test]
fn sitting_timer_asks_for_a_break_and_resets_after_two_minutes_away() {
    let cfg = cfg();
    let mut s = EngineState::default();
    let sit = run(&mut s, Some(&upright()), 0.0, 1801.0, &cfg);
    assert_eq!(sit.len(), 1);
    let (t, Effect::BreakDue { move_id }) = sit[0] else {
        panic!("{sit:?}")
    };
    assert_eq!(t, 1800.0);
    assert_eq!(
        moves::by_id(move_id).map(|m| m.setting),
        Some(moves::Setting::Break)
    );
    // Away for two minutes is a break: the card goes and the timer restarts.
    let away = run(&mut s, None, 1801.0, 1801.0 + 121.0, &cfg);
    assert!(away.contains(&(1921.0, Effect::BreakCleared)), "{away:?}");
    run(&mut s, Some(&upright()), 1922.0, 1923.0, &cfg);
    assert_eq!(s.sitting_since, Some(1922.0));
    // A short absence does not reset it.
    let mut s = EngineState::default();
    run(&mut s, Some(&upright()), 0.0, 100.0, &cfg);
    run(&mut s, None, 100.0, 160.0, &cfg);
    run(&mut s, Some(&upright()), 160.0, 161.0, &cfg);
    assert_eq!(s.sitting_since, Some(0.0));
}

#[test]
fn breaks_wait_for_the_call_to_end_and_can_be_postponed() {
    let cfg = cfg();
    let (mut s, _) = step_action(&EngineState::default(), UserAction::InCall(true), 0.0, &cfg);
    assert!(run(&mut s, Some(&upright()), 0.0, 2000.0, &cfg).is_empty());
    (s, _) = step_action(&s, UserAction::InCall(false), 2000.0, &cfg);
    let due = run(&mut s, Some(&upright()), 2000.0, 2001.0, &cfg);
    assert!(matches!(due.as_slice(), [(_, Effect::BreakDue { .. })]));
    let (mut s, effects) = step_action(&s, UserAction::BreakLater, 2001.0, &cfg);
    assert_eq!(effects, vec![Effect::BreakCleared]);
    let again = run(
        &mut s,
        Some(&upright()),
        2001.0,
        2001.0 + cfg.break_later_s + 1.0,
        &cfg,
    );
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].0, 2001.0 + cfg.break_later_s);
    let (s, effects) = step_action(&s, UserAction::BreakTaken, 3000.0, &cfg);
    assert_eq!(effects, vec![Effect::BreakCleared]);
    assert_eq!(s.sitting_since, Some(3000.0));
}

#[test]
fn pause_stops_everything_until_resumed_or_timed_out() {
    let cfg = cfg();
    let mut s = EngineState::default();
    run(&mut s, Some(&slouched()), 0.0, 12.0, &cfg);
    let (next, effects) = step_action(
        &s,
        UserAction::Pause {
            seconds: Some(900.0),
        },
        12.0,
        &cfg,
    );
    s = next;
    assert_eq!(
        effects,
        vec![
            Effect::ClearNudge {
                reason: ClearReason::Paused
            },
            Effect::Paused { until: Some(912.0) }
        ]
    );
    assert!(run(&mut s, Some(&slouched()), 12.0, 912.0, &cfg).is_empty());
    let resumed = run(&mut s, Some(&slouched()), 912.0, 913.0, &cfg);
    assert_eq!(resumed[0], (912.0, Effect::Resumed));
    let (paused, _) = step_action(&s, UserAction::Pause { seconds: None }, 913.0, &cfg);
    let (resumed, effects) = step_action(&paused, UserAction::Resume, 5000.0, &cfg);
    assert_eq!(effects, vec![Effect::Resumed]);
    assert_eq!(resumed.paused, None);
}

#[test]
fn the_defaults_are_a_minute_of_dwell_after_two_seconds_of_slouch() {
    assert_eq!(EngineConfig::default().dwell_s, 60.0);
    assert_eq!(EngineConfig::default().enter_s, 2.0);
    assert_eq!(EngineConfig::default().with_dwell(15.0).dwell_s, 15.0);
}

#[test]
fn events_serialise_with_kind_and_time() {
    let e = EffectAt {
        t: 27.0004,
        effect: Effect::ShowNudge {
            pattern: Pattern::UpperCrossed,
            move_id: "chin_tuck",
        },
    };
    assert_eq!(
        e.to_json(),
        serde_json::json!({"kind": "nudge", "t": 27.0, "pattern": "upper_crossed", "move": "chin_tuck"})
    );
}
