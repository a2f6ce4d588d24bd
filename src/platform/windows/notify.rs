//! Notifications on Windows: toasts with the message's buttons, attributed to Sitwell through
//! its AppUserModelID ([`crate::APP_ID`]), which the installer's Start-menu shortcut carries.
//! Windows shows no toast for an ID without such a shortcut (a portable copy): the card on the
//! panel is there either way.

use tauri_winrt_notification::{Duration, Toast};

use crate::platform::Message;

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
