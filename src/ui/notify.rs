//! What Sitwell's notifications for nudges and breaks say, and what their buttons answer. The
//! OS shows them ([`crate::platform::notify`]): with the buttons where it can, and only while
//! no call runs (the caller decides).

use crate::coach::{Effect, UserAction, moves};
use crate::platform::{Message, notify};

/// The buttons a notification carries where the desktop shows them: (action id, label, what
/// it does).
fn answers(effect: &Effect) -> &'static [(&'static str, &'static str, UserAction)] {
    match effect {
        Effect::ShowNudge { .. } => &[
            ("done", "Done", UserAction::Done),
            ("snooze", "Snooze 30 min", UserAction::Snooze),
        ],
        Effect::BreakDue { .. } => &[
            ("break_taken", "Took a break", UserAction::BreakTaken),
            ("break_later", "Later", UserAction::BreakLater),
        ],
        _ => &[],
    }
}

/// What the action `id` of `effect`'s notification does.
pub fn answer_for(effect: &Effect, id: &str) -> Option<UserAction> {
    answers(effect)
        .iter()
        .find(|(action, _, _)| *action == id)
        .map(|(_, _, answer)| *answer)
}

/// The notification `effect` deserves, if any.
pub fn message_for(effect: &Effect) -> Option<Message> {
    let (summary, body) = match effect {
        Effect::ShowNudge { move_id, .. } => {
            let m = moves::by_id(move_id)?;
            (
                format!("Sitwell: {} — {}", m.name, m.dose),
                m.steps.join(" "),
            )
        }
        Effect::BreakDue { move_id } => {
            let m = moves::by_id(move_id)?;
            (
                "Sitwell: time to stand up".to_owned(),
                format!("{} — {}", m.name, m.dose),
            )
        }
        _ => return None,
    };
    Some(Message {
        summary,
        body,
        buttons: answers(effect)
            .iter()
            .map(|(id, label, _)| (*id, *label))
            .collect(),
    })
}

/// Shows a notification for the effects that deserve one; `answer` gets what the user clicked
/// on it, where the desktop shows its buttons (elsewhere the card on the panel is answered
/// there).
pub fn effect(effect: &Effect, answer: impl Fn(UserAction) + Send + 'static) {
    let Some(message) = message_for(effect) else {
        return;
    };
    let effect = *effect;
    notify::show(message, move |id| {
        if let Some(action) = answer_for(&effect, id) {
            tracing::info!("answered from the notification: {id}");
            answer(action);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posture::Pattern;

    #[test]
    fn a_notifications_buttons_answer_its_card() {
        let nudge = Effect::ShowNudge {
            pattern: Pattern::ForwardHead,
            move_id: "chin_tuck",
        };
        assert_eq!(answer_for(&nudge, "done"), Some(UserAction::Done));
        assert_eq!(answer_for(&nudge, "snooze"), Some(UserAction::Snooze));
        // Clicking the body, or a closed notification, answers nothing.
        assert_eq!(answer_for(&nudge, "default"), None);
        assert_eq!(answer_for(&nudge, "__closed"), None);
        let break_due = Effect::BreakDue {
            move_id: "doorway_stretch",
        };
        assert_eq!(
            answer_for(&break_due, "break_later"),
            Some(UserAction::BreakLater)
        );
        assert_eq!(answer_for(&break_due, "done"), None);
    }

    #[test]
    fn a_nudge_says_its_move_and_carries_done_and_snooze() {
        let nudge = Effect::ShowNudge {
            pattern: Pattern::ForwardHead,
            move_id: "chin_tuck",
        };
        let message = message_for(&nudge).expect("a nudge is shown");
        assert!(
            message.summary.starts_with("Sitwell: Chin tuck"),
            "{}",
            message.summary
        );
        assert!(!message.body.is_empty());
        assert_eq!(
            message.buttons,
            [("done", "Done"), ("snooze", "Snooze 30 min")]
        );
        assert!(
            message_for(&Effect::ShowNudge {
                pattern: Pattern::ForwardHead,
                move_id: "no_such_move"
            })
            .is_none()
        );
    }
}
