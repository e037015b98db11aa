//! Where composed messages go: an SMTP server, or `.eml` files in the data
//! directory when no server is configured (the default, and the demo).
//!
//! `send` blocks on network or disk I/O; the worker calls it from a blocking
//! thread, never on the async runtime.

use std::path::PathBuf;

use lettre::Message;

use super::{SetupError, files, smtp};
use crate::config::Config;

/// Why a send failed, in one line an admin can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    pub message: String,
    /// Retrying cannot help (the server refused this message for good).
    pub permanent: bool,
}

impl SendError {
    pub fn transient(message: impl Into<String>) -> Self {
        SendError {
            message: message.into(),
            permanent: false,
        }
    }

    pub fn permanent(message: impl Into<String>) -> Self {
        SendError {
            message: message.into(),
            permanent: true,
        }
    }
}

/// Where a delivered message ended up, for the log and the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    Smtp { server: String },
    File(PathBuf),
}

#[derive(Clone)]
pub enum Transport {
    Smtp(smtp::Relay),
    Files(files::Folder),
}

impl Transport {
    /// The transport the configuration asks for. The SMTP connection pool is
    /// built here once and shared by every send; nothing connects yet.
    pub fn from_config(config: &Config) -> Result<Transport, SetupError> {
        match &config.mail.smtp {
            Some(settings) => Ok(Transport::Smtp(smtp::Relay::new(settings)?)),
            None => Ok(Transport::Files(files::Folder::new(
                config.data_dir.join("mail"),
            ))),
        }
    }

    /// Sends one message; `stem` names its file for the file transport.
    pub fn send(&self, message: &Message, stem: &str) -> Result<Delivered, SendError> {
        match self {
            Transport::Smtp(relay) => relay.send(message),
            Transport::Files(folder) => folder.write(message, stem).map(Delivered::File),
        }
    }

    /// Checks the server answers and accepts the credentials, without
    /// sending anything.
    pub fn check(&self) -> Result<(), SendError> {
        match self {
            Transport::Smtp(relay) => relay.check(),
            Transport::Files(folder) => folder.check(),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp(relay) => format!("SMTP server {}", relay.server()),
            Transport::Files(folder) => format!("files in {}", folder.path().display()),
        }
    }
}
