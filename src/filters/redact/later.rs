//! A credential written a few words after its name, in prose: `secret: the value X`,
//! `token for alice: X`, `SECRET_KEY loaded from vault: X`, `changed password from X to
//! Y`, `API key [X] accepted`, `the+password+is+X`.
//!
//! Prose between the name and the value is any words, so the value is known by its
//! shape alone: a word that [looks generated](generated), mixing capitals, small
//! letters and digits or signs the way a random string does and a word of prose, a
//! name or an identifier does not. Only such words are taken, and only within
//! [`LATER_WORDS`] words of the same line after a credential's name ([`names_a_credential`]);
//! a value in plain letters written later (`password for bob: hunter`) is not found.
//!
//! The first look cannot know where such a name is without reading every word, so it
//! looks for the value instead: a text with a word that may look generated is read
//! whole ([`may_hold_generated`]).

use super::cards::Span;

/// The most words read after a credential's name for a value written later.
pub const LATER_WORDS: usize = 6;

/// The most bytes read after a credential's name for a value written later.
pub const LATER_LIMIT: usize = 160;

/// Every generated-looking word within [`LATER_WORDS`] words of the line after a
/// credential's name (`from`: where the name, or a word of prose after it, ends);
/// true when one was found. `replacement` marks values redacted already. After a `+`
/// (`the+password+is+X`, a form's text) words are split at `+` too.
///
/// `relaxed` (after a password's name the first look reports): a word with a digit
/// [shaped](super::key_values::shaped) like a password is taken too where a value
/// starts: first, or after `to`, `is`, `was`, `:`, `=`, `->` or a dash.
pub fn values_later(
    text: &str,
    from: usize,
    relaxed: bool,
    replacement: &str,
    out: &mut Vec<Span>,
) -> bool {
    let bytes = text.as_bytes();
    let plus = bytes.get(from) == Some(&b'+');
    let limit = bytes.len().min(from + LATER_LIMIT);
    let mut found = false;
    let mut words = 0;
    let mut value_starts = true;
    let mut k = from;
    while k < limit && words < LATER_WORDS {
        let blank = |b: u8| matches!(b, b' ' | b'\t') || (plus && b == b'+');
        while k < limit && blank(bytes[k]) {
            k += 1;
        }
        if k >= limit || matches!(bytes[k], b'\n' | b'\r') {
            break;
        }
        let start = k;
        while k < limit && !blank(bytes[k]) && !matches!(bytes[k], b'\n' | b'\r') {
            k += 1;
        }
        if k == limit && k < bytes.len() && !bytes[k].is_ascii_whitespace() {
            break; // a word cut by the limit is not read
        }
        words += 1;
        let word = &bytes[start..k];
        let lead = word
            .iter()
            .take_while(|&&b| matches!(b, b'(' | b'[' | b'{' | b'<' | b'"' | b'\'' | b'`'))
            .count();
        let word = &word[lead..];
        if word.starts_with(replacement.as_bytes()) {
            continue;
        }
        let trail = word
            .iter()
            .rev()
            .take_while(|&&b| {
                matches!(
                    b,
                    b')' | b']'
                        | b'}'
                        | b'>'
                        | b'"'
                        | b'\''
                        | b'`'
                        | b'.'
                        | b','
                        | b';'
                        | b':'
                        | b'!'
                        | b'?'
                )
            })
            .count();
        let word = &word[..word.len() - trail];
        // `old=X new=Y`: the value of a short pair
        let (lead, word) = match word.iter().position(|&b| b == b'=') {
            Some(k) if (1..=10).contains(&k) && word[..k].iter().all(u8::is_ascii_alphabetic) => {
                (lead + k + 1, &word[k + 1..])
            }
            _ => (lead, word),
        };
        let shaped = relaxed
            && value_starts
            && word.iter().any(u8::is_ascii_digit)
            && !email(word)
            && std::str::from_utf8(word).is_ok_and(super::key_values::shaped);
        if generated(word) || shaped {
            out.push((start + lead, start + lead + word.len()));
            found = true;
        }
        let raw = &bytes[start..k];
        value_starts = raw.ends_with(b":")
            || raw.ends_with(b"=")
            || matches!(
                raw,
                b"to" | b"is" | b"was" | b"->" | b"=>" | b"-" | b"\xe2\x80\x94" | b"\xe2\x80\x93"
            );
        // a provider's key (`AKIA…`, a JWT): the token matcher redacts it
        found |= word.len() >= 16
            && (word
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                || super::first_look::long_word(word));
    }
    found
}

