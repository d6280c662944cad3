//! The first look at a text: one quick pass that says which matchers have anything to
//! look at. Most records stop here and are passed on without a copy.
//!
//! Each matcher has a sign it cannot do without, found with vectorised searches
//! (`memchr`) rather than by reading every byte through an automaton:
//!
//! - cards: 13 digits in the text;
//! - key-values: a separator (`=`, `:`, `>`), a prose verb (`is`, `was`, `set to`) or a
//!   quoted value right after a name [`is_secret_name`] accepts (two words too: `otp
//!   code:`, `IDENTIFIED BY`), a secret's name as the value of `name`/`key` (a `value`
//!   follows), `--NAME`, `--user`, or a short flag (` -p`, ` -a`, ` -w`, ` -k`, ` -u`);
//! - credentials: `Bearer`/`Basic` at a word start, or an `Authorization` name;
//! - JWTs and providers' keys: a run of 20 token characters (`[A-Za-z0-9_-]`) mixing
//!   cases or holding `_` and a digit, 20 capitals and digits (AWS key ids), 40 base64
//!   characters mixing cases (AWS secret keys), `-----BEGIN`, or `key-` and `dapi`
//!   (Mailgun's and Databricks' hex keys);
//! - passwords in URLs: `://` with an `@` after it.

use memchr::memmem;

use super::key_values::{is_name_byte, tag_around};
use super::names::is_secret_name;

/// The most places of secret names [`Seen`] keeps; with more, the key-value matcher
/// reads the whole text.
pub const NEAR: usize = 16;

/// What the first look found.
#[derive(Clone, Copy, Default)]
pub struct Seen {
    /// The digits of the longest number that could be a card's (digit groups with
    /// at most three separators between them); 0–12 when the text holds fewer than 13
    /// digits in all.
    pub digits: usize,
    /// A secret name with a separator after it.
    pub names: bool,
    /// Where those names start (the first [`NEAR`]), and how many there were.
    pub near: [usize; NEAR],
    /// How many names were found.
    pub hits: usize,
    /// `Bearer`/`Basic` or an `Authorization` name.
    pub schemes: bool,
    /// A JSON Web Token's header.
    pub jwt: bool,
    /// A providers' key's shape.
    pub keys: bool,
    /// `://` with an `@` after it.
    pub urls: bool,
}

impl Seen {
    fn name_at(&mut self, at: usize, name: &str) {
        self.names = true;
        if self.hits < NEAR {
            self.near[self.hits] = at;
        }
        self.hits += 1;
        if name.to_ascii_lowercase().ends_with("authorization") {
            self.schemes = true;
        }
    }
}

