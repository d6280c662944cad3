//! The first look at a text: one quick pass that says which matchers have anything to
//! look at. Most records stop here and are passed on without a copy.
//!
//! Each matcher has a sign it cannot do without. The text is read 64 bytes at a time
//! as bitmasks of the bytes that can start one ([`scan`]), and only the places marked
//! are read closer:
//!
//! - cards: 13 digits in the text, and 13 bytes in a row without a letter;
//! - key-values: a separator (`=`, `:`, `>`), a prose verb (`is`, `was`, `will be`,
//!   `set to`, up to three words after the name) or a quoted value right after a name
//!   [`is_secret_name`] accepts (two words too: `otp code:`, `IDENTIFIED BY`), a tag
//!   named so (`<password type="text">`), a secret's name as the value of `name`/`key`
//!   (a `value` follows), `--NAME`, `--user`, or a flag of one dash (`-p`, `-a`, `-w`,
//!   `-k`, `-u`, `-password`);
//! - credentials: `Bearer`, `Basic`, `Digest`, `Negotiate`, `NTLM` at a word start,
//!   `token` after `Authorization`, or an `Authorization` name;
//! - JWTs and providers' keys: a run of 20 token characters (`[A-Za-z0-9_-]`) mixing
//!   cases or holding `_` and a digit, 20 capitals and digits (AWS key ids), 40 base64
//!   characters mixing cases (AWS secret keys), `-----BEGIN`, `key-`, `xoxb-` and
//!   `dapi` (Mailgun's, Slack's and Databricks' keys);
//! - passwords in URLs: `://` with an `@` after it.
//!
//! The generated test `the_first_look_agrees_with_reading_everything` (in `mod.rs`)
//! holds it to this: what the matchers redact reading the whole text, they redact
//! after the first look too.

use super::key_values::{
    is_clause_byte, is_name_byte, opens_a_pair, query_secret, tag_around, APPOSITIVE_LIMIT,
    PROSE_VERBS, WORDS_BEFORE_VERB,
};
use super::later;
use super::names::{self, is_secret_name};
use super::scan;

/// The most places of secret names [`Seen`] keeps; with more, the key-value matcher
/// reads the whole text.
pub const NEAR: usize = 16;

/// What the first look found.
#[derive(Clone, Copy, Default)]
pub struct Seen {
    /// The digits of the longest number that could be a card's (digit groups with
    /// at most three separators between them); 0–12 when no card number can be there
    /// (fewer than 13 digits, or no 13 bytes in a row without a letter).
    pub digits: usize,
    /// A secret name with a separator after it.
    pub names: bool,
    /// Where those names start (the first [`NEAR`]), and how many there were.
    near: [u32; NEAR],
    /// How many names were found.
    hits: usize,
    /// `Bearer`/`Basic` or an `Authorization` name.
    pub schemes: bool,
    /// A JSON Web Token's header.
    pub jwt: bool,
    /// A providers' key's shape.
    pub keys: bool,
    /// `://` with an `@` after it.
    pub urls: bool,
    /// Where the first `://` is.
    url_at: Option<usize>,
    /// `pas` or `pwd` (any case) somewhere before the place looked at.
    password_word: bool,
    /// The text holds `%`, `\`, `&` or a non-ASCII character: decoded, it may show
    /// more.
    pub encoded: bool,
}

impl Seen {
    /// Every matcher woken, reading the whole text: what the first look must agree
    /// with.
    #[cfg(test)]
    pub fn everything() -> Seen {
        Seen {
            digits: usize::MAX,
            names: true,
            hits: NEAR + 1,
            schemes: true,
            jwt: true,
            keys: true,
            urls: true,
            encoded: true,
            ..Seen::default()
        }
    }

    /// A secret's name at `at`.
    fn name_at(&mut self, at: usize, name: &str) {
        self.hit(at);
        let n = name.len();
        if n >= 13 && name.as_bytes()[n - 13..].eq_ignore_ascii_case(b"authorization") {
            self.schemes = true;
        }
    }

    /// A place for the key-value matcher to judge (a text past 4 GiB is read whole).
    fn hit(&mut self, at: usize) {
        self.names = true;
        match u32::try_from(at) {
            Ok(at) if self.hits < NEAR => self.near[self.hits] = at,
            Ok(_) => {}
            Err(_) => self.hits = NEAR,
        }
        self.hits += 1;
    }

