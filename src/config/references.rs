//! Checks on the spanned tree that the schema cannot express: references between
//! tables (handler → formatter, handler/logger → filter, logger → handler) and the
//! text of formats and datefmts. They run even when other parts of the file are
//! broken, so a user sees every problem at once.

use super::join_path;
use super::model::Style;
use super::source::{Node, NodeValue};
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::format::template;
use crate::format::time::check_datefmt;

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
    }
    for (section, table) in tables(root, "loggers") {
        check_list(&section, table, "handlers", &handlers, "handler", diags);
        check_list(&section, table, "filters", &filters, "filter", diags);
    }
    if let Some(r) = root.get("root") {
        check_list("root", &r.value, "handlers", &handlers, "handler", diags);
        check_list("root", &r.value, "filters", &filters, "filter", diags);
    }
    for (section, table) in tables(root, "formatters") {
        check_format(&section, table, diags);
    }
}

/// The named tables of a section, with their paths.
fn tables<'a>(root: &'a Node, section: &str) -> Vec<(String, &'a Node)> {
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
                super::quote_key(name)
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
        .label(format!("no [{what}s.{}] table", super::quote_key(name)))
        .help(help),
    );
}

fn check_format(section: &str, table: &Node, diags: &mut Vec<Diagnostic>) {
    if table.get("class").and_then(|c| c.value.as_str()) == Some("json") {
        return;
    }
    let style = match table.get("style").map(|e| e.value.as_str()) {
        None => Some(Style::Percent),
        Some(Some("%")) => Some(Style::Percent),
        Some(Some("{")) => Some(Style::Brace),
        Some(Some("$")) => Some(Style::Dollar),
        Some(_) => None,
    };
    if let (Some(style), Some(format)) = (style, table.get("format")) {
        if let Some(text) = format.value.as_str() {
            if let Err(e) = template::parse(text, style) {
                diags.push(
                    Diagnostic::error(
                        format!("`{}`: {}", join_path(section, "format"), e.message),
                        Some(format.value.span.clone()),
                    )
                    .label(if e.offset > 0 {
                        format!("at `{}`", snippet(text, e.offset))
                    } else {
                        "in this format".to_string()
                    })
                    .maybe_help(e.help),
                );
            }
        }
    }
    if let Some(datefmt) = table.get("datefmt") {
        if let Some(text) = datefmt.value.as_str() {
            if let Err(e) = check_datefmt(text) {
                diags.push(
                    Diagnostic::error(
                        format!("`{}`: {e}", join_path(section, "datefmt")),
                        Some(datefmt.value.span.clone()),
                    )
                    .label("strftime specifiers are %Y %m %d %H %M %S %b %a %j %z ..."),
                );
            }
        }
    }
}

fn snippet(text: &str, offset: usize) -> String {
    text.get(offset..).unwrap_or("").chars().take(12).collect()
}
