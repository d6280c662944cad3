//! The `redact` filter: secrets (card numbers, passwords, bearer tokens, JWTs, custom
//! patterns) rewritten in a record's message and key-values before any handler writes
//! them.

use std::borrow::Cow;

use regex::{Captures, Regex};

/// The built-in pattern names.
pub const BUILTIN: &[&str] = &["card", "password", "bearer", "jwt"];

/// Key names whose values are always secrets, wherever they appear in a key
/// (`db_password`, `newPassword`, `x-api-key`).
const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "api-key",
    "authorization",
    "card_number",
    "cardnumber",
    "cvv",
    "cvc",
    "private_key",
    "credential",
];

/// A secret key name in text: letters, digits, `_` and `-` around one of the words.
const KEY_PATTERN: &str = r"(?i)[A-Za-z0-9_-]*(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|auth[_-]?key|private[_-]?key|credential)[A-Za-z0-9_-]*";

/// Between a key and its value: `=`, `:`, JSON quotes, URL-encoded `=` or `:`.
const SEPARATOR_PATTERN: &str = r#"(?i)^(?:\\?["'])?\s*(?:=|:|%3D|%3A)\s*"#;

enum Pattern {
    /// Payment card numbers: 13–19 digits in groups split by any separators,
    /// Luhn-checked, also when other numbers stand next to them.
    Card,
    /// `key = value` for keys that name secrets, in prose, key=value, JSON and URLs.
    Password { key: Regex, separator: Regex },
    /// `Bearer <token>` (also `Bearer:tok`, `Bearer%20tok`) and `Basic <credentials>`.
    Bearer(Regex),
    /// JSON Web Tokens and JWE: three or five base64url parts, the first a JSON header.
    Jwt(Regex),
    /// A user's regular expression: every match is replaced.
    Custom(Regex),
}

/// A compiled set of patterns.
pub struct Redactor {
    patterns: Vec<Pattern>,
    replacement: String,
}

/// True when a key names a secret (`password`, `db_password`, `api_key`,
/// `access_token`, ...).
pub fn is_secret_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    // one pass: at each byte, only the words starting with it (most bytes start none)
    let found = (0..bytes.len()).any(|i| {
        let mut words = SECRET_KEYS_BY_FIRST[usize::from(bytes[i])];
        while words != 0 {
            let k = SECRET_KEYS[words.trailing_zeros() as usize].as_bytes();
            words &= words - 1;
            if bytes
                .get(i..i + k.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(k))
            {
                return true;
            }
        }
        false
    });
    found
        || ["card", "pin", "ssn"]
            .iter()
            .any(|w| name.eq_ignore_ascii_case(w))
}

/// For each byte, the [`SECRET_KEYS`] that start with it in either case, as bits.
static SECRET_KEYS_BY_FIRST: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut k = 0;
    while k < SECRET_KEYS.len() {
        let first = SECRET_KEYS[k].as_bytes()[0];
        table[first.to_ascii_lowercase() as usize] |= 1 << k;
        table[first.to_ascii_uppercase() as usize] |= 1 << k;
        k += 1;
    }
    table
};

/// True when a number has as many digits as a card number (13–19): such an integer
/// key-value is redacted like a card.
pub fn card_length(n: u64) -> bool {
    (13..=19).contains(&n.checked_ilog10().map_or(1, |d| d + 1))
}

/// True when the digits pass the Luhn check (card numbers do).
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else {
            return false;
        };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

impl Redactor {
    /// Compiles built-in names and regular expressions; an error gives the index of
    /// the bad pattern in `patterns` and the regex engine's one-line complaint.
    pub fn new(
        patterns: Option<&[String]>,
        replacement: Option<&str>,
    ) -> Result<Redactor, (usize, String)> {
        let names: Vec<String> = match patterns {
            Some(p) => p.to_vec(),
            None => BUILTIN.iter().map(|s| s.to_string()).collect(),
        };
        let mut compiled = Vec::new();
        // bearer before jwt: a bearer token is often a JWT
        let mut ordered: Vec<(usize, &String)> = names
            .iter()
            .enumerate()
            .filter(|(_, n)| n.as_str() == "bearer")
            .collect();
        ordered.extend(
            names
                .iter()
                .enumerate()
                .filter(|(_, n)| n.as_str() != "bearer"),
        );
        for (i, name) in ordered {
            let re = |s: &str| {
                Regex::new(s).map_err(|e| {
                    let last = e
                        .to_string()
                        .lines()
                        .last()
                        .unwrap_or_default()
                        .trim()
                        .to_string();
                    (i, last)
                })
            };
            compiled.push(match name.as_str() {
                "card" => Pattern::Card,
                "password" => Pattern::Password {
                    key: re(KEY_PATTERN)?,
                    separator: re(SEPARATOR_PATTERN)?,
                },
                "bearer" => Pattern::Bearer(re(
                    r"(?i)\b(bearer|basic)(?:\s+|\s*:\s*|%20|\+|=)([A-Za-z0-9._~+/=-]{6,})",
                )?),
                "jwt" => Pattern::Jwt(re(r"e[yw][A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]*){2,4}")?),
                custom => Pattern::Custom(re(custom)?),
            });
        }
        Ok(Redactor {
            patterns: compiled,
            replacement: replacement.unwrap_or("[REDACTED]").to_string(),
        })
    }

