//! The text the matchers read: encodings undone and look-alike characters made plain,
//! with, for each byte, where it came from in the original text, so a secret found in
//! the decoded text is replaced in the original.
//!
//! Undone: percent-encoding (`p%61ssword`, `%3D`; printable ASCII only), JSON and
//! JavaScript `\uXXXX` and `\xHH` escapes and JSON's `\/`, HTML character references (`&#97;`, `&#x61;`,
//! `&quot;`, `&amp;`, `&lt;`, `&gt;`, `&apos;`). Made plain: every Unicode decimal
//! digit (fullwidth `４`, Arabic-Indic `٤`, ...) becomes its ASCII digit, Unicode spaces
//! (NBSP, U+202F, ...) a space, dashes and minus signs `-`, middle dots `.`, fullwidth
//! ASCII its ASCII letter, `ſ` an `s` and the Kelvin sign a `k`, Latin letters lose
//! their accents (`contraseña`, `pássword`), and a Cyrillic or Greek letter inside a
//! word of ASCII letters becomes the letter it looks like (`pаssword`); invisible
//! characters (zero-width spaces and joiners, soft hyphens, word joiners, combining
//! accents, control characters but tabs and line ends) are dropped.
//! Percent-encoding twice over (`%253D`) is undone as once. A name (not a text) spelled
//! with look-alike signs (`pa$$word`, `p@ssw0rd`, `s3cret`) is spelled plainly: see
//! [`decode_name`].

use std::borrow::Cow;

/// A decoded text and where its bytes came from.
pub struct Decoded<'a> {
    /// The decoded text (the original when nothing needed decoding).
    pub text: Cow<'a, str>,
    /// For each byte of `text`, the range of the original it came from; empty when
    /// `text` is the original.
    spans: Vec<(u32, u32)>,
}

impl<'a> Decoded<'a> {
    /// `text` as it is (the first look found nothing to decode).
    pub fn plain(text: &'a str) -> Decoded<'a> {
        Decoded {
            text: Cow::Borrowed(text),
            spans: Vec::new(),
        }
    }

    /// True when the decoded text differs from the original.
    pub fn changed(&self) -> bool {
        !self.spans.is_empty()
    }

    /// The original range of the decoded range `start..end`.
    pub fn original(&self, start: usize, end: usize) -> (usize, usize) {
        if self.spans.is_empty() || start >= end {
            return (start, end);
        }
        (self.spans[start].0 as usize, self.spans[end - 1].1 as usize)
    }
}

/// The longest of [`LOOKALIKE_TARGETS`]: a longer run is not read.
const LOOKALIKE_LIMIT: usize = 10;

/// The names a look-alike spelling is read as: the words people disguise.
const LOOKALIKE_TARGETS: &[&str] = &[
    "password",
    "passwd",
    "passwort",
    "pass",
    "passphrase",
    "passcode",
    "pwd",
    "secret",
    "token",
    "apikey",
];

/// The letter a look-alike sign stands for in a name (`$` and `5` for `s`, `@` and `4`
/// for `a`, `0` for `o`, `1` for `i`, `3` for `e`, `7` for `t`); any other byte as it is.
pub(super) fn lookalike_letter(b: u8) -> u8 {
    match b {
        b'$' | b'5' => b's',
        b'@' | b'4' => b'a',
        b'0' => b'o',
        b'1' => b'i',
        b'3' => b'e',
        b'7' => b't',
        _ => b,
    }
}

/// When the `$`, `@` or digit at `at` stands for a letter inside a name spelled with
/// look-alike signs (`pa$$word`, `p@ssw0rd`, `s3cr3t`, `t0ken`): the letter. The
/// name is the run of letters, digits, `$` and `@` around `at` (up to 10 bytes)
/// starting with a letter, and read with `$` as `s`, `@` and `4` as `a`, `0` as
/// `o`, `1` as `i`, `3` as `e`, `5` as `s`, `7` as `t`, the run is one of
/// [`LOOKALIKE_TARGETS`] (so `user@example.com`, `US$100` and `utf8` stay as they are).
pub(super) fn lookalike_name(bytes: &[u8], at: usize) -> Option<u8> {
    let plain = |b: u8| -> Option<u8> {
        match lookalike_letter(b) {
            l if l.is_ascii_alphabetic() => Some(l | 0x20),
            _ => None,
        }
    };
    let sign = bytes.get(at).copied().filter(|b| !b.is_ascii_alphabetic());
    let letter = sign.and_then(plain)?;
    let in_run = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'$' | b'@');
    // the run, read no further than the longest name each way
    let mut start = at;
    while start > 0 && at - start <= LOOKALIKE_LIMIT && in_run(bytes[start - 1]) {
        start -= 1;
    }
    // every name looked for starts with `p`, `s`, `t` or `a`
    if !matches!(bytes[start] | 0x20, b'p' | b's' | b't' | b'a') {
        return None;
    }
    let mut end = at + 1;
    while end < bytes.len() && end - start <= LOOKALIKE_LIMIT && in_run(bytes[end]) {
        end += 1;
    }
    let run = &bytes[start..end];
    // a run longer than any name, or glued to a letter of another script
    let glued = |b: u8| in_run(b) || b >= 0x80;
    if run.len() > LOOKALIKE_LIMIT
        || run.len() < 3
        || (start > 0 && glued(bytes[start - 1]))
        || bytes.get(end).is_some_and(|&b| glued(b))
    {
        return None;
    }
    let mut word = [0u8; LOOKALIKE_LIMIT];
    for (w, &b) in word.iter_mut().zip(run) {
        *w = plain(b)?;
    }
    let word = &word[..run.len()];
    // in the case of the run's letters (`P@SSWORD` is `PASSWORD`, not `PaSSWORD`)
    let upper = !run.iter().any(u8::is_ascii_lowercase);
    LOOKALIKE_TARGETS
        .iter()
        .any(|t| t.as_bytes() == word)
        .then_some(if upper {
            letter.to_ascii_uppercase()
        } else {
            letter
        })
}

