//! The layout docs/architecture.md promises, checked on the source: no cycle among the
//! top-level modules of `src/` (following `crate::` paths, inline tests aside), each
//! module uses only the layers below it (`LAYERS`, the order of the architecture
//! table), and at most six public modules at the crate root.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules, bottom to top, as docs/architecture.md lists them.
const LAYERS: &[&str] = &[
    "clock",
    "sync",
    "append_only",
    "fork",
    "threads",
    "diagnostics",
    "value",
    "config",
    "record",
    "context",
    "format",
    "filters",
    "rotation",
    "handlers",
    "router",
    "load",
    "compile",
    "runtime",
    "tracing_layer",
    "api",
    "structured",
    "app",
    "import",
    "__cli",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/handlers/file.rs` → `handlers`).
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix(src()).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The module declarations of lib.rs, in order, with whether each is public.
fn declared_modules() -> Vec<(String, bool)> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    lib.lines()
        .filter_map(|l| {
            let l = l.trim();
            let (public, rest) = if let Some(r) = l.strip_prefix("pub mod ") {
                (true, r)
            } else if let Some(r) = l.strip_prefix("mod ") {
                (false, r)
            } else {
                return None;
            };
            let name = rest.trim_end_matches(';').trim_end_matches('{').trim();
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
                .then(|| (name.to_string(), public))
        })
        .collect()
}

/// Names the crate root re-exports, and the module each comes from.
fn root_reexports() -> BTreeMap<String, String> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    let mut out = BTreeMap::new();
    for stmt in lib.split(';') {
        let Some(rest) = stmt.trim().strip_prefix("pub use ") else {
            continue;
        };
        let module = rest.split("::").next().unwrap().trim().to_string();
        let names = match (rest.find('{'), rest.rfind('}')) {
            (Some(a), Some(b)) => rest[a + 1..b].to_string(),
            _ => rest.rsplit("::").next().unwrap().to_string(),
        };
        for n in names.split(',') {
            let n = n.trim();
            if !n.is_empty() {
                out.insert(n.to_string(), module.clone());
            }
        }
    }
    out
}

/// The code of a file without its `#[cfg(test)]` module and its comments.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => &text[..],
    };
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules `path` refers to through `crate::` (and `super::` from a
/// file at the top of `src/`).
fn references(
    path: &Path,
    modules: &BTreeSet<String>,
    reexports: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    let code = code(path);
    let at_top = path.parent() == Some(src().as_path());
    let mut out = BTreeSet::new();
    let mut prefixes = vec!["crate::"];
    if at_top {
        prefixes.push("super::");
    }
    for prefix in prefixes {
        for (i, _) in code.match_indices(prefix) {
            let before = code[..i].chars().last();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            let rest = &code[i + prefix.len()..];
            let mut names = Vec::new();
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for part in group[..end].split(',') {
                    names.push(part.trim().split("::").next().unwrap_or("").to_string());
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                names.push(name);
            }
            for name in names {
                let target = if modules.contains(&name) {
                    Some(name)
                } else {
                    reexports.get(&name).cloned()
                };
                if let Some(t) = target {
                    out.insert(t);
                }
            }
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<String> = declared_modules().into_iter().map(|(m, _)| m).collect();
    let reexports = root_reexports();
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let m = module_of(&f);
        if !modules.contains(&m) {
            continue; // lib.rs, main.rs and the binary's cli/
        }
        let refs = references(&f, &modules, &reexports);
        let entry = graph.entry(m.clone()).or_default();
        entry.extend(refs.into_iter().filter(|r| *r != m));
    }
    graph
}

#[test]
fn no_cycle_among_top_level_modules() {
    let graph = graph();
    assert!(graph.len() > 10, "the module graph was not read: {graph:?}");
    assert!(
        graph["handlers"].contains("rotation") && graph["runtime"].contains("compile"),
        "known edges are missing: {graph:?}"
    );
    // depth-first search for a back edge
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if done.contains(m) {
            return;
        }
        if let Some(at) = stack.iter().position(|s| s == m) {
            panic!(
                "a cycle among top-level modules: {} -> {m}",
                stack[at..].join(" -> ")
            );
        }
        stack.push(m.to_string());
        for next in graph.get(m).into_iter().flatten() {
            visit(next, graph, stack, done);
        }
        stack.pop();
        done.insert(m.to_string());
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        visit(m, &graph, &mut Vec::new(), &mut done);
    }
}

#[test]
fn each_module_uses_only_the_layers_below_it() {
    let declared: BTreeSet<String> = declared_modules().into_iter().map(|(m, _)| m).collect();
    let listed: BTreeSet<String> = LAYERS.iter().map(|s| s.to_string()).collect();
    let with_files: BTreeSet<String> = declared.into_iter().filter(|m| m != "__private").collect();
    assert_eq!(
        with_files, listed,
        "lib.rs and LAYERS (docs/architecture.md) name different modules"
    );
    let order: Vec<String> = LAYERS.iter().map(|s| s.to_string()).collect();
    let graph = graph();
    for (m, deps) in &graph {
        let at = order.iter().position(|o| o == m).unwrap();
        for d in deps {
            let dep_at = order.iter().position(|o| o == d).unwrap();
            assert!(
                dep_at < at,
                "`{m}` uses `{d}`, a layer above it: the layer order of docs/architecture.md is broken"
            );
        }
    }
}

#[test]
fn at_most_six_public_modules_at_the_root() {
    let public: Vec<String> = declared_modules()
        .into_iter()
        .filter(|(_, p)| *p)
        .map(|(m, _)| m)
        .collect();
    assert!(!public.is_empty());
    assert!(public.len() <= 6, "public modules: {public:?}");
}
