//! The `redact` filter: secrets (card numbers, passwords, bearer tokens, JWTs, custom
//! patterns) rewritten in a record's message and key-values before any handler writes
//! them.

use std::borrow::Cow;

use regex::{Captures, Regex};

/// The built-in pattern names.
pub const BUILTIN: &[&str] = &["card", "password", "bearer", "jwt"];

/// Key names whose values are always secrets.
const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "authorization",
    "card_number",
    "cvv",
    "cvc",
];

enum Pattern {
    Card(Regex),
    Password(Regex),
    Replace(Regex),
}

/// A compiled set of patterns.
pub struct Redactor {
    patterns: Vec<Pattern>,
    replacement: String,
}

/// True when a key names a secret (`password`, `api_key`, `access_token`, ...).
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    SECRET_KEYS.iter().any(|k| n.contains(k)) || n == "card" || n == "pin" || n == "ssn"
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
                "card" => Pattern::Card(re(r"\b\d(?:[ -]?\d){12,18}\b")?),
                "password" => Pattern::Password(re(
                    r#"(?i)\b(password|passwd|pwd|secret|api[_-]?key|access[_-]?token|refresh[_-]?token|client[_-]?secret)(["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s&,;"'}]+)"#,
                )?),
                "bearer" => Pattern::Replace(re(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+")?),
                "jwt" => Pattern::Replace(re(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")?),
                custom => Pattern::Replace(re(custom)?),
            });
        }
        Ok(Redactor {
            patterns: compiled,
            replacement: replacement.unwrap_or("[REDACTED]").to_string(),
        })
    }

    /// The text with every secret replaced (borrowed when nothing matched).
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for p in &self.patterns {
            let next = match p {
                Pattern::Card(re) => re.replace_all(&out, |c: &Captures| {
                    let digits: String = c[0].chars().filter(char::is_ascii_digit).collect();
                    if (13..=19).contains(&digits.len()) && luhn(&digits) {
                        self.replacement.clone()
                    } else {
                        c[0].to_string()
                    }
                }),
                Pattern::Password(re) => re.replace_all(&out, |c: &Captures| {
                    let value = &c[3];
                    let quoted = value.starts_with('"') || value.starts_with('\'');
                    let q = if quoted { &value[..1] } else { "" };
                    format!("{}{}{q}{}{q}", &c[1], &c[2], self.replacement)
                }),
                Pattern::Replace(re) => re.replace_all(&out, |c: &Captures| {
                    if c[0].to_ascii_lowercase().starts_with("bearer") {
                        format!("{} {}", &c[0][..6], self.replacement)
                    } else {
                        self.replacement.clone()
                    }
                }),
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

#[cfg(test)]
mod tests {
    use super::*;

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
