//! Synthetic citizens' proposals for the benchmark and tests: families of near-duplicates
//! (the same point made by many people, with small edits, typos, missing Kazakh letters and
//! Latin look-alikes) and unrelated single proposals, in Russian and Kazakh. Deterministic
//! for a seed. The texts are generated from word lists and mean nothing in particular.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const RU: &[&str] = &[
    "предлагаю",
    "изменить",
    "статью",
    "конституции",
    "право",
    "граждан",
    "парламент",
    "курултай",
    "депутатов",
    "выборы",
    "референдум",
    "свобода",
    "слова",
    "цифровые",
    "права",
    "защита",
    "персональных",
    "данных",
    "президент",
    "срок",
    "один",
    "семь",
    "лет",
    "партии",
    "регистрация",
    "пять",
    "тысяч",
    "членов",
    "народный",
    "совет",
    "законодательной",
    "инициативы",
    "земля",
    "недра",
    "принадлежат",
    "народу",
    "государственный",
    "язык",
    "казахский",
    "русский",
    "местное",
    "самоуправление",
    "акимы",
    "избираются",
    "суд",
    "независимый",
    "прокуратура",
    "омбудсмен",
    "образование",
    "бесплатное",
    "здравоохранение",
    "пенсии",
    "молодежь",
    "экология",
    "вода",
    "воздух",
    "культура",
    "наследие",
    "армия",
    "служба",
];
const KK: &[&str] = &[
    "ұсынамын",
    "өзгерту",
    "бабын",
    "конституцияның",
    "құқығы",
    "азаматтардың",
    "парламент",
    "құрылтай",
    "депутаттар",
    "сайлау",
    "референдум",
    "сөз",
    "бостандығы",
    "цифрлық",
    "құқықтар",
    "қорғау",
    "дербес",
    "деректер",
    "президент",
    "мерзімі",
    "бір",
    "жеті",
    "жыл",
    "партиялар",
    "тіркеу",
    "бес",
    "мың",
    "мүше",
    "халық",
    "кеңесі",
    "заң",
    "бастамасы",
    "жер",
    "қойнауы",
    "тиесілі",
    "халыққа",
    "мемлекеттік",
    "тіл",
    "қазақ",
    "орыс",
    "жергілікті",
    "өзін",
    "басқару",
    "әкімдер",
    "сайланады",
    "сот",
    "тәуелсіз",
    "білім",
    "тегін",
    "денсаулық",
    "зейнетақы",
    "жастар",
    "экология",
    "су",
    "ауа",
    "мәдениет",
    "мұра",
    "әскер",
];

/// Parameters of the synthetic corpus.
#[derive(Debug, Clone, Copy)]
pub struct SyntheticSpec {
    /// Number of proposals.
    pub proposals: usize,
    /// Share of proposals (percent) that belong to a family of near-duplicates.
    pub duplicate_percent: u32,
    /// Mean family size.
    pub family_size: usize,
    /// Seed.
    pub seed: u64,
}

impl Default for SyntheticSpec {
    fn default() -> Self {
        SyntheticSpec {
            proposals: 100_000,
            duplicate_percent: 60,
            family_size: 8,
            seed: 2026,
        }
    }
}

fn sentence(rng: &mut ChaCha8Rng, words: &[&str], len: usize) -> Vec<String> {
    (0..len)
        .map(|_| words[rng.random_range(0..words.len())].to_string())
        .collect()
}

fn strip_kazakh(w: &str) -> String {
    w.chars()
        .map(|c| match c {
            'ә' => 'а',
            'ғ' => 'г',
            'қ' => 'к',
            'ң' => 'н',
            'ө' => 'о',
            'ұ' | 'ү' => 'у',
            'і' => 'и',
            c => c,
        })
        .collect()
}

/// A variant of a base text: one or two small edits, sometimes case, Latin look-alikes or
/// missing Kazakh letters.
fn variant(rng: &mut ChaCha8Rng, base: &[String], words: &[&str]) -> String {
    let mut w = base.to_vec();
    match rng.random_range(0..6) {
        0 => {}
        1 => {
            let i = rng.random_range(0..w.len());
            w[i] = words[rng.random_range(0..words.len())].to_string();
        }
        2 => {
            let i = rng.random_range(0..=w.len());
            w.insert(i, words[rng.random_range(0..words.len())].to_string());
        }
        3 => w = w.iter().map(|x| strip_kazakh(x)).collect(),
        4 => {
            let i = rng.random_range(0..w.len());
            w[i] = w[i].replace('а', "a").replace('о', "o");
        }
        _ => {
            if let Some(f) = w.first_mut() {
                let mut cs = f.chars();
                if let Some(c) = cs.next() {
                    *f = c.to_uppercase().chain(cs).collect();
                }
            }
        }
    }
    let mut s = w.join(" ");
    if rng.random_bool(0.3) {
        s.push('.');
    }
    s
}

/// Generates the corpus: `(text, target article number)` pairs.
pub fn proposals(spec: &SyntheticSpec) -> Vec<(String, u32)> {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let mut out = Vec::with_capacity(spec.proposals);
    let dup = spec.proposals * spec.duplicate_percent as usize / 100;
    while out.len() < dup {
        let words = if rng.random_bool(0.5) { RU } else { KK };
        let len = rng.random_range(18..40);
        let base = sentence(&mut rng, words, len);
        let article = rng.random_range(1..=96);
        let n = rng
            .random_range(2..=spec.family_size.max(2) * 2 - 2)
            .min(dup - out.len())
            .max(1);
        for _ in 0..n {
            out.push((variant(&mut rng, &base, words), article));
        }
    }
    while out.len() < spec.proposals {
        let words = if rng.random_bool(0.5) { RU } else { KK };
        let len = rng.random_range(12..40);
        out.push((
            sentence(&mut rng, words, len).join(" "),
            rng.random_range(1..=96),
        ));
    }
    // Interleave families with the rest, as submissions arrive.
    for i in (1..out.len()).rev() {
        let j = rng.random_range(0..=i);
        out.swap(i, j);
    }
    out
}