    /// The places for the key-value matcher to judge, in the order of the text; `None`:
    /// too many, the whole text is to be read.
    pub fn near(&self) -> Option<([usize; NEAR], usize)> {
        if self.hits > NEAR {
            return None;
        }
        let mut places = [0; NEAR];
        for (to, &at) in places.iter_mut().zip(&self.near[..self.hits]) {
            *to = at as usize;
        }
        places[..self.hits].sort_unstable();
        Some((places, self.hits))
    }
}

/// What `text` holds that the matchers need (the text is decoded already, or
/// [`Seen::encoded`] says it needs to be). The bytes that can start a sign (separators,
/// spaces before a verb, dashes, `b`, `@`) are found 64 at a time ([`scan`]), and only
/// there is the text read closer.
pub fn look(text: &str) -> Seen {
    let bytes = text.as_bytes();
    let mut seen = Seen::default();
    if nothing_to_see(bytes) {
        return seen;
    }
    // a word of 20 bytes or more (a key, a token), a stretch of 13 without a letter (a
    // card number), 20 capitals and digits in a row (an AWS key id)
    let mut long_word_at = scan::Stretch::of(20);
    let mut card_room = scan::Stretch::of(13);
    let mut caps = scan::Stretch::of(20);
    let mut dapi = false;
    // a byte of a word but a capital ends the last block: a capital first in the next
    // is inside a word
    let mut carry = 0u64;
    let mut generated_word = false;
    for (base, block) in scan::blocks(bytes) {
        seen.digits += block.digit.count_ones() as usize;
        seen.encoded |= block.encoded != 0;
        // a password word in the text so far (or just after): the names before the
        // separators are read whole only then, or when their last letters say so;
        // `dapi`: a Databricks key
        scan::each_bit(block.p, |i| {
            let at = base + i;
            let password = matches!(
                bytes.get(at + 1..at + 3),
                Some(
                    [b'a' | b'A' | b'@' | b'4', b's' | b'S' | b'$' | b'5']
                        | [b'w' | b'W', b'd' | b'D']
                )
            );
            seen.password_word |= password;
            // a password's name before one blank (`password Hpw9tjXC*4`)
            if password {
                password_before_blank(text, at, &mut seen);
            }
            dapi |= at >= 2 && bytes.get(at - 2..at + 2) == Some(b"dapi");
        });
        scan::each_bit(block.separator, |i| separator_at(text, base + i, &mut seen));
        // a blank before `i`, `w`, `t`, `'` or `"` (the next block's first byte is read)
        let verbs = block.blank & ((block.verb >> 1) | 1 << 63);
        scan::each_bit(verbs, |i| verb_after(text, base + i, &mut seen));
        // a dash but one between digits (`2026-12-07`, a UUID's): a flag's, one after a
        // word (`key-`, `xoxb-`) or before a dash (the neighbours of the first and last
        // bytes are in other blocks: those are read)
        let dashes = block.dash & (!(block.digit << 1) | block.dash >> 1 | 1 | 1 << 63);
        scan::each_bit(dashes, |i| dash_at(text, base + i, &mut seen));
        // a scheme's first letter at a word start
        let words = block.scheme & !((block.letter | block.digit) << 1);
        scan::each_bit(words, |i| {
            let at = base + i;
            scheme_at(bytes, at, &mut seen);
            // `(b'cookie', b'x')`: the second item of a pair in a list, as bytes
            if bytes[at] == b'b' && matches!(bytes.get(at + 1), Some(b'\'' | b'"')) {
                pair_before(text, at + 1, &mut seen);
            }
        });
        // a capital after a byte of a word but a capital: a word that may look generated
        // (a credential's value written later in prose, `token for bob: X`)
        let valid = match bytes.len() - base {
            n if n >= 64 => !0,
            n => (1u64 << n) - 1,
        };
        let word_byte = !block.upper & !block.blank & valid;
        let inside = block.upper & ((word_byte << 1) | carry);
        carry = word_byte >> 63;
        if !generated_word && inside != 0 {
            scan::each_bit(inside, |i| {
                generated_word = generated_word || word_may_look_generated(bytes, base + i);
            });
        }
        long_word_at.feed(base, !block.blank & valid);
        card_room.feed(base, !block.letter & valid);
        caps.feed(base, block.upper | block.digit);
    }
    if seen.digits >= 13 && card_room.found.is_some() {
        seen.digits = longest_number(bytes);
    } else {
        seen.digits = seen.digits.min(12);
    }
    // a word that may look generated: every credential's name is judged, the value
    // may be written words after it
    if generated_word {
        seen.names = true;
        seen.hits = NEAR + 1;
    }
    // a JWT, like a provider's key, is a long run of token characters
    seen.keys |= caps.found.is_some();
    if let (false, Some(from)) = (seen.keys, long_word_at.found) {
        seen.keys = bytes[from..]
            .split(|&b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .any(|word| word.len() >= 20 && (dapi || long_word(word) || unprefixed_key(word)));
    }
    seen.jwt = seen.keys;
    seen.urls = seen
        .url_at
        .is_some_and(|at| memchr::memchr(b'@', &bytes[at..]).is_some());
    seen
}

/// True when the word (a run without blanks) around the capital at `at` may hold a
/// generated-looking value ([`later::may_hold_generated`], read within 128 bytes either
/// side: the longest value [`later::generated`] accepts).
fn word_may_look_generated(bytes: &[u8], at: usize) -> bool {
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let from = at.saturating_sub(128);
    let start = bytes[from..at]
        .iter()
        .rposition(blank)
        .map_or(from, |k| from + k + 1);
    let to = bytes.len().min(at + 128);
    let end = bytes[at..to].iter().position(blank).map_or(to, |k| at + k);
    later::may_hold_generated(&bytes[start..end])
}

/// True for a short text (under 20 bytes: no key, token or base64 blob is that short)
/// with fewer than 13 digits (no card) and none of the bytes every other sign needs: a
/// separator (`=`, `:`, `>`), a blank (prose, flags' values, `Bearer x`), a quote, `-`,
/// `+`, `@`, `$`, what needs decoding (`%`, `\`, `&`, control and non-ASCII bytes),
/// a leader of dots, and no word that may look generated (`S3cr3t!Hy7bBy9qNf`).
/// Most values of key-values and context fields are such texts (`GET`, `/ping`,
/// `200`, `anonymous`, `10.0.0.7`), or a UUID.
fn nothing_to_see(bytes: &[u8]) -> bool {
    static SIGN: [bool; 256] = {
        let mut sign = [false; 256];
        let mut b = 0;
        while b < 256 {
            sign[b] = b < 0x21
                || b >= 0x7f
                || matches!(
                    b as u8,
                    b'=' | b':'
                        | b'>'
                        | b'\''
                        | b'"'
                        | b'`'
                        | b'-'
                        | b'+'
                        | b'@'
                        | b'$'
                        | b'%'
                        | b'\\'
                        | b'&'
                );
            b += 1;
        }
        sign
    };
    (bytes.len() < 20
        && !bytes.iter().any(|&b| SIGN[usize::from(b)])
        && !bytes.windows(3).any(|w| w == b"...")
        && !later::may_hold_generated(bytes)
        && bytes.iter().filter(|b| b.is_ascii_digit()).count() < 13)
        || is_uuid(bytes)
}

/// True for a UUID alone (`0b5f3c9e-8d2a-4f61-9b7e-2c4d6e8f0a1b`, either case): a
/// request id, the commonest context value. No matcher finds anything in one (its
/// digits are no card's, its runs too short for a key's).
fn is_uuid(bytes: &[u8]) -> bool {
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// A credential's scheme at a word start (`at`: a `b`, `d`, `n` or `t`, any case):
/// `Bearer X`, `Basic X`, `Digest X`, `Negotiate X`, `NTLM X`, `Authorization: token X`.
fn scheme_at(bytes: &[u8], at: usize, seen: &mut Seen) {
    if at > 0 && bytes[at - 1].is_ascii_alphanumeric() {
        return;
    }
    let word = |w: &[u8]| {
        bytes
            .get(at..at + w.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(w))
    };
    if word(b"bearer") || word(b"basic") {
        seen.schemes = true;
        seen.hit(at); // `bearer=…` is a name too
    } else if word(b"digest") || word(b"negotiate") || word(b"ntlm") {
        seen.schemes = true;
    } else if word(b"token") {
        // `token X` is a credential only after `Authorization`
        let before = bytes[..at].trim_ascii_end();
        let before = before
            .strip_suffix(b":")
            .or_else(|| before.strip_suffix(b"="))
            .unwrap_or(before)
            .trim_ascii_end();
        let mut e = before.len();
        while e > 0 && matches!(before[e - 1], b'"' | b'\'') {
            e -= 1;
        }
        seen.schemes |= e >= 13 && before[e - 13..e].eq_ignore_ascii_case(b"authorization");
    }
}

/// A key-value: the name before the separator (`=`, `:`, `>`) at `at`; `://` starts a
/// URL.
fn separator_at(text: &str, at: usize, seen: &mut Seen) {
    let bytes = text.as_bytes();
    let mut end = at;
    match bytes[at] {
        b':' if seen.url_at.is_none() && bytes[at..].starts_with(b"://") => {
            seen.url_at = Some(at);
        }
        b'>' if at > 0 && bytes[at - 1] == b'-' => end -= 1, // `name -> value`
        b'>' if at > 0 && bytes[at - 1] == b'=' => return,   // `=>`: seen at its `=`
        _ => {}
    }
    // the `>` of a tag with attributes: `<password type="text">` (not an arrow)
    if bytes[at] == b'>' && at > 0 && !matches!(bytes[at - 1], b'-' | b'=' | b'/') {
        if let Some((tag, tag_name)) = tag_name_before(text, at) {
            if names_a_secret(text, tag, tag_name) {
                seen.name_at(tag, tag_name);
            }
        }
    }
    // a cookie, the second item of a pair in a list (`[["Cookie", "sid=x"]]`)
    if bytes[at] == b'=' {
        let mut s = at;
        while s > 0 && at - s < 64 && is_name_byte(bytes[s - 1]) {
            s -= 1;
        }
        if s > 0 && matches!(bytes[s - 1], b'"' | b'\'') {
            pair_before(text, s - 1, seen);
        }
    }
    if !may_name_a_secret(bytes, end, seen.password_word) {
        return;
    }
    let Some((start, name)) = name_before(text, end) else {
        return;
    };
    if names_a_secret(text, start, name) {
        seen.name_at(start, name);
    } else if names_a_field(name) {
        if let Some((v, value)) = word_after(text, at + 1) {
            if is_secret_name(value) {
                seen.name_at(v, value);
            }
        }
        // a parameter's path (`"Name": "/prod/app/db_password"`): its last segment
        if let Some((v, value)) = last_segment_of_path(text, at + 1) {
            if is_secret_name(value) {
                seen.name_at(v, value);
            }
        }
    }
}

/// The last segment of a path that starts at `at`, after quotes and spaces (`/prod/app/
/// db_password`: `db_password`), read within 256 bytes.
fn last_segment_of_path(text: &str, at: usize) -> Option<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut s = at;
    while s < bytes.len() && s < at + 16 && matches!(bytes[s], b' ' | b'\t' | b'"' | b'\'' | b'\\')
    {
        s += 1;
    }
    if bytes.get(s) != Some(&b'/') {
        return None;
    }
    let limit = text.floor_char_boundary(s + 256);
    let e = (s..limit)
        .find(|&k| !is_name_byte(bytes[k]) && bytes[k] != b'/')
        .unwrap_or(limit);
    let last = bytes[s..e]
        .iter()
        .rposition(|&b| b == b'/')
        .map_or(s, |k| s + k + 1);
    (e > last).then(|| (last, &text[last..e]))
}

/// The first item of a pair in a list whose second item opens with the quote at
/// `quote` (`[["Cookie", "sid=x"]]`, `[('password', 'x')]`, `(b'cookie', b'x')`): a
/// secret's name there is reported.
fn pair_before(text: &str, quote: usize, seen: &mut Seen) {
    let bytes = text.as_bytes();
    let mut k = quote;
    while k > 0 && quote - k < 4 && matches!(bytes[k - 1], b'\\' | b'b') {
        k -= 1;
    }
    while k > 0 && quote - k < 8 && bytes[k - 1] == b' ' {
        k -= 1;
    }
    if k == 0 || bytes[k - 1] != b',' {
        return;
    }
    if let Some((start, name)) = name_before(text, k - 1) {
        if opens_a_pair(bytes, start) && names_a_secret(text, start, name) {
            seen.name_at(start, name);
        }
    }
}

/// The name of the tag that the `>` at `at` closes, when it has attributes (`<password
/// type="text">`, `<ns1:password a="b">`): its start and text. The tag is looked for
/// within 512 bytes (the matcher looks for the `>` within 256 bytes after a name of up
/// to 128, after a namespace).
fn tag_name_before(text: &str, at: usize) -> Option<(usize, &str)> {
    let bytes = text.as_bytes();
    let from = at.saturating_sub(512);
    let open = (from..at)
        .rev()
        .find(|&k| matches!(bytes[k], b'<' | b'>'))?;
    if bytes[open] != b'<' {
        return None;
    }
    // past a namespace prefix
    let mut s = open + 1;
    let mut e = s;
    while e < at && (is_name_byte(bytes[e]) || bytes[e] == b':') {
        if bytes[e] == b':' {
            s = e + 1;
        }
        e += 1;
    }
    (e > s && bytes.get(e) == Some(&b' ')).then(|| (s, &text[s..e]))
}

/// Prose and SQL after the blank (a space, tab or line end) at `at`: `password is X`, `password was X`, `password
/// set to X`, `PASSWORD 'x'`, `cookie "x"`, `IDENTIFIED BY 'x'`.
fn verb_after(text: &str, at: usize, seen: &mut Seen) {
    let bytes = text.as_bytes();
    let rest = &bytes[at + 1..];
    // the word after the blank, any case, then a blank or `:`
    let verb = |verbs: &[&str]| {
        verbs.iter().any(|v| {
            rest.get(..v.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(v.as_bytes()))
                && rest
                    .get(v.len())
                    .is_some_and(|&b| b == b':' || b.is_ascii_whitespace())
        })
    };
    let mut end = at;
    match rest.first().map(|&b| b | 0x20) {
        Some(b'\'' | b'"') => {
            // the second item of a pair in a list (`('password', 'x')`)
            if at > 0 && bytes[at - 1] == b',' {
                pair_before(text, at + 1, seen);
            }
        }
        Some(b'i' | b'w' | b'a' | b'e' | b'h') if verb(PROSE_VERBS) => {}
        Some(b't') if verb(&["to"]) => {
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
                return;
            }
            end = w;
        }
        _ => return,
    }
    if may_name_a_secret(bytes, end, seen.password_word) {
        if let Some((start, name)) = name_before(text, end) {
            if names_a_secret(text, start, name) {
                seen.name_at(start, name);
            }
        }
    }
    // `password, X, was`: the value set off by commas, one word, the name before it
    if end == at && at > 0 && bytes[at - 1] == b',' {
        let mut w = at - 1;
        while w > 0 && at - w < APPOSITIVE_LIMIT && !bytes[w - 1].is_ascii_whitespace() {
            w -= 1;
        }
        if w >= 2 && bytes[w - 1] == b' ' && bytes[w - 2] == b',' {
            let comma = w - 2;
            if may_name_a_secret(bytes, comma, seen.password_word) {
                if let Some((start, name)) = name_before(text, comma) {
                    if names_a_secret(text, start, name) {
                        seen.name_at(start, name);
                    }
                }
            }
        }
    }
    // names a few words of the same clause before (`password for bob is`), read as
    // the matcher reads them: words of clause bytes, each after exactly one space
    let mut blank = if end == at { at } else { end.saturating_sub(1) };
    for _ in 0..WORDS_BEFORE_VERB {
        if bytes.get(blank) != Some(&b' ') || blank == 0 || bytes[blank - 1].is_ascii_whitespace() {
            return;
        }
        let mut w = blank;
        while w > 0 && blank - w < 64 && is_clause_byte(bytes[w - 1]) {
            w -= 1;
        }
        if w == blank || w < 2 || bytes[w - 1] != b' ' || bytes[w - 2].is_ascii_whitespace() {
            return;
        }
        blank = w - 1;
        // the name right before this space, ending with a letter, digit or `_` (or a
        // letter of another script)
        let last = bytes[blank - 1];
        if (last.is_ascii_alphanumeric() || last == b'_' || last >= 0x80)
            && may_name_a_secret(bytes, blank, seen.password_word)
        {
            if let Some((start, name)) = name_before(text, blank) {
                if names_a_secret(text, start, name) {
                    seen.name_at(start, name);
                }
            }
        }
    }
}

