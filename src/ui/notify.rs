//! Desktop notifications for nudges and breaks, with their answers as buttons where the
//! notification server shows actions. Sent from a short-lived thread (D-Bus can be slow; it
//! waits there for the answer); a desktop without a notification service just doesn't show
//! them.

use std::path::PathBuf;

use notify_rust::{Hint, Notification, Timeout};

use crate::coach::{Effect, UserAction, moves};

/// How long a nudge's notification stays (the card stays on the panel until answered); its
/// buttons answer nothing after that (a later card is not this one's to answer).
const SHOWN_FOR_MS: u32 = 120_000;

/// The buttons a notification carries where the server shows actions: (action id, label, what
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

/// Sitwell's icon: the installed or bundled PNG, else its name in the icon theme.
fn icon() -> String {
    let png: PathBuf = crate::files::bundled(std::path::Path::new(
        "assets/icons/hicolor/128x128/apps/io.github.sitwell.Sitwell.png",
    ));
    if png.is_file() {
        png.display().to_string()
    } else {
        crate::APP_ID.to_owned()
    }
}

/// Shows a notification for the effects that deserve one. Where the notification server shows
/// actions, a nudge's carries **Done** and **Snooze**, a break's **Took a break** and
/// **Later**, and `answer` gets what the user clicked; elsewhere it is a plain notification and
/// the card on the panel is answered there.
pub fn effect(effect: &Effect, answer: impl Fn(UserAction) + Send + 'static) {
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
    let effect = *effect;
    let spawned = std::thread::Builder::new()
        .name("sitwell-notify".into())
        .spawn(move || {
            let actions = notify_rust::get_capabilities()
                .is_ok_and(|caps| caps.iter().any(|c| c == "actions"));
            let mut notification = Notification::new();
            notification
                .appname("Sitwell")
                .summary(&summary)
                .body(&body)
                .icon(&icon())
                .hint(Hint::DesktopEntry(crate::APP_ID.to_owned()))
                .timeout(Timeout::Milliseconds(SHOWN_FOR_MS));
            if actions {
                for (id, label, _) in answers(&effect) {
                    notification.action(id, label);
                }
            }
            match notification.show() {
                Ok(handle) if actions => {
                    // Some servers (GNOME Shell) keep a notification until it is dismissed:
                    // close it when its time is up, which also ends the wait below.
                    close_later(handle.id());
                    handle.wait_for_action(|id| {
                        if let Some(action) = answer_for(&effect, id) {
                            tracing::info!("answered from the notification: {id}");
                            answer(action);
                        }
                    });
                }
                Ok(_) => {}
                Err(e) => tracing::debug!("no desktop notification: {e}"),
            }
        });
    if let Err(e) = spawned {
        tracing::debug!("no desktop notification: {e}");
    }
}

/// Closes notification `id` after [`SHOWN_FOR_MS`] (a no-op if it was answered by then).
fn close_later(id: u32) {
    let spawned = std::thread::Builder::new()
        .name("sitwell-notify-close".into())
        .spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(u64::from(SHOWN_FOR_MS)));
            let closed = zbus::blocking::Connection::session().and_then(|bus| {
                bus.call_method(
                    Some("org.freedesktop.Notifications"),
                    "/org/freedesktop/Notifications",
                    Some("org.freedesktop.Notifications"),
                    "CloseNotification",
                    &(id,),
                )
            });
            if let Err(e) = closed {
                tracing::debug!("cannot close notification {id}: {e}");
            }
        });
    if let Err(e) = spawned {
        tracing::debug!("no notification timer: {e}");
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
}
