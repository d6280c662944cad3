//! Payment card numbers and magnetic-stripe track data.
//!
//! A card number is 13 to 19 digits, in one run or in groups of 3 to 6 digits (the
//! last may be shorter) split by separators (spaces, `-`, `.`, `_`, `/`, `|`, `,`, `+`, `:`, `~`, `*`, at most
//! three between two groups; the decoded text has already made Unicode digits, spaces,
//! dashes and dots plain), whose first digits are those of a card network for its
//! length (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro, Mir,
//! RuPay) and which passes the Luhn check. A number glued to letters
//! (`ref4111111111111111x`, `cc4111-1111-1111-1111x`) counts too, unless the word is 20
//! or more hexadecimal digits (a hash); the decimals of a number (`0.4111…`) and
//! hexadecimal literals (`0x4111…`) are not cards. Numbers that fail either check —
//! most ids, timestamps, amounts and phone numbers — are kept.
//!
//! Track data (`%B4111…^NAME^YYMM…?`, `;4111…=YYMM…?`, `4111…DYYMM…`) is replaced
//! whole: it holds the expiry date and the card's verification data.

use regex::Regex;

/// A card found: its range in the text.
pub type Span = (usize, usize);

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

/// True when a card network issues numbers of this length with these first digits.
pub fn network_number(digits: &str) -> bool {
    let len = digits.len();
    let prefix = |n: usize| digits.get(..n).and_then(|p| p.parse::<u32>().ok());
    let (Some(p1), Some(p2), Some(p4)) = (prefix(1), prefix(2), prefix(4)) else {
        return false;
    };
    match p1 {
        4 => (13..=19).contains(&len),
        5 => (13..=19).contains(&len),
        6 => (13..=19).contains(&len),
        2 => {
            (16..=19).contains(&len) && ((2200..=2204).contains(&p4) || (2221..=2720).contains(&p4))
        }
        3 => match p2 {
            34 | 37 => len == 15,
            30 | 36 | 38 | 39 => (14..=19).contains(&len),
            35 => (16..=19).contains(&len) && (3528..=3589).contains(&p4),
            _ => false,
        },
        // NPCI RuPay (81, 82), Uzcard (8600)
        8 => len == 16 && (matches!(p2, 81 | 82) || p4 == 8600),
        // Troy (9792), Humo (9860)
        9 => len == 16 && matches!(p4, 9792 | 9860),
        _ => false,
    }
}

/// True for a number that is a card number (network prefix, length and Luhn).
pub fn is_card(digits: &str) -> bool {
    network_number(digits) && luhn(digits)
}

/// The characters between a card's groups (`4111 1111…`, `4111-1111…`, `4111*1111…`).
pub const fn is_separator(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t'
            | b'-'
            | b'.'
            | b'_'
            | b'/'
            | b'\\'
            | b'|'
            | b','
            | b';'
            | b'\''
            | b'+'
            | b':'
            | b'~'
            | b'*'
    )
}

/// The fewest digits in each group but the last of a card written in groups:
/// `4111 1111 1111 1111`, `3782 822463 10005`, `4222 2222 2222 2` (single digits in a
/// list are not a card).
const MIN_GROUP: usize = 3;

/// The most digits in each group of a card written in groups (a UUID's last part is
/// longer).
const MAX_GROUP: usize = 6;

