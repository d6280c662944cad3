//! The `redact` filter: secrets rewritten in a record's message, key-values and context
//! fields before any handler writes them. The catalogue of what it finds, and what it
//! keeps, is docs/redaction.md.
//!
//! The matchers read a decoded copy of the text ([`decode`]: percent-encoding, `\u`
//! escapes, HTML references, Unicode digits, spaces and dashes made plain); what they
//! find is replaced in the original.

mod blobs;
mod cards;
mod decode;
mod first_look;
mod key_values;
mod later;
mod names;
mod scan;
mod tokens;

use std::borrow::Cow;

use regex::Regex;

pub use names::is_secret_name;

use first_look::Seen;

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
    /// This redactor's number, never 0 and never another's: what it found clean can be
    /// remembered under it.
    id: u64,
    builtins: Builtins,
    custom: Vec<Regex>,
    shapes: Option<tokens::Shapes>,
    tracks: Option<cards::Tracks>,
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
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Ok(Redactor {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            tracks: builtins.cards.then(cards::Tracks::new),
            builtins,
            custom,
            shapes,
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

    /// This redactor's number (never 0, never another redactor's).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// True when some pattern could match `text`; a custom pattern always could.
    pub fn may_match(&self, text: &str) -> bool {
        !self.custom.is_empty() || self.worth_it(&self.look(text))
    }

    /// What the first look at `text` found, when some pattern could match (a custom
    /// pattern always could): to hand to [`Redactor::redact_after`] with the same text.
    pub fn first_look(&self, text: &str) -> Option<Looked> {
        let seen = self.look(text);
        (self.worth_it(&seen) || !self.custom.is_empty()).then_some(Looked(seen))
    }

    /// The first look at `text`, decoded when it needs to be.
    fn look(&self, text: &str) -> Seen {
        let seen = first_look::look(text);
        if seen.encoded {
            let mut decoded = first_look::look(&decode::decode(text).text);
            decoded.encoded = true;
            // a URL's `@` may be read as a letter (`admin:p@ss@db`): URLs are read in
            // the original too
            decoded.urls |= seen.urls;
            return decoded;
        }
        seen
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
        let spans = self.spans(text, looked);
        if spans.is_empty() {
            return Cow::Borrowed(text);
        }
        self.replace(text, spans)
    }

    /// What [`Redactor::redact_after`] replaces: (start, end, is a card) in `text`.
    fn spans(&self, text: &str, looked: Looked) -> Vec<(usize, usize, bool)> {
        let Looked(seen) = looked;
        let decoded = if seen.encoded {
            decode::decode(text)
        } else {
            decode::Decoded::plain(text)
        };
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
            let near = seen.near();
            let near = near.as_ref().map(|(places, n)| &places[..*n]);
            key_values::find(plain, &self.replacement, near, &mut found);
        }
        if b.key_values && seen.keys {
            blobs::find(plain, &self.replacement, &mut found);
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
        spans
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
    ///
    /// A JSON object under such a key is read inside instead when every string value in
    /// it is a plain word (`auth={"scheme":"bearer","valid":false}`): its own keys say
    /// which of its values are secrets.
    pub fn redact_value<'a>(&self, key: &str, value: &'a str) -> Cow<'a, str> {
        if self.builtins.key_values
            && is_secret_name(key)
            && !key_values::describes(key, value.trim(), "")
            && !key_values::plain_object(value)
        {
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

    /// The first look never hides a secret from the matchers: on generated texts made
    /// of names, values, separators, encodings and filler (crossing the 64-byte blocks
    /// the look reads), redacting after the first look gives what every matcher reading
    /// the whole text gives.
    #[test]
    fn the_first_look_agrees_with_reading_everything() {
        const PIECES: &[&str] = &[
            "password",
            "Password",
            "pwd",
            "PASSWD",
            "passwordHash",
            "db_password",
            "token",
            "api_key",
            "x-api-key",
            "AccessKey",
            "secret",
            "user",
            "id",
            "ID",
            "value",
            "name",
            "key",
            "card",
            "card number",
            "cvv",
            "pin",
            "otp code",
            "session_id",
            "cookie",
            "Set-Cookie",
            "Authorization",
            "authorization",
            "Bearer",
            "basic",
            "IDENTIFIED BY",
            " is ",
            " was ",
            " set to ",
            " changed to ",
            "--password",
            "--user",
            " -p",
            " -u",
            " -a",
            "=",
            "=",
            ":",
            ": ",
            " = ",
            "=>",
            "->",
            ">",
            "\"",
            "'",
            "`",
            "{",
            "}",
            "(",
            ")",
            "[",
            "]",
            "<",
            "</",
            "/>",
            "?",
            "&",
            "%2F",
            "%3D",
            "p%61ss",
            "\\u0077",
            "&amp;",
            "&#61;",
            "\u{a0}",
            "\u{2013}",
            "\u{ff14}",
            "é",
            "пароль",
            "密码",
            "🔑",
            "&#x41;",
            "\u{202f}",
            "\u{200b}",
            "hunter2",
            "S3cr3t!",
            "abc123",
            "4111 1111 1111 1111",
            "4111111111111111",
            "5500-0000-0000-0004",
            "378282246310005",
            "0b5f3c9e-8d2a-4f61-9b7e-2c4d6e8f0a1b",
            "41111111-1111-1111-1111-111111111111",
            "4111-1111-1111-1111-4111-1111-1111-11",
            "GET",
            "/ping",
            "d41d8cd98f00b204e9800998ecf8427e",
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "xoxb-123456789012-abcdefGHIJ",
            "dapi0123456789abcdef0123456789abcdef",
            "key-0123456789abcdef0123456789abcdef",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlX2hlcmVfeHl6",
            "-----BEGIN RSA PRIVATE KEY-----",
            "MIIEowIBAAKCAQEA",
            "-----END RSA PRIVATE KEY-----",
            "https://",
            "postgres://admin:",
            "@db:5432/app",
            "redis://:",
            "@cache",
            "mysql",
            "203.0.113.7",
            "2026-12-07T19:14:13Z",
            "12.50",
            "0x7fff5fbff8c8",
            "GET /api/v1/x",
            "SELECT * FROM users WHERE id = 7",
            "reset email sent",
            "at line 42",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "ABCDEFGHIJKLMNOPQRSTUV0123",
            "tokenizer",
            "shipping",
            "pa$$word",
            "p@ss",
            "w0rd",
            "s3cret",
            "user@example.com",
            "%253D",
            "%25",
            ", ",
            ",",
            " was leaked",
            "cGFzc3dvcmQ9T1A2alZKaVByMA==",
            "eyJwYXNzd29yZCI6ICJsMDhHVVU3NjYifQ",
            // values written later, pairs in lists, tools, dot leaders, signs first
            "Hy7bBy9qNfX2",
            "(Bluebird6791!vq)",
            "[CFA4pMpDmpfSOhjD]",
            " for bob: ",
            " the value ",
            "session key",
            "pagination",
            "+",
            "old=",
            "[[\"Cookie\", \"",
            "(b'cookie', b'",
            "sid=",
            "htpasswd -b f u ",
            "-cb",
            "........",
            "PASSWORD('",
            "/PASSWORD:",
            "\"AUTH\" \"",
            " -> \"",
            "!!",
            "]]",
            "''",
            "pass_wd",
            "pAsSwOrD",
            "passwordless",
            "dckr_pat_hihgYruQcFa271X87I7e",
            "93ca9b330a03f2116c5432a5306de416-us12",
            "AHRvbWFzX29wczgyAFRodFFJV1hvZXVtNQ==",
            "name=\"password\"\r\n\r\n",
            "\\x3d",
            "\"Name\":\"/prod/app/",
        ];
        let r = Redactor::new(None, None, Mask::None).unwrap();
        // full size in CI (`LOGCONF_STRESS=full`); LOGCONF_SEED tries other texts
        let full = std::env::var("LOGCONF_STRESS").is_ok_and(|v| v == "full");
        let texts = if full { 200_000 } else { 20_000 };
        let mut state = std::env::var("LOGCONF_SEED")
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0x2545_F491_4F6C_DD1D)
            | 1;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut differ = 0;
        for _ in 0..texts {
            let mut text = String::new();
            for _ in 0..1 + next(24) {
                match next(4) {
                    0 => text.push(' '),
                    1 => {}
                    2 => text.push_str(["_", "-", ".", "\n", "\t", "  "][next(6)]),
                    _ => text.push_str(["lorem ", "ipsum-dolor ", "x", "9"][next(4)]),
                }
                text.push_str(PIECES[next(PIECES.len())]);
            }
            // every byte the whole read replaces, the first look's read replaces too
            let covered = |spans: Vec<(usize, usize, bool)>| {
                let mut bytes = vec![false; text.len()];
                for (s, e, _) in spans {
                    bytes[s.min(text.len())..e.min(text.len())].fill(true);
                }
                bytes
            };
            let looked = covered(match r.first_look(&text) {
                Some(l) => r.spans(&text, l),
                None => Vec::new(),
            });
            let everything = covered(r.spans(&text, Looked(Seen::everything())));
            let missed = (0..text.len()).find(|&i| everything[i] && !looked[i]);
            assert!(
                missed.is_none(),
                "{text:?}: the first look's read keeps {:?}\n{:?}\n{:?}",
                missed.map(|i| &text[text.floor_char_boundary(i)..]),
                r.redact(&text),
                r.redact_after(&text, Looked(Seen::everything()))
            );
            differ += usize::from(looked != everything);
        }
        // reading the whole text judges names inside values the first look's read
        // skips (and the other way round): rare, and never a secret kept
        assert!(
            differ * 100 <= texts,
            "{differ} of {texts} texts read differently"
        );
    }

    /// Any text at all: random characters (ASCII signs, letters, digits, multibyte
    /// characters, escapes half written) never make the redactor panic.
    #[test]
    fn random_text_never_panics() {
        const ALPHABET: &[&str] = &[
            "a", "Z", "p", "w", "d", "9", "4", " ", "\t", "\n", "=", ":", ">", "-", "_", ".", "'",
            "\"", "\\", "%", "%2", "&", "&#", "&#x", ";", "<", "/", "@", "(", ")", "[", "]", "é",
            "–", "\u{a0}", "４", "٤", "🔑", "\u{200b}", "\\u00", "://", "--", "is",
        ];
        let r = Redactor::new(None, None, Mask::Last4).unwrap();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(state % 90) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(ALPHABET[(state % ALPHABET.len() as u64) as usize]);
            }
            let _ = r.redact(&text);
            let _ = r.redact_after(&text, Looked(Seen::everything()));
        }
    }

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
                    first_look::look(&text).names,
                    "{text:?} does not wake the matcher"
                );
                assert_ne!(r.redact(&text), text, "{text:?} is not redacted");
            }
        }
    }
}
