//! The layering check: within every crate of the workspace, modules import only from modules
//! below them — no module reaches, through `crate::…` or `super::…` paths, a module that
//! reaches it back. Run with `cargo test -p ashyq-core --test layering`; a cycle fails the
//! test and is printed module by module (ARCHITECTURE.md, "Checking the layering").
//!
//! The modules of a crate are its source files (`a/b.rs` and `a/b/mod.rs` are `a::b`); a path
//! `crate::a::b::Item` is an edge to the longest prefix that is a module. Test modules
//! (`#[cfg(test)] mod tests { … }` to the end of the file, or `mod tests;`) and comments are
//! left out: tests may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

/// The module path of a source file relative to `src`.
fn module_of(rel: &Path) -> Module {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("lib" | "main" | "mod")
    ) {
        parts.pop();
    }
    parts
}

/// The text of a file without comments and without its test module.
fn code_of(text: &str) -> String {
    let cut = text
        .find("#[cfg(test)]\nmod tests")
        .or_else(|| text.find("#[cfg(test)]\npub(crate) mod tests"))
        .unwrap_or(text.len());
    text[..cut]
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a `use`-like text names after a prefix: `a::b::C` gives `[a, b, C]`, and a group
/// `a::{b::C, d}` gives `[a, b, C]` and `[a, d]`.
fn expand(text: &str) -> Vec<Vec<String>> {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(text.len());
    let head: Vec<String> = text[..end]
        .split("::")
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let rest = &text[end..];
    if !(text[..end].ends_with("::") || end == 0) || !rest.starts_with('{') {
        return vec![head];
    }
    let mut depth = 0;
    let mut close = rest.len();
    for (i, c) in rest.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    close = i;
                    break;
                }
            }
            _ => {}
        }
    }
    let inner = &rest[1..close.max(1)];
    let mut items = Vec::new();
    let (mut d, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => d += 1,
            '}' => d -= 1,
            ',' if d == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    let mut out = Vec::new();
    for item in items {
        let item = item.trim();
        if item.is_empty() || item == "self" {
            out.push(head.clone());
            continue;
        }
        for tail in expand(item) {
            let mut p = head.clone();
            p.extend(tail.into_iter().filter(|s| s != "self"));
            out.push(p);
        }
    }
    out
}

/// Every path after `prefix` (`crate::` or a run of `super::`) in `code`, with the number of
/// `super::` steps.
fn paths_after(code: &str, prefix: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().last();
        let mut after = &rest[at + prefix.len()..];
        rest = after;
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let mut up = 1;
        while let Some(r) = after.strip_prefix(prefix) {
            up += 1;
            after = r;
        }
        rest = after;
        for p in expand(after) {
            out.push((up, p));
        }
    }
    out
}

/// The edges between the modules of one crate: `files` maps each module to its code.
fn edges(files: &BTreeMap<Module, String>) -> BTreeMap<Module, BTreeSet<Module>> {
    let resolve = |mut parts: Vec<String>| -> Option<Module> {
        while !parts.is_empty() {
            if files.contains_key(&parts) {
                return Some(parts);
            }
            parts.pop();
        }
        None
    };
    let mut out: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (m, code) in files {
        let targets = out.entry(m.clone()).or_default();
        let from_root = paths_after(code, "crate::").into_iter().map(|(_, p)| p);
        // `super::x` in module a::b names a::x, whether a::b is `a/b.rs` or `a/b/mod.rs`.
        let from_parents = paths_after(code, "super::")
            .into_iter()
            .filter(|(up, _)| *up <= m.len())
            .map(|(up, p)| {
                let mut parts = m[..m.len() - up].to_vec();
                parts.extend(p);
                parts
            });
        for parts in from_root.chain(from_parents) {
            if let Some(t) = resolve(parts)
                && &t != m
                && !t.is_empty()
            {
                targets.insert(t);
            }
        }
    }
    out
}

/// The strongly connected components of more than one module (Tarjan).
fn cycles(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct Tarjan<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on: BTreeSet<&'a Module>,
        next: usize,
        out: Vec<Vec<Module>>,
    }
    impl<'a> Tarjan<'a> {
        fn visit(&mut self, v: &'a Module) {
            self.index.insert(v, self.next);
            self.low.insert(v, self.next);
            self.next += 1;
            self.stack.push(v);
            self.on.insert(v);
            for w in self.edges.get(v).into_iter().flatten() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(lw);
                } else if self.on.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[v] == self.index[v] {
                let mut comp = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on.remove(w);
                    comp.push(w.clone());
                    if w == v {
                        break;
                    }
                }
                if comp.len() > 1 {
                    comp.sort();
                    self.out.push(comp);
                }
            }
        }
    }
    let mut t = Tarjan {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v) {
            t.visit(v);
        }
    }
    t.out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn crate_modules(src: &Path) -> BTreeMap<Module, String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files
        .into_iter()
        .map(|f| {
            let rel = f.strip_prefix(src).expect("below src");
            let text = std::fs::read_to_string(&f).expect("readable source");
            (module_of(rel), code_of(&text))
        })
        .collect()
}

fn show(c: &[Module]) -> String {
    c.iter()
        .map(|m| {
            if m.is_empty() {
                "(root)".into()
            } else {
                m.join("::")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn no_crate_of_the_workspace_has_a_module_cycle() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found = Vec::new();
    let mut checked = 0;
    for entry in std::fs::read_dir(&crates).expect("the crates directory") {
        let src = entry.expect("a crate").path().join("src");
        if !src.is_dir() {
            continue;
        }
        checked += 1;
        for c in cycles(&edges(&crate_modules(&src))) {
            found.push(format!(
                "{}: {} modules in a circle: {}",
                src.parent()
                    .and_then(|p| p.file_name())
                    .map_or("?".into(), |n| n.to_string_lossy().into_owned()),
                c.len(),
                show(&c)
            ));
        }
    }
    assert!(
        checked >= 5,
        "expected every crate of the workspace, found {checked}"
    );
    assert!(found.is_empty(), "module cycles:\n{}", found.join("\n"));
}

#[test]
fn the_check_finds_a_cycle_and_ignores_tests_and_comments() {
    let file = code_of;
    let mut files = BTreeMap::new();
    files.insert(vec!["a".to_string()], file("use crate::{b::Thing, e};"));
    files.insert(vec!["e".to_string()], file("use std::fmt;"));
    files.insert(vec!["b".to_string()], file("fn f() { crate::c::g() }"));
    files.insert(vec!["c".to_string()], file("use super::a::X;\n"));
    files.insert(
        vec!["d".to_string()],
        file("// crate::a::nothing\n#[cfg(test)]\nmod tests { use crate::a::X; }"),
    );
    let found = cycles(&edges(&files));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(show(&found[0]), "a, b, c");
    files.insert(vec!["c".to_string()], file("fn g() {}"));
    assert!(cycles(&edges(&files)).is_empty());
}
