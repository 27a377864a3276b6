//! Numbers, percentages and dates as each language writes them.
//!
//! Written by hand rather than taken from an ICU crate: the pages need three locales and four
//! shapes (an integer, a percentage from an exact share, a date, a time), and the ICU4X data
//! for them weighs more than the rest of the binary's web assets together. The conventions are
//! CLDR's: Kazakh and Russian group thousands with a no-break space (U+00A0) and use a decimal
//! comma; Russian puts a no-break space before the percent sign; English groups with a comma
//! and uses a decimal point.

use ashyq_core::share::Share;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};

use super::i18n::Lang;

const NBSP: char = '\u{a0}';

/// `n` with the language's thousands separator: `12 482 613` (kk, ru), `12,482,613` (en).
pub fn integer(lang: Lang, n: u64) -> String {
    let digits = n.to_string();
    let sep = match lang {
        Lang::En => ',',
        Lang::Kk | Lang::Ru => NBSP,
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A decimal number given as the text `int.frac` (as [`Share::percent`] writes it), with the
/// language's separators.
fn decimal(lang: Lang, text: &str) -> String {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let mut out = int
        .parse::<u64>()
        .map_or_else(|_| int.to_owned(), |n| integer(lang, n));
    if !frac.is_empty() {
        out.push(match lang {
            Lang::En => '.',
            Lang::Kk | Lang::Ru => ',',
        });
        out.push_str(frac);
    }
    out
}

/// The number part of a percentage, rounded half up to `decimals` places from the exact share:
/// `87,15` (kk, ru), `87.15` (en).
pub fn percent_number(lang: Lang, share: Share, decimals: u32) -> String {
    decimal(lang, &share.percent(decimals))
}

/// A percentage with its sign: `87,15%` (kk), `87,15 %` (ru), `87.15%` (en).
pub fn percent(lang: Lang, share: Share, decimals: u32) -> String {
    percent_text(lang, &share.percent(decimals))
}

/// A percentage given as the text `int.frac` (e.g. a rule's `Fraction::percent`), with the
/// language's separators and sign.
pub fn percent_text(lang: Lang, text: &str) -> String {
    let n = decimal(lang, text);
    match lang {
        Lang::Ru => format!("{n}{NBSP}%"),
        Lang::Kk | Lang::En => format!("{n}%"),
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
/// Russian months in the genitive, as a date writes them ("15 марта").
const MONTHS_RU: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];
const MONTHS_KK: [&str; 12] = [
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
];

/// A calendar date: `15 March 2026`, `15 марта 2026 г.`, `2026 жылғы 15 наурыз`.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    let m = d.month0() as usize;
    match lang {
        Lang::En => format!("{} {} {}", d.day(), MONTHS_EN[m], d.year()),
        Lang::Ru => format!("{} {} {}{NBSP}г.", d.day(), MONTHS_RU[m], d.year()),
        Lang::Kk => format!("{} жылғы {} {}", d.year(), d.day(), MONTHS_KK[m]),
    }
}

/// A moment from the log (RFC 3339) in the territory's local time: the date and `20:15:07`.
/// Text that is not RFC 3339 is shown as it is.
pub fn timestamp(lang: Lang, text: &str, utc_offset_minutes: i32) -> String {
    let Ok(t) = DateTime::parse_from_rfc3339(text) else {
        return text.to_owned();
    };
    let offset = FixedOffset::east_opt(utc_offset_minutes * 60)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"));
    let local = t.with_timezone(&offset);
    let sign = if utc_offset_minutes < 0 { '-' } else { '+' };
    let (h, m) = (utc_offset_minutes.abs() / 60, utc_offset_minutes.abs() % 60);
    let zone = if m == 0 {
        format!("UTC{sign}{h}")
    } else {
        format!("UTC{sign}{h}:{m:02}")
    };
    format!(
        "{}, {:02}:{:02}:{:02} ({zone})",
        date(lang, local.date_naive()),
        local.hour(),
        local.minute(),
        local.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_group_thousands_per_language() {
        assert_eq!(integer(Lang::En, 12_482_613), "12,482,613");
        assert_eq!(integer(Lang::Ru, 12_482_613), "12\u{a0}482\u{a0}613");
        assert_eq!(integer(Lang::Kk, 9_127_192), "9\u{a0}127\u{a0}192");
        assert_eq!(integer(Lang::En, 0), "0");
        assert_eq!(integer(Lang::En, 999), "999");
        assert_eq!(integer(Lang::En, 1_000), "1,000");
        assert_eq!(integer(Lang::En, u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn percentages_round_the_exact_share_and_use_the_decimal_sign() {
        // The official 2026 turnout: 9,127,192 of 12,482,613 = 73.1194…%.
        let turnout = Share::new(9_127_192, 12_482_613);
        assert_eq!(percent(Lang::En, turnout, 2), "73.12%");
        assert_eq!(percent(Lang::Kk, turnout, 2), "73,12%");
        assert_eq!(percent(Lang::Ru, turnout, 2), "73,12\u{a0}%");
        assert_eq!(percent(Lang::En, turnout, 0), "73%");
        assert_eq!(percent(Lang::En, Share::new(0, 0), 1), "0.0%");
        assert_eq!(percent_number(Lang::Ru, Share::new(1, 8), 3), "12,500");
    }

    #[test]
    fn dates_follow_each_language() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
        assert_eq!(date(Lang::En, d), "15 March 2026");
        assert_eq!(date(Lang::Ru, d), "15 марта 2026\u{a0}г.");
        assert_eq!(date(Lang::Kk, d), "2026 жылғы 15 наурыз");
    }

    #[test]
    fn log_times_are_shown_in_local_time() {
        let t = "2026-03-15T15:30:05.123Z";
        assert_eq!(
            timestamp(Lang::En, t, 300),
            "15 March 2026, 20:30:05 (UTC+5)"
        );
        assert_eq!(timestamp(Lang::En, "not a time", 300), "not a time");
    }
}
