//! The tile cartogram: one equal square per region, city and abroad, placed roughly where the
//! unit lies (west to east, north to south), coloured by the yes share or the turnout. Equal
//! tiles show Almaty city as plainly as Karaganda region, which a map by area would not.

use ashyq_core::share::Share;
use ashyq_core::tally::RegionResult;
use maud::{Markup, html};

use super::format;
use super::i18n::{Lang, Tr};

/// What colours the tiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// The share of participants who voted yes.
    Yes,
    /// The share of eligible voters who took part.
    Turnout,
}

impl Measure {
    /// From `?by=`: `turnout`, else the yes share.
    pub fn parse(text: Option<&str>) -> Measure {
        match text {
            Some("turnout") => Measure::Turnout,
            _ => Measure::Yes,
        }
    }

    /// The `?by=` value.
    pub fn code(self) -> &'static str {
        match self {
            Measure::Yes => "yes",
            Measure::Turnout => "turnout",
        }
    }

    fn of(self, r: &RegionResult) -> Share {
        match self {
            Measure::Yes => r.totals.yes_share(),
            Measure::Turnout => r.totals.turnout(),
        }
    }
}

/// `(code, column, row, short names kk/ru/en)`; the grid is 7 × 5.
const TILES: [(&str, u8, u8, [&str; 3]); 21] = [
    ("KZ-39", 2, 0, ["Қост", "Кост", "Kost"]),
    ("KZ-59", 3, 0, ["СҚО", "СКО", "N Kaz"]),
    ("KZ-55", 4, 0, ["Павл", "Павл", "Pavl"]),
    ("KZ-27", 0, 1, ["БҚО", "ЗКО", "W Kaz"]),
    ("KZ-15", 1, 1, ["Ақтб", "Актб", "Aktb"]),
    ("KZ-62", 2, 1, ["Ұлыт", "Улыт", "Ulyt"]),
    ("KZ-11", 3, 1, ["Ақм", "Акм", "Akm"]),
    ("KZ-71", 4, 1, ["Астн", "Астн", "Astn"]),
    ("KZ-10", 5, 1, ["Абай", "Абай", "Abai"]),
    ("KZ-63", 6, 1, ["ШҚО", "ВКО", "E Kaz"]),
    ("KZ-23", 0, 2, ["Атыр", "Атыр", "Atyr"]),
    ("KZ-43", 1, 2, ["Қызл", "Кызл", "Kyzl"]),
    ("KZ-35", 3, 2, ["Қарғ", "Карг", "Karg"]),
    ("KZ-33", 5, 2, ["Жеті", "Жеті", "Jeti"]),
    ("KZ-47", 0, 3, ["Маңғ", "Манг", "Mang"]),
    ("KZ-61", 2, 3, ["Түрк", "Турк", "Turk"]),
    ("KZ-31", 3, 3, ["Жамб", "Жамб", "Jamb"]),
    ("KZ-19", 4, 3, ["Алм о", "Алм о", "Alm R"]),
    ("KZ-75", 5, 3, ["Алм", "Алм", "Alm"]),
    ("KZ-79", 2, 4, ["Шымк", "Шымк", "Shym"]),
    ("ABROAD", 6, 4, ["Шетел", "Зарубеж", "Abroad"]),
];

const TILE: u32 = 62;
const GAP: u32 = 4;
const STEP: u32 = TILE + GAP;
const WIDTH: u32 = 7 * STEP - GAP;
const HEIGHT: u32 = 5 * STEP - GAP;

/// The colour classes, light to dark, with their lower bounds in percent: finer at the top
/// for the yes share (where a national majority puts most regions), even for turnout. Colours
/// from the ColorBrewer "Greens" and "Blues" scales; text is dark on the three light ones and
/// white on the dark ones (contrast ≥ 4.5:1 either way).
const YES_BOUNDS: [u32; 6] = [0, 50, 70, 80, 85, 90];
const TURNOUT_BOUNDS: [u32; 6] = [0, 50, 60, 70, 80, 90];
const GREENS: [&str; 6] = [
    "#edf8e9", "#c7e9c0", "#a1d99b", "#31a354", "#1f7a3a", "#0b4d21",
];
const BLUES: [&str; 6] = [
    "#eff3ff", "#c6dbef", "#9ecae1", "#3a7fc0", "#1f5ea0", "#08306b",
];
const UNREPORTED: &str = "#e8e8e8";

impl Measure {
    fn bounds(self) -> &'static [u32; 6] {
        match self {
            Measure::Yes => &YES_BOUNDS,
            Measure::Turnout => &TURNOUT_BOUNDS,
        }
    }
}

fn class_of(measure: Measure, share: Share) -> usize {
    let pct = share.to_f64_for_display() * 100.0;
    measure
        .bounds()
        .iter()
        .rposition(|&b| pct >= f64::from(b))
        .unwrap_or(0)
}

fn fill(measure: Measure, class: usize) -> &'static str {
    match measure {
        Measure::Yes => GREENS[class],
        Measure::Turnout => BLUES[class],
    }
}

fn ink(class: usize) -> &'static str {
    if class >= 3 { "#ffffff" } else { "#1a1a1a" }
}

