//! The pages' text in Kazakh, Russian and English, from Fluent files compiled into the binary
//! (`i18n/{kk,ru,en}/*.ftl`, gathered by the build script), and the choice of language for a request.

use std::borrow::Cow;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

pub use ashyq_core::lang::Lang;

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: &str, source: &'static str) -> Bundle {
    let id: LanguageIdentifier = lang.parse().expect("a valid language tag");
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // The text goes into HTML, where the Unicode isolation marks would only add bytes.
    b.set_use_isolating(false);
    let res = FluentResource::try_new(source.to_owned())
        .unwrap_or_else(|(_, errors)| panic!("i18n/{lang}/*.ftl does not parse: {errors:?}"));
    b.add_resource(res)
        .unwrap_or_else(|errors| panic!("i18n/{lang}/*.ftl has duplicates: {errors:?}"));
    b
}

static KK: LazyLock<Bundle> =
    LazyLock::new(|| bundle("kk", include_str!(concat!(env!("OUT_DIR"), "/kk.ftl"))));
static RU: LazyLock<Bundle> =
    LazyLock::new(|| bundle("ru", include_str!(concat!(env!("OUT_DIR"), "/ru.ftl"))));
static EN: LazyLock<Bundle> =
    LazyLock::new(|| bundle("en", include_str!(concat!(env!("OUT_DIR"), "/en.ftl"))));

/// The translator for one request.
#[derive(Clone, Copy)]
pub struct Tr {
    /// Its language.
    pub lang: Lang,
}

impl Tr {
    fn bundle(self) -> &'static Bundle {
        match self.lang {
            Lang::Kk => &KK,
            Lang::Ru => &RU,
            Lang::En => &EN,
        }
    }

    /// The message `key`; a missing message shows its key (and a test lists them).
    pub fn t(self, key: &str) -> Cow<'static, str> {
        self.format(key, None)
    }

    /// The message `key` with arguments: strings are shown as given (numbers are formatted
    /// by the caller, see `format.rs`); `count` arguments given as numbers select plurals.
    pub fn a(self, key: &str, args: &[(&'static str, Arg)]) -> Cow<'static, str> {
        let mut fa = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::S(s) => fa.set(*name, FluentValue::from(s.clone())),
                Arg::N(n) => fa.set(*name, FluentValue::from(*n)),
            }
        }
        self.format(key, Some(&fa))
    }

    fn format(self, key: &str, args: Option<&FluentArgs>) -> Cow<'static, str> {
        let b = self.bundle();
        let Some(pattern) = b.get_message(key).and_then(|m| m.value()) else {
            return Cow::Owned(key.to_owned());
        };
        let mut errors = Vec::new();
        let s = b.format_pattern(pattern, args, &mut errors);
        Cow::Owned(s.into_owned())
    }
}

/// A protocol line's label from its field name (`ballots_found` → message `line-ballots-found`).
pub fn line_label(tr: Tr, name: &str) -> String {
    tr.t(&format!("line-{}", name.replace('_', "-")))
        .into_owned()
}

/// An argument of a message.
pub enum Arg {
    /// Text, shown as it is.
    S(String),
    /// A number, for plural selection.
    N(u64),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(source: &str) -> Vec<String> {
        source
            .lines()
            .filter(|l| !l.starts_with([' ', '#', '\t', '[', '*', '}']) && l.contains(" ="))
            .map(|l| l.split(" =").next().unwrap_or("").trim().to_owned())
            .collect()
    }

    #[test]
    fn every_language_has_every_message() {
        let en = keys(include_str!(concat!(env!("OUT_DIR"), "/en.ftl")));
        assert!(en.len() > 50, "{} messages", en.len());
        for (lang, src) in [
            ("kk", include_str!(concat!(env!("OUT_DIR"), "/kk.ftl"))),
            ("ru", include_str!(concat!(env!("OUT_DIR"), "/ru.ftl"))),
        ] {
            let theirs = keys(src);
            let missing: Vec<_> = en.iter().filter(|k| !theirs.contains(k)).collect();
            let extra: Vec<_> = theirs.iter().filter(|k| !en.contains(k)).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{lang}: missing {missing:?}, extra {extra:?}"
            );
        }
        for lang in Lang::ALL {
            let tr = Tr { lang };
            for k in &en {
                assert_ne!(tr.t(k), k.as_str(), "{k} in {}", lang.code());
            }
        }
    }

    #[test]
    fn plurals_follow_each_language() {
        let n = |lang, count: u64| {
            Tr { lang }
                .a(
                    "precincts-count",
                    &[("count", Arg::N(count)), ("n", Arg::S(count.to_string()))],
                )
                .into_owned()
        };
        assert_eq!(n(Lang::En, 1), "1 precinct");
        assert_eq!(n(Lang::En, 5), "5 precincts");
        assert_eq!(n(Lang::Ru, 1), "1 участок");
        assert_eq!(n(Lang::Ru, 3), "3 участка");
        assert_eq!(n(Lang::Ru, 5), "5 участков");
        assert_eq!(n(Lang::Ru, 21), "21 участок");
        assert_eq!(n(Lang::Kk, 5), "5 учаске");
    }

    #[test]
    fn the_language_is_negotiated_from_accept_language() {
        assert_eq!(Lang::negotiate("ru-RU,ru;q=0.9,en;q=0.8"), Some(Lang::Ru));
        assert_eq!(Lang::negotiate("de-DE, en;q=0.5, kk;q=0.7"), Some(Lang::Kk));
        assert_eq!(Lang::negotiate("fr, de"), None);
        assert_eq!(Lang::negotiate("en;q=0, ru;q=0.1"), Some(Lang::Ru));
        assert_eq!(Lang::negotiate(""), None);
        assert_eq!(Lang::parse("KK-kz"), Some(Lang::Kk));
    }
}
