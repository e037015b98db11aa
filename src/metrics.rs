//! Prometheus metrics: HTTP requests and latency by route template, and the
//! writer's commit time and group size.

use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    /// The route template (`/api/v1/entries/{id}`), never the raw path.
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct LatencyLabels {
    pub route: String,
}

/// The writer's instruments; cheap to clone.
#[derive(Clone)]
pub struct StoreMetrics {
    commit_seconds: Histogram,
    group_size: Histogram,
    groups: Counter,
    writes: Counter,
}

impl StoreMetrics {
    pub fn observe_commit(&self, took: Duration, jobs: usize) {
        self.commit_seconds.observe(took.as_secs_f64());
        self.group_size.observe(jobs as f64);
        self.groups.inc();
        self.writes.inc_by(jobs as u64);
    }

    /// Groups the writer has taken from its queue, each one transaction
    /// unless a job in it failed.
    pub fn groups(&self) -> u64 {
        self.groups.get()
    }

    /// Write jobs the writer has run, in all groups together.
    pub fn writes(&self) -> u64 {
        self.writes.get()
    }
}

impl Default for StoreMetrics {
    fn default() -> Self {
        Self {
            commit_seconds: Histogram::new(exponential_buckets(0.0001, 2.0, 16)),
            group_size: Histogram::new(exponential_buckets(1.0, 2.0, 10)),
            groups: Counter::default(),
            writes: Counter::default(),
        }
    }
}

pub struct Metrics {
    registry: Registry,
    pub requests: Family<RouteLabels, Counter>,
    pub latency: Family<LatencyLabels, Histogram>,
    pub store: StoreMetrics,
}

impl Metrics {
    pub fn new() -> Arc<Metrics> {
        let mut registry = Registry::with_prefix("glasshouse");
        let requests = Family::<RouteLabels, Counter>::default();
        let latency = Family::<LatencyLabels, Histogram>::new_with_constructor(
            (|| Histogram::new(exponential_buckets(0.0001, 2.0, 16))) as fn() -> Histogram,
        );
        let store = StoreMetrics::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request",
            latency.clone(),
        );
        registry.register(
            "store_commit_duration_seconds",
            "Time to commit one group of writes, fsync included",
            store.commit_seconds.clone(),
        );
        registry.register(
            "store_commit_group_size",
            "Writes committed together in one transaction",
            store.group_size.clone(),
        );
        registry.register(
            "store_write_groups",
            "Groups of writes taken by the writer",
            store.groups.clone(),
        );
        registry.register(
            "store_writes",
            "Write jobs run by the writer",
            store.writes.clone(),
        );
        Arc::new(Metrics {
            registry,
            requests,
            latency,
            store,
        })
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String cannot fail");
        out
    }
}