/// The name holding the password word at `at`, when one blank follows it (`using
/// password X`: the matcher judges what follows), a leader of dots or a call
/// (`PASSWORD('x')`).
fn password_before_blank(text: &str, at: usize, seen: &mut Seen) {
    let bytes = text.as_bytes();
    let limit = text.floor_char_boundary(at + 64);
    let end = (at..limit)
        .find(|&k| !is_name_byte(bytes[k]) || bytes[k..].starts_with(b"..."))
        .unwrap_or(limit);
    // a blank, a leader of dots (`password.......x`), a call (`PASSWORD('x')`)
    let after = &bytes[end.min(bytes.len())..];
    if matches!(after.first(), Some(b' ' | b'\t'))
        || after.starts_with(b"...")
        || after.starts_with(b"('")
        || after.starts_with(b"(\"")
    {
        if let Some((start, name)) = name_before(text, end) {
            if names_a_secret(text, start, name) {
                seen.name_at(start, name);
            }
        }
    }
}

/// True when the name at `start` is a secret's: by its words, `value` inside a tag
/// (`<input name="password" value="x">`), or `IDENTIFIED BY`.
fn names_a_secret(text: &str, start: usize, name: &str) -> bool {
    let name = name.trim_start_matches('-');
    is_secret_name(name)
        || query_secret(text, start, name)
        || (name.eq_ignore_ascii_case("value") && tag_around(text, start).is_some())
        || name.eq_ignore_ascii_case("identified by")
}

