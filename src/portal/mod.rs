//! The client portal's core: the lens projection and the view types it
//! produces.
//!
//! Internal data goes into `project::project` as a `PortalInput` and comes
//! out as a `view::ProjectView`; portal pages see nothing else. `load`
//! reads an input from the store, `chart` draws the burn-down, and `digest`
//! cuts a project's week down to what its weekly email may say.

pub mod chart;
pub mod digest;
pub mod load;
pub mod project;
pub mod view;

pub use project::{PortalInput, project};