/// Decodes `text` (borrowed when nothing changes; texts over 4 GiB are left as they are).
/// The first look says when a text may need it ([`Seen::encoded`](super::first_look::Seen)).
pub fn decode(text: &str) -> Decoded<'_> {
    decode_with(text, false)
}

/// A name decoded as [`decode`] does, and spelled plainly where it uses look-alike
/// signs (`pa$$word` is `password`: see [`lookalike_name`]). A text is not read so:
/// its names are judged by [`is_secret_name`](super::is_secret_name), which reads them
/// so.
pub fn decode_name(name: &str) -> Decoded<'_> {
    decode_with(name, true)
}

fn decode_with(text: &str, lookalikes: bool) -> Decoded<'_> {
    if text.len() > u32::MAX as usize / 2 {
        return Decoded {
            text: Cow::Borrowed(text),
            spans: Vec::new(),
        };
    }
    let mut out = String::with_capacity(text.len());
    let mut spans: Vec<(u32, u32)> = Vec::with_capacity(text.len());
    let mut changed = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let (decoded, len) = unit(text, i, lookalikes);
        match decoded {
            Some(c) => {
                let from = (i as u32, (i + len) as u32);
                let before = out.len();
                out.push(c);
                spans.extend(std::iter::repeat_n(from, out.len() - before));
                changed |= len != c.len_utf8()
                    || bytes[i..i + len] != *c.encode_utf8(&mut [0; 4]).as_bytes();
            }
            None => changed = true, // dropped
        }
        i += len;
    }
    if !changed {
        return Decoded {
            text: Cow::Borrowed(text),
            spans: Vec::new(),
        };
    }
    Decoded {
        text: Cow::Owned(out),
        spans,
    }
}

