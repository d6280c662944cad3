//! Checks on the spanned tree that the schema cannot express: references between
//! tables (handler → formatter, handler/logger → filter, logger → handler). They run
//! even when other parts of the file are broken, so a user sees every problem at once.

use crate::config::source::{Node, NodeValue};
use crate::config::{join_path, quote_key};
use crate::diagnostics::{did_you_mean, Diagnostic};

/// Adds a diagnostic for every dangling reference and every bad format.
pub fn check(root: &Node, diags: &mut Vec<Diagnostic>) {
    let names = |section: &str| -> Vec<String> {
        match root.get(section).map(|e| &e.value.value) {
            Some(NodeValue::Table(entries)) => entries.iter().map(|e| e.key.clone()).collect(),
            _ => Vec::new(),
        }
    };
    let formatters = names("formatters");
    let filters = names("filters");
    let handlers = names("handlers");

    for (section, table) in tables(root, "handlers") {
        if let Some(e) = table.get("formatter") {
            check_ref(
                &join_path(&section, "formatter"),
                &e.value,
                &formatters,
                "formatter",
                diags,
            );
        }
        check_list(&section, table, "filters", &filters, "filter", diags);
        // a queue's targets
        check_list(&section, table, "handlers", &handlers, "handler", diags);
    }
    for (section, table) in tables(root, "loggers") {
        check_list(&section, table, "handlers", &handlers, "handler", diags);
        check_list(&section, table, "filters", &filters, "filter", diags);
    }
    if let Some(r) = root.get("root") {
        check_list("root", &r.value, "handlers", &handlers, "handler", diags);
        check_list("root", &r.value, "filters", &filters, "filter", diags);
    }
}

/// The named tables of a section, with their paths.
pub(super) fn tables<'a>(root: &'a Node, section: &str) -> Vec<(String, &'a Node)> {
    match root.get(section).map(|e| &e.value.value) {
        Some(NodeValue::Table(entries)) => entries
            .iter()
            .filter(|e| matches!(e.value.value, NodeValue::Table(_)))
            .map(|e| (join_path(section, &e.key), &e.value))
            .collect(),
        _ => Vec::new(),
    }
}

fn check_list(
    section: &str,
    table: &Node,
    key: &str,
    known: &[String],
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(NodeValue::Array(items)) = table.get(key).map(|e| &e.value.value) {
        for (i, item) in items.iter().enumerate() {
            check_ref(
                &format!("{}[{i}]", join_path(section, key)),
                item,
                known,
                what,
                diags,
            );
        }
    }
}

fn check_ref(path: &str, value: &Node, known: &[String], what: &str, diags: &mut Vec<Diagnostic>) {
    let Some(name) = value.as_str() else { return };
    if known.iter().any(|k| k == name) {
        return;
    }
    let help = did_you_mean(name, known.iter().map(String::as_str)).unwrap_or_else(|| {
        if known.is_empty() {
            format!(
                "no {what}s are defined: add a [{what}s.{}] table",
                quote_key(name)
            )
        } else {
            format!(
                "the {what}s are {}",
                crate::diagnostics::backticked(known.iter().map(String::as_str))
            )
        }
    });
    diags.push(
        Diagnostic::error(
            format!("`{path}` names an unknown {what} `{name}`"),
            Some(value.span.clone()),
        )
        .label(format!("no [{what}s.{}] table", quote_key(name)))
        .help(help),
    );
}