fn short(lang: Lang, names: &[&'static str; 3]) -> &'static str {
    match lang {
        Lang::Kk => names[0],
        Lang::Ru => names[1],
        Lang::En => names[2],
    }
}

/// One tile as drawn: the unit's code (placing it), its name, its page, its colours and the
/// value shown.
pub struct Tile<'a> {
    /// The unit's code (`KZ-75`, `ABROAD`).
    pub code: &'a str,
    /// Its name in the page's language.
    pub name: &'a str,
    /// Its page.
    pub href: String,
    /// Fill and text colours.
    pub colours: (&'a str, &'a str),
    /// The value shown (a share, a name).
    pub shown: String,
}

/// The cartogram of `regions` for referendum `id`, each tile a link to its region's page.
pub fn svg(tr: Tr, id: &str, regions: &[RegionResult], measure: Measure) -> Markup {
    let lang = tr.lang;
    let label = tr.t(match measure {
        Measure::Yes => "cartogram-label-yes",
        Measure::Turnout => "cartogram-label-turnout",
    });
    let tiles: Vec<Tile<'_>> = regions
        .iter()
        .map(|r| {
            let reported = r.totals.precincts_reported > 0;
            let value = measure.of(r);
            let class = class_of(measure, value);
            Tile {
                code: &r.code.0,
                name: r.names.get(lang.code()),
                href: format!("/r/{id}/region/{}", r.code.0),
                colours: if reported {
                    (fill(measure, class), ink(class))
                } else {
                    (UNREPORTED, "#1a1a1a")
                },
                shown: if reported {
                    format::percent(lang, value, 1)
                } else {
                    "—".to_owned()
                },
            }
        })
        .collect();
    tiles_svg(lang, &label, &tiles)
}

/// The colour of a unit that has not reported, and its text colour.
pub const NO_DATA: (&str, &str) = (UNREPORTED, "#1a1a1a");

/// The colour class of a turnout share: its fill and text colours.
pub fn turnout_colours(share: Share) -> (&'static str, &'static str) {
    let class = class_of(Measure::Turnout, share);
    (fill(Measure::Turnout, class), ink(class))
}

/// The cartogram of any tiles, labelled `label`. Units the layout does not know (another
/// country's profile) are laid out in a row below.
pub fn tiles_svg(lang: Lang, label: &str, tiles: &[Tile<'_>]) -> Markup {
    let mut extra_col = 0u32;
    let placed: Vec<(&Tile<'_>, u32, u32, &str)> = tiles
        .iter()
        .map(|t| match TILES.iter().find(|x| x.0 == t.code) {
            Some(x) => (t, u32::from(x.1), u32::from(x.2), short(lang, &x.3)),
            None => {
                extra_col += 1;
                (t, extra_col - 1, 5, t.code)
            }
        })
        .collect();
    let height = if extra_col > 0 { HEIGHT + STEP } else { HEIGHT };
    html! {
        svg.cartogram xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {WIDTH} {height}"))
            role="group" aria-label=(label) {
            title { (label) }
            @for (t, col, row, short) in placed {
                @let (bg, fg) = t.colours;
                @let x = col * STEP;
                @let y = row * STEP;
                a href=(t.href) {
                    title { (t.name) ": " (t.shown) }
                    rect x=(x) y=(y) width=(TILE) height=(TILE) rx="6" fill=(bg)
                        stroke=(if t.code == "ABROAD" { "#555" } else { "none" })
                        stroke-dasharray=[(t.code == "ABROAD").then_some("4 3")] {}
                    text x=(x + TILE / 2) y=(y + 25) fill=(fg) text-anchor="middle" font-size="13" { (short) }
                    text x=(x + TILE / 2) y=(y + 45) fill=(fg) text-anchor="middle" font-size="14" font-weight="bold" { (t.shown) }
                }
            }
        }
    }
}

/// A legend's colour square: SVG with a `fill` attribute, since the CSP allows no inline
/// style.
pub fn swatch(colour: &str) -> Markup {
    html! {
        svg.swatch aria-hidden="true" focusable="false" viewBox="0 0 1 1" {
            rect width="1" height="1" fill=(colour) {}
        }
    }
}

/// The legend of the colour classes.
pub fn legend(tr: Tr, measure: Measure) -> Markup {
    html! {
        ul.legend aria-label=(tr.t("cartogram-legend")) {
            @let bounds = measure.bounds();
            @for (i, b) in bounds.iter().enumerate() {
                li {
                    (swatch(fill(measure, i)))
                    @if i == 0 { "< " (bounds[1]) "%" }
                    @else if i + 1 == bounds.len() { "≥ " (b) "%" }
                    @else { (b) "–" (bounds[i + 1]) "%" }
                }
            }
            li { (swatch(UNREPORTED)) (tr.t("cartogram-no-data")) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kazakhstan_unit_has_its_own_tile() {
        let profile = ashyq_core::profile::kz();
        assert_eq!(profile.regions.len(), TILES.len());
        for r in &profile.regions {
            assert!(
                TILES.iter().any(|t| t.0 == r.code.0),
                "{} has no tile",
                r.code
            );
        }
        let mut cells: Vec<(u8, u8)> = TILES.iter().map(|t| (t.1, t.2)).collect();
        cells.sort_unstable();
        cells.dedup();
        assert_eq!(cells.len(), TILES.len(), "two tiles share a cell");
        assert!(TILES.iter().all(|t| t.1 < 7 && t.2 < 5));
    }

    #[test]
    fn colour_classes_start_at_their_bounds() {
        let (y, t) = (Measure::Yes, Measure::Turnout);
        assert_eq!(class_of(y, Share::new(0, 0)), 0);
        assert_eq!(class_of(y, Share::new(49, 100)), 0);
        assert_eq!(class_of(y, Share::new(50, 100)), 1);
        assert_eq!(class_of(y, Share::new(8715, 10000)), 4);
        assert_eq!(class_of(y, Share::new(1, 1)), 5);
        assert_eq!(class_of(t, Share::new(7312, 10000)), 3);
        assert_eq!(class_of(t, Share::new(3343, 10000)), 0);
    }
}
