//! The library's layers only look down, and its modules import each other
//! without cycles.
//!
//! Layers, bottom first: error < analysis < corpus < index < search <
//! output (the binary, `main.rs` and `cli.rs`, sits on top and uses the
//! library as `baogao::`). This test reads every file under `src/`, finds
//! the module paths it names (`crate::…`, `super::…`, and a `mod.rs`'s own
//! children), resolves each to the file that defines the module, and
//! checks that (1) no file names a module of a higher layer and (2) the
//! graph of files naming files has no cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const LAYERS: [&str; 6] = ["error", "analysis", "corpus", "index", "search", "output"];

/// A source file and the module path it defines (`corpus::tags::place`).
struct SourceFile {
    path: PathBuf,
    module: Vec<String>,
    text: String,
}

fn module_of(src: &Path, path: &Path) -> Option<Vec<String>> {
    let rel = path.strip_prefix(src).ok()?;
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    let stem = last.strip_suffix(".rs")?;
    if parts.is_empty() && matches!(stem, "lib" | "main" | "cli") {
        return None; // the crate root and the binary
    }
    if stem != "mod" {
        parts.push(stem.to_string());
    }
    Some(parts)
}

fn source_files() -> Vec<SourceFile> {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if let Some(module) = module_of(&src, &path) {
                let text = std::fs::read_to_string(&path).expect("read");
                out.push(SourceFile { path, module, text });
            }
        }
    }
    out
}

/// The text without comments (so doc links and prose do not count) and
/// without its `#[cfg(test)]` module (tests are not part of the layers,
/// and their `super` is the file itself, not its parent).
fn code_only(text: &str) -> String {
    let code = text
        .lines()
        .map(|line| match line.find("//") {
            // A "//" inside a string literal ("https://…") is not a comment;
            // an odd number of quotes before it means it is inside one.
            Some(at) if line[..at].matches('"').count() % 2 == 0 => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    match code.find("#[cfg(test)]") {
        Some(at) => {
            let rest = &code[at..];
            let Some(open) = rest.find('{') else {
                return code;
            };
            let mut depth = 0;
            let mut end = rest.len();
            for (i, c) in rest[open..].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = open + i + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            format!("{}{}", &code[..at], code_only(&rest[end..]))
        }
        None => code,
    }
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The paths named after `prefix::` in `code`, one per item of a `{…}`
/// group, as segments (without the prefix).
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let needle = format!("{prefix}::");
    let mut from = 0;
    while let Some(found) = code[from..].find(&needle) {
        let start = from + found;
        from = start + needle.len();
        if code[..start].chars().next_back().is_some_and(is_ident) {
            continue; // `foo_crate::`, `mysuper::`
        }
        read_path(&code[from..], Vec::new(), &mut out);
    }
    out
}

/// The paths named relative to the module's ancestors: (how many
/// `super::` they start with, the rest). `super` is the parent of the
/// module a file defines (for a mod.rs, of its folder's module).
fn super_paths(code: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..].find("super::") {
        let start = from + found;
        from = start + "super::".len();
        let before = &code[..start];
        if before.chars().next_back().is_some_and(is_ident) || before.ends_with("::") {
            continue; // inside a longer path, counted from its start
        }
        let mut depth = 1;
        while code[from..].starts_with("super::") {
            depth += 1;
            from += "super::".len();
        }
        let mut paths = Vec::new();
        read_path(&code[from..], Vec::new(), &mut paths);
        out.extend(paths.into_iter().map(|p| (depth, p)));
    }
    out
}

/// Read `a::b::{c, d::e}` into [a,b,c] and [a,b,d,e].
fn read_path(rest: &str, mut base: Vec<String>, out: &mut Vec<Vec<String>>) {
    let rest = rest.trim_start();
    if let Some(group) = rest.strip_prefix('{') {
        let mut depth = 0;
        let mut item = String::new();
        for c in group.chars() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    read_path(&item, base.clone(), out);
                    item.clear();
                    continue;
                }
                _ => {}
            }
            item.push(c);
        }
        read_path(&item, base, out);
        return;
    }
    let ident: String = rest.chars().take_while(|&c| is_ident(c)).collect();
    if ident.is_empty() {
        if !base.is_empty() {
            out.push(base);
        }
        return;
    }
    let after = &rest[ident.len()..];
    if ident != "self" {
        base.push(ident);
    }
    match after.strip_prefix("::") {
        Some(more) => read_path(more, base, out),
        None => out.push(base),
    }
}

/// The module (file) a path resolves to: its longest prefix that is a
/// module of the crate.
fn resolve(path: &[String], modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|prefix| modules.contains(prefix))
}

