//! The file transport: each message becomes `<queued-at>-<id>.eml` in the
//! `mail/` folder of the data directory.
//!
//! A file is written under a temporary name, fsync'd and renamed, so a
//! crash leaves either the whole message or none. The name depends only on
//! the stored message, so a retry after a crash replaces the file instead
//! of adding a second copy.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use lettre::Message;

use super::transport::SendError;

#[derive(Debug, Clone)]
pub struct Folder {
    path: PathBuf,
}

impl Folder {
    pub fn new(path: PathBuf) -> Folder {
        Folder { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn check(&self) -> Result<(), SendError> {
        fs::create_dir_all(&self.path).map_err(|e| self.error("create", &self.path, e))
    }

    pub fn write(&self, message: &Message, stem: &str) -> Result<PathBuf, SendError> {
        self.check()?;
        let target = self.path.join(format!("{stem}.eml"));
        let temporary = self.path.join(format!(".{stem}.eml.tmp"));
        let write = || -> std::io::Result<()> {
            let mut file = File::create(&temporary)?;
            file.write_all(&message.formatted())?;
            file.sync_all()?;
            fs::rename(&temporary, &target)?;
            // The rename is durable only once the directory is.
            File::open(&self.path)?.sync_all()
        };
        write().map_err(|e| {
            let _ = fs::remove_file(&temporary);
            self.error("write", &target, e)
        })?;
        Ok(target)
    }

    fn error(&self, doing: &str, path: &Path, e: std::io::Error) -> SendError {
        SendError::transient(format!("cannot {doing} {}: {e}", path.display()))
    }
}
