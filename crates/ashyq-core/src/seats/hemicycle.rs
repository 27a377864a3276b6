//! A parliament diagram: the seats in concentric half-rings, coloured by party, with a legend.
//!
//! The layout is computed in floating point — it is a picture, not a count; the seat numbers
//! it draws come from the exact [`SeatAllocation`]. Rows are added until the half-rings hold
//! every seat, seats are shared among rows in proportion to their radius, and parties take
//! consecutive seats by angle, left to right in input order, so each party is a wedge.

use std::f64::consts::PI;
use std::fmt::Write as _;

use super::{SeatAllocation, ThresholdBase};

/// The default colours: a fixed palette for the first twelve parties, then hues a golden angle
/// apart. Colours follow the party's position in the input, so they do not change with the
/// method or the threshold.
pub fn palette(index: usize) -> String {
    const FIXED: [&str; 12] = [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
        "#bcbd22", "#393b79", "#ad494a", "#637939",
    ];
    if let Some(c) = FIXED.get(index) {
        return (*c).to_owned();
    }
    let hue = ((index as f64) * 137.507_764) % 360.0;
    let lightness = if index.is_multiple_of(2) { 0.42 } else { 0.55 };
    hsl_to_hex(hue, 0.62, lightness)
}

fn hsl_to_hex(h: f64, s: f64, l: f64) -> String {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let hp = h / 60.0;
    let x = c * (1.0 - (hp % 2.0 - 1.0).abs());
    let (r, g, b) = match hp as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    let to = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    format!("#{:02x}{:02x}{:02x}", to(r), to(g), to(b))
}

/// One seat of the diagram, in units of the outer radius, centre at the origin, `y` up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeatPosition {
    /// Horizontal position, −1 (left) to 1 (right).
    pub x: f64,
    /// Vertical position, 0 (the floor line) to 1 (the top).
    pub y: f64,
    /// Angle from the right, π (left end) to 0 (right end).
    pub angle: f64,
    /// Row, 0 = innermost.
    pub row: usize,
}