/// What a dash at `at` can start or end: a long flag (`--password VALUE`, `--user`), a
/// flag of one dash (`-pVALUE`, `-a`, `-w`, `-k`, `-u`, either case; `-password VALUE`), a
/// private key (`-----BEGIN`), Mailgun's `key-` and Slack's `xoxb-`.
fn dash_at(text: &str, at: usize, seen: &mut Seen) {
    let bytes = text.as_bytes();
    let before = &bytes[..at];
    match bytes.get(at + 1) {
        Some(b'-') => {
            if bytes[at..].starts_with(b"-----BEGIN") {
                seen.keys = true;
            }
            let limit = text.floor_char_boundary(at + 130);
            let end = (at + 2..limit)
                .find(|&k| !is_name_byte(bytes[k]))
                .unwrap_or(limit);
            let flag = &text[(at + 2).min(end)..end];
            if !flag.is_empty() && (is_secret_name(flag) || flag.eq_ignore_ascii_case("user")) {
                seen.name_at(at, flag);
            }
        }
        // a flag of one dash (a name byte before it would make the dash part of a name)
        Some(&c) if is_name_byte(c) && before.last().is_none_or(|&b| !is_name_byte(b)) => {
            if matches!(c | 0x20, b'p' | b'a' | b'w' | b'k' | b'u')
                || (c == b'N' && bytes.get(at + 2).is_some_and(u8::is_ascii_whitespace))
            {
                seen.name_at(at, "-");
            } else if let Some((_, flag)) = word_after(text, at + 1) {
                // `htpasswd -cb file user X`: flags of letters with `b` among them
                let batch = flag.len() <= 8 && flag.contains('b');
                if batch || names_a_secret(text, at, flag) {
                    seen.name_at(at, flag);
                }
            }
        }
        _ => {}
    }
    if before.ends_with(b"key") || (before.len() >= 4 && before[..at - 1].ends_with(b"xox")) {
        seen.keys = true;
    }
}