/// The searchers, built once per redactor.
pub struct FirstLook {
    verbs: [memmem::Finder<'static>; 4],
    cli: memmem::Finder<'static>,
    short_flag: memmem::Finder<'static>,
    keys: [memmem::Finder<'static>; 4],
    url: memmem::Finder<'static>,
}

impl FirstLook {
    /// Builds the searchers.
    pub fn new() -> FirstLook {
        FirstLook {
            verbs: [" is", " was", " to", " '"].map(memmem::Finder::new),
            cli: memmem::Finder::new("--"),
            short_flag: memmem::Finder::new(" -"),
            keys: ["-----BEGIN", "key-", "dapi", "xox"].map(memmem::Finder::new),
            url: memmem::Finder::new("://"),
        }
    }

    /// What `text` holds that the matchers need (the text is decoded already).
    pub fn look(&self, text: &str) -> Seen {
        let bytes = text.as_bytes();
        // one pass for what decides which searches can find anything: digits, spaces,
        // dashes
        let (digits, spaces, dashes) = bytes.iter().fold((0u32, 0u32, 0u32), |(d, s, h), &b| {
            (
                d + u32::from(b.wrapping_sub(b'0') < 10),
                s + u32::from(b == b' '),
                h + u32::from(b == b'-'),
            )
        });
        let mut seen = Seen {
            digits: digits as usize,
            ..Seen::default()
        };
        if seen.digits >= 13 {
            seen.digits = longest_number(bytes);
        }
        // key-values: the name before each separator
        for at in memchr::memchr3_iter(b'=', b':', b'>', bytes) {
            let mut end = at;
            if bytes[at] == b'>' && end > 0 && bytes[end - 1] == b'-' {
                end -= 1; // `name -> value`
            }
            if bytes[at] == b'>' && end > 0 && bytes[end - 1] == b'=' {
                continue; // `=>`: seen at its `=`
            }
            if let Some((start, name)) = name_before(text, end) {
                if is_secret_name(name.trim_start_matches('-'))
                    || (name.eq_ignore_ascii_case("value") && tag_around(text, start).is_some())
                    || name.eq_ignore_ascii_case("identified by")
                {
                    seen.name_at(start, name);
                } else if names_a_field(name) {
                    if let Some((v, value)) = word_after(text, at + 1) {
                        if is_secret_name(value) {
                            seen.name_at(v, value);
                        }
                    }
                }
            }
        }
        // prose: `password is X`, `password set to X`; SQL: `PASSWORD 'x'`,
        // `IDENTIFIED BY 'x'`
        for verb in self.verbs.iter().filter(|_| spaces > 0) {
            for at in verb.find_iter(bytes) {
                let needle = verb.needle();
                let after = at + needle.len();
                if needle != b" '" && !matches!(bytes.get(after), Some(b' ' | b':')) {
                    continue;
                }
                let mut end = at;
                if needle == b" to" {
                    // the verb before `to`
                    let mut w = end;
                    while w > 0 && bytes[w - 1].is_ascii_alphabetic() && end - w < 8 {
                        w -= 1;
                    }
                    let verb = &text[w..end];
                    if !["set", "changed", "reset", "updated"]
                        .iter()
                        .any(|v| verb.eq_ignore_ascii_case(v))
                    {
                        continue;
                    }
                    end = w;
                }
                if let Some((start, name)) = name_before(text, end) {
                    if is_secret_name(name) || name.eq_ignore_ascii_case("identified by") {
                        seen.name_at(start, name);
                    }
                }
            }
        }
        // command lines: `--password VALUE`, `mysql -pVALUE`
        for at in self.cli.find_iter(if dashes >= 2 { bytes } else { &[] }) {
            let limit = (at + 130).min(bytes.len());
            let end = (at + 2..limit)
                .find(|&k| !is_name_byte(bytes[k]))
                .unwrap_or(limit);
            let flag = &text[at + 2..end];
            if end > at + 2 && (is_secret_name(flag) || flag.eq_ignore_ascii_case("user")) {
                seen.name_at(at, &text[at + 2..end]);
            }
        }
        // short flags: `mysql -pVALUE`, `-p VALUE`, `redis-cli -a`, `curl -u user:pass`
        for at in self
            .short_flag
            .find_iter(if spaces > 0 && dashes > 0 { bytes } else { &[] })
        {
            if matches!(
                bytes.get(at + 2),
                Some(b'p' | b'a' | b'w' | b'k' | b'u' | b'U')
            ) {
                seen.name_at(at + 1, "-");
            }
        }
        // credentials: `Bearer X`, `Basic X` at a word start
        for at in memchr::memchr2_iter(b'b', b'B', bytes) {
            if at > 0 && bytes[at - 1].is_ascii_alphanumeric() {
                continue;
            }
            let word = |w: &[u8]| {
                bytes
                    .get(at..at + w.len())
                    .is_some_and(|b| b.eq_ignore_ascii_case(w))
            };
            if word(b"bearer") || word(b"basic") {
                seen.schemes = true;
                seen.names = true; // `bearer=…` is a name too
                if seen.hits < NEAR {
                    seen.near[seen.hits] = at;
                }
                seen.hits += 1;
            }
        }
        // a JWT, like a provider's key, is a long run of token characters
        seen.keys = (bytes.len() >= 20 && long_runs(bytes))
            || (dashes > 0 && self.keys[..2].iter().any(|f| f.find(bytes).is_some()))
            || self.keys[2..].iter().any(|f| f.find(bytes).is_some());
        seen.jwt = seen.keys;
        seen.urls = memchr::memchr(b'@', bytes).is_some()
            && self
                .url
                .find(bytes)
                .is_some_and(|at| memchr::memchr(b'@', &bytes[at..]).is_some());
        seen
    }
}

/// The digits of the longest run of digit groups split by at most three card
/// separators (as `cards::find` reads them).
fn longest_number(bytes: &[u8]) -> usize {
    let (mut best, mut run, mut gap) = (0, 0, 0);
    for &b in bytes {
        if b.is_ascii_digit() {
            run += 1;
            gap = 0;
            best = best.max(run);
        } else if run > 0 && gap < 3 && super::cards::is_separator(b) {
            gap += 1;
        } else {
            run = 0;
            gap = 0;
        }
    }
    best
}

/// The name that ends at `end` (after closing quotes and spaces are skipped): its start
/// and text.
pub(super) fn name_before(text: &str, end: usize) -> Option<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut e = end;
    let mut spaces = 0;
    while e > 0 && matches!(bytes[e - 1], b' ' | b'\t' | b'\n' | b'\r') && spaces < 16 {
        e -= 1;
        spaces += 1;
    }
    let mut closing = 0;
    let mut paren = false;
    while e > 0 && closing < 8 && matches!(bytes[e - 1], b'"' | b'\'' | b'`' | b'\\' | b']' | b')')
    {
        paren |= bytes[e - 1] == b')';
        e -= 1;
        closing += 1;
    }
    let mut s = e;
    while s > 0 && is_name_byte(bytes[s - 1]) && e - s < 128 {
        s -= 1;
    }
    let name = text[s..e].trim_end_matches(['.', '-']);
    // `(otp) = x`, not `pam_unix(sudo:auth): …`
    if name.is_empty() || (paren && !(s > 0 && bytes[s - 1] == b'(')) {
        return None;
    }
    // two words: `otp code:`, `security code:`, `identified by 'x'`
    let second_word = name.len() <= 6
        && (name.eq_ignore_ascii_case("by")
            || super::names::PAIRS
                .iter()
                .any(|(_, b)| name.eq_ignore_ascii_case(b)));
    if second_word && s >= 2 && bytes[s - 1] == b' ' {
        let mut w = s - 1;
        while w > 0 && is_name_byte(bytes[w - 1]) && s - 1 - w < 32 {
            w -= 1;
        }
        let first = &text[w..s - 1];
        let pair = super::names::PAIRS
            .iter()
            .any(|(a, b)| first.eq_ignore_ascii_case(a) && name.eq_ignore_ascii_case(b));
        if pair || (first.eq_ignore_ascii_case("identified") && name.eq_ignore_ascii_case("by")) {
            return Some((w, &text[w..s + name.len()]));
        }
    }
    Some((s, name))
}

/// Names whose value names a secret (`{"name": "DB_PASSWORD", "value": "x"}`,
/// `- name: API_TOKEN`): a later `value` is then the secret.
pub(super) fn names_a_field(name: &str) -> bool {
    ["name", "key", "parameterkey", "variable", "env", "field"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
}

/// The word (a name) that starts at `at`, after quotes and spaces.
fn word_after(text: &str, at: usize) -> Option<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut s = at;
    while s < bytes.len() && s < at + 16 && matches!(bytes[s], b' ' | b'\t' | b'"' | b'\'' | b'\\')
    {
        s += 1;
    }
    let limit = (s + 128).min(bytes.len());
    let e = (s..limit)
        .find(|&k| !is_name_byte(bytes[k]))
        .unwrap_or(limit);
    (e > s).then(|| (s, &text[s..e]))
}

/// True when some stretch of 20 bytes holds no space: only then can the text hold a
/// long run. Eight bytes at a time (a space is a zero byte of `word ^ 0x20…`).
fn has_long_word(bytes: &[u8]) -> bool {
    const SPACES: u64 = 0x2020_2020_2020_2020;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let mut run = 0usize;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let t = u64::from_le_bytes(word) ^ SPACES;
        // 0x80 in each byte that is zero in `t` (a space), exactly
        let zero = !(((t & LOW7) + LOW7) | t | LOW7);
        if zero == 0 {
            run += 8;
        } else {
            run += (zero.trailing_zeros() / 8) as usize;
            if run >= 20 {
                return true;
            }
            run = (zero.leading_zeros() / 8) as usize;
        }
        if run >= 20 {
            return true;
        }
    }
    for &b in chunks.remainder() {
        run = if b == b' ' { 0 } else { run + 1 };
        if run >= 20 {
            return true;
        }
    }
    false
}

