//! Gathers the Fluent messages of each language — every `i18n/<lang>/*.ftl`, in file-name
//! order — into one resource per language in `OUT_DIR`, so that each part of the site keeps its
//! messages in a file of its own (`web.ftl`, and one file per domain) without a list to edit.

use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rerun-if-changed=i18n");
    for lang in ["kk", "ru", "en"] {
        let dir = Path::new("i18n").join(lang);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
            .collect();
        files.sort();
        let mut all = String::new();
        for f in &files {
            println!("cargo:rerun-if-changed={}", f.display());
            let text = std::fs::read_to_string(f)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", f.display()));
            all.push_str(&format!("\n### {}\n\n", f.display()));
            all.push_str(&text);
            all.push('\n');
        }
        std::fs::write(Path::new(&out).join(format!("{lang}.ftl")), all)
            .expect("OUT_DIR is writable");
    }
}