/// The digits of the longest run of digit groups split by at most three card
/// separators (as `cards::find` reads them). Only stretches of 13 bytes or more of
/// digits and separators are read digit by digit: a hex id or a hash has a letter every
/// few bytes, and is passed over without a guess at each byte.
fn longest_number(bytes: &[u8]) -> usize {
    bytes
        .split(|&b| !b.is_ascii_digit() && !CARD_SEPARATOR[usize::from(b)])
        .filter(|stretch| stretch.len() >= 13)
        .map(|stretch| {
            let (mut best, mut run, mut gap) = (0, 0, 0);
            for &b in stretch {
                if b.is_ascii_digit() {
                    run += 1;
                    gap = 0;
                    best = best.max(run);
                } else if run > 0 && gap < 3 {
                    gap += 1;
                } else {
                    run = 0;
                    gap = 0;
                }
            }
            best
        })
        .max()
        .unwrap_or(0)
}

/// The bytes [`cards::is_separator`](super::cards::is_separator) accepts, as a table.
static CARD_SEPARATOR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = super::cards::is_separator(b as u8);
        b += 1;
    }
    table
};

/// False when the name that ends at `end` (as [`name_before`] reads it) cannot be one
/// the first look reports, read from its last three letters: a secret's
/// ([`names::may_end_a_secret_name`], or a password word anywhere in it), `value`, one
/// of [`names_a_field`], or `identified by`. Most names before a separator are passed
/// over here, without being read whole. `password_word`: the text holds `pas` or `pwd`
/// before `end` (else no name there does).
fn may_name_a_secret(bytes: &[u8], end: usize, password_word: bool) -> bool {
    let mut e = end;
    while e > 0
        && end - e < 24
        && matches!(
            bytes[e - 1],
            b' ' | b'\t'
                | b'\n'
                | b'\r'
                | b'"'
                | b'\''
                | b'`'
                | b'\\'
                | b']'
                | b'['
                | b')'
                | b'.'
                | b'-'
                | b'_'
        )
    {
        e -= 1;
    }
    if e == 0 {
        return false;
    }
    let at = |k: usize| if e >= k { bytes[e - k] } else { 0 };
    let (x, y, z) = (at(3), at(2), at(1));
    // a digit or another script among the last three: judged whole (rare)
    if !z.is_ascii_alphabetic() && (z.is_ascii_digit() || !z.is_ascii())
        || !x.is_ascii()
        || !y.is_ascii()
    {
        return true;
    }
    if z.is_ascii_alphabetic() && tail_may_end_a_secret_name(x, y, z) {
        return true;
    }
    // look-alike signs read as letters (`pa$$`, `s3cr3t`, `t0ken`)
    let [lx, ly, lz] = [x, y, z].map(super::decode::lookalike_letter);
    if [lx, ly, lz] != [x, y, z]
        && lz.is_ascii_alphabetic()
        && tail_may_end_a_secret_name(lx, ly, lz)
    {
        return true;
    }
    if !z.is_ascii_alphabetic() {
        return false;
    }
    if !password_word {
        return false;
    }
    let mut s = e;
    while s > 0 && is_name_byte(bytes[s - 1]) && e - s < 128 {
        s -= 1;
    }
    names::holds_a_password_word(&bytes[s..e])
}

