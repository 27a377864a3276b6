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
    /// File holding the digest key in hex (at least 32 bytes), kept outside the database.
    /// Create one with `head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > digest.key`.
    #[arg(long, env = "ASHYQ_DIGEST_KEY_FILE", value_name = "FILE")]
    digest_key_file: Option<PathBuf>,
}

impl KeyArgs {
    pub(crate) fn key(&self) -> Result<DigestKey> {
        if self.digest_key_file.is_none()
            && let Ok(hex) = std::env::var("ASHYQ_DIGEST_KEY")
        {
            return DigestKey::from_hex(hex.trim())
                .context("ASHYQ_DIGEST_KEY does not hold a valid digest key in hex");
        }
        let path = self.digest_key_file.as_ref().ok_or_else(|| {
            anyhow!(
                "a digest key is needed to compare IINs without storing them: pass --digest-key-file FILE (or set ASHYQ_DIGEST_KEY_FILE, or ASHYQ_DIGEST_KEY to the key in hex); create one with `head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' > digest.key` and keep it outside the database"
            )
        })?;
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the digest key file {}", path.display()))?;
        DigestKey::from_hex(text.trim())
            .with_context(|| format!("{} does not hold a valid digest key", path.display()))
    }
}

/// A one-off random key, for demo data that nobody needs to look up later.
pub(crate) fn one_off_key() -> Result<DigestKey> {
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .context("cannot read /dev/urandom for a one-off digest key; pass --digest-key-file")?;
    Ok(DigestKey::from_bytes(&bytes)?)
}
