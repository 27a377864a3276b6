//! The stylesheets and scripts, compiled into the binary and served under a name that changes
//! with their content (so each can be cached for a year).

/// An asset compiled into the binary.
pub struct Asset {
    /// Its name under `/assets/`.
    pub name: &'static str,
    /// Its media type.
    pub content_type: &'static str,
    /// Its bytes.
    pub body: &'static [u8],
}

/// The stylesheet.
pub const STYLE: Asset = Asset::css("style.css", include_bytes!("../../assets/style.css"));

/// The script that keeps the result pages live.
pub const LIVE_JS: Asset = Asset::script("live.js", include_bytes!("../../assets/live.js"));

/// The commission portal's stylesheet.
pub const PORTAL_CSS: Asset = Asset::css("portal.css", include_bytes!("../../assets/portal.css"));

/// The script of the portal's entry form: the control ratios checked live as the operator
/// types.
pub const PORTAL_JS: Asset = Asset::script("portal.js", include_bytes!("../../assets/portal.js"));

/// The stylesheet of the API's browsable page (`/api/v1/docs`).
pub const API_CSS: Asset = Asset::css("api.css", include_bytes!("../../assets/api.css"));

const ALL: [Asset; 5] = [STYLE, LIVE_JS, PORTAL_CSS, PORTAL_JS, API_CSS];

/// Every asset.
pub fn all() -> &'static [Asset] {
    &ALL
}

/// The asset served as `/assets/{name}`, if there is one.
pub fn named(name: &str) -> Option<&'static Asset> {
    ALL.iter().find(|a| a.name == name)
}

/// FNV-1a over the bytes: the version in an asset's URL, so a new binary's asset is a new URL
/// and the old one can be cached for a year.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    h
}

impl Asset {
    const fn css(name: &'static str, body: &'static [u8]) -> Asset {
        Asset {
            name,
            content_type: "text/css; charset=utf-8",
            body,
        }
    }

    const fn script(name: &'static str, body: &'static [u8]) -> Asset {
        Asset {
            name,
            content_type: "text/javascript; charset=utf-8",
            body,
        }
    }

    /// Its URL, with the content's hash as the version.
    pub fn url(&self) -> String {
        format!("/assets/{}?v={:016x}", self.name, fnv1a(self.body))
    }
}