    /// True when some pattern could match `text` (a pass over its bytes that finds
    /// what each built-in pattern needs: enough digits for a card, a key word, `bearer`
    /// or `basic`, a JWT's `ey`); a custom pattern always could.
    pub fn may_match(&self, text: &str) -> bool {
        let t = Triggers::of(text);
        self.patterns.iter().any(|p| t.allows(p))
    }

    /// The text with every secret replaced (borrowed when nothing matched).
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let triggers = Triggers::of(text);
        let mut out = Cow::Borrowed(text);
        for p in self.patterns.iter().filter(|p| triggers.allows(p)) {
            let next = match p {
                Pattern::Card => redact_cards(&out, &self.replacement),
                Pattern::Password { key, separator } => {
                    redact_key_values(&out, key, separator, &self.replacement)
                }
                Pattern::Bearer(re) => re.replace_all(&out, |c: &Captures| {
                    let scheme = &c[0][..c.get(1).map_or(0, |m| m.len())];
                    format!("{scheme} {}", self.replacement)
                }),
                Pattern::Jwt(re) => re.replace_all(&out, |c: &Captures| {
                    if is_jose(&c[0]) {
                        self.replacement.clone()
                    } else {
                        c[0].to_string()
                    }
                }),
                Pattern::Custom(re) => re.replace_all(&out, self.replacement.as_str()),
            };
            if let Cow::Owned(s) = next {
                out = Cow::Owned(s);
            }
        }
        out
    }

    /// The value of a key-value, redacted: the whole value when the key names a secret.
    pub fn redact_value<'a>(&self, key: &str, value: &'a str) -> Cow<'a, str> {
        if is_secret_name(key) {
            Cow::Owned(self.replacement.clone())
        } else {
            self.redact(value)
        }
    }
}

/// The bytes [`Triggers::of`] looks at: digits, `e`, non-ASCII, and the first letters
/// of the key words and schemes (either case); 0 for every other byte.
static CLASS: [u8; 256] = {
    let mut class = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let lower = (b as u8).to_ascii_lowercase();
        if (b as u8).is_ascii_digit()
            || b >= 0x80
            || matches!(lower, b'e' | b'p' | b's' | b't' | b'k' | b'c' | b'b')
        {
            class[b] = 1;
        }
        b += 1;
    }
    class
};

/// What a text holds that the built-in patterns need, found in one pass.
struct Triggers {
    /// Digits in all: a card needs 13.
    digits: usize,
    /// A word a secret key is made of (`pass`, `pwd`, `secret`, `token`, `key`,
    /// `credential`), any case.
    key_word: bool,
    /// `bearer` or `basic`, any case.
    scheme: bool,
    /// `ey` or `ew`: how a JWT's base64url JSON header starts.
    jose: bool,
}

impl Triggers {
    fn of(text: &str) -> Triggers {
        let bytes = text.as_bytes();
        let mut t = Triggers {
            digits: 0,
            key_word: false,
            scheme: false,
            jose: false,
        };
        let at = |i: usize, word: &[u8]| {
            bytes
                .get(i..i + word.len())
                .is_some_and(|b| b.eq_ignore_ascii_case(word))
        };
        for (i, &b) in bytes.iter().enumerate() {
            if CLASS[usize::from(b)] == 0 {
                continue; // most bytes: nothing a pattern starts with
            }
            match b {
                b'0'..=b'9' => t.digits += 1,
                b'e' => t.jose |= matches!(bytes.get(i + 1), Some(b'y' | b'w')),
                // the case-insensitive patterns fold Unicode too (`ſ` is an `s`, the
                // Kelvin sign a `k`): with any non-ASCII letter, let them look
                0x80.. => {
                    t.key_word = true;
                    t.scheme = true;
                }
                _ => {}
            }
            match b.to_ascii_lowercase() {
                b'p' => t.key_word |= at(i, b"pass") || at(i, b"pwd"),
                b's' => t.key_word |= at(i, b"secret"),
                b't' => t.key_word |= at(i, b"token"),
                b'k' => t.key_word |= at(i, b"key"),
                b'c' => t.key_word |= at(i, b"credential"),
                b'b' => t.scheme |= at(i, b"bearer") || at(i, b"basic"),
                _ => {}
            }
        }
        t
    }

