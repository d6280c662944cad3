//! Secrets found by the name before them: `key=value`, `key: value`, `"key": "value"`,
//! `key => value`, `<key>value</key>`, an HTML password input's `value="…"`,
//! `--key VALUE`, `--key=VALUE`, `mysql -pVALUE`, `Cookie:`/`Authorization:` headers,
//! and prose (`the password is X`). Names are judged by [`super::names`].

use super::cards::Span;
use super::names::is_secret_name;

/// Words that, right after `password is`, say something about the password instead
/// of being it (`password is incorrect`).
const NOT_A_VALUE: &[&str] = &[
    "a",
    "an",
    "the",
    "not",
    "no",
    "now",
    "too",
    "invalid",
    "incorrect",
    "wrong",
    "required",
    "missing",
    "empty",
    "blank",
    "expired",
    "expiring",
    "correct",
    "valid",
    "ok",
    "okay",
    "set",
    "unset",
    "changed",
    "reset",
    "updated",
    "weak",
    "strong",
    "being",
    "been",
    "accepted",
    "rejected",
    "locked",
    "disabled",
    "enabled",
    "null",
    "none",
    "nil",
    "undefined",
    "mandatory",
    "optional",
    "stored",
    "hashed",
    "encrypted",
    "redacted",
    "hidden",
    "masked",
    "same",
    "different",
    "short",
    "long",
    "good",
    "bad",
    "used",
    "reused",
    "known",
    "unknown",
    "due",
    "about",
    "still",
    "already",
    "also",
    "only",
    "case",
    "sensitive",
    "protected",
    "saved",
    "sent",
    "provided",
    "given",
    "incomplete",
    "unchanged",
    "there",
    "here",
    "in",
    "on",
    "at",
    "for",
    "of",
    "to",
    "from",
    "with",
    "without",
    "and",
    "or",
    "but",
    "that",
    "which",
    "this",
    "by",
    "as",
    "if",
    "when",
    "verified",
    "confirmed",
    "generated",
    "rotated",
    "revoked",
    "compromised",
    "leaked",
    "exposed",
    "available",
    "unavailable",
    "present",
    "absent",
    "matching",
    "mismatched",
    "too_short",
    "[redacted]",
];

/// Header names whose whole value is a secret (it goes to the end of the line).
const HEADER_NAMES: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "cookies",
];

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// Every value named by a secret key in `text`; `replacement` marks values redacted
/// already. `near`: where the first look found secret words (None: look everywhere);
/// only the names around them are judged.
pub fn find(text: &str, replacement: &str, near: Option<&[usize]>, out: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let mut mysql: Option<bool> = None;
    let mut judge = |start: usize, end: usize, out: &mut Vec<Span>| -> usize {
        let token = &text[start..end];
        let dashes = token.len() - token.trim_start_matches('-').len();
        let name = token.trim_start_matches('-').trim_end_matches(['.', '-']);
        let name_end = start + dashes + name.len();
        if dashes == 1 && name.len() > 1 && name.starts_with('p') {
            // `mysql -u root -pVALUE`
            let mysql = *mysql.get_or_insert_with(|| {
                let lower = text.to_ascii_lowercase();
                lower.contains("mysql") || lower.contains("mariadb") || lower.contains(" -u")
            });
            let value = &name[1..];
            if mysql && !value.bytes().all(|b| b.is_ascii_digit() || b == b':') {
                out.push((start + 2, name_end));
            }
            return end;
        }
        let secret = if name.eq_ignore_ascii_case("value") {
            in_a_secret_tag(text, start)
        } else {
            is_secret_name(name)
        };
        if !secret {
            return end;
        }
        match value_after(text, start, name_end, name, dashes, replacement) {
            Some((s, e)) => {
                out.push((s, e));
                e.max(end)
            }
            None => end,
        }
    };
    match near {
        Some(hits) => {
            let mut done = 0;
            for &hit in hits {
                let mut at = hit;
                while at < bytes.len() && !is_name_byte(bytes[at]) {
                    at += 1;
                }
                if at < done || at >= bytes.len() {
                    continue;
                }
                // a secret word inside an HTML tag names its `value` attribute too
                if let Some(v) = value_attribute(text, at) {
                    if let Some(span) = value_after(text, v, v + 5, "value", 0, replacement) {
                        out.push(span);
                    }
                }
                let mut start = at;
                while start > 0 && is_name_byte(bytes[start - 1]) {
                    start -= 1;
                }
                let mut end = at;
                while end < bytes.len() && is_name_byte(bytes[end]) {
                    end += 1;
                }
                if end > start {
                    done = judge(start.max(done), end, out);
                }
            }
        }
        None => {
            let mut i = 0;
            while i < bytes.len() {
                if !is_name_byte(bytes[i]) || (i > 0 && is_name_byte(bytes[i - 1])) {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < bytes.len() && is_name_byte(bytes[i]) {
                    i += 1;
                }
                i = judge(start, i, out);
            }
        }
    }
}

/// The value after the secret name `text[start..name_end]`, if a separator follows it.
fn value_after(
    text: &str,
    start: usize,
    name_end: usize,
    name: &str,
    dashes: usize,
    replacement: &str,
) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut p = name_end;
    // markup: `<password>VALUE</password>`
    if start > 0 && bytes[start - 1] == b'<' && bytes.get(p) == Some(&b'>') {
        let value = &text[p + 1..];
        let len = value.find('<').unwrap_or(value.len());
        return non_empty(p + 1, p + 1 + value[..len].trim_end().len());
    }
    // a closing quote of a quoted key
    if text[p..].starts_with("\\\"") {
        p += 2;
    } else if matches!(bytes.get(p), Some(b'"' | b'\'' | b'`')) {
        p += 1;
    }
    if bytes.get(p) == Some(&b']') {
        p += 1;
    }
    let spaced = skip_spaces(text, p);
    let rest = &text[spaced..];
    let separator = ["=>", "->", ":=", "=", ":"]
        .iter()
        .find(|s| rest.starts_with(**s))
        .map(|s| s.len());
    let lower = name.to_ascii_lowercase();
    let header = HEADER_NAMES.contains(&lower.as_str());
    let spaces_allowed = dashes == 0 && (lower.contains("pass") || lower.contains("pw"));
    let value_start;
    let prose;
    if let Some(len) = separator {
        // `https://` is not `key: value`
        if rest[len..].starts_with("//") {
            return None;
        }
        value_start = skip_spaces(text, spaced + len);
        prose = false;
    } else if dashes > 0 && spaced > p && !rest.starts_with('-') && !rest.is_empty() {
        // `--password VALUE`
        let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        return non_empty(spaced, spaced + len);
    } else {
        let word = ["is:", "was:", "is", "was", "are", "were", "equals"]
            .iter()
            .find(|w| {
                rest.len() > w.len()
                    && rest[..w.len()].eq_ignore_ascii_case(w)
                    && rest.as_bytes()[w.len()].is_ascii_whitespace()
            })?;
        if spaced == p {
            return None;
        }
        value_start = skip_spaces(text, spaced + word.len());
        prose = true;
    }
    let value = &text[value_start..];
    if value.is_empty()
        || value
            .trim_start_matches(['"', '\'', '\\'])
            .starts_with(replacement)
    {
        return None;
    }
    let (skip, len) = if header && !matches!(value.as_bytes()[0], b'"' | b'\'' | b'\\') {
        (0, header_value(&lower, value))
    } else if prose {
        prose_value(value)?
    } else {
        value_extent(value, spaces_allowed)
    };
    non_empty(value_start + skip, value_start + skip + len)
}

