//! Each worker's cache of computed project views.
//!
//! A project view is a pure function of the store's contents, the lens's
//! last cutoff and the agency's local date (see `portal::project`). An entry
//! is reused only while the store's generation, that cutoff and that date
//! are the ones it was computed for, so it is never stale: any commit that
//! may change a page advances the generation. A live lens cuts off at every
//! instant and is never cached. Every worker keeps its own cache, so no
//! lock is shared between threads.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use jiff::civil::Date;

use crate::domain::ProjectId;
use crate::domain::lens::{Lens, Publishing};
use crate::domain::time::Calendar;
use crate::portal::project::cutoff;
use crate::portal::view::ProjectView;

/// A view with what it was computed from.
#[derive(Clone)]
pub struct Hit {
    pub lens: Lens,
    pub agency: String,
    pub view: Arc<ProjectView>,
}

struct Entry {
    generation: u64,
    calendar: Calendar,
    cutoff: Timestamp,
    today: Date,
    hit: Hit,
}

#[derive(Default)]
pub struct ViewCache(Mutex<HashMap<ProjectId, Entry>>);

/// The instants a view depends on, or `None` when it depends on `now` itself.
fn moment(lens: &Lens, calendar: &Calendar, now: Timestamp) -> Option<(Timestamp, Date)> {
    match lens.publishing {
        Publishing::Live => None,
        _ => Some((cutoff(lens, calendar, now), calendar.date_of(now))),
    }
}

impl ViewCache {
    /// The view of `project` computed at `generation`, if it is what would
    /// be computed at `now`.
    pub fn get(&self, project: ProjectId, generation: u64, now: Timestamp) -> Option<Hit> {
        let entries = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(&project)?;
        let current = moment(&entry.hit.lens, &entry.calendar, now)?;
        (entry.generation == generation && current == (entry.cutoff, entry.today))
            .then(|| entry.hit.clone())
    }

    /// Keeps a view computed at `now` from a snapshot read after the store
    /// was at `generation`.
    pub fn put(
        &self,
        project: ProjectId,
        generation: u64,
        calendar: Calendar,
        now: Timestamp,
        hit: Hit,
    ) {
        let Some((cutoff, today)) = moment(&hit.lens, &calendar, now) else {
            return;
        };
        let entry = Entry {
            generation,
            calendar,
            cutoff,
            today,
            hit,
        };
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(project, entry);
    }
}