/// The character the unit at `i` stands for (None: dropped) and the unit's length.
fn unit(text: &str, i: usize, lookalikes: bool) -> (Option<char>, usize) {
    let bytes = text.as_bytes();
    let b = bytes[i];
    if b == b'%' {
        // encoded twice: `%253D` is `%3D`, which is `=`
        if bytes.get(i + 1..i + 3) == Some(b"25") {
            if let Some(v) = hex(bytes.get(i + 3..i + 5)) {
                if (0x20..0x7f).contains(&v) {
                    return (Some(v as u8 as char), 5);
                }
            }
        }
        if let Some(v) = hex(bytes.get(i + 1..i + 3)) {
            if (0x20..0x7f).contains(&v) {
                return (Some(v as u8 as char), 3);
            }
        }
        return (Some('%'), 1);
    }
    // JSON's escaped slash: `https:\/\/user:x@host`
    if b == b'\\' && bytes.get(i + 1) == Some(&b'/') {
        return (Some('/'), 2);
    }
    // a hexadecimal escape of C, Python and JavaScript: `password\x3dx`
    if b == b'\\' && bytes.get(i + 1) == Some(&b'x') {
        if let Some(v) = hex(bytes.get(i + 2..i + 4)) {
            if (0x20..0x7f).contains(&v) {
                return (Some(v as u8 as char), 4);
            }
        }
        return (Some('\\'), 1);
    }
    if b == b'\\' && bytes.get(i + 1) == Some(&b'u') {
        if let Some(v) = hex(bytes.get(i + 2..i + 6)) {
            if let Some(c) = char::from_u32(v) {
                return (plain(c), 6);
            }
        }
        return (Some('\\'), 1);
    }
    if b == b'&' {
        if let Some((c, len)) = reference(&text[i..]) {
            return (plain(c), len);
        }
        return (Some('&'), 1);
    }
    // control characters (but blanks) hide nothing: `password\0=x`
    if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') {
        return (None, 1);
    }
    if lookalikes && matches!(b, b'$' | b'@' | b'0'..=b'9') {
        return (Some(char::from(lookalike_name(bytes, i).unwrap_or(b))), 1);
    }
    if b < 0x80 {
        return (Some(b as char), 1);
    }
    let c = text[i..].chars().next().unwrap_or('\u{fffd}');
    if let Some(a) = confusable(c) {
        if word_holds_ascii(text, i) {
            return (Some(a), c.len_utf8());
        }
    }
    (plain(c), c.len_utf8())
}

fn hex(digits: Option<&[u8]>) -> Option<u32> {
    let digits = digits?;
    let mut v = 0u32;
    for d in digits {
        v = v * 16 + char::from(*d).to_digit(16)?;
    }
    Some(v)
}

/// An HTML character reference at the start of `s`: the character and its length.
fn reference(s: &str) -> Option<(char, usize)> {
    for (name, c) in [
        ("&quot;", '"'),
        ("&amp;", '&'),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&apos;", '\''),
        ("&#39;", '\''),
    ] {
        if s.as_bytes()
            .get(..name.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(name.as_bytes()))
        {
            return Some((c, name.len()));
        }
    }
    let rest = s.strip_prefix("&#")?;
    let (radix, digits) = match rest.strip_prefix(['x', 'X']) {
        Some(h) => (16, h),
        None => (10, rest),
    };
    let len = digits
        .bytes()
        .take(8)
        .take_while(|b| char::from(*b).is_digit(radix))
        .count();
    if len == 0 || digits.as_bytes().get(len) != Some(&b';') {
        return None;
    }
    let v = u32::from_str_radix(&digits[..len], radix).ok()?;
    let c = char::from_u32(v)?;
    Some((c, s.len() - digits.len() + len + 1))
}

/// The plain form of a character (None: an invisible one, dropped).
fn plain(c: char) -> Option<char> {
    let v = c as u32;
    if let Some(d) = digit_value(v) {
        return char::from_digit(d, 10);
    }
    Some(match c {
        '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => return None,
        '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' => {
            ' '
        }
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe58}' | '\u{fe63}' => '-',
        '\u{b7}' | '\u{2022}' | '\u{2027}' | '\u{2219}' | '\u{22c5}' | '\u{30fb}' | '\u{ff65}' => {
            '.'
        }
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(v - 0xff01 + 0x21).unwrap_or(c),
        '\u{212a}' => 'k',
        '\u{300}'..='\u{36f}' => return None, // combining accents: `pa\u{301}ssword`
        '\u{c0}'..='\u{17f}' => match LATIN_BASE.as_bytes()[(v - 0xc0) as usize] {
            b'?' => c,
            base => char::from(base),
        },
        _ => c,
    })
}

/// The letters `À` (U+00C0) to `ſ` (U+017F) without their accents (`?`: kept as
/// written: `Æ`, `×`, `Þ`, `ß`, `Ĳ`, `Œ`, ...): `contraseña` is read as `contrasena`,
/// `hasło` as `haslo`.
const LATIN_BASE: &str = concat!(
    "AAAAAA?CEEEEIIII",
    "DNOOOOO?OUUUUY??",
    "aaaaaa?ceeeeiiii",
    "dnooooo?ouuuuy?y",
    "AaAaAaCcCcCcCcDd",
    "DdEeEeEeEeEeGgGg",
    "GgGgHhHhIiIiIiIi",
    "Ii??JjKkkLlLlLlL",
    "lLlNnNnNnnNnOoOo",
    "Oo??RrRrRrSsSsSs",
    "SsTtTtTtUuUuUuUu",
    "UuUuWwYyYZzZzZzs",
);

