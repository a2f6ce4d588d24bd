//! Desktop notifications for nudges and breaks. Sent from a short-lived thread (D-Bus can
//! be slow); a desktop without a notification service just doesn't show them.

use crate::coach::{Effect, moves};

/// Shows a notification for the effects that deserve one.
pub fn effect(effect: &Effect) {
    let (summary, body) = match effect {
        Effect::ShowNudge { move_id, .. } => match moves::by_id(move_id) {
            Some(m) => (
                format!("Sitwell: {} — {}", m.name, m.dose),
                m.steps.join(" "),
            ),
            None => return,
        },
        Effect::BreakDue { move_id } => match moves::by_id(move_id) {
            Some(m) => (
                "Sitwell: time to stand up".to_owned(),
                format!("{} — {}", m.name, m.dose),
            ),
            None => return,
        },
        _ => return,
    };
    let spawned = std::thread::Builder::new()
        .name("sitwell-notify".into())
        .spawn(move || {
            let shown = notify_rust::Notification::new()
                .appname("Sitwell")
                .summary(&summary)
                .body(&body)
                .show();
            if let Err(e) = shown {
                tracing::debug!("no desktop notification: {e}");
            }
        });
    if let Err(e) = spawned {
        tracing::debug!("no desktop notification: {e}");
    }
}

/// Tells the user, who may have started Sitwell from a menu, that it is already running.
pub fn already_running() {
    let shown = notify_rust::Notification::new()
        .appname("Sitwell")
        .summary("Sitwell is already running")
        .body("Its panel is in a corner of your screen.")
        .timeout(notify_rust::Timeout::Milliseconds(5000))
        .show();
    if let Err(e) = shown {
        tracing::debug!("no desktop notification: {e}");
    }
}
