//! Noticing a call by itself: another program recording from the microphone is the cheap,
//! reliable sign (every call app records; almost nothing else does all day), and a shared
//! screen counts too. Every 5 s the OS is asked who records or shares
//! ([`crate::platform::calls::users`]); [`CallSense`] (pure) turns the samples into "a call
//! started" after 5 s of recording and "it ended" after 30 s of silence, so a voice message or
//! a short gap in the stream does not flip it.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::command::{CallChange, Command};

/// How often the microphone's users are listed.
pub const PROBE_EVERY: Duration = Duration::from_secs(5);
/// Recording this long means a call started.
pub const ON_AFTER_S: f64 = 5.0;
/// No recording this long means the call ended.
pub const OFF_AFTER_S: f64 = 30.0;

/// Turns microphone samples into call starts and ends (pure: a function of the samples and
/// their times).
#[derive(Debug, Clone, Default)]
pub struct CallSense {
    on: bool,
    recording_since: Option<f64>,
    silent_since: Option<f64>,
}

impl CallSense {
    /// One sample at time `t` (seconds): the programs recording. Returns a change, if any.
    pub fn observe(&mut self, recorders: &[String], t: f64) -> Option<CallChange> {
        if let Some(first) = recorders.first() {
            self.silent_since = None;
            let since = *self.recording_since.get_or_insert(t);
            if !self.on && t - since >= ON_AFTER_S {
                self.on = true;
                return Some(CallChange {
                    on: true,
                    by: Some(first.clone()),
                });
            }
        } else {
            self.recording_since = None;
            let since = *self.silent_since.get_or_insert(t);
            if self.on && t - since >= OFF_AFTER_S {
                self.on = false;
                return Some(CallChange {
                    on: false,
                    by: None,
                });
            }
        }
        None
    }
}

/// The probe's thread; dropping this stops it.
pub struct CallWatcher {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl CallWatcher {
    /// Starts probing; each change is sent to the inference thread as a command.
    pub fn start(commands: Sender<Command>) -> std::io::Result<CallWatcher> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sitwell-calls".into())
            .spawn(move || {
                let started = Instant::now();
                let mut sense = CallSense::default();
                loop {
                    let Some(users) = crate::platform::calls::users() else {
                        tracing::debug!(
                            "no way to tell who uses the microphone: no call detection"
                        );
                        return;
                    };
                    tracing::debug!("recording from a microphone: {users:?}");
                    if let Some(change) = sense.observe(&users, started.elapsed().as_secs_f64())
                        && commands.send(Command::CallDetected(change)).is_err()
                    {
                        return;
                    }
                    match stopped.recv_timeout(PROBE_EVERY) {
                        Err(RecvTimeoutError::Timeout) => {}
                        _ => return,
                    }
                }
            })?;
        Ok(CallWatcher {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for CallWatcher {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the call detection thread panicked");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_starts_after_five_seconds_of_recording_and_ends_after_thirty_of_silence() {
        let zoom = vec!["zoom".to_owned()];
        let mut sense = CallSense::default();
        assert_eq!(sense.observe(&zoom, 0.0), None);
        assert_eq!(
            sense.observe(&zoom, 5.0),
            Some(CallChange {
                on: true,
                by: Some("zoom".into())
            })
        );
        assert_eq!(sense.observe(&zoom, 10.0), None, "said once");
        // A gap in the stream shorter than 30 s is still the same call.
        assert_eq!(sense.observe(&[], 15.0), None);
        assert_eq!(sense.observe(&[], 40.0), None);
        assert_eq!(sense.observe(&zoom, 45.0), None);
        assert_eq!(sense.observe(&[], 50.0), None);
        assert_eq!(
            sense.observe(&[], 80.0),
            Some(CallChange {
                on: false,
                by: None
            })
        );
        // A short recording (a voice message) is not a call.
        assert_eq!(sense.observe(&zoom, 90.0), None);
        assert_eq!(sense.observe(&[], 93.0), None);
        assert_eq!(sense.observe(&zoom, 96.0), None);
    }
}
