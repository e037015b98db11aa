//! The client portal: for now the burn-down chart, which staff pages show too.

pub mod chart;