fn layer(module: &[String]) -> usize {
    LAYERS
        .iter()
        .position(|l| module.first().is_some_and(|m| m == l))
        .unwrap_or_else(|| panic!("module {module:?} is in no layer"))
}

/// Every file's outgoing edges to other files.
fn edges(files: &[SourceFile]) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| f.module.clone()).collect();
    let mut out: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for file in files {
        let code = code_only(&file.text);
        let is_mod_rs = file.path.ends_with("mod.rs");
        let mut named: Vec<Vec<String>> = Vec::new();
        for path in paths_after(&code, "crate") {
            // `crate::Result` and `crate::Error` are the error module's,
            // re-exported at the crate root.
            if path.first().is_some_and(|p| p == "Result" || p == "Error") {
                named.push(vec!["error".into()]);
            } else {
                named.push(path);
            }
        }
        for (depth, path) in super_paths(&code) {
            let base = &file.module[..file.module.len().saturating_sub(depth)];
            let mut full = base.to_vec();
            full.extend(path);
            named.push(full);
        }
        // A mod.rs naming its own children by their bare names.
        if is_mod_rs {
            for child in modules
                .iter()
                .filter(|m| m.len() == file.module.len() + 1 && m.starts_with(&file.module))
            {
                let name = child.last().expect("child name");
                let declared = code.replace(&format!("mod {name};"), "");
                let used = declared.match_indices(&format!("{name}::")).any(|(at, _)| {
                    !declared[..at].chars().next_back().is_some_and(is_ident)
                        && !declared[..at].ends_with("::")
                });
                if used {
                    named.push(child.clone());
                }
            }
        }
        let targets = out.entry(file.module.clone()).or_default();
        for path in named {
            if let Some(target) = resolve(&path, &modules)
                && target != file.module
            {
                targets.insert(target);
            }
        }
    }
    out
}

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let files = source_files();
    assert!(files.len() > 20, "found {} files", files.len());
    let mut upward = Vec::new();
    for (from, targets) in edges(&files) {
        for to in targets {
            if layer(&to) > layer(&from) {
                upward.push(format!("{} -> {}", from.join("::"), to.join("::")));
            }
        }
    }
    assert!(upward.is_empty(), "upward imports:\n{}", upward.join("\n"));
}

#[test]
fn modules_import_each_other_without_cycles() {
    let graph = edges(&source_files());
    // Depth-first search with colours; report the first cycle found.
    fn visit(
        node: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        state.insert(node.clone(), 1);
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|n| n == next).unwrap_or(0);
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(cycle) = visit(next, graph, state, stack) {
                        return Some(cycle);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if state.get(node).copied().unwrap_or(0) == 0
            && let Some(cycle) = visit(node, &graph, &mut state, &mut Vec::new())
        {
            let shown: Vec<String> = cycle.iter().map(|m| m.join("::")).collect();
            panic!("import cycle: {}", shown.join(" -> "));
        }
    }
}

#[test]
fn the_path_reader_understands_groups_and_self() {
    let paths = paths_after(
        "use crate::corpus::{self, tags::Tagger, record::{Kind, Tags}};",
        "crate",
    );
    let shown: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        shown,
        vec![
            "corpus",
            "corpus::tags::Tagger",
            "corpus::record::Kind",
            "corpus::record::Tags"
        ]
    );
    assert_eq!(
        code_only("let a = 1; // crate::x\nlet u = \"http://a\";"),
        "let a = 1; \nlet u = \"http://a\";"
    );
    assert_eq!(
        code_only("use crate::a;\n#[cfg(test)]\nmod tests {\n use crate::b; { }\n}\nfn f() {}"),
        "use crate::a;\n\nfn f() {}"
    );
}

#[test]
fn an_upward_import_would_be_found() {
    // The checker itself: a corpus file naming the search layer is caught.
    let files = vec![
        SourceFile {
            path: PathBuf::from("src/corpus/mod.rs"),
            module: vec!["corpus".into()],
            text: "use crate::search::engine::Engine;".into(),
        },
        SourceFile {
            path: PathBuf::from("src/search/engine.rs"),
            module: vec!["search".into(), "engine".into()],
            text: "use crate::corpus::Report;".into(),
        },
    ];
    let graph = edges(&files);
    let from_corpus = &graph[&vec!["corpus".to_string()]];
    assert!(from_corpus.contains(&vec!["search".to_string(), "engine".to_string()]));
    assert!(layer(&["search".to_string()]) > layer(&["corpus".to_string()]));
}

#[test]
#[ignore]
fn print_graph() {
    for (from, to) in edges(&source_files()) {
        let to: Vec<String> = to.iter().map(|m| m.join("::")).collect();
        println!("{} -> {}", from.join("::"), to.join(", "));
    }
}
