//! How long the server takes to render the national page (HTML, with the cartogram) from the
//! in-memory ledger after election night: all 10,459 protocols of the 2026 scenario applied.
//! Goal (issue 5): under 2 ms per render. Run with `cargo bench -p ashyq-server --bench render`.
//!
//! A plain timing loop rather than criterion: one figure (the median and the 99th percentile
//! of single renders, after a warm-up) is what `docs/benchmarks.md` records, and it keeps the
//! dev-dependencies small.

use std::time::{Duration, Instant};

use ashyq_core::ledger::{Decision, Ledger};
use ashyq_core::referendum::presets;
use ashyq_core::territory::generate::{TerritorySpec, generate};
use ashyq_core::{profile, scenario};
use ashyq_server::web::i18n::Lang;
use ashyq_server::web::referendum::render_national;

fn main() {
    let territory = generate(&profile::kz(), &TerritorySpec::default()).expect("territory");
    let protocols = scenario::referendum_2026(&territory, 2026).expect("scenario");
    let mut ledger = Ledger::new();
    let at = || "2026-03-15T15:00:00Z".to_owned();
    let d = ledger.load_territory(territory).expect("load");
    ledger.record(d, at()).expect("record");
    let d = ledger
        .create_referendum(presets::kz_2026())
        .expect("define");
    ledger.record(d, at()).expect("record");
    for p in protocols {
        if let Decision::Record(d) = ledger.submit(p).expect("submit") {
            ledger.record(d, at()).expect("record");
        }
    }
    for lang in Lang::ALL {
        let html = render_national(&ledger, lang, "kz-2026").expect("the page");
        let mut samples = Vec::new();
        let warm = Instant::now();
        while warm.elapsed() < Duration::from_millis(300) {
            std::hint::black_box(render_national(&ledger, lang, "kz-2026"));
        }
        for _ in 0..300 {
            let t = Instant::now();
            std::hint::black_box(render_national(&ledger, lang, "kz-2026"));
            samples.push(t.elapsed());
        }
        samples.sort_unstable();
        let median = samples[samples.len() / 2];
        let p99 = samples[samples.len() * 99 / 100];
        println!(
            "render national page ({}): median {:.3} ms, p99 {:.3} ms, {} bytes of HTML, {} renders",
            lang.code(),
            median.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            html.len(),
            samples.len()
        );
    }
}