/// True when a name ending with the letter `z` after `x` and `y` may be a secret's.
fn tail_may_end_a_secret_name(x: u8, y: u8, z: u8) -> bool {
    let mut tail = [x, y, z];
    tail.make_ascii_lowercase();
    names::may_end_a_secret_name(x, y, z)
        || matches!(
            tail,
            [_, b'b', b'y']
                | [b'l', b'u', b'e']
                | [b'a', b'm', b'e']
                | [b'e', b'n', b'v']
                | [b'e', b'l', b'd']
                | [b'b', b'l', b'e']
                | [b'k', b'e', b'y']
        )
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
    if e >= 2 && &bytes[e - 2..e] == b"[]" {
        e -= 2; // `password[]=x`
    }
    let mut closing = 0;
    let mut paren = false;
    while e > 0 && closing < 8 && matches!(bytes[e - 1], b'"' | b'\'' | b'`' | b'\\' | b']' | b')')
    {
        paren |= bytes[e - 1] == b')';
        e -= 1;
        closing += 1;
    }
    // `password[]]` (a list's name inside brackets): the `[` of `[]` too
    if e > 0 && bytes[e - 1] == b'[' && bytes.get(e) == Some(&b']') {
        e -= 1;
    }
    let mut s = e;
    while s > 0 && is_name_byte(bytes[s - 1]) && e - s < 128 {
        s -= 1;
    }
    let s = text.ceil_char_boundary(s);
    let name = text[s..e].trim_end_matches(['.', '-']);
    if name.is_empty() {
        return None;
    }
    let (start, name) = two_words(text, s, name).unwrap_or((s, name));
    // `(otp) = x`, `(otp code) = x`, not `pam_unix(sudo:auth): …`
    if paren && !(start > 0 && bytes[start - 1] == b'(') {
        return None;
    }
    Some((start, name))
}

