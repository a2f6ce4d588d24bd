//! The catalogue of corrective moves, as data, and the rule that picks one.
//!
//! Texts are Sitwell's own. Doses follow the evidence notes: deep-neck-flexor holds of about
//! 10 s × 10 (Jull/Falla protocol), pectoral stretches of about 30 s × 2, thoracic extension
//! of about 5 slow reps; Brügger's relief position and wall angels have practitioner guidance
//! only. Choosing never branches on a move by name: it filters by pattern and context and
//! rotates so that the same move is not offered twice in a row.

use serde::Serialize;

use crate::posture::Pattern;

/// Shown with every move card and in the README.
pub const SAFETY_NOTE: &str = "Move gently and within comfort. Stop if anything hurts. \
Numbness, tingling, pain that spreads into an arm, or chest pain are reasons to stop and see a \
doctor or physiotherapist, not to push on.";

/// Where a move can be done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    /// Seated, silent and small on camera: fine during a video call.
    CallSafe,
    /// Needs standing up or a wall, doorway or floor: for a break.
    Break,
}

/// One corrective move.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Move {
    pub id: &'static str,
    pub name: &'static str,
    /// Patterns it serves first.
    pub serves: &'static [Pattern],
    pub setting: Setting,
    /// The dose in a few words, e.g. "10 × 10 s".
    pub dose: &'static str,
    /// 3–5 short steps.
    pub steps: &'static [&'static str],
    /// How long the whole move takes, for the countdown.
    pub duration_s: u32,
    /// Repetitions in that time (1: one hold or one stretch of time); the timer counts them.
    pub reps: u32,
    pub cautions: &'static str,
}

const HEAD: &[Pattern] = &[Pattern::ForwardHead, Pattern::UpperCrossed];
const SHOULDERS: &[Pattern] = &[Pattern::RoundedShoulders, Pattern::UpperCrossed];
const ALL: &[Pattern] = &[
    Pattern::ForwardHead,
    Pattern::RoundedShoulders,
    Pattern::UpperCrossed,
];
const SIDE: &[Pattern] = &[Pattern::SideLean];
const TILT: &[Pattern] = &[Pattern::HeadTilt];

