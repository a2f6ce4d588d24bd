//! The desk's own signals, for a camera session: the screen locked or unlocked, the machine
//! about to sleep or woken, how long since the user last touched the keyboard or mouse, and
//! whether the machine runs on its battery.
//! The OS's watchers ([`crate::platform::desk`]) run for the life of the process and hand each
//! change to the pipeline running now as a [`Command::Desk`].

use std::sync::mpsc::Sender;
use std::sync::{Mutex, OnceLock};

use super::command::{Command, DeskChange};

/// Where the desk's news goes: the pipeline running now (a camera restart or the demo
/// starts another; the watchers stay).
static ROUTE: Mutex<Option<Sender<Command>>> = Mutex::new(None);

/// Hands `change` to the pipeline running now. Always true: the watchers run for the life of
/// the process, whichever pipeline is current.
fn tell(change: DeskChange) -> bool {
    let route = ROUTE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(commands) = route.as_ref() {
        let _ = commands.send(Command::Desk(change));
    }
    true
}

/// Routes the desk's news to `commands` from now on, starting the watchers this desktop
/// allows the first time (once per process). Returns the watchers that run.
pub fn start_watchers(commands: &Sender<Command>) -> &'static [&'static str] {
    *ROUTE.lock().unwrap_or_else(|p| p.into_inner()) = Some(commands.clone());
    static RUNNING: OnceLock<Vec<&'static str>> = OnceLock::new();
    RUNNING.get_or_init(|| {
        let mut running = crate::platform::desk::start(tell);
        if let Some(first) = crate::platform::power::on_battery()
            && std::thread::Builder::new()
                .name("sitwell-power".into())
                .spawn(move || follow_power(first))
                .is_ok()
        {
            running.push("battery");
        }
        tracing::info!("watching the desk: {running:?}");
        running
    })
}

/// How often the power source is asked for.
const POWER_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Tells the pipeline whether the machine runs on its battery: `first` at once, then each
/// change.
fn follow_power(first: bool) {
    let mut told = first;
    tracing::info!("on battery: {first}");
    tell(DeskChange::OnBattery(first));
    loop {
        std::thread::sleep(POWER_EVERY);
        if let Some(on) = crate::platform::power::on_battery().filter(|on| *on != told) {
            tracing::info!("on battery: {on}");
            told = on;
            tell(DeskChange::OnBattery(on));
        }
    }
}
