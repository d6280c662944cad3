//! The `redact` filter: secrets rewritten in a record's message, key-values and context
//! fields before any handler writes them. The catalogue of what it finds, and what it
//! keeps, is docs/redaction.md.
//!
//! The matchers read a decoded copy of the text ([`decode`]: percent-encoding, `\u`
//! escapes, HTML references, Unicode digits, spaces and dashes made plain); what they
//! find is replaced in the original.

mod cards;
mod decode;
mod first_look;
mod key_values;
mod names;
mod tokens;

use std::borrow::Cow;

use regex::Regex;

pub use names::is_secret_name;

use first_look::{FirstLook, Seen, NEAR};

/// The built-in pattern names.
pub const BUILTIN: &[&str] = &["card", "password", "bearer", "jwt", "keys"];

/// What [`Redactor::first_look`] found in a text: which matchers have work.
#[derive(Clone, Copy)]
pub struct Looked(Seen);

/// How card numbers are written once found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Mask {
    /// Replaced whole, like every other secret (the default).
    #[default]
    None,
    /// Every digit but the last four becomes `*`, separators kept
    /// (`**** **** **** 1111`); PCI DSS allows showing the last four.
    Last4,
}

/// Which built-in matchers a redactor runs.
#[derive(Default)]
struct Builtins {
    cards: bool,
    key_values: bool,
    bearer: bool,
    jwt: bool,
    keys: bool,
}

/// A compiled set of patterns.
pub struct Redactor {
    builtins: Builtins,
    custom: Vec<Regex>,
    shapes: Option<tokens::Shapes>,
    tracks: Option<cards::Tracks>,
    first_look: FirstLook,
    replacement: String,
    mask: Mask,
}

impl Redactor {
    /// Compiles built-in names and regular expressions; an error gives the index of
    /// the bad pattern in `patterns` and the regex engine's one-line complaint.
    pub fn new(
        patterns: Option<&[String]>,
        replacement: Option<&str>,
        mask: Mask,
    ) -> Result<Redactor, (usize, String)> {
        let names: Vec<String> = match patterns {
            Some(p) => p.to_vec(),
            None => BUILTIN.iter().map(|s| s.to_string()).collect(),
        };
        let mut builtins = Builtins::default();
        let mut custom = Vec::new();
        for (i, name) in names.iter().enumerate() {
            match name.as_str() {
                "card" => builtins.cards = true,
                "password" => builtins.key_values = true,
                "bearer" => builtins.bearer = true,
                "jwt" => builtins.jwt = true,
                "keys" => builtins.keys = true,
                other => custom.push(Regex::new(other).map_err(|e| {
                    let last = e
                        .to_string()
                        .lines()
                        .last()
                        .unwrap_or_default()
                        .trim()
                        .to_string();
                    (i, last)
                })?),
            }
        }
        let shapes = (builtins.bearer || builtins.jwt || builtins.keys || builtins.key_values)
            .then(tokens::Shapes::new);
        Ok(Redactor {
            tracks: builtins.cards.then(cards::Tracks::new),
            builtins,
            custom,
            shapes,
            first_look: FirstLook::new(),
            replacement: replacement.unwrap_or("[REDACTED]").to_string(),
            mask,
        })
    }

    /// True when the built-in matchers that are on have something to look at.
    fn worth_it(&self, seen: &Seen) -> bool {
        let b = &self.builtins;
        (b.cards && seen.digits >= 13)
            || (b.key_values && (seen.names || seen.urls))
            || (b.bearer && seen.schemes)
            || (b.jwt && seen.jwt)
            || (b.keys && seen.keys)
    }

    /// True when some pattern could match `text`; a custom pattern always could.
    pub fn may_match(&self, text: &str) -> bool {
        self.first_look(text).is_some()
    }

    /// What the first look at `text` found, when some pattern could match (a custom
    /// pattern always could): to hand to [`Redactor::redact_after`] with the same text.
    pub fn first_look(&self, text: &str) -> Option<Looked> {
        let seen = if decode::needs_decoding(text) {
            self.first_look.look(&decode::decode(text).text)
        } else {
            self.first_look.look(text)
        };
        (self.worth_it(&seen) || !self.custom.is_empty()).then_some(Looked(seen))
    }