/// Every move Sitwell knows, call-safe ones first.
pub const CATALOGUE: &[Move] = &[
    Move {
        id: "chin_tuck",
        name: "Chin tuck",
        serves: HEAD,
        setting: Setting::CallSafe,
        dose: "10 × 10 s",
        steps: &[
            "Sit tall and look straight ahead.",
            "Glide your chin straight back, as if making a double chin; keep your eyes level.",
            "Hold for 10 seconds with the front of your neck soft, then release.",
            "Repeat 10 times.",
        ],
        duration_s: 150,
        reps: 10,
        cautions: "A gentle glide, not a nod. Skip it if it brings on dizziness or pain into an arm.",
    },
    Move {
        id: "brugger_relief",
        name: "Brügger's relief position",
        serves: ALL,
        setting: Setting::CallSafe,
        dose: "hold for 6–10 slow breaths",
        steps: &[
            "Slide to the front of your seat, feet apart and flat, knees a little wider than hips.",
            "Let your arms hang, then turn your palms forward and thumbs out.",
            "Lift your breastbone, draw your shoulders back and down, and tuck your chin lightly.",
            "Stay for 6–10 slow breaths, then relax.",
        ],
        duration_s: 60,
        reps: 1,
        cautions: "Keep it easy in the shoulders; ease off if your lower back pinches.",
    },
    Move {
        id: "shoulder_blade_squeeze",
        name: "Seated shoulder-blade squeeze",
        serves: SHOULDERS,
        setting: Setting::CallSafe,
        dose: "10 × 5 s",
        steps: &[
            "Sit tall with your arms relaxed at your sides.",
            "Draw your shoulder blades back and slightly down toward each other.",
            "Hold for 5 seconds without shrugging, then let go.",
            "Repeat 10 times.",
        ],
        duration_s: 100,
        reps: 10,
        cautions: "Squeeze gently; your shoulders should not rise toward your ears.",
    },
    Move {
        id: "diaphragmatic_breathing",
        name: "Slow belly breathing",
        serves: ALL,
        setting: Setting::CallSafe,
        dose: "6 slow breaths",
        steps: &[
            "Sit tall and rest one hand on your belly, one on your chest.",
            "Breathe in through your nose for about 4 seconds so the belly and lower ribs widen.",
            "Breathe out slowly for about 6 seconds; the chest hand should barely move.",
            "Do 6 breaths.",
        ],
        duration_s: 60,
        reps: 6,
        cautions: "Don't force the breath; stop if you feel light-headed.",
    },
    Move {
        id: "seated_side_reset",
        name: "Seated side reset",
        serves: SIDE,
        setting: Setting::CallSafe,
        dose: "3 × each side",
        steps: &[
            "Put both feet flat and let both sit bones take your weight evenly.",
            "Grow tall through the crown of your head, hands resting on your thighs.",
            "Slide one hand down the outside of its thigh and bend gently to that side; breathe \
             out, come back through the middle, and bend to the other side.",
            "Do 3 slow bends each way, then settle in the middle, weight even on both sides.",
        ],
        duration_s: 60,
        reps: 6,
        cautions: "Small and slow, the trunk only bending sideways, not twisting. Skip the bends if \
                   your lower back hurts.",
    },
    Move {
        id: "neck_side_stretch",
        name: "Neck side stretch",
        serves: TILT,
        setting: Setting::CallSafe,
        dose: "2 × 20 s each side",
        steps: &[
            "Sit tall and let both shoulders drop away from your ears.",
            "Bring your head back to the middle, ears level, eyes straight ahead.",
            "Slowly tilt one ear toward its shoulder until you feel a gentle stretch along the \
             other side of the neck; hold for 20 seconds.",
            "Come back to the middle and do the other side. Twice each way.",
        ],
        duration_s: 90,
        reps: 4,
        cautions: "Let the head tilt by itself; never pull it with your hand, and keep the \
                   shoulders down. Stop if it brings on dizziness, tingling or pain into an arm.",
    },
    Move {
        id: "chair_thoracic_extension",
        name: "Thoracic extension over the chair back",
        serves: ALL,
        setting: Setting::CallSafe,
        dose: "5 × 3 s",
        steps: &[
            "Sit back so the top of the backrest meets your mid-back.",
            "Support your head with your hands, elbows forward.",
            "Breathe out and arch your upper back over the backrest; hold for 3 seconds.",
            "Come back up. Repeat 5 times.",
        ],
        duration_s: 45,
        reps: 5,
        cautions: "Only with a stable chair. Keep the movement in the upper back, not the neck.",
    },
    Move {
        id: "doorway_stretch",
        name: "Doorway chest stretch",
        serves: SHOULDERS,
        setting: Setting::Break,
        dose: "2 × 30 s",
        steps: &[
            "Stand in a doorway (or facing a room corner).",
            "Put your forearms on the frame, elbows at about shoulder height.",
            "Step one foot through and lean forward until you feel a stretch across the chest.",
            "Hold for 30 seconds, breathing slowly. Rest, then once more.",
        ],
        duration_s: 90,
        reps: 2,
        cautions: "Skip it with a shoulder that has dislocated or a frozen shoulder. Stretch, never pain.",
    },
    Move {
        id: "wall_angels",
        name: "Wall angels",
        serves: SHOULDERS,
        setting: Setting::Break,
        dose: "8 slow reps",
        steps: &[
            "Stand with your back against a wall, feet a small step away from it.",
            "Raise your arms into a goalpost shape with the backs of your hands toward the wall.",
            "Slide your arms up as far as is comfortable, then back down, ribs kept down.",
            "Do 8 slow repetitions.",
        ],
        duration_s: 75,
        reps: 8,
        cautions: "Go only as high as your shoulders allow without pinching or arching your back.",
    },
    Move {
        id: "foam_roller_extension",
        name: "Thoracic extension on a foam roller",
        serves: ALL,
        setting: Setting::Break,
        dose: "5 × 3 s",
        steps: &[
            "Lie on your back with a foam roller across your mid-back, knees bent.",
            "Support your head with your hands.",
            "Breathe out and let your upper back extend over the roller; pause for 3 seconds.",
            "Return and repeat 5 times; move the roller a little higher and do it again.",
        ],
        duration_s: 120,
        reps: 5,
        cautions: "Keep the roller off your lower back and neck. Not with osteoporosis unless cleared.",
    },
    Move {
        id: "stand_and_reach",
        name: "Stand up and reach",
        serves: ALL,
        setting: Setting::Break,
        dose: "2 minutes on your feet",
        steps: &[
            "Stand up and step away from the desk.",
            "Reach both arms overhead and breathe out slowly, twice.",
            "Walk for a minute: refill your water, look out of a window.",
            "Roll your shoulders back five times before sitting down again.",
        ],
        duration_s: 120,
        reps: 1,
        cautions: "Take your time standing up if you feel light-headed.",
    },
];