/// Two words that name a secret together, `name` (at `s`) the second: `otp code`,
/// `security code`, `identified by`.
fn two_words<'t>(text: &'t str, s: usize, name: &str) -> Option<(usize, &'t str)> {
    let bytes = text.as_bytes();
    if !super::names::may_end_a_pair(name) {
        return None;
    }
    // the first word's end: blanks before the second
    let mut e = s;
    while e > 0 && s - e < 16 && matches!(bytes[e - 1], b' ' | b'\t' | b'\n' | b'\r') {
        e -= 1;
    }
    if e == s || e == 0 {
        return None;
    }
    let mut w = e;
    while w > 0 && is_name_byte(bytes[w - 1]) && e - w < 32 {
        w -= 1;
    }
    let w = text.ceil_char_boundary(w);
    let first = text[w..e]
        .trim_start_matches('-')
        .trim_end_matches(['.', '-']);
    let pair = super::names::PAIRS
        .iter()
        .any(|(a, b)| first.eq_ignore_ascii_case(a) && name.eq_ignore_ascii_case(b));
    (pair || (first.eq_ignore_ascii_case("identified") && name.eq_ignore_ascii_case("by")))
        .then(|| (w, &text[w..s + name.len()]))
}

/// Names whose value names a secret (`{"name": "DB_PASSWORD", "value": "x"}`,
/// `- name: API_TOKEN`): a later `value` is then the secret.
pub(super) fn names_a_field(name: &str) -> bool {
    let candidates: &[&str] = match name.len() {
        3 => &["key", "env"],
        4 => &["name"],
        5 => &["field"],
        8 => &["variable"],
        12 => &["parameterkey"],
        _ => return false,
    };
    candidates.iter().any(|n| name.eq_ignore_ascii_case(n))
}