    /// False when `pattern` cannot match the text.
    fn allows(&self, pattern: &Pattern) -> bool {
        match pattern {
            Pattern::Card => self.digits >= 13,
            Pattern::Password { .. } => self.key_word,
            Pattern::Bearer(_) => self.scheme,
            Pattern::Jwt(_) => self.jose,
            Pattern::Custom(_) => true,
        }
    }
}

/// Card numbers: runs of digit groups split by separators (spaces, tabs, `-`, `.`,
/// `_`, `/`), where any consecutive groups holding 13–19 digits that pass Luhn are a
/// card; a CVV, an amount or an order number beside it does not hide it.
fn redact_cards<'a>(text: &'a str, replacement: &str) -> Cow<'a, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        // collect the groups of this run
        let mut groups: Vec<(usize, usize)> = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            groups.push((start, j));
            let mut k = j;
            while k < bytes.len()
                && k - j < 3
                && matches!(bytes[k], b' ' | b'\t' | b'-' | b'.' | b'_' | b'/')
            {
                k += 1;
            }
            if k > j && k < bytes.len() && bytes[k].is_ascii_digit() {
                j = k;
            } else {
                break;
            }
        }
        let run_end = groups.last().map_or(i, |g| g.1);
        let followed_by_word = bytes.get(run_end).is_some_and(u8::is_ascii_alphabetic);
        let mut matched: Vec<(usize, usize)> = Vec::new();
        let mut g = 0;
        while g < groups.len() && !followed_by_word {
            let mut found = None;
            let mut digits = String::new();
            for (h, &(s, e)) in groups.iter().enumerate().skip(g) {
                digits.push_str(&text[s..e]);
                if digits.len() > 19 {
                    break;
                }
                if digits.len() >= 13 && luhn(&digits) {
                    found = Some(h);
                }
            }
            match found {
                Some(h) => {
                    matched.push((groups[g].0, groups[h].1));
                    g = h + 1;
                }
                None => g += 1,
            }
        }
        for (s, e) in matched {
            let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
            o.push_str(&text[copied..s]);
            o.push_str(replacement);
            copied = e;
        }
        i = run_end.max(i + 1);
    }
    match out {
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(text),
    }
}

/// `key = value` where the key names a secret: the value (quoted, or up to the next
/// delimiter) is replaced, quotes kept.
fn redact_key_values<'a>(
    text: &'a str,
    key: &Regex,
    separator: &Regex,
    replacement: &str,
) -> Cow<'a, str> {
    let mut out: Option<String> = None;
    let mut copied = 0;
    for m in key.find_iter(text) {
        if m.start() < copied {
            continue;
        }
        let rest = &text[m.end()..];
        let Some(sep) = separator.find(rest) else {
            continue;
        };
        let value_start = m.end() + sep.end();
        let value = &text[value_start..];
        if value
            .trim_start_matches(['"', '\''])
            .starts_with(replacement)
        {
            continue; // redacted already
        }
        // passwords may hold spaces; tokens, keys and secrets never do
        let lower = m.as_str().to_ascii_lowercase();
        let spaces = lower.contains("pass") || lower.contains("pwd");
        let (skip, len) = value_extent(value, spaces);
        if len == 0 {
            continue;
        }
        let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
        o.push_str(&text[copied..value_start + skip]);
        o.push_str(replacement);
        copied = value_start + skip + len;
    }
    match out {
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(text),
    }
}

