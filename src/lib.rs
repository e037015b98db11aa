//! Glasshouse: time tracking for an agency's team and a curated portal for
//! its clients, in one binary.
//!
//! `main.rs` only parses the command line; everything else lives here so
//! that tests reach the same code the binary runs.

pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod http;
pub mod jobs;
pub mod mail;
pub mod metrics;
pub mod portal;
pub mod security;
pub mod store;