/// The word (a name) that starts at `at`, after quotes and spaces.
fn word_after(text: &str, at: usize) -> Option<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut s = at;
    while s < bytes.len() && s < at + 16 && matches!(bytes[s], b' ' | b'\t' | b'"' | b'\'' | b'\\')
    {
        s += 1;
    }
    let limit = text.floor_char_boundary(s + 128);
    let e = (s..limit)
        .find(|&k| !is_name_byte(bytes[k]))
        .unwrap_or(limit);
    (e > s).then(|| (s, &text[s..e]))
}

/// True when a word (20 bytes or more, no space) holds a run that may be a provider's
/// key or a JWT: 20 or more of `[A-Za-z0-9_-]` with both cases or an `_` and a digit,
/// or 40 or more base64 characters (`[A-Za-z0-9+/]`) with both cases. (20 capitals and
/// digits in a row, and `dapi`, are found before this.)
pub(super) fn long_word(word: &[u8]) -> bool {
    // the kinds the whole word holds rule most runs out before any is read
    let kinds = word.iter().fold(0u8, |k, &b| k | CLASS[usize::from(b)]);
    // each run of one kind, read whole: only runs long enough are looked into
    let runs = |kind: u8, min: usize, test: &dyn Fn(u8) -> bool| {
        word.split(|&b| CLASS[usize::from(b)] & kind == 0)
            .filter(|run| run.len() >= min)
            .any(|run| test(run.iter().fold(0u8, |k, &b| k | CLASS[usize::from(b)])))
    };
    let both_cases = |k: u8| k & (UPPER | LOWER) == UPPER | LOWER;
    (mixed(kinds) && runs(TOKEN, 20, &mixed))
        || (both_cases(kinds) && word.len() >= 40 && runs(B64, 40, &both_cases))
}

/// True when a word (20 bytes or more) may hold a key of small letters and digits that
/// [`long_word`] passes over, by the few bytes its format always has: Mailchimp's
/// `-us`, Azure AD's `Q~`, MongoDB Atlas's `.atlasv1.`, Pulumi's `pul-`, Doppler's `dp.`,
/// Plaid's `access-`.
fn unprefixed_key(word: &[u8]) -> bool {
    (0..word.len()).any(|i| {
        let rest = &word[i..];
        match word[i] {
            b'-' => rest.starts_with(b"-us"),
            b'Q' => rest.starts_with(b"Q~"),
            b'.' => rest.starts_with(b".atlasv1."),
            b'p' => rest.starts_with(b"pul-"),
            b'd' => rest.starts_with(b"dp."),
            b'a' => rest.starts_with(b"access-"),
            _ => false,
        }
    })
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