/// The seat positions of a house of `seats` seats, in the order parties fill them (left to
/// right by angle, inner rows first at equal angles), and the radius of a seat's circle.
pub fn seat_positions(seats: u32) -> (Vec<SeatPosition>, f64) {
    const INNER: f64 = 0.36;
    let n = seats as usize;
    if n == 0 {
        return (Vec::new(), 0.0);
    }
    let mut rows = 1usize;
    let (radii, spacing) = loop {
        let (radii, spacing): (Vec<f64>, f64) = if rows == 1 {
            (vec![0.8], 1.0 - INNER)
        } else {
            let d = (1.0 - INNER) / (rows - 1) as f64;
            ((0..rows).map(|j| INNER + d * j as f64).collect(), d)
        };
        let capacity: usize = radii
            .iter()
            .map(|r| (PI * r / spacing).floor() as usize + 1)
            .sum();
        if capacity >= n || rows > 2000 {
            break (radii, spacing);
        }
        rows += 1;
    };
    // Seats per row in proportion to the radius (largest remainder), within each capacity.
    let caps: Vec<usize> = radii
        .iter()
        .map(|r| (PI * r / spacing).floor() as usize + 1)
        .collect();
    let sum_r: f64 = radii.iter().sum();
    let exact: Vec<f64> = radii.iter().map(|r| n as f64 * r / sum_r).collect();
    let mut per_row: Vec<usize> = exact
        .iter()
        .zip(&caps)
        .map(|(e, &c)| (e.floor() as usize).min(c))
        .collect();
    let mut order: Vec<usize> = (0..rows).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(b.cmp(&a))
    });
    let mut left = n - per_row.iter().sum::<usize>();
    while left > 0 {
        let before = left;
        for &j in &order {
            if left > 0 && per_row[j] < caps[j] {
                per_row[j] += 1;
                left -= 1;
            }
        }
        if before == left {
            break;
        }
    }
    let mut seats_out = Vec::with_capacity(n);
    let mut radius = 0.42 * spacing;
    for (j, (&r, &m)) in radii.iter().zip(&per_row).enumerate() {
        if m >= 2 {
            // Half the chord between neighbours, with a gap.
            let chord = 2.0 * r * (PI / (2.0 * (m - 1) as f64)).sin();
            radius = radius.min(0.42 * chord);
        }
        for k in 0..m {
            let angle = if m == 1 {
                PI / 2.0
            } else {
                PI * (1.0 - k as f64 / (m - 1) as f64)
            };
            seats_out.push(SeatPosition {
                x: r * angle.cos(),
                y: r * angle.sin(),
                angle,
                row: j,
            });
        }
    }
    // Small houses: keep seats seat-sized rather than filling the half-ring.
    radius = radius.min(0.075);
    seats_out.sort_by(|a, b| b.angle.total_cmp(&a.angle).then(a.row.cmp(&b.row)));
    (seats_out, radius)
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Splits `text` into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The diagram of `allocation` as an SVG document. `colours[i]` overrides the colour of the
/// `i`-th party (input order) when it is `Some` (e.g. from the votes file's `colour` column;
/// the caller checks the format, see [`super::input::is_hex_colour`]).
pub fn hemicycle_svg(
    allocation: &SeatAllocation,
    title: &str,
    colours: &[Option<String>],
) -> String {
    const W: f64 = 800.0;
    const R: f64 = 350.0;
    const FONT: &str = "DejaVu Sans, Noto Sans, Arial, Helvetica, sans-serif";
    let house = allocation.total_seats();
    let (positions, seat_r) = seat_positions(house);
    let seat_r = seat_r * R;
    let cx = W / 2.0;
    let top = 64.0;
    let cy = top + R + seat_r;
    let colour = |i: usize| {
        colours
            .get(i)
            .and_then(|c| c.clone())
            .filter(|c| super::input::is_hex_colour(c))
            .unwrap_or_else(|| palette(i))
    };

    let mut svg = String::new();
    let mut body = String::new();
    // Seats, a group per party.
    let mut next = 0usize;
    for (i, p) in allocation.parties.iter().enumerate() {
        if p.seats == 0 {
            continue;
        }
        let _ = write!(
            body,
            "<g fill=\"{}\"><title>{} — {} seat{}</title>",
            colour(i),
            escape(&p.party),
            p.seats,
            if p.seats == 1 { "" } else { "s" }
        );
        for pos in positions.iter().skip(next).take(p.seats as usize) {
            let _ = write!(
                body,
                "<circle class=\"seat\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"{:.1}\"/>",
                cx + pos.x * R,
                cy - pos.y * R,
                seat_r
            );
        }
        next += p.seats as usize;
        body.push_str("</g>\n");
    }
    // The house size in the middle.
    let majority = house / 2 + 1;
    let _ = write!(
        body,
        "<text x=\"{cx}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"52\" font-weight=\"bold\" fill=\"#222\">{house}</text>\n\
         <text x=\"{cx}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"15\" fill=\"#555\">seats · majority {majority}</text>\n",
        cy - 26.0,
        cy - 4.0
    );

    // Legend: the parties with seats (and qualified parties without), a table.
    let rows: Vec<usize> = (0..allocation.parties.len())
        .filter(|&i| allocation.parties[i].qualified || allocation.parties[i].seats > 0)
        .collect();
    let columns = if rows.len() > 10 { 2 } else { 1 };
    let per_col = rows.len().div_ceil(columns);
    let col_w = if columns == 1 { 600.0 } else { 370.0 };
    let gap = 20.0;
    let legend_x = (W - (col_w * columns as f64 + gap * (columns - 1) as f64)) / 2.0;
    let max_name = if columns == 1 { 52 } else { 28 };
    let line_h = 24.0;
    let mut y = cy + seat_r + 34.0;
    for c in 0..columns {
        let x0 = legend_x + c as f64 * (col_w + gap);
        let _ = writeln!(
            body,
            "<text x=\"{:.1}\" y=\"{y:.1}\" font-size=\"12\" fill=\"#666\">party</text>\
             <text x=\"{:.1}\" y=\"{y:.1}\" font-size=\"12\" fill=\"#666\" text-anchor=\"end\">seats</text>\
             <text x=\"{:.1}\" y=\"{y:.1}\" font-size=\"12\" fill=\"#666\" text-anchor=\"end\">vote share</text>",
            x0 + 22.0,
            x0 + col_w - 84.0,
            x0 + col_w
        );
    }
    let _ = writeln!(
        body,
        "<line x1=\"{legend_x:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#ccc\"/>",
        y + 7.0,
        W - legend_x,
        y + 7.0
    );
    y += 8.0;
    for (k, &i) in rows.iter().enumerate() {
        let p = &allocation.parties[i];
        let c = k / per_col;
        let x0 = legend_x + c as f64 * (col_w + gap);
        let ty = y + line_h * ((k % per_col) as f64 + 1.0);
        let fill = if p.seats > 0 {
            colour(i)
        } else {
            "#fff".to_owned()
        };
        let _ = writeln!(
            body,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"7\" fill=\"{fill}\" stroke=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{ty:.1}\" font-size=\"15\" fill=\"#222\">{}</text>\
             <text x=\"{:.1}\" y=\"{ty:.1}\" font-size=\"15\" font-weight=\"bold\" fill=\"#222\" text-anchor=\"end\">{}</text>\
             <text x=\"{:.1}\" y=\"{ty:.1}\" font-size=\"15\" fill=\"#444\" text-anchor=\"end\">{}%</text>",
            x0 + 8.0,
            ty - 5.0,
            if p.seats > 0 {
                colour(i)
            } else {
                "#999".to_owned()
            },
            x0 + 22.0,
            escape(&truncate(&p.party, max_name)),
            x0 + col_w - 84.0,
            p.seats,
            x0 + col_w,
            p.share.percent(2),
        );
    }
    y += line_h * per_col as f64 + 30.0;

    // Notes: the rules, who fell below the threshold, against all, ties.
    let rules = &allocation.rules;
    let base = match rules.base {
        ThresholdBase::AllValid => "all valid ballots incl. \"against all\"",
        ThresholdBase::PartyVotes => "the votes for parties",
    };
    let mut notes = vec![format!(
        "Method: {} · threshold {}% of {} ({} votes; vote shares are of the same base)",
        rules.method.description(),
        rules.threshold.percent(),
        base,
        group_thousands(allocation.base_votes)
    )];
    let below: Vec<String> = allocation
        .parties
        .iter()
        .filter(|p| !p.qualified)
        .map(|p| format!("{} {}%", p.party, p.share.percent(2)))
        .collect();
    if !below.is_empty() {
        notes.push(format!("Below the threshold: {}.", below.join(", ")));
    }
    if allocation.against_all > 0 {
        notes.push(format!(
            "Against all: {} ({}% of all valid ballots), no seats.",
            group_thousands(allocation.against_all),
            allocation.against_all_share.percent(2)
        ));
    }
    for t in &allocation.ties {
        notes.push(format!(
            "Tie for seat{} {}: {} (equal {}), decided by {}: {}.",
            if t.seats == 1 { "" } else { "s from" },
            t.first_seat,
            t.tied.join(", "),
            match t.equal {
                super::TieOn::Quotient => "quotient",
                super::TieOn::Remainder => "remainder",
            },
            match t.rule {
                super::TieRule::MoreVotes => "more votes",
                super::TieRule::Draw => "a draw from the published seed",
            },
            t.winners.join(", ")
        ));
    }
    let text_x = legend_x.min(40.0);
    for note in &notes {
        for line in wrap(note, 112) {
            let _ = writeln!(
                body,
                "<text x=\"{text_x:.1}\" y=\"{y:.1}\" font-size=\"12\" fill=\"#555\">{}</text>",
                escape(&line)
            );
            y += 17.0;
        }
        y += 3.0;
    }
    let height = (y + 12.0).ceil();

    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{height}\" viewBox=\"0 0 {W} {height}\" font-family=\"{FONT}\">\n\
         <title>{}</title>\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n\
         <text x=\"{cx}\" y=\"38\" text-anchor=\"middle\" font-size=\"22\" font-weight=\"bold\" fill=\"#222\">{}</text>",
        escape(title),
        escape(&truncate(title, 70))
    );
    svg.push_str(&body);
    svg.push_str("</svg>\n");
    svg
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_house_size_gets_exactly_its_seats_without_overlap() {
        for n in (1..=200).chain([300, 450, 650, 1000]) {
            let (pos, r) = seat_positions(n);
            assert_eq!(pos.len(), n as usize, "{n}");
            assert!(r > 0.0);
            for (i, a) in pos.iter().enumerate() {
                assert!(a.y >= -1e-9 && a.x.abs() <= 1.0 + 1e-9);
                for b in &pos[i + 1..] {
                    let d = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
                    assert!(d >= 2.0 * r - 1e-9, "seats overlap for n = {n}");
                }
            }
        }
    }

    #[test]
    fn palette_is_deterministic_and_hex() {
        for i in 0..100 {
            assert_eq!(palette(i), palette(i));
            assert!(
                super::super::input::is_hex_colour(&palette(i)),
                "{}",
                palette(i)
            );
        }
        assert_ne!(palette(12), palette(13));
    }

    #[test]
    fn names_are_escaped() {
        assert_eq!(escape("A & <B> \"C\""), "A &amp; &lt;B&gt; &quot;C&quot;");
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        assert_eq!(truncate("abcdef", 4), "abc…");
    }
}
