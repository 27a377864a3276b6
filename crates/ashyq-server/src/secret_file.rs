//! Secret key files at rest (OWASP ASVS 4.0.3 V6.4, V14.1.3): the log's signing key and the
//! IIN digest key live in files outside the database, created readable by their owner only
//! (mode 0600) and refused when group or others may read them — a copy of the database, or
//! another account on the machine, then gives neither.

use std::io::Write as _;
use std::path::Path;

/// Why a secret file is not used.
#[derive(Debug, thiserror::Error)]
pub enum SecretFileError {
    /// Group or others have some access to it.
    #[error(
        "{path} holds a secret key but its mode is {mode:04o}, so other users of this machine can read it; make it private with `chmod 600 {path}` (and consider the key exposed if others could read it before), then start again"
    )]
    Exposed {
        /// The file.
        path: String,
        /// Its permission bits.
        mode: u32,
    },
    /// Its metadata could not be read.
    #[error("cannot check the permissions of {path}: {reason}")]
    Unreadable {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
}

/// Checks that only the owner may access the secret file at `path`. On systems without Unix
/// permissions there is nothing to check.
pub fn check_private(path: &Path) -> Result<(), SecretFileError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let meta = std::fs::metadata(path).map_err(|e| SecretFileError::Unreadable {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(SecretFileError::Exposed {
                path: path.display().to_string(),
                mode,
            });
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Creates the new file `path` (never overwriting one) readable and writable by its owner
/// only, and writes `bytes` to disk.
pub fn create_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn a_new_secret_is_the_owners_alone_and_a_readable_one_is_refused_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        create_private(&path, b"k").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        check_private(&path).unwrap();
        assert!(
            create_private(&path, b"other").is_err(),
            "an existing key is never overwritten"
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"k");
        for loose in [0o644, 0o640, 0o604, 0o660] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(loose)).unwrap();
            let e = check_private(&path).unwrap_err().to_string();
            assert!(
                e.contains(&format!("{loose:04o}")) && e.contains("chmod 600"),
                "{e}"
            );
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
        check_private(&path).unwrap();
    }
}