/// The card numbers in `text`.
pub fn find(text: &str, out: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        // the decimals of a number (`0.4221…`) and hexadecimal literals (`0x4290…`)
        let decimals = i >= 2 && bytes[i - 1] == b'.' && bytes[i - 2].is_ascii_digit();
        let hex = i >= 2 && matches!(bytes[i - 1], b'x' | b'X') && bytes[i - 2] == b'0';
        if decimals || hex {
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            continue;
        }
        // a run with fewer than 13 digits in all holds no card: skipped without a copy
        // (counting stops at 13: the groups below are read at most 64 at a time)
        let mut j = i;
        let mut total = 0;
        while total < 13 {
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
                total += 1;
            }
            let mut k = j;
            while k < bytes.len() && k - j < 3 && is_separator(bytes[k]) {
                k += 1;
            }
            if k > j && k < bytes.len() && bytes[k].is_ascii_digit() {
                j = k;
            } else {
                break;
            }
        }
        if total < 13 {
            i = j.max(i + 1);
            continue;
        }
        // the groups of this run
        let mut groups: Vec<(usize, usize)> = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            groups.push((start, j));
            let mut k = j;
            while k < bytes.len() && k - j < 3 && is_separator(bytes[k]) {
                k += 1;
            }
            if k > j && k < bytes.len() && bytes[k].is_ascii_digit() && groups.len() < 64 {
                j = k;
            } else {
                break;
            }
        }
        let run_end = groups.last().map_or(i, |g| g.1);
        // digits inside a hash or a UUID are not a card's, nor part of one
        let usable = |(s, e): (usize, usize)| !in_a_hex_hash(bytes, s, e) && !in_a_uuid(bytes, s);
        // every group but the last holds 3 to 6 digits; the last at most 6
        let joinable = |(s, e): (usize, usize), (s2, e2): (usize, usize)| {
            (MIN_GROUP..=MAX_GROUP).contains(&(e - s)) && e2 - s2 <= MAX_GROUP
        };
        let mut g = 0;
        while g < groups.len() {
            let mut found = None;
            let mut digits = String::new();
            for (h, &(s, e)) in groups.iter().enumerate().skip(g) {
                // a number's decimals start no card (`0.4111…`), but `4111.1111…` is one
                let decimals =
                    h == g && s >= 2 && bytes[s - 1] == b'.' && bytes[s - 2].is_ascii_digit();
                let ipv6 = in_an_ipv6(bytes, s, e, h == g);
                if decimals
                    || ipv6
                    || !usable((s, e))
                    || (h > g && !joinable(groups[h - 1], (s, e)))
                {
                    break;
                }
                digits.push_str(&text[s..e]);
                if digits.len() > 19 {
                    break;
                }
                if digits.len() >= 13 && is_card(&digits) {
                    found = Some(h);
                }
            }
            match found {
                Some(h) => {
                    out.push((groups[g].0, groups[h].1));
                    g = h + 1;
                }
                None => g += 1,
            }
        }
        i = run_end.max(i + 1);
    }
}

/// True when the digits `start..end` are part of a word of 20 or more hexadecimal
/// digits with three letters or more (a hash, a commit id): its decimal runs are not
/// card numbers (`B4111…`, track data, is not a hash).
fn in_a_hex_hash(bytes: &[u8], start: usize, end: usize) -> bool {
    // a bounded look: a hexadecimal word longer than 128 bytes each side is a blob
    let mut s = start;
    while s > 0 && start - s < 128 && bytes[s - 1].is_ascii_alphanumeric() {
        s -= 1;
    }
    let mut e = end;
    while e < bytes.len() && e - end < 128 && bytes[e].is_ascii_alphanumeric() {
        e += 1;
    }
    let word = &bytes[s..e];
    word.len() >= 20
        && word.iter().all(u8::is_ascii_hexdigit)
        && word.iter().filter(|b| b.is_ascii_alphabetic()).count() >= 3
}

/// True when the byte at `at` is inside a UUID (`8-4-4-4-12` hexadecimal digits).
fn in_a_uuid(bytes: &[u8], at: usize) -> bool {
    const SHAPE: &[u8; 36] = b"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    let from = at.saturating_sub(35);
    (from..=at).any(|p| {
        bytes.get(p..p + 36).is_some_and(|w| {
            w.iter().zip(SHAPE).all(|(&b, &s)| {
                if s == b'-' {
                    b == b'-'
                } else {
                    b.is_ascii_hexdigit()
                }
            })
        }) && !(p > 0 && bytes[p - 1].is_ascii_alphanumeric())
    })
}