/// Where a secret value starts (after an opening quote) and how long it is: a quoted
/// value to its closing quote (backslash escapes honoured), else up to a delimiter
/// (`&`, `,`, `;`, a quote, a closing bracket, a line end, `%26`) or to the next
/// ` key=` / ` key:` when `spaces` (a password with spaces goes whole), else up to the
/// first space.
fn value_extent(value: &str, spaces: bool) -> (usize, usize) {
    let bytes = value.as_bytes();
    let quote = match bytes.first() {
        Some(b'"') => Some(b'"'),
        Some(b'\'') => Some(b'\''),
        _ => None,
    };
    if let Some(q) = quote {
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
    let mut end = bytes.len();
    let mut k = 0;
    while k < bytes.len() {
        // delimiters are ASCII: they never sit inside a multi-byte character
        if !value.is_char_boundary(k) {
            k += 1;
            continue;
        }
        let c = bytes[k];
        if matches!(
            c,
            b'&' | b',' | b';' | b'"' | b'\'' | b'}' | b')' | b']' | b'\n' | b'\r' | b'<' | b'>'
        ) || value[k..].starts_with("%26")
        {
            end = k;
            break;
        }
        if (c == b' ' || c == b'\t') && !spaces {
            end = k;
            break;
        }
        if c == b' ' || c == b'\t' {
            // a password with spaces runs to the end of its clause, unless the clause
            // goes on with other syntax (`key=`, `Bearer [..]`, a run of spaces): then
            // the value is the first word
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
            if next.is_empty()
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

/// True when `token` has the shape of a JWS or JWE: its first part decodes to a JSON
/// object header naming an algorithm or a type.
fn is_jose(token: &str) -> bool {
    let header = token.split('.').next().unwrap_or_default();
    let Some(json) = base64url_decode(header) else {
        return false;
    };
    let json = String::from_utf8_lossy(&json);
    json.trim_start().starts_with('{')
        && (json.contains("\"alg\"") || json.contains("\"typ\"") || json.contains("\"enc\""))
}

fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        })
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes().take(4096) {
        acc = (acc << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {

    /// The table-driven look agrees with the plain definition: some secret word,
    /// any case, anywhere in the name (or the name is `card`, `pin` or `ssn`).
    #[test]
    fn secret_names_are_found_as_by_a_plain_search() {
        let plain = |name: &str| {
            let lower = name.to_ascii_lowercase();
            SECRET_KEYS.iter().any(|k| lower.contains(k))
                || ["card", "pin", "ssn"].contains(&lower.as_str())
        };
        let mut names: Vec<String> = [
            "method",
            "path",
            "status",
            "duration",
            "user_agent",
            "query",
            "Password",
            "db_PASSWORD",
            "x-api-key",
            "newPassWd",
            "tok",
            "TOKEN_x",
            "cvv2",
            "ccvc",
            "Authorization",
            "credentials",
            "pin",
            "PIN",
            "pins",
            "card",
            "cards",
            "ssn",
            "",
            "p",
            "pw",
            "pwd",
            "apikey",
            "api_ke",
            "private_keys",
            "ſecret",
            "passphrase",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // every secret word with a letter before, after, and cut short
        for k in SECRET_KEYS {
            names.push(format!("x{k}y"));
            names.push(k[..k.len() - 1].to_string());
            names.push(k.to_ascii_uppercase());
        }
        for n in &names {
            assert_eq!(is_secret_name(n), plain(n), "{n:?}");
        }
    }

    use super::*;

    #[test]
    fn unicode_case_folding_cannot_slip_past_the_prefilter() {
        let r = Redactor::new(None, None).unwrap();
        // U+017F folds to `s`, U+212A (Kelvin) to `k`: the patterns match them
        assert_eq!(
            r.redact("pa\u{17f}\u{17f}word=hunter2"),
            "pa\u{17f}\u{17f}word=[REDACTED]"
        );
        assert_eq!(
            r.redact("api_\u{212a}ey=abc123"),
            "api_\u{212a}ey=[REDACTED]"
        );
        assert!(r.may_match("Bearer\u{a0}x"));
    }

    #[test]
    fn redacts_builtin_secrets() {
        let r = Redactor::new(None, None).unwrap();
        assert_eq!(
            r.redact("card 4111 1111 1111 1111 ok"),
            "card [REDACTED] ok"
        );
        assert_eq!(
            r.redact("order 4111111111111112"),
            "order 4111111111111112",
            "fails Luhn: not a card"
        );
        assert_eq!(
            r.redact("login password=hunter2&user=bob"),
            "login password=[REDACTED]&user=bob"
        );
        assert_eq!(
            r.redact(r#"{"password": "hunter2", "user": "bob"}"#),
            r#"{"password": "[REDACTED]", "user": "bob"}"#
        );
        assert_eq!(
            r.redact("Authorization: Bearer abc.def-123"),
            "Authorization: Bearer [REDACTED]"
        );
        assert_eq!(
            r.redact("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_x"),
            "token [REDACTED]"
        );
        assert_eq!(r.redact("nothing here"), "nothing here");
        assert!(matches!(r.redact("nothing here"), Cow::Borrowed(_)));
        assert_eq!(r.redact_value("api_key", "abc"), "[REDACTED]");
    }

    #[test]
    fn custom_patterns_and_replacement() {
        let r = Redactor::new(Some(&["acct-\\d+".to_string()]), Some("***")).unwrap();
        assert_eq!(r.redact("acct-123 and password=x"), "*** and password=x");
        assert!(Redactor::new(Some(&["(".to_string()]), None).is_err());
    }
}
