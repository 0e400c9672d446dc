//! The order a batch renders its reports in, for Typst's memoisation.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Condvar, Mutex};

/// The order of a batch, made for Typst's memoisation: a city's reports in other languages
/// show mostly the same parts as its report in the default language (the parts not
/// translated), and a part laid out for one report is reused by the others from Typst's
/// caches. So a city's first report (in the default language, if it is built) is rendered
/// first and alone; its other languages become ready when it is done, and ready reports go
/// before the next city's first one, while the caches hold what they can reuse.
pub(super) struct Schedule {
    state: Mutex<Queue>,
    changed: Condvar,
}

struct Queue {
    /// Each city's first report, and the others that wait for it, in the batch's order.
    cities: VecDeque<(usize, Vec<usize>)>,
    /// Reports whose city's first report is done.
    ready: VecDeque<usize>,
    /// The reports waiting for a city's first report being rendered, by that report.
    waiting: BTreeMap<usize, Vec<usize>>,
}

impl Schedule {
    /// The schedule of reports given as (city, language) by index, a city's next to each
    /// other.
    pub(super) fn new(todo: &[(&str, &str)], default_language: &str) -> Self {
        let mut cities = VecDeque::new();
        let mut start = 0;
        while start < todo.len() {
            let slug = todo[start].0;
            let end = start + todo[start..].iter().take_while(|j| j.0 == slug).count();
            let first = (start..end).find(|&i| todo[i].1 == default_language).unwrap_or(start);
            cities.push_back((first, (start..end).filter(|&i| i != first).collect()));
            start = end;
        }
        let queue = Queue { cities, ready: Default::default(), waiting: BTreeMap::new() };
        Schedule { state: Mutex::new(queue), changed: Condvar::new() }
    }

    /// The next report to render, waiting while only reports of cities whose first report is
    /// being rendered are left; `None` when all are taken.
    pub(super) fn next(&self) -> Option<usize> {
        let mut q = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(i) = q.ready.pop_front() {
                return Some(i);
            }
            if let Some((first, rest)) = q.cities.pop_front() {
                q.waiting.insert(first, rest);
                return Some(first);
            }
            if q.waiting.is_empty() {
                return None;
            }
            q = self.changed.wait(q).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Report `i` is rendered (or failed): the reports that waited for it are ready.
    pub(super) fn done(&self, i: usize) {
        let mut q = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(rest) = q.waiting.remove(&i) {
            q.ready.extend(rest);
            self.changed.notify_all();
        }
    }
}

/// Report `.1` of a [`Schedule`] is done when this is dropped.
pub(super) struct Done<'a>(pub(super) &'a Schedule, pub(super) usize);

impl Drop for Done<'_> {
    fn drop(&mut self) {
        self.0.done(self.1);
    }
}

#[cfg(test)]
mod tests {
    use super::Schedule;

    /// Takes every report from `schedule` on one worker, finishing each before the next.
    fn order(schedule: &Schedule) -> Vec<usize> {
        let mut out = Vec::new();
        while let Some(i) = schedule.next() {
            out.push(i);
            schedule.done(i);
        }
        out
    }

    #[test]
    fn a_city_starts_with_its_default_language_and_the_rest_follows_it() {
        let todo = [("a", "de"), ("a", "en"), ("a", "fr"), ("b", "de"), ("c", "en"), ("c", "it")];
        assert_eq!(order(&Schedule::new(&todo, "en")), [1, 0, 2, 3, 4, 5]);
    }

    #[test]
    fn reports_wait_for_their_citys_first_report_and_go_before_the_next_city() {
        let todo = [("a", "en"), ("a", "de"), ("b", "en"), ("b", "de")];
        let schedule = Schedule::new(&todo, "en");
        // Two workers: the second starts the next city instead of waiting.
        assert_eq!(schedule.next(), Some(0));
        assert_eq!(schedule.next(), Some(2));
        schedule.done(2);
        assert_eq!(schedule.next(), Some(3));
        schedule.done(0);
        assert_eq!(schedule.next(), Some(1));
        schedule.done(3);
        schedule.done(1);
        assert_eq!(schedule.next(), None);
    }

    #[test]
    fn a_worker_waits_for_a_first_report_being_rendered_when_nothing_else_is_left() {
        let todo = [("a", "en"), ("a", "de")];
        let schedule = Schedule::new(&todo, "en");
        assert_eq!(schedule.next(), Some(0));
        std::thread::scope(|s| {
            let waiting = s.spawn(|| schedule.next());
            std::thread::sleep(std::time::Duration::from_millis(50));
            assert!(!waiting.is_finished(), "took a report before its city's first was done");
            schedule.done(0);
            assert_eq!(waiting.join().unwrap(), Some(1));
        });
    }
}