/// True for a name whose value may be written later in prose: a password's, a
/// secret's, a token's, a key's or a credential's. Names of numbers and of session
/// state are not (`session expired for cus_Nf…`, `card ending 4242`, `otp sent`): what
/// follows them is an id or a count more often than their value.
pub fn names_a_credential(name: &str) -> bool {
    let last = name.rsplit(['_', '-', '.', ' ']).next().unwrap_or_default();
    let mut buf = [0u8; 16];
    let Some(lower) = buf.get_mut(..last.len()) else {
        return true; // longer than every word below
    };
    lower.copy_from_slice(last.as_bytes());
    lower.make_ascii_lowercase();
    !matches!(
        &*lower,
        b"session"
            | b"sessionid"
            | b"sid"
            | b"id"
            | b"cookie"
            | b"cookies"
            | b"card"
            | b"cardnumber"
            | b"ccnum"
            | b"ccnumber"
            | b"number"
            | b"no"
            | b"num"
            | b"code"
            | b"cid"
            | b"cvc"
            | b"cvc2"
            | b"cvv"
            | b"cvv2"
            | b"otp"
            | b"totp"
            | b"pan"
            | b"pin"
            | b"pincode"
            | b"ssn"
            | b"sig"
            | b"signature"
            | b"dsn"
            | b"auth"
            | b"authorization"
            | b"bearer"
    )
}

/// True when the name at `start` follows a word that makes it a place in a listing
/// rather than a credential: `pagination token`, `next token`, `page token`,
/// `continuation token`, `cursor token`, `sync token`, `resume token`.
pub fn names_a_cursor(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end_matches([' ', '_', '-']);
    let word_start = before
        .bytes()
        .rposition(|b| !b.is_ascii_alphabetic())
        .map_or(0, |k| k + 1);
    let word = &before[word_start..];
    [
        "pagination",
        "page",
        "next",
        "continuation",
        "cursor",
        "sync",
        "resume",
        "paging",
    ]
    .iter()
    .any(|w| word.eq_ignore_ascii_case(w))
}

/// True for a word that looks generated: 10 to 128 ASCII bytes with two capitals or
/// more, two small letters or more and two digits or signs or more, a capital right
/// after a small letter, a digit or a sign (not `-`, `_` or `.`, which join words), and
/// a change of kind (capital, small letter, digit, sign) at one byte in four or more. No `=`, `:`, `/`, quotes or brackets (a
/// pair, a path, a URL), no e-mail address, no id with a small-letter prefix
/// (`cus_NffrFeUfNV2Hib`, `req_8fK2mPq9Lx`), no base64 of JSON without a JWT's dots (a
/// page's cursor, `eyJpZCI6…`).
/// `PaymentGateway2`, `Policy2024`, `v2.1.3-Beta` and hex hashes are not generated.
pub fn generated(word: &[u8]) -> bool {
    // base64 of JSON without a JWT's dots: a page's cursor (the blob matcher reads
    // inside it for secrets)
    if !(10..=128).contains(&word.len()) || (word.starts_with(b"eyJ") && !word.contains(&b'.')) {
        return false;
    }
    let (mut upper, mut lower, mut other) = (0, 0, 0);
    let (mut changes, mut capital_inside, mut prev) = (0, false, 0u8);
    for (i, &b) in word.iter().enumerate() {
        let kind = match b {
            b'A'..=b'Z' => {
                upper += 1;
                1
            }
            b'a'..=b'z' => {
                lower += 1;
                2
            }
            b'0'..=b'9' => {
                other += 1;
                3
            }
            b'=' | b':' | b'/' | b'"' | b'\'' | b'`' | b'\\' | b'<' | b'>' | b'(' | b')' | b'['
            | b']' | b'{' | b'}' => return false,
            0x21..=0x7e => {
                other += 1;
                4
            }
            _ => return false,
        };
        if i > 0 && kind != prev {
            changes += 1;
            // after a small letter, a digit or a sign but those that join words
            capital_inside |= kind == 1 && !matches!(word[i - 1], b'-' | b'_' | b'.');
        }
        prev = kind;
    }
    let id_prefix = word
        .iter()
        .position(|&b| b == b'_')
        .is_some_and(|k| k >= 1 && word[..k].iter().all(u8::is_ascii_lowercase));
    upper >= 2
        && lower >= 2
        && other >= 2
        && capital_inside
        && changes * 4 >= word.len()
        && !id_prefix
        && !email(word)
}