fn non_empty(s: usize, e: usize) -> Option<(usize, usize)> {
    (e > s).then_some((s, e))
}

fn skip_spaces(text: &str, mut p: usize) -> usize {
    let bytes = text.as_bytes();
    let limit = p + 16;
    while p < bytes.len() && p < limit && matches!(bytes[p], b' ' | b'\t') {
        p += 1;
    }
    p
}

/// How long a header's unquoted value is: a cookie header to the end of the line
/// (every cookie in it), `Authorization` its scheme and credentials (two words; a
/// `Digest` or `AWS4-HMAC-SHA256` one, with its parameters, to the end of the line).
fn header_value(name: &str, value: &str) -> usize {
    let line = value.find(['\n', '\r']).unwrap_or(value.len());
    if name.contains("cookie") {
        return value[..line].trim_end().len();
    }
    let first = value[..line].split_whitespace().next().unwrap_or_default();
    if first.eq_ignore_ascii_case("digest") || first.to_ascii_lowercase().starts_with("aws4-") {
        return value[..line].trim_end().len();
    }
    let mut words = 0;
    let mut k = 0;
    let bytes = value.as_bytes();
    while k < line && words < 2 {
        while k < line && bytes[k].is_ascii_whitespace() {
            k += 1;
        }
        if k >= line {
            break;
        }
        while k < line && !bytes[k].is_ascii_whitespace() {
            k += 1;
        }
        words += 1;
    }
    let two = value[..k].trim_end();
    // one word when the second reads as prose (`Authorization: abc123 sent`)
    match two.split_whitespace().nth(1) {
        Some(w)
            if w.bytes().all(|b| b.is_ascii_lowercase())
                && !SCHEMES.contains(&first.to_ascii_lowercase().as_str()) =>
        {
            first.len()
        }
        _ => two.len(),
    }
}

/// Authorization schemes followed by a credential.
const SCHEMES: &[&str] = &[
    "bearer",
    "basic",
    "token",
    "negotiate",
    "ntlm",
    "apikey",
    "hoba",
    "mutual",
];

/// Words after which a password with spaces has ended (`password=x and Bearer …`).
const CLAUSE_WORDS: &[&str] = &[
    "and", "or", "but", "with", "for", "from", "to", "on", "at", "in", "via", "then", "using",
    "by", "user", "username", "login", "host", "port", "as", "when", "while", "after", "before",
    "because", "so",
];