/// Which repetition `elapsed_s` into the move is (1-based), for a move with more than one.
pub fn rep_at(mv: &Move, elapsed_s: f64) -> Option<u32> {
    if mv.reps < 2 {
        return None;
    }
    let rep_s = f64::from(mv.duration_s) / f64::from(mv.reps);
    Some(((elapsed_s.max(0.0) / rep_s) as u32 + 1).min(mv.reps))
}

/// Look a move up by id.
pub fn by_id(id: &str) -> Option<&'static Move> {
    CATALOGUE.iter().find(|m| m.id == id)
}

/// What the user can do right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// At the desk, possibly on a call: only call-safe moves.
    AtDesk,
    /// A break: moves that need standing up come first.
    Break,
}

/// Pick the move for `pattern` in `context`, never the same as `last` when there is another.
/// Moves that serve the pattern come first, in catalogue order, rotating after `last`.
pub fn choose(pattern: Pattern, context: Context, last: Option<&str>) -> &'static Move {
    let fits = |m: &&Move| match context {
        Context::AtDesk => m.setting == Setting::CallSafe,
        Context::Break => m.setting == Setting::Break,
    };
    let candidates: Vec<&'static Move> = {
        let serving: Vec<&Move> = CATALOGUE
            .iter()
            .filter(fits)
            .filter(|m| m.serves.contains(&pattern))
            .collect();
        if serving.is_empty() {
            CATALOGUE.iter().filter(fits).collect()
        } else {
            serving
        }
    };
    // Start after the last one if it is among the candidates; else at the first.
    let start = last
        .and_then(|id| candidates.iter().position(|m| m.id == id))
        .map_or(0, |i| i + 1);
    candidates
        .iter()
        .cycle()
        .skip(start)
        .take(candidates.len())
        .find(|m| Some(m.id) != last)
        .or(candidates.first())
        .copied()
        .unwrap_or(&CATALOGUE[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_move_is_complete() {
        let mut ids = std::collections::HashSet::new();
        for m in CATALOGUE {
            assert!(ids.insert(m.id), "duplicate id {}", m.id);
            assert!(
                (3..=5).contains(&m.steps.len()),
                "{} has {} steps",
                m.id,
                m.steps.len()
            );
            assert!(!m.serves.is_empty() && !m.dose.is_empty() && !m.cautions.is_empty());
            assert!(m.duration_s >= 30, "{}", m.id);
        }
        for required in [
            "chin_tuck",
            "doorway_stretch",
            "wall_angels",
            "brugger_relief",
            "chair_thoracic_extension",
            "foam_roller_extension",
            "shoulder_blade_squeeze",
            "diaphragmatic_breathing",
            "stand_and_reach",
            "seated_side_reset",
            "neck_side_stretch",
        ] {
            assert!(by_id(required).is_some(), "{required} missing");
        }
    }

    #[test]
    fn at_the_desk_only_call_safe_moves_are_offered() {
        for pattern in [
            Pattern::ForwardHead,
            Pattern::RoundedShoulders,
            Pattern::UpperCrossed,
            Pattern::SideLean,
            Pattern::HeadTilt,
        ] {
            let mut last = None;
            for _ in 0..10 {
                let m = choose(pattern, Context::AtDesk, last);
                assert_eq!(m.setting, Setting::CallSafe);
                assert!(m.serves.contains(&pattern));
                last = Some(m.id);
            }
        }
        assert_eq!(
            choose(Pattern::ForwardHead, Context::AtDesk, None).id,
            "chin_tuck"
        );
        assert_eq!(
            choose(Pattern::RoundedShoulders, Context::Break, None).id,
            "doorway_stretch"
        );
        assert_eq!(
            choose(Pattern::SideLean, Context::AtDesk, None).id,
            "seated_side_reset"
        );
        assert_eq!(
            choose(Pattern::HeadTilt, Context::AtDesk, None).id,
            "neck_side_stretch"
        );
    }

    #[test]
    fn the_same_move_never_comes_twice_in_a_row_and_all_get_a_turn() {
        let mut last: Option<&str> = None;
        let mut seen = std::collections::HashSet::new();
        for _ in 0..12 {
            let m = choose(Pattern::UpperCrossed, Context::AtDesk, last);
            assert_ne!(Some(m.id), last);
            seen.insert(m.id);
            last = Some(m.id);
        }
        let serving = CATALOGUE
            .iter()
            .filter(|m| m.setting == Setting::CallSafe && m.serves.contains(&Pattern::UpperCrossed))
            .count();
        assert_eq!(seen.len(), serving);
    }
}
