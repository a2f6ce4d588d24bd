//! The history writer: its own thread, so neither the UI nor the model ever waits on the disk.
//! Rows are batched and committed in one transaction every [`FLUSH_EVERY`]; a locked or
//! failing database keeps the batch in memory and tries again; a database found garbled
//! mid-run is moved aside and a new one started.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::store::{Opened, Store};
use super::{Event, HistoryError, Slice};

/// How often the batch is committed: a crash or power cut loses at most this much (plus the
/// slice being filled).
pub const FLUSH_EVERY: Duration = Duration::from_secs(30);
/// A batch this long is committed at once (fast replays).
pub const FLUSH_AT_ROWS: usize = 500;
/// Rows kept while the database cannot be written (about a day of slices).
const MAX_PENDING_ROWS: usize = 10_000;
/// Rows in flight between the pipeline and the writer.
const CHANNEL_ROWS: usize = 4096;
/// How often old history is pruned while running.
const PRUNE_EVERY: Duration = Duration::from_secs(6 * 3600);

enum Message {
    Slice(Slice),
    Event(Event),
}

/// What a writer did, for the end-of-run report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub slices: u64,
    pub events: u64,
    /// Rows that could not be written (the database stayed unavailable).
    pub lost: u64,
}

/// The handle the pipeline holds. Dropping it (or [`Writer::close`]) commits what is left.
pub struct Writer {
    sender: Option<SyncSender<Message>>,
    /// Rows that never reached the writer thread (channel full, thread gone).
    dropped: std::sync::atomic::AtomicU64,
    thread: Option<JoinHandle<Written>>,
    problem: Arc<Mutex<Option<String>>>,
    /// Rows handed to the writer thread.
    sent: std::sync::atomic::AtomicU64,
    /// Rows the writer thread is done with (committed, or dropped as too many to keep).
    done: Arc<std::sync::atomic::AtomicU64>,
}

impl Writer {
    /// Starts the writer for the database at `path`, keeping `retention_days` of history.
    /// Opening happens on the writer's thread; problems are reported by [`Writer::take_problem`].
    pub fn start(path: PathBuf, retention_days: u32) -> std::io::Result<Writer> {
        let (sender, receiver) = std::sync::mpsc::sync_channel(CHANNEL_ROWS);
        let problem = Arc::new(Mutex::new(None));
        let done = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let thread = {
            let (problem, done) = (Arc::clone(&problem), Arc::clone(&done));
            std::thread::Builder::new()
                .name("sitwell-history".into())
                .spawn(move || run(&path, retention_days, &receiver, &problem, &done))?
        };
        Ok(Writer {
            sender: Some(sender),
            dropped: std::sync::atomic::AtomicU64::new(0),
            thread: Some(thread),
            problem,
            sent: std::sync::atomic::AtomicU64::new(0),
            done,
        })
    }

    pub fn slice(&self, slice: Slice) {
        self.send(Message::Slice(slice));
    }

    pub fn event(&self, event: Event) {
        self.send(Message::Event(event));
    }

