//! `${VAR}`, `${VAR:-default}` and `$$` in string values (docs/configuration.md, "Environment variables and interpolation").

/// One problem found while interpolating a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unset {
    /// The variable that is not set.
    pub name: String,
}

/// True when `text` holds a `${VAR}` reference (a `$$` is not one).
pub fn has_reference(text: &str) -> bool {
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        let after = &rest[pos + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            rest = tail;
            continue;
        }
        if parse_reference(after).is_some() {
            return true;
        }
        rest = after;
    }
    false
}

/// Expands the references in `text`; `lookup` gives a variable's value (None: unset).
/// `${NAME:-default}` uses the default when NAME is unset or empty, as in sh, and the
/// default is itself expanded only then (`${A:-${B:-x}}`); `$$` is a literal `$`; a `$`
/// that starts no reference stays as it is.
pub fn interpolate(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, Unset> {
    if !text.contains('$') {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        }
        match parse_reference(after) {
            Some((name, default, used)) => {
                let value = lookup(name);
                let expanded = match (default, value) {
                    (Some(d), None) => interpolate(d, lookup)?,
                    (Some(d), Some(v)) if v.is_empty() => interpolate(d, lookup)?,
                    (_, Some(v)) => v,
                    (None, None) => {
                        return Err(Unset {
                            name: name.to_string(),
                        })
                    }
                };
                out.push_str(&expanded);
                rest = &after[used..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Parses `{NAME}` or `{NAME:-default}` at the start of `s`: (name, default, bytes used).
fn parse_reference(s: &str) -> Option<(&str, Option<&str>, usize)> {
    let body = s.strip_prefix('{')?;
    let name_len = body
        .char_indices()
        .find(|&(i, c)| !(c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
        .map_or(body.len(), |(i, _)| i);
    if name_len == 0 {
        return None;
    }
    let name = &body[..name_len];
    let after = &body[name_len..];
    if after.starts_with('}') {
        return Some((name, None, 1 + name_len + 1));
    }
    let def_body = after.strip_prefix(":-")?;
    // the default ends at the `}` that closes this reference: nested `${...}` count
    let mut depth = 0usize;
    let mut prev = '\0';
    let mut end = None;
    for (i, c) in def_body.char_indices() {
        match c {
            '{' if prev == '$' => depth += 1,
            '}' if depth == 0 => {
                end = Some(i);
                break;
            }
            '}' => depth -= 1,
            _ => {}
        }
        prev = c;
    }
    let end = end?;
    Some((name, Some(&def_body[..end]), 1 + name_len + 2 + end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "SET" => Some("value".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn expands_references_defaults_and_dollars() {
        let i = |s: &str| interpolate(s, &env);
        assert_eq!(i("a ${SET} b").unwrap(), "a value b");
        assert_eq!(i("${UNSET:-x}/${EMPTY:-y}/${SET:-z}").unwrap(), "x/y/value");
        assert_eq!(i("$$HOME $${SET} $5 ${").unwrap(), "$HOME ${SET} $5 ${");
        assert_eq!(i("${EMPTY}").unwrap(), "");
        assert_eq!(i("${UNSET:-}").unwrap(), "");
        // nested defaults, expanded only when used (as sh does)
        assert_eq!(i("${UNSET:-${SET}}").unwrap(), "value");
        assert_eq!(i("${UNSET:-${EMPTY:-${SET}/x}}/y").unwrap(), "value/x/y");
        assert_eq!(i("${SET:-${NOPE}}").unwrap(), "value");
        assert_eq!(
            i("${UNSET:-${NOPE}}"),
            Err(Unset {
                name: "NOPE".into()
            })
        );
        assert_eq!(
            i("${NOPE}"),
            Err(Unset {
                name: "NOPE".into()
            })
        );
    }
}
