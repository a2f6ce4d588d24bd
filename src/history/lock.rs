//! One Sitwell per history: an advisory lock (std's `File::try_lock`, `flock` on Linux) on a
//! small file beside the database, held for the life of the process and released by the
//! kernel however the process ends.

use std::fs::{File, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Held while this process is the Sitwell writing a history.
#[derive(Debug)]
pub struct InstanceLock {
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "Sitwell is already running{} — look for its panel in a corner of your screen. \
         Only one Sitwell can keep a history at a time ({}).",
        .pid.map(|p| format!(" (process {p})")).unwrap_or_default(),
        .path.display()
    )]
    Held { pid: Option<u32>, path: PathBuf },
    #[error("cannot create the lock file {path}: {cause}")]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
}

impl InstanceLock {
    /// The lock file for the history at `db`.
    fn path_for(db: &Path) -> PathBuf {
        let mut name = db.as_os_str().to_owned();
        name.push(".lock");
        PathBuf::from(name)
    }

    /// Takes the lock for the history at `db`, or says who holds it. Never waits.
    pub fn acquire(db: &Path) -> Result<InstanceLock, LockError> {
        let path = InstanceLock::path_for(db);
        let io = |cause| LockError::Io {
            path: path.clone(),
            cause,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::files::create_private_dir(dir).map_err(io)?;
        }
        let mut file = crate::files::open_private(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                return Err(LockError::Held {
                    pid: text.trim().parse().ok(),
                    path: db.to_path_buf(),
                });
            }
            Err(TryLockError::Error(cause)) => return Err(io(cause)),
        }
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = write!(file, "{}", std::process::id());
        let _ = file.flush();
        Ok(InstanceLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_and_told_who_has_it() {
        let scratch = tempfile::tempdir().expect("a temp folder");
        let dir = scratch.path().to_path_buf();
        let db = dir.join("history.sqlite");
        let first = InstanceLock::acquire(&db);
        assert!(first.is_ok());
        // flock locks belong to the open file description: a second open is refused.
        match InstanceLock::acquire(&db) {
            Err(LockError::Held { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected a refusal, got {other:?}"),
        }
        drop(first);
        assert!(InstanceLock::acquire(&db).is_ok());
    }
}
