//! Notifications on Windows: toasts with the message's buttons, attributed to Sitwell through
//! its AppUserModelID ([`crate::APP_ID`]), which the installer's Start-menu shortcut carries.
//! Windows shows no toast for an ID without such a shortcut (a portable copy): the card on the
//! panel is there either way.

use tauri_winrt_notification::{Duration, Toast};

use super::registry;
use crate::platform::Message;

/// Registers Sitwell's AppUserModelID for this user (`HKEY_CURRENT_USER\Software\Classes\
/// AppUserModelId\<id>`: its name and icon), so that its toasts show as Sitwell's even from a
/// portable copy; the installer writes the same. Call once, before the first notification.
pub fn register() {
    let key = format!(r"Software\Classes\AppUserModelId\{}", crate::APP_ID);
    let icon = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("sitwell.ico")))
        .filter(|icon| icon.is_file());
    let mut written = registry::write_user_string(&key, "DisplayName", "Sitwell");
    if let Some(icon) = icon {
        written = written.and_then(|()| {
            registry::write_user_string(&key, "IconUri", &icon.display().to_string())
        });
    }
    if let Err(e) = written {
        tracing::debug!("cannot register Sitwell for toasts: {e}");
    }
}

/// Shows `message` as a toast; `answer` gets the id of the button clicked.
pub fn show(message: Message, answer: impl Fn(&str) + Send + 'static) {
    let mut toast = Toast::new(crate::APP_ID)
        .title(&message.summary)
        .text1(&message.body)
        .duration(Duration::Long);
    for (id, label) in &message.buttons {
        toast = toast.add_button(label, id);
    }
    let shown = toast
        .on_activated(move |action| {
            if let Some(id) = action {
                answer(&id);
            }
            Ok(())
        })
        .show();
    if let Err(e) = shown {
        tracing::debug!("no toast: {e}");
    }
}

/// Tells the user, who may have started Sitwell from the Start menu, that it is already
/// running.
pub fn already_running() {
    let shown = Toast::new(crate::APP_ID)
        .title("Sitwell is already running")
        .text1("Its panel is in a corner of your screen.")
        .show();
    if let Err(e) = shown {
        tracing::debug!("no toast: {e}");
    }
}
