//! When the camera is on: off while paused, refused, locked or asleep; released after two
//! minutes away, with short peeks to notice the user's return until the desk can tell when its
//! keyboard or mouse is touched. Pure: the session asks it every step.

/// Away this long, the camera is released; it looks again for [`PEEK_FOR_S`] every
/// [`PEEK_EVERY_S`] to notice the user's return, until [`STOP_PEEKING_AFTER_S`] where the
/// desk tells when its keyboard or mouse is touched: from then on it looks only when they are.
pub const RELEASE_AFTER_AWAY_S: f64 = 120.0;
pub const PEEK_EVERY_S: f64 = 30.0;
pub const PEEK_FOR_S: f64 = 4.0;
pub const STOP_PEEKING_AFTER_S: f64 = 300.0;
/// Input this recent (seconds) while away means someone is at the desk: look.
pub const LOOK_ON_INPUT_S: f64 = 10.0;
/// What the camera's on/off rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Situation {
    /// The screen is locked or the machine asleep.
    pub locked_or_asleep: bool,
    /// The source is a camera (a file keeps playing while away).
    pub camera: bool,
    /// Monitoring is paused.
    pub paused: bool,
    /// Calibration was refused: nothing to judge until the user tries again.
    pub refused: bool,
    /// Seconds the user has been away, when they are.
    pub away_for_s: Option<f64>,
    /// Seconds since the last keyboard or mouse input, where the desk tells it.
    pub input_idle_s: Option<f64>,
}

/// Whether the camera should be on (for a file: whether its frames are looked at).
pub fn camera_wanted(s: &Situation) -> bool {
    if s.locked_or_asleep || s.paused || s.refused {
        return false;
    }
    if !s.camera {
        // A file keeps playing while away.
        return true;
    }
    match s.away_for_s {
        Some(away) if away >= RELEASE_AFTER_AWAY_S => {
            let touched = s.input_idle_s.is_some_and(|idle| idle < LOOK_ON_INPUT_S);
            // Without the desk's idle time, peeking is the only way to notice a return.
            let peeking = away < STOP_PEEKING_AFTER_S || s.input_idle_s.is_none();
            let peek = (away - RELEASE_AFTER_AWAY_S) % PEEK_EVERY_S >= PEEK_EVERY_S - PEEK_FOR_S;
            touched || (peeking && peek)
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camera_is_off_while_paused_refused_or_long_away_except_for_peeks() {
        let wanted = |paused, refused, away_for_s, input_idle_s| {
            camera_wanted(&Situation {
                camera: true,
                paused,
                refused,
                away_for_s,
                input_idle_s,
                ..Situation::default()
            })
        };
        assert!(wanted(false, false, None, None));
        assert!(!wanted(true, false, None, None));
        assert!(!wanted(false, true, None, None));
        assert!(wanted(false, false, Some(RELEASE_AFTER_AWAY_S - 1.0), None));
        assert!(!wanted(
            false,
            false,
            Some(RELEASE_AFTER_AWAY_S + 1.0),
            None
        ));
        // Each peek: the last PEEK_FOR_S seconds of every PEEK_EVERY_S.
        let peek = RELEASE_AFTER_AWAY_S + PEEK_EVERY_S - PEEK_FOR_S / 2.0;
        assert!(wanted(false, false, Some(peek), None));
        assert!(!wanted(false, false, Some(peek + PEEK_FOR_S), None));
        // Long away on a desk that tells its idle time: no more peeks, a look on input.
        let long_peek = peek + 10.0 * PEEK_EVERY_S;
        assert!(long_peek > STOP_PEEKING_AFTER_S);
        assert!(
            wanted(false, false, Some(long_peek), None),
            "no idle time: peeks"
        );
        assert!(!wanted(false, false, Some(long_peek), Some(400.0)));
        assert!(wanted(false, false, Some(long_peek + 7.0), Some(2.0)));
        // Locked or asleep: off. A file plays on while away, not while paused.
        let file = Situation {
            away_for_s: Some(STOP_PEEKING_AFTER_S + 1.0),
            ..Situation::default()
        };
        assert!(camera_wanted(&file));
        assert!(!camera_wanted(&Situation {
            paused: true,
            ..file
        }));
        let locked = Situation {
            camera: true,
            locked_or_asleep: true,
            ..Situation::default()
        };
        assert!(!camera_wanted(&locked));
    }
}