    /// The text with every secret replaced (borrowed when nothing matched).
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.first_look(text) {
            Some(looked) => self.redact_after(text, looked),
            None => Cow::Borrowed(text),
        }
    }

    /// [`Redactor::redact`] after [`Redactor::first_look`] at the same text.
    pub fn redact_after<'a>(&self, text: &'a str, looked: Looked) -> Cow<'a, str> {
        let Looked(seen) = looked;
        let decoded = decode::decode(text);
        let plain = decoded.text.as_ref();
        let b = &self.builtins;
        let mut found: Vec<(usize, usize)> = Vec::new();
        let mut card_spans: Vec<(usize, usize)> = Vec::new();
        if b.cards && seen.digits >= 13 {
            cards::find(plain, &mut card_spans);
            // track data holds its card number, followed by `^`, `=` or `D`
            let pb = plain.as_bytes();
            if let Some(t) = &self.tracks {
                if card_spans
                    .iter()
                    .any(|&(_, e)| matches!(pb.get(e), Some(b'^' | b'=' | b'D')))
                {
                    t.find(plain, &mut found);
                }
            }
        }
        if b.key_values && seen.names {
            let near = (seen.hits <= NEAR).then_some(&seen.near[..seen.hits.min(NEAR)]);
            key_values::find(plain, &self.replacement, near, &mut found);
        }
        if let Some(shapes) = &self.shapes {
            shapes.find(
                plain,
                tokens::Which {
                    bearer: b.bearer && seen.schemes,
                    jwt: b.jwt && seen.jwt,
                    keys: b.keys && seen.keys,
                    url_passwords: b.key_values && seen.urls,
                },
                &mut found,
            );
        }
        let mut spans: Vec<(usize, usize, bool)> = found
            .into_iter()
            .map(|(s, e)| decoded.original(s, e))
            .map(|(s, e)| (s, e, false))
            .chain(
                card_spans
                    .into_iter()
                    .map(|(s, e)| decoded.original(s, e))
                    .map(|(s, e)| (s, e, true)),
            )
            .collect();
        // a URL's password is percent-encoded in the original (`S3cr%2Fet%40x@db`)
        if b.key_values && decoded.changed() {
            let mut raw = Vec::new();
            tokens::url_passwords(text, &mut raw);
            spans.extend(raw.into_iter().map(|(s, e)| (s, e, false)));
        }
        for re in &self.custom {
            spans.extend(re.find_iter(text).map(|m| (m.start(), m.end(), false)));
        }
        if spans.is_empty() {
            return Cow::Borrowed(text);
        }
        self.replace(text, spans)
    }

    /// `text` with the `spans` (start, end, is a card) replaced; overlapping spans
    /// become one.
    fn replace<'a>(&self, text: &'a str, mut spans: Vec<(usize, usize, bool)>) -> Cow<'a, str> {
        spans.retain(|&(s, e, _)| s < e && e <= text.len());
        spans.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut k = 0;
        while k < spans.len() {
            let (start, mut end, mut card) = spans[k];
            k += 1;
            while k < spans.len() && spans[k].0 < end {
                end = end.max(spans[k].1);
                card &= spans[k].2;
                k += 1;
            }
            let start = start.max(copied);
            if start >= end {
                continue;
            }
            out.push_str(&text[copied..start]);
            if card && self.mask == Mask::Last4 {
                out.push_str(&cards::mask_last4(&text[start..end]));
            } else {
                out.push_str(&self.replacement);
            }
            copied = end;
        }
        out.push_str(&text[copied..]);
        if out == text {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(out)
        }
    }

    /// The value of a key-value, redacted: the whole value when the key names a secret
    /// (and the password matcher is on).
    pub fn redact_value<'a>(&self, key: &str, value: &'a str) -> Cow<'a, str> {
        if self.builtins.key_values && is_secret_name(key) {
            Cow::Owned(self.replacement.clone())
        } else {
            self.redact(value)
        }
    }

    /// True when the password matcher is on (a key's name alone can make its value a
    /// secret).
    pub fn judges_names(&self) -> bool {
        self.builtins.key_values
    }
}

/// True when a number has as many digits as a card number (13–19): such an integer
/// key-value is redacted like a card.
pub fn card_length(n: u64) -> bool {
    (13..=19).contains(&n.checked_ilog10().map_or(1, |d| d + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name the key-value matcher would judge secret wakes it: the first look
    /// never hides a name from the matcher.
    #[test]
    fn every_secret_name_wakes_the_matcher() {
        let r = Redactor::new(None, None, Mask::None).unwrap();
        let mut names: Vec<String> = Vec::new();
        let words = names::LAST_WORDS
            .iter()
            .chain(names::SUFFIX_WORDS)
            .map(|w| w.to_string())
            .chain(names::PAIRS.iter().map(|(a, b)| format!("{a}_{b}")));
        for w in words {
            let camel: String = w
                .split('_')
                .enumerate()
                .map(|(i, p)| {
                    if i == 0 {
                        p.to_string()
                    } else {
                        p[..1].to_ascii_uppercase() + &p[1..]
                    }
                })
                .collect();
            for n in [
                w.clone(),
                w.to_ascii_uppercase(),
                format!("db_{w}"),
                format!("x-{w}"),
                format!("my{}", camel[..1].to_ascii_uppercase() + &camel[1..]),
                camel,
            ] {
                names.push(n);
            }
        }
        for n in names.iter().filter(|n| names::is_secret_name(n)) {
            for text in [format!("{n}=abc123"), format!("{{\"{n}\": \"abc123\"}}")] {
                assert!(
                    r.first_look.look(&text).names,
                    "{text:?} does not wake the matcher"
                );
                assert_ne!(r.redact(&text), text, "{text:?} is not redacted");
            }
        }
    }
}
