//! The languages of the texts and pages: Kazakh (the state language), Russian and English.
//! A leaf module: the parallel texts of the legal acts and the server's pages use the same
//! type.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A language of the texts and pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Kazakh, the state language (the pages' default).
    Kk,
    /// Russian.
    Ru,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order they are written and offered.
    pub const ALL: [Lang; 3] = [Lang::Kk, Lang::Ru, Lang::En];

    /// The ISO 639-1 code, also the BCP 47 tag, the `?lang=` value and the key of
    /// `Names::get`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// The language's own name, for a language switch.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Kk => "Қазақша",
            Lang::Ru => "Русский",
            Lang::En => "English",
        }
    }

    /// `kk`, `ru` or `en` (any case, with or without a region such as `ru-KZ`; also the
    /// ISO 639-2 codes `kaz`, `rus`, `eng` and the country code `kz` as people type it).
    pub fn parse(text: &str) -> Option<Lang> {
        let primary = text.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "kk" | "kz" | "kaz" => Some(Lang::Kk),
            "ru" | "rus" => Some(Lang::Ru),
            "en" | "eng" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best of these languages for an `Accept-Language` header (highest q first; ties in
    /// the header's order), if any is acceptable.
    pub fn negotiate(accept_language: &str) -> Option<Lang> {
        let mut best: Option<(u32, Lang)> = None;
        for item in accept_language.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            // A q-value only orders the choices, so a float is enough here; it is read to
            // three decimals, as RFC 9110 §12.4.2 allows no more.
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| q.trim().parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            if q.is_nan() || q <= 0.0 {
                continue;
            }
            let q = (q.min(1.0) * 1000.0) as u32;
            if best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
