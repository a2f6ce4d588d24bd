//! Notifications on Linux: the freedesktop notification service over D-Bus (notify-rust),
//! with buttons where the server shows actions. Sent from a short-lived thread (D-Bus can be
//! slow; it waits there for the answer); a desktop without a notification service just doesn't
//! show them.

use std::path::PathBuf;

use notify_rust::{Hint, Notification, Timeout};

use crate::platform::Message;

/// How long a notification with buttons stays (the card stays on the panel until answered);
/// its buttons answer nothing after that (a later card is not this one's to answer).
const SHOWN_FOR_MS: u32 = 120_000;

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

/// Nothing to register: the desktop entry (`io.github.sitwell.Sitwell.desktop`, named in each
/// notification's hint) says whose notifications they are.
pub fn register() {}

/// Shows `message`. Where the notification server shows actions it carries the message's
/// buttons, and `answer` gets the id of the one clicked; elsewhere it is a plain notification.
pub fn show(message: Message, answer: impl Fn(&str) + Send + 'static) {
    let spawned = std::thread::Builder::new()
        .name("sitwell-notify".into())
        .spawn(move || {
            let actions = notify_rust::get_capabilities()
                .is_ok_and(|caps| caps.iter().any(|c| c == "actions"));
            let mut notification = Notification::new();
            notification
                .appname("Sitwell")
                .summary(&message.summary)
                .body(&message.body)
                .icon(&icon())
                .hint(Hint::DesktopEntry(crate::APP_ID.to_owned()))
                .timeout(Timeout::Milliseconds(SHOWN_FOR_MS));
            if actions {
                for (id, label) in &message.buttons {
                    notification.action(id, label);
                }
            }
            match notification.show() {
                Ok(handle) if actions => {
                    // Some servers (GNOME Shell) keep a notification until it is dismissed:
                    // close it when its time is up, which also ends the wait below.
                    close_later(handle.id());
                    handle.wait_for_action(|id| answer(id));
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
