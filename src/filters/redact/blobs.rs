//! Secrets inside base64: a blob that decodes to text in which the key-value or URL
//! matcher finds a secret (`cGFzc3dvcmQ9…` is `password=…`, `eyJwYXNzd29yZCI6…` is
//! `{"password": …}`), to `user:password` (a Basic credential) or `\0user\0password`
//! (SASL PLAIN), or that starts a PEM private key, is replaced whole.
//!
//! A blob is a run of base64 characters (`A-Z a-z 0-9 + / _ -`, then up to two `=`)
//! that the first look counts as a long word (20 characters or more, mixing cases:
//! see `first_look::long_word`); it is decoded once (a blob inside a blob is not
//! looked into) and only text (UTF-8 without control characters) is read.

use super::cards::Span;
use super::first_look::long_word;
use super::{key_values, tokens};

/// The longest blob decoded (a bound keeps the cost linear in the text).
const BLOB_LIMIT: usize = 4096;

/// Every base64 blob in `text` whose decoded text holds a secret; `replacement` as
/// for [`key_values::find`].
pub fn find(text: &str, replacement: &str, out: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let base64 = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'_' | b'-');
    let mut i = 0;
    while i < bytes.len() {
        if !base64(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && base64(bytes[i]) {
            i += 1;
        }
        let run = &bytes[start..i];
        let mut end = i;
        while end < bytes.len() && end - i < 2 && bytes[end] == b'=' {
            end += 1;
        }
        if run.len() < 20 || run.len() > BLOB_LIMIT || !long_word(run) {
            continue;
        }
        if holds_a_secret(run, replacement) {
            out.push((start, end));
        }
    }
}

/// True when `run`, decoded from base64, is text holding a secret.
fn holds_a_secret(run: &[u8], replacement: &str) -> bool {
    // a PEM private key encoded again (`LS0tLS1CRUdJTi…` is `-----BEGIN`): its first
    // line says
    if run.starts_with(b"LS0tLS1CRUdJT") {
        let head = &run[..run.len().min(96) / 4 * 4];
        if tokens::base64_decode(head)
            .is_some_and(|d| memchr::memmem::find(&d, b"PRIVATE KEY").is_some())
        {
            return true;
        }
    }
    let Some(decoded) = tokens::base64_decode(run) else {
        return false;
    };
    // SASL PLAIN (`\0user\0password`, as SMTP, IMAP, LDAP, Kafka and MongoDB send it)
    if let [authzid, user, password] = decoded.split(|&b| b == 0).collect::<Vec<_>>()[..] {
        let printable = |part: &[u8]| part.iter().all(|&b| b >= 0x20 && b != 0x7f);
        if authzid.len() <= 64
            && !user.is_empty()
            && user.len() <= 64
            && !password.is_empty()
            && printable(authzid)
            && printable(user)
            && printable(password)
        {
            return true;
        }
    }
    let Ok(decoded) = String::from_utf8(decoded) else {
        return false;
    };
    if decoded
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return false;
    }
    // `user:password`, a Basic credential decoded; not a GraphQL id (`Order:8812`,
    // `ProductVariant:0b5f…`: a type's name and a number or id) nor a URL
    if let Some((user, password)) = decoded.split_once(':') {
        let type_name = user.starts_with(|c: char| c.is_ascii_uppercase())
            && user.bytes().all(|b| b.is_ascii_alphanumeric());
        if !user.is_empty()
            && user.len() <= 64
            && password.len() >= 4
            && !decoded.contains(char::is_whitespace)
            && !password.contains(':')
            && !password.starts_with("//")
            && !password.bytes().all(|b| b.is_ascii_digit())
            && !type_name
        {
            return true;
        }
    }
    let mut inner = Vec::new();
    key_values::find(&decoded, replacement, None, &mut inner);
    tokens::url_passwords(&decoded, &mut inner);
    inner.iter().any(|&(s, e)| s < e)
}

#[cfg(test)]
mod tests {
    use super::find;

    fn found(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        find(text, "[REDACTED]", &mut out);
        out.iter().map(|&(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn a_blob_holding_a_secret_is_found_whole() {
        // password=OP6jVJiPr0 ; {"password": "l08GUU766"} ; postgres://u:Pw9xQ@db/app
        assert_eq!(
            found("blob cGFzc3dvcmQ9T1A2alZKaVByMA== end"),
            ["cGFzc3dvcmQ9T1A2alZKaVByMA=="]
        );
        assert_eq!(
            found("state=eyJwYXNzd29yZCI6ICJsMDhHVVU3NjYifQ=="),
            ["eyJwYXNzd29yZCI6ICJsMDhHVVU3NjYifQ=="]
        );
        // bob:aBa*K76UJfZP1e3
        assert_eq!(
            found("basic auth header Ym9iOmFCYSpLNzZVSmZGWlAxZTM= decoded"),
            ["Ym9iOmFCYSpLNzZVSmZGWlAxZTM="]
        );
        assert_eq!(
            found("dsn cG9zdGdyZXM6Ly91OlB3OXhRQGRiL2FwcA"),
            ["cG9zdGdyZXM6Ly91OlB3OXhRQGRiL2FwcA"]
        );
    }

    #[test]
    fn other_blobs_stay() {
        // {"user": "bob", "page": 2} ; "password reset email sent" ; random bytes
        for text in [
            "cursor eyJ1c2VyIjogImJvYiIsICJwYWdlIjogMn0=",
            "cGFzc3dvcmQgcmVzZXQgZW1haWwgc2VudA==",
            "sig q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQ",
            "0b5f3c9e-8d2a-4f61-9b7e-2c4d6e8f0a1b",
            // ProductVariant:456789012 ; https://example.com/a/b
            "gid UHJvZHVjdFZhcmlhbnQ6NDU2Nzg5MDEy",
            "aHR0cHM6Ly9leGFtcGxlLmNvbS9hL2I=",
        ] {
            assert!(found(text).is_empty(), "{text}");
        }
    }
}