    fn send(&self, message: Message) {
        let Some(sender) = &self.sender else {
            return;
        };
        if let Err(e) = sender.try_send(message) {
            self.dropped
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if matches!(e, TrySendError::Full(_)) {
                tracing::warn!("the history writer is behind; a row was dropped");
            }
        } else {
            self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// Rows sent that are not written yet (in the channel, or in the batch the thread holds
    /// while the database is unavailable). Stays small while the writer keeps up.
    pub fn backlog(&self) -> usize {
        let sent = self.sent.load(std::sync::atomic::Ordering::Relaxed);
        let done = self.done.load(std::sync::atomic::Ordering::Relaxed);
        sent.saturating_sub(done) as usize
    }

    /// The newest problem to tell the user about (taken: each is returned once).
    pub fn take_problem(&self) -> Option<String> {
        self.problem
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
    }

    /// Commits everything sent so far and stops the thread.
    pub fn close(mut self) -> Written {
        self.shut()
    }

    fn shut(&mut self) -> Written {
        drop(self.sender.take());
        let mut written = match self.thread.take().map(JoinHandle::join) {
            Some(Ok(written)) => written,
            Some(Err(_)) => {
                tracing::error!("the history writer stopped unexpectedly; recent history is lost");
                Written::default()
            }
            None => Written::default(),
        };
        written.lost += self.dropped.swap(0, std::sync::atomic::Ordering::Relaxed);
        written
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.shut();
    }
}

fn tell(problem: &Mutex<Option<String>>, message: String) {
    tracing::warn!("{message}");
    *problem
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(message);
}

/// The writer thread: open, prune, then batch until the channel closes.
fn run(
    path: &Path,
    retention_days: u32,
    receiver: &Receiver<Message>,
    problem: &Mutex<Option<String>>,
    done: &std::sync::atomic::AtomicU64,
) -> Written {
    let finished = |rows: usize| {
        done.fetch_add(rows as u64, std::sync::atomic::Ordering::Relaxed);
    };
    let mut written = Written::default();
    let mut store: Option<Store> = None;
    let mut slices: Vec<Slice> = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    let mut last_flush = Instant::now();
    let mut last_prune: Option<Instant> = None;
    let mut last_error: Option<String> = None;
    loop {
        let wait = FLUSH_EVERY.saturating_sub(last_flush.elapsed());
        let closed = match receiver.recv_timeout(wait) {
            Ok(Message::Slice(s)) => {
                slices.push(s);
                false
            }
            Ok(Message::Event(e)) => {
                events.push(e);
                false
            }
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => true,
        };
        let due = closed
            || last_flush.elapsed() >= FLUSH_EVERY
            || slices.len() + events.len() >= FLUSH_AT_ROWS;
        if !due {
            continue;
        }
        last_flush = Instant::now();
        if store.is_none() {
            store = open(path, problem, &mut last_error);
        }
        if let Some(s) = store.as_mut()
            && last_prune.is_none_or(|t| t.elapsed() >= PRUNE_EVERY)
        {
            last_prune = Some(Instant::now());
            let before = super::unix_now() as i64 - i64::from(retention_days) * 86_400;
            if let Err(e) = s.prune(before) {
                tracing::warn!("cannot prune old history: {e}");
            }
        }
        if let Some(s) = store.as_mut()
            && !(slices.is_empty() && events.is_empty())
        {
            match s.write(&slices, &events) {
                Ok(()) => {
                    written.slices += slices.len() as u64;
                    written.events += events.len() as u64;
                    finished(slices.len() + events.len());
                    slices.clear();
                    events.clear();
                    if last_error.take().is_some() {
                        tell(problem, "the history is being saved again".into());
                    }
                }
                Err(e) => {
                    let unusable = e.is_unusable();
                    report(problem, &mut last_error, &e);
                    if unusable {
                        // Garbled under us: keep it aside and start a fresh file at the next
                        // flush (the rows are still in memory).
                        store = None;
                        match super::store::move_aside(path) {
                            Ok(moved_to) => {
                                let moved = Opened::MovedAside {
                                    moved_to,
                                    why: "became unreadable".into(),
                                };
                                tell(problem, moved.notice(path).unwrap_or_default());
                            }
                            Err(e) => report(problem, &mut last_error, &e),
                        }
                    }
                }
            }
        }
        // Keep the newest rows while the database stays unavailable.
        if slices.len() > MAX_PENDING_ROWS {
            let excess = slices.len() - MAX_PENDING_ROWS;
            slices.drain(..excess);
            written.lost += excess as u64;
            finished(excess);
        }
        if events.len() > MAX_PENDING_ROWS {
            let excess = events.len() - MAX_PENDING_ROWS;
            events.drain(..excess);
            written.lost += excess as u64;
            finished(excess);
        }
        if closed {
            if let Some(s) = &store
                && let Err(e) = s.checkpoint()
            {
                tracing::debug!("history checkpoint at exit: {e}");
            }
            written.lost += (slices.len() + events.len()) as u64;
            return written;
        }
    }
}

/// Opens the store, telling the user what they need to know.
fn open(
    path: &Path,
    problem: &Mutex<Option<String>>,
    last_error: &mut Option<String>,
) -> Option<Store> {
    match Store::open(path) {
        Ok((store, opened)) => {
            if let Some(notice) = opened.notice(path) {
                tell(problem, notice);
            }
            Some(store)
        }
        Err(e) => {
            report(problem, last_error, &e);
            None
        }
    }
}

/// Tells the user about `e` once (until it changes); the batch stays in memory.
fn report(problem: &Mutex<Option<String>>, last_error: &mut Option<String>, e: &HistoryError) {
    let message = format!("{e}; history is kept in memory and saved when it can be");
    if last_error.as_deref() != Some(message.as_str()) {
        tell(problem, message.clone());
        *last_error = Some(message);
    }
}
