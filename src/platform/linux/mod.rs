//! Linux: X11 (and XWayland) through x11rb, the session and system D-Bus through zbus,
//! PulseAudio/PipeWire and ALSA for calls, glibc and `/proc` for the process, XDG folders and
//! Unix permissions for files.

pub mod autostart;
pub mod calls;
pub mod desk;
pub mod files;
pub mod notify;
pub mod power;
pub mod process;
pub mod stop;
pub mod terminal;
pub mod window;