/// True for an e-mail address: an `@` followed by a domain (letters, digits, `-` and
/// at least one `.`).
fn email(word: &[u8]) -> bool {
    word.iter().position(|&b| b == b'@').is_some_and(|k| {
        let domain = &word[k + 1..];
        domain.contains(&b'.')
            && domain
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
    })
}

/// True when a word of a text (`token`: a run without blanks) may hold a word that
/// [`generated`] accepts, once trimmed of quotes and brackets or split at `+`: 10 bytes
/// or more, with two capitals, two small letters, two other bytes and a capital after
/// a byte that is neither a capital nor a blank. The first look reads a text whole when one of its words may.
pub fn may_hold_generated(token: &[u8]) -> bool {
    if token.len() < 10 {
        return false;
    }
    let (mut upper, mut lower, mut other, mut inside) = (0, 0, 0, false);
    let mut prev = b' ';
    for &b in token {
        match b {
            b'A'..=b'Z' => {
                upper += 1;
                inside |= !prev.is_ascii_uppercase() && !prev.is_ascii_whitespace();
            }
            b'a'..=b'z' => lower += 1,
            _ => other += 1,
        }
        prev = b;
    }
    upper >= 2 && lower >= 2 && other >= 2 && inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_words_are_told_from_words_of_prose_and_ids() {
        for word in [
            "Hy7bBy9qNf",
            "Aj543gqV70fiA",
            "Pd^Ga^c@kwa-o0ZRYi6",
            "EX7q+q5D*QTnX",
            "jRw6hfrxT_u@pj93vsyiTrM",
            "CFA4pMpDmpfSOhjDOE5HV",
        ] {
            assert!(generated(word.as_bytes()), "{word}");
        }
        for word in [
            "PaymentGateway2",
            "Policy2024",
            "v2.1.3-Beta",
            "cus_NffrFeUfNV2Hib",
            "Bob.Smith2@Example.com",
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "550e8400-e29b-41d4-a716-446655440000",
            "ValueError",
            "https://X7y8Zq.example/A1b2",
            "alice.smith",
        ] {
            assert!(!generated(word.as_bytes()), "{word}");
        }
    }

    #[test]
    fn a_value_a_few_words_later_is_found_and_the_words_between_are_kept() {
        fn find(text: &str, from: usize) -> Vec<&str> {
            let mut out = Vec::new();
            values_later(text, from, false, "[REDACTED]", &mut out);
            out.iter().map(|&(s, e)| &text[s..e]).collect()
        }
        assert_eq!(
            find("secret: the value Pd^Ga^c@kwa-o0ZRYi6 ok", 6),
            ["Pd^Ga^c@kwa-o0ZRYi6"]
        );
        assert_eq!(
            find("API key [CFA4pMpDmpfSOhjDOE5HV] accepted", 7),
            ["CFA4pMpDmpfSOhjDOE5HV"]
        );
        assert_eq!(
            find("password from QzH_xQMO5AfP^UEs#rh7VN to UdV~7fy6WQ7y x", 8),
            ["QzH_xQMO5AfP^UEs#rh7VN", "UdV~7fy6WQ7y"]
        );
        assert_eq!(
            find("the+password+is+Tun1l6rKVwwvMZv4LQcPeWS+ok", 12),
            ["Tun1l6rKVwwvMZv4LQcPeWS"]
        );
        // seven words on: too far; the next line: another record's
        assert!(find("token a b c d e f Hy7bBy9qNf", 5).is_empty());
        assert!(find("token was\nHy7bBy9qNf", 5).is_empty());
    }
}
