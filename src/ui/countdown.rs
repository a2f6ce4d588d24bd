//! A card's countdown: started when the user presses Start on a nudge's or break's move, and
//! dropped as soon as its card is gone (answered, cleared, replaced).

use std::time::Instant;

use super::view::Countdown;
use crate::live::Snapshot;

/// The card on screen, which a countdown belongs to.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Card {
    Nudge {
        move_id: &'static str,
        shown_at: f64,
    },
    Break {
        move_id: &'static str,
    },
}

impl Card {
    fn of(snapshot: &Snapshot) -> Option<Card> {
        match (snapshot.nudge, snapshot.break_due) {
            (Some(n), _) => Some(Card::Nudge {
                move_id: n.move_id,
                shown_at: n.shown_at,
            }),
            (None, Some(move_id)) => Some(Card::Break { move_id }),
            (None, None) => None,
        }
    }

    fn move_id(self) -> &'static str {
        match self {
            Card::Nudge { move_id, .. } | Card::Break { move_id } => move_id,
        }
    }
}

/// A running countdown, tied to the card it belongs to.
struct Timer {
    card: Card,
    started: Instant,
    duration_s: f64,
}

/// The countdown of the card on screen, if the user started one.
#[derive(Default)]
pub struct CardTimer {
    timer: Option<Timer>,
}

impl CardTimer {
    /// Starts the countdown of the card the snapshot shows, for its move's time.
    pub fn start(&mut self, snapshot: &Snapshot) {
        if let Some(card) = Card::of(snapshot) {
            let duration_s = crate::coach::moves::by_id(card.move_id())
                .map_or(60.0, |m| f64::from(m.duration_s));
            self.timer = Some(Timer {
                card,
                started: Instant::now(),
                duration_s,
            });
        }
    }

    /// The running countdown, dropped once its card is gone.
    pub fn countdown(&mut self, snapshot: &Snapshot) -> Option<Countdown> {
        if self.timer.as_ref().map(|t| t.card) != Card::of(snapshot) {
            self.timer = None;
        }
        self.timer.as_ref().map(|t| Countdown {
            left_s: (t.duration_s - t.started.elapsed().as_secs_f64()).max(0.0),
        })
    }
}
