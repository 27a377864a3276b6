//! The digest key's argument (`--digest-key-file`, or `ASHYQ_DIGEST_KEY_FILE` /
//! `ASHYQ_DIGEST_KEY`) for the commands that compare IINs without storing them, and a one-off
//! key for demo data.

use std::io::Read as _;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use ashyq_core::iin::DigestKey;
use clap::Args;

/// Where the digest key comes from.
#[derive(Args, Clone)]
pub struct KeyArgs {
    /// File holding the digest key in hex (at least 32 bytes), kept outside the database and
    /// readable by its owner only (mode 0600; a file others may read is refused). Create one
    /// with `ashyq keys digest-key digest.key`.
    #[arg(long, env = "ASHYQ_DIGEST_KEY_FILE", value_name = "FILE")]
    digest_key_file: Option<PathBuf>,
}

impl KeyArgs {
    /// Whether a key was given (a file or `ASHYQ_DIGEST_KEY`), so that a fault in it must be
    /// reported rather than replaced by a one-off key.
    pub(crate) fn given(&self) -> bool {
        self.digest_key_file.is_some() || std::env::var_os("ASHYQ_DIGEST_KEY").is_some()
    }

    pub(crate) fn key(&self) -> Result<DigestKey> {
        if self.digest_key_file.is_none()
            && let Ok(hex) = std::env::var("ASHYQ_DIGEST_KEY")
        {
            return DigestKey::from_hex(hex.trim())
                .context("ASHYQ_DIGEST_KEY does not hold a valid digest key in hex");
        }
        let path = self.digest_key_file.as_ref().ok_or_else(|| {
            anyhow!(
                "a digest key is needed to compare IINs without storing them: pass --digest-key-file FILE (or set ASHYQ_DIGEST_KEY_FILE, or ASHYQ_DIGEST_KEY to the key in hex); create one with `ashyq keys digest-key digest.key` (mode 0600) and keep it outside the database"
            )
        })?;
        ashyq_server::secret_file::check_private(path)?;
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the digest key file {}", path.display()))?;
        DigestKey::from_hex(text.trim())
            .with_context(|| format!("{} does not hold a valid digest key", path.display()))
    }
}

/// Writes a new random digest key (32 bytes, hex) to `path`, readable by its owner only;
/// never overwrites a file.
pub(crate) fn create_key_file(path: &std::path::Path) -> Result<()> {
    let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(bytes.as_mut()))
        .context("cannot read /dev/urandom for a new digest key")?;
    let text: zeroize::Zeroizing<String> =
        zeroize::Zeroizing::new(bytes.iter().map(|b| format!("{b:02x}")).collect());
    ashyq_server::secret_file::create_private(path, text.as_bytes()).with_context(|| {
        format!(
            "cannot create {} (an existing key is never overwritten: move it away first)",
            path.display()
        )
    })
}

/// A one-off random key, for demo data that nobody needs to look up later.
pub(crate) fn one_off_key() -> Result<DigestKey> {
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .context("cannot read /dev/urandom for a one-off digest key; pass --digest-key-file")?;
    Ok(DigestKey::from_bytes(&bytes)?)
}
