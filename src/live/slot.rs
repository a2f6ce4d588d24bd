//! The hand-off from the capture thread to the inference thread: one slot holding only the
//! newest frame. A new frame replaces one not yet taken, so the queue can never grow; a
//! file played as fast as possible waits instead ("lock-step"), so no frame it wants is lost.
//! Notices (source opened, camera problems, end of file) travel beside the frame in a short
//! queue, in order, and are never replaced by a frame.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// Notices kept at most (the oldest is dropped beyond it; they come seconds apart).
const MAX_NOTICES: usize = 32;

#[derive(Debug)]
struct State<T> {
    /// The newest frame and its sequence number.
    item: Option<(u64, T)>,
    notices: VecDeque<(u64, T)>,
    next_seq: u64,
    /// The consumer took an item and has not yet said it is done with it.
    busy: bool,
    closed: bool,
    replaced: u64,
}

/// A latest-value slot shared by one producer and one consumer.
#[derive(Debug)]
pub struct LatestSlot<T> {
    state: Mutex<State<T>>,
    changed: Condvar,
}

impl<T> Default for LatestSlot<T> {
    fn default() -> Self {
        LatestSlot {
            state: Mutex::new(State {
                item: None,
                notices: VecDeque::new(),
                next_seq: 0,
                busy: false,
                closed: false,
                replaced: 0,
            }),
            changed: Condvar::new(),
        }
    }
}

impl<T> LatestSlot<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A panicking thread cannot leave the slot half-written: the data is one Option.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Puts a frame, replacing a frame not yet taken (the newest wins).
    pub fn put(&self, item: T) {
        let mut state = self.lock();
        let seq = state.next_seq;
        state.next_seq += 1;
        if state.item.replace((seq, item)).is_some() {
            state.replaced += 1;
        }
        self.changed.notify_all();
    }

    /// Queues a notice: it is taken in order with the frames and never replaced.
    pub fn push(&self, item: T) {
        let mut state = self.lock();
        let seq = state.next_seq;
        state.next_seq += 1;
        if state.notices.len() >= MAX_NOTICES {
            state.notices.pop_front();
        }
        state.notices.push_back((seq, item));
        self.changed.notify_all();
    }

    /// Waits until the consumer has taken and finished with the last item. Returns false if
    /// the slot was closed meanwhile.
    pub fn wait_idle(&self) -> bool {
        let mut state = self.lock();
        while (state.item.is_some() || !state.notices.is_empty() || state.busy) && !state.closed {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        !state.closed
    }

    /// Waits until the consumer is idle, then puts `item`. Returns false (dropping the item)
    /// if the slot was closed meanwhile.
    pub fn put_when_idle(&self, item: T) -> bool {
        if !self.wait_idle() {
            return false;
        }
        self.put(item);
        true
    }

    /// Takes the oldest notice or the newest frame, whichever was put first, waiting up to
    /// `timeout`; marks the consumer busy until [`LatestSlot::done`].
    pub fn take(&self, timeout: Duration) -> Option<T> {
        let state = self.lock();
        let (mut state, _) = self
            .changed
            .wait_timeout_while(state, timeout, |s| {
                s.item.is_none() && s.notices.is_empty() && !s.closed
            })
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let notice_first = match (state.notices.front(), &state.item) {
            (Some((n, _)), Some((f, _))) => n < f,
            (Some(_), None) => true,
            _ => false,
        };
        let item = if notice_first {
            state.notices.pop_front()
        } else {
            state.item.take()
        }
        .map(|(_, item)| item);
        state.busy = item.is_some();
        item
    }

    /// The consumer has finished with the item it took.
    pub fn done(&self) {
        let mut state = self.lock();
        state.busy = false;
        self.changed.notify_all();
    }

    /// Wakes both sides for good: waits end, takes return what is left.
    pub fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        self.changed.notify_all();
    }

    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }

    /// Items replaced before anyone took them (frames the consumer was too busy for).
    pub fn replaced(&self) -> u64 {
        self.lock().replaced
    }

    /// Waits up to `timeout` for the slot to be closed; true if it was. An interruptible sleep.
    pub fn wait_closed(&self, timeout: Duration) -> bool {
        let state = self.lock();
        let (state, _) = self
            .changed
            .wait_timeout_while(state, timeout, |s| !s.closed)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        state.closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn newest_item_wins_and_nothing_queues() {
        let slot = LatestSlot::default();
        for i in 0..100 {
            slot.put(i);
        }
        assert_eq!(slot.take(Duration::ZERO), Some(99));
        slot.done();
        assert_eq!(slot.take(Duration::from_millis(1)), None);
        assert_eq!(slot.replaced(), 99);
    }

    #[test]
    fn notices_keep_their_order_and_are_never_replaced_by_frames() {
        let slot = LatestSlot::default();
        slot.push("opened");
        slot.put("frame 1");
        slot.put("frame 2");
        slot.push("ended");
        let mut seen = Vec::new();
        while let Some(item) = slot.take(Duration::ZERO) {
            seen.push(item);
            slot.done();
        }
        assert_eq!(seen, ["opened", "frame 2", "ended"]);
    }

    #[test]
    fn lock_step_producer_waits_for_the_consumer() {
        let slot = Arc::new(LatestSlot::default());
        let producer = {
            let slot = Arc::clone(&slot);
            std::thread::spawn(move || (0..50).all(|i| slot.put_when_idle(i)))
        };
        let mut seen = Vec::new();
        while seen.len() < 50 {
            if let Some(i) = slot.take(Duration::from_secs(5)) {
                seen.push(i);
                slot.done();
            }
        }
        assert!(producer.join().unwrap_or(false));
        assert_eq!(seen, (0..50).collect::<Vec<_>>());
        assert_eq!(slot.replaced(), 0);
    }

    #[test]
    fn close_wakes_a_waiting_producer_and_consumer() {
        let slot = Arc::new(LatestSlot::default());
        slot.put(1);
        let producer = {
            let slot = Arc::clone(&slot);
            std::thread::spawn(move || slot.put_when_idle(2))
        };
        std::thread::sleep(Duration::from_millis(20));
        slot.close();
        assert!(!producer.join().unwrap_or(true));
        assert_eq!(slot.take(Duration::from_secs(5)), Some(1));
        assert_eq!(slot.take(Duration::from_secs(5)), None);
        assert!(slot.wait_closed(Duration::ZERO));
    }
}