/// True when the text holds a run that may be a provider's key or a JWT: 20 or more
/// of `[A-Za-z0-9_-]` with both cases or an `_` and a digit, 20 or more capitals and
/// digits, or 40 or more base64 characters (`[A-Za-z0-9+/]`) with both cases.
fn long_runs(bytes: &[u8]) -> bool {
    if !has_long_word(bytes) {
        return false;
    }
    // each run of one kind, read whole: only runs long enough are looked into
    let runs = |kind: u8, min: usize, test: &dyn Fn(u8) -> bool| {
        bytes
            .split(|&b| CLASS[usize::from(b)] & kind == 0)
            .filter(|run| run.len() >= min)
            .any(|run| test(run.iter().fold(0u8, |k, &b| k | CLASS[usize::from(b)])))
    };
    runs(TOKEN, 20, &mixed)
        || runs(CAPS, 20, &|_| true)
        || runs(B64, 40, &|k| k & (UPPER | LOWER) == UPPER | LOWER)
}

/// Both cases, or an `_` and a digit.
fn mixed(kinds: u8) -> bool {
    kinds & (UPPER | LOWER) == UPPER | LOWER || kinds & (UNDER | DIGIT) == UNDER | DIGIT
}

const TOKEN: u8 = 1;
const UPPER: u8 = 2;
const LOWER: u8 = 4;
const DIGIT: u8 = 8;
const UNDER: u8 = 16;
const CAPS: u8 = 32;
const B64: u8 = 64;

/// Each byte's kinds, for [`long_runs`].
static CLASS: [u8; 256] = {
    let mut class = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let mut k = 0;
        if c.is_ascii_uppercase() {
            k |= TOKEN | UPPER | CAPS | B64;
        }
        if c.is_ascii_lowercase() {
            k |= TOKEN | LOWER | B64;
        }
        if c.is_ascii_digit() {
            k |= TOKEN | DIGIT | CAPS | B64;
        }
        if c == b'_' {
            k |= TOKEN | UNDER;
        }
        if c == b'-' {
            k |= TOKEN;
        }
        if c == b'+' || c == b'/' {
            k |= B64;
        }
        class[b] = k;
        b += 1;
    }
    class
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_words_are_found_exactly() {
        for len in 0..64 {
            for at in 0..8 {
                let text = format!("{}{}{}", " ".repeat(at), "x".repeat(len), " y ".repeat(3));
                assert_eq!(has_long_word(text.as_bytes()), len >= 20, "{text:?}");
            }
        }
        assert!(!has_long_word(
            "a b c d e f g h i j k l m n o p q r s t u v w x y z".as_bytes()
        ));
    }
}