/// The ASCII letter a Cyrillic or Greek letter looks like (`а` is `a`, `ѕ` is `s`),
/// read so only inside a word that holds an ASCII letter too (`pаssword` with a
/// Cyrillic `а`; `пароль` stays as written).
fn confusable(c: char) -> Option<char> {
    Some(match c {
        'а' | 'α' => 'a',
        'А' | 'Α' => 'A',
        'В' | 'Β' => 'B',
        'с' => 'c',
        'С' => 'C',
        'е' | 'ε' => 'e',
        'Е' | 'Ε' => 'E',
        'Н' | 'Η' => 'H',
        'і' | 'ι' => 'i',
        'І' | 'Ι' => 'I',
        'ј' => 'j',
        'К' | 'Κ' => 'K',
        'к' | 'κ' => 'k',
        'М' | 'Μ' => 'M',
        'Ν' => 'N',
        'о' | 'ο' => 'o',
        'О' | 'Ο' => 'O',
        'р' | 'ρ' => 'p',
        'Р' | 'Ρ' => 'P',
        'ѕ' => 's',
        'Ѕ' => 'S',
        'Т' | 'Τ' => 'T',
        'у' => 'y',
        'х' | 'χ' => 'x',
        'Х' | 'Χ' => 'X',
        'Υ' => 'Y',
        'Ζ' => 'Z',
        _ => return None,
    })
}

/// True when the word around `at` (letters, up to 16 each way) holds an ASCII
/// letter.
fn word_holds_ascii(text: &str, at: usize) -> bool {
    let before = text[..at]
        .chars()
        .rev()
        .take(16)
        .take_while(|c| c.is_alphabetic());
    let after = text[at..]
        .chars()
        .skip(1)
        .take(16)
        .take_while(|c| c.is_alphabetic());
    before.chain(after).any(|c| c.is_ascii_alphabetic())
}

/// The value of a Unicode decimal digit (general category Nd) outside ASCII.
fn digit_value(v: u32) -> Option<u32> {
    const ZEROS: &[u32] = &[
        0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66, 0x0ae6, 0x0b66, 0x0be6, 0x0c66, 0x0ce6,
        0x0d66, 0x0de6, 0x0e50, 0x0ed0, 0x0f20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0,
        0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0,
        0xaa50, 0xabf0, 0xff10, 0x104a0, 0x11066, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6,
        0x1e950, 0x1fbf0,
    ];
    ZEROS
        .iter()
        .find(|&&z| (z..z + 10).contains(&v))
        .map(|z| v - z)
}

#[cfg(test)]
mod tests {
    use super::{decode, decode_name};

    #[test]
    fn decodes_and_maps_back() {
        let text = "p%61ss\\u0077ord\u{200b}=\u{ff14}\u{a0}\u{0664}&amp;x";
        let d = decode(text);
        assert_eq!(d.text, "password=4 4&x");
        let at = d.text.find('4').unwrap();
        let (s, e) = d.original(at, d.text.len());
        assert_eq!(&text[s..e], "\u{ff14}\u{a0}\u{0664}&amp;x");
        assert!(matches!(
            decode("plain text").text,
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(decode("100% sure &c").text, "100% sure &c");
        assert_eq!(decode("next=%252Fcb%253Fpw").text, "next=/cb?pw");
        assert_eq!(
            decode_name("pa$$word P@SSW0RD p@$$wd s3cr3t t0ken=").text,
            "password PASSWORD passwd secret token="
        );
        assert_eq!(decode("pa$$word").text, "pa$$word");
        assert_eq!(
            decode("pа\u{301}ssword contraseña hasło пароль").text,
            "password contrasena haslo пароль"
        );
        for kept in [
            "user@example.com",
            "US$100",
            "utf8",
            "$ecret",
            "pa$$words",
            "h4x0r",
        ] {
            assert_eq!(decode_name(kept).text, kept);
        }
    }
}