/// Magnetic-stripe track 1 and track 2 data.
pub struct Tracks(Regex);

impl Tracks {
    /// Compiles the track patterns.
    pub fn new() -> Tracks {
        Tracks(
            Regex::new(
                r"%?B(\d{12,19})\^[^\^\n]{0,26}\^\d{4}[^?\s]{0,80}\??|;?(\d{12,19})[=D]\d{4}\d{0,40}\??",
            )
            .expect("the track pattern compiles"),
        )
    }

    /// The track data in `text` whose card number passes the Luhn check.
    pub fn find(&self, text: &str, out: &mut Vec<Span>) {
        for c in self.0.captures_iter(text) {
            let pan = c.get(1).or_else(|| c.get(2)).map_or("", |m| m.as_str());
            if luhn(pan) {
                if let Some(m) = c.get(0) {
                    out.push((m.start(), m.end()));
                }
            }
        }
    }
}

/// True when the digits `s..e` are a group of an IPv6 address (`2001:db8:3817:6756::1627`):
/// next to `::`, or (`first`: a card would start there) after another group of one to
/// four hexadecimal digits that itself follows a `:` or `[`.
fn in_an_ipv6(bytes: &[u8], s: usize, e: usize, first: bool) -> bool {
    let double_colon = (s >= 2 && &bytes[s - 2..s] == b"::") || bytes[e..].starts_with(b"::");
    if double_colon {
        return true;
    }
    if !first || s == 0 || bytes[s - 1] != b':' {
        return false;
    }
    let before = &bytes[..s - 1];
    let group = before
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_hexdigit())
        .count();
    (1..=4).contains(&group)
        && before.len() > group
        && matches!(before[before.len() - group - 1], b':' | b'[')
}

/// The text of a card span masked to its last four digits: every other digit is `*`,
/// separators are kept (`**** **** **** 1111`).
pub fn mask_last4(card: &str) -> String {
    let total = card.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    card.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen + 4 > total {
                    return c;
                }
                '*'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cards(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        find(text, &mut out);
        out.iter().map(|&(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn finds_cards_in_groups_and_glued() {
        assert_eq!(
            cards("pay 4111 1111 1111 1111 now"),
            ["4111 1111 1111 1111"]
        );
        assert_eq!(cards("x4111111111111111y"), ["4111111111111111"]);
        assert_eq!(cards("4111|1111|1111|1111"), ["4111|1111|1111|1111"]);
        assert_eq!(cards("amex 378282246310005, cvv 123"), ["378282246310005"]);
        assert!(
            cards("id 1234567890123456789").is_empty(),
            "no network starts with 1"
        );
        assert!(cards("order 4111111111111112").is_empty(), "fails Luhn");
        assert!(cards("2026-12-07 15:43:21.123456").is_empty());
        assert!(cards("job 2d123456-1234-4123-a123-123456789012 done").is_empty());
        assert!(cards("sha256:4111111111111111ab3c9f0c83429da0b4b4be9507fe8d1a3af7").is_empty());
        assert_eq!(cards("cc4111-1111-1111-1111x"), ["4111-1111-1111-1111"]);
        assert!(cards("buckets=[4,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]").is_empty());
        assert!(cards("score=0.4111111111111111").is_empty());
        assert_eq!(mask_last4("4111 1111 1111 1111"), "**** **** **** 1111");
    }

    #[test]
    fn finds_track_data() {
        let t = Tracks::new();
        let mut out = Vec::new();
        let text = "swipe %B4111111111111111^DOE/JOHN^2512101000000000000?";
        t.find(text, &mut out);
        assert_eq!(
            &text[out[0].0..out[0].1],
            "%B4111111111111111^DOE/JOHN^2512101000000000000?"
        );
    }
}
