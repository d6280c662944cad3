//! The text the matchers read: encodings undone and look-alike characters made plain,
//! with, for each byte, where it came from in the original text, so a secret found in
//! the decoded text is replaced in the original.
//!
//! Undone: percent-encoding (`p%61ssword`, `%3D`; printable ASCII only), JSON and
//! JavaScript `\uXXXX` escapes, HTML character references (`&#97;`, `&#x61;`,
//! `&quot;`, `&amp;`, `&lt;`, `&gt;`, `&apos;`). Made plain: every Unicode decimal
//! digit (fullwidth `４`, Arabic-Indic `٤`, ...) becomes its ASCII digit, Unicode spaces
//! (NBSP, U+202F, ...) a space, dashes and minus signs `-`, middle dots `.`, fullwidth
//! ASCII its ASCII letter, `ſ` an `s` and the Kelvin sign a `k`; invisible characters
//! (zero-width spaces and joiners, soft hyphens, word joiners) are dropped.

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

/// True when some byte may need decoding (`%`, `\`, `&`, any non-ASCII).
fn needs_decoding(text: &str) -> bool {
    !text.is_ascii() || memchr::memchr3(b'%', b'\\', b'&', text.as_bytes()).is_some()
}

/// Decodes `text` (borrowed when nothing changes; texts over 4 GiB are left as they are).
pub fn decode(text: &str) -> Decoded<'_> {
    if !needs_decoding(text) || text.len() > u32::MAX as usize / 2 {
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
        let (decoded, len) = unit(text, i);
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
fn unit(text: &str, i: usize) -> (Option<char>, usize) {
    let bytes = text.as_bytes();
    let b = bytes[i];
    if b == b'%' {
        if let Some(v) = hex(bytes.get(i + 1..i + 3)) {
            if (0x20..0x7f).contains(&v) {
                return (Some(v as u8 as char), 3);
            }
        }
        return (Some('%'), 1);
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
    if b < 0x80 {
        return (Some(b as char), 1);
    }
    let c = text[i..].chars().next().unwrap_or('\u{fffd}');
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
        '\u{17f}' => 's',
        '\u{212a}' => 'k',
        _ => c,
    })
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
    use super::decode;

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
    }
}
