//! The journal: writes what the session asks to have written down — the JSON event log and
//! the history database — in one place and in the session's order.

use std::io::Write;

use crate::history::Writer;
use crate::history::writer::Written;

use super::session::Entry;

/// Where the session's lines go.
pub struct Journal {
    /// The event log (JSON lines), already open for appending.
    events: Option<Box<dyn Write + Send>>,
    /// The history database's writer thread.
    history: Option<Writer>,
}

impl Journal {
    pub fn new(events: Option<Box<dyn Write + Send>>, history: Option<Writer>) -> Journal {
        Journal { events, history }
    }

    /// Writes `entries` in order. Returns a problem to tell the user: the event log could
    /// not be written (it is then given up for this run; the history goes on).
    pub fn write(&mut self, entries: Vec<Entry>) -> Option<String> {
        let mut problem = None;
        for entry in entries {
            match entry {
                Entry::Log(line) => {
                    let Some(log) = self.events.as_mut() else {
                        continue;
                    };
                    if let Err(e) = writeln!(log, "{line}").and_then(|()| log.flush()) {
                        problem = Some(format!("cannot write the event log: {e}"));
                        self.events = None;
                    }
                }
                Entry::Slice(slice) => {
                    if let Some(history) = &self.history {
                        history.slice(slice);
                    }
                }
                Entry::Event(event) => {
                    if let Some(history) = &self.history {
                        history.event(event);
                    }
                }
            }
        }
        problem
    }

    /// The history writer's newest problem, once.
    pub fn take_problem(&self) -> Option<String> {
        self.history.as_ref().and_then(Writer::take_problem)
    }

    /// Rows waiting in the history writer (its channel and its unwritten batch).
    pub fn backlog(&self) -> usize {
        self.history.as_ref().map_or(0, Writer::backlog)
    }

    /// Commits the history and stops its writer; what it wrote (None: no history kept).
    pub fn close(&mut self) -> Option<Written> {
        self.history.take().map(Writer::close)
    }
}