/// A value in prose: one word, or a quoted text; none when the word describes the
/// password rather than being it.
fn prose_value(value: &str) -> Option<(usize, usize)> {
    if matches!(value.as_bytes()[0], b'"' | b'\'' | b'`') {
        return Some(value_extent(value, true));
    }
    let len = value.find(char::is_whitespace).unwrap_or(value.len());
    let word = value[..len].trim_end_matches(['.', ',', ';', '!', '?', ')', ':']);
    let lower = word.to_ascii_lowercase();
    if word.is_empty() || NOT_A_VALUE.contains(&lower.as_str()) {
        return None;
    }
    Some((0, word.len()))
}

/// Where the `value` attribute of the HTML tag around `at` starts, when `at` is inside
/// a tag that names a secret.
fn value_attribute(text: &str, at: usize) -> Option<usize> {
    let open = text[..at].rfind('<')?;
    if text[open..at].contains('>') {
        return None;
    }
    let close = text[at..].find('>').map_or(text.len(), |e| at + e);
    let tag = text[open..close].to_ascii_lowercase();
    let bytes = tag.as_bytes();
    let mut from = 0;
    while let Some(k) = tag[from..].find("value") {
        let k = from + k;
        let starts = k == 0 || !is_name_byte(bytes[k - 1]);
        let ends = !bytes.get(k + 5).is_some_and(|b| is_name_byte(*b));
        if starts && ends && in_a_secret_tag(text, open + k) {
            return Some(open + k);
        }
        from = k + 5;
    }
    None
}

/// True when the `value` attribute at `at` belongs to an HTML tag that names a secret
/// (`<input type="password" …>`, `name="api_key"`).
fn in_a_secret_tag(text: &str, at: usize) -> bool {
    let Some(open) = text[..at].rfind('<') else {
        return false;
    };
    if text[open..at].contains('>') {
        return false;
    }
    let close = text[at..].find('>').map_or(text.len(), |e| at + e);
    let tag = &text[open..close];
    tag.split(['"', '\''])
        .skip(1)
        .step_by(2)
        .any(is_secret_name)
}

/// Where a secret value starts (after an opening quote) and how long it is: a quoted
/// value to its closing quote (backslash escapes honoured), an object or a list to
/// its closing bracket, else up to a delimiter (`&`, `,`, `;`, a quote, a closing
/// bracket, a line end), or to the next ` key=` / ` key:` / ` -flag` when `spaces` (a
/// password with spaces goes whole), else up to the first space.
fn value_extent(value: &str, spaces: bool) -> (usize, usize) {
    let bytes = value.as_bytes();
    if let Some(q @ (b'"' | b'\'' | b'`')) = bytes.first().copied() {
        let mut k = 1;
        while k < bytes.len() {
            if bytes[k] == b'\\' {
                k += 2;
                continue;
            }
            if bytes[k] == q {
                return (1, k - 1);
            }
            k += 1;
        }
        return (1, bytes.len().saturating_sub(1));
    }
    if let Some(inner) = value.strip_prefix("\\\"") {
        // an escaped quote inside a JSON string: up to the next escaped quote
        let len = inner.find("\\\"").unwrap_or(inner.len());
        return (2, len);
    }
    if let Some(open @ (b'{' | b'[')) = bytes.first().copied() {
        let close = if open == b'{' { b'}' } else { b']' };
        let mut depth = 0usize;
        let mut quote: Option<u8> = None;
        let mut k = 0;
        while k < bytes.len() {
            let b = bytes[k];
            match quote {
                Some(_) if b == b'\\' => k += 1,
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == open => depth += 1,
                None if b == close => {
                    depth -= 1;
                    if depth == 0 {
                        return (0, k + 1);
                    }
                }
                None => {}
            }
            k += 1;
        }
        return (0, bytes.len());
    }
    let mut end = bytes.len();
    let mut k = 0;
    while k < bytes.len() {
        let c = bytes[k];
        if matches!(
            c,
            b'&' | b',' | b';' | b'"' | b'\'' | b'}' | b')' | b']' | b'\n' | b'\r' | b'<' | b'>'
        ) {
            end = k;
            break;
        }
        if (c == b' ' || c == b'\t') && !spaces {
            end = k;
            break;
        }
        if c == b' ' || c == b'\t' {
            // a password with spaces runs to the end of its clause, unless the clause
            // goes on with other syntax (`key=`, `-h`, `Bearer [..]`, a run of spaces):
            // then the value is the first word
            let clause_end = value[k..]
                .find([
                    '&', ',', ';', '"', '\'', '}', ')', ']', '\n', '\r', '<', '>',
                ])
                .map_or(value.len(), |e| k + e);
            if value[k..clause_end].contains(['[', '(']) {
                end = k;
                break;
            }
            let next = value[k..].trim_start();
            let word_len = next
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
                .count();
            let word = &next[..word_len];
            if next.is_empty()
                || next.starts_with('-')
                || CLAUSE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
                || value[k..].starts_with("  ")
                || (word_len > 0 && matches!(next.as_bytes().get(word_len), Some(b'=' | b':')))
            {
                end = k;
                break;
            }
        }
        k += 1;
    }
    (0, value[..end].trim_end().len())
}
