//! Secrets found by the name before them: `key=value`, `key: value`, `"key": "value"`,
//! `key => value`, `<key>value</key>`, an HTML password input's `value="…"`,
//! `--key VALUE`, `--key=VALUE`, `mysql -pVALUE`, `Cookie:`/`Authorization:` headers,
//! and prose (`the password is X`). Names are judged by [`super::names`].

use super::cards::Span;
use super::later;
use super::names::is_secret_name;

/// Words that, right after `password is`, say something about the password instead
/// of being it (`password is incorrect`).
const NOT_A_VALUE: &[&str] = &[
    "malformed",
    "unknown",
    "unavailable",
    "mismatched",
    "different",
    "same",
    "stale",
    "old",
    "used",
    "reused",
    "compromised",
    "leaked",
    "bad",
    "good",
    "fine",
    "short",
    "long",
    "ignored",
    "generated",
    "rotated",
    "received",
    "verified",
    "unverified",
    "saved",
    "cached",
    "found",
    "also",
    "still",
    "already",
    "currently",
    "a",
    "an",
    "the",
    "not",
    "no",
    "now",
    "too",
    "invalid",
    "incorrect",
    "wrong",
    "required",
    "missing",
    "empty",
    "blank",
    "expired",
    "expiring",
    "correct",
    "valid",
    "ok",
    "okay",
    "set",
    "unset",
    "changed",
    "reset",
    "updated",
    "weak",
    "strong",
    "secure",
    "insecure",
    "httponly",
    "samesite",
    "being",
    "been",
    "accepted",
    "rejected",
    "locked",
    "disabled",
    "enabled",
    "null",
    "none",
    "nil",
    "undefined",
    "mandatory",
    "optional",
    "stored",
    "hashed",
    "encrypted",
    "redacted",
    "hidden",
    "masked",
    "same",
    "different",
    "short",
    "long",
    "good",
    "bad",
    "used",
    "reused",
    "known",
    "unknown",
    "due",
    "about",
    "still",
    "already",
    "also",
    "only",
    "case",
    "sensitive",
    "protected",
    "saved",
    "sent",
    "provided",
    "given",
    "incomplete",
    "unchanged",
    "there",
    "here",
    "in",
    "on",
    "at",
    "for",
    "of",
    "to",
    "from",
    "with",
    "without",
    "and",
    "or",
    "but",
    "that",
    "which",
    "this",
    "by",
    "as",
    "if",
    "when",
    "verified",
    "confirmed",
    "generated",
    "rotated",
    "revoked",
    "compromised",
    "leaked",
    "exposed",
    "available",
    "unavailable",
    "present",
    "absent",
    "matching",
    "mismatched",
    "too_short",
    "[redacted]",
    "emailed",
    "mailed",
    "texted",
    "shown",
    "displayed",
    "printed",
    "logged",
    "out",
    "needed",
    "supplied",
    "checked",
    "validated",
    "safe",
];

/// Header names whose whole value is a secret (it goes to the end of the line).
const HEADER_NAMES: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "cookies",
];

/// The commands whose short flags carry a password (`mysql -pX`, `redis-cli -a X`),
/// and ` -u` (a user, so `-p` after it is a password).
const PROGRAMS: &[&str] = &[
    "mysql",
    "mariadb",
    " -u",
    "docker login",
    "sshpass",
    "mongo",
    "redis-cli",
    "ldap",
    "openssl",
    "sqlcmd",
    "bcp ",
    "az login",
    "htpasswd",
    "smbclient",
    "rpcclient",
    "lftp",
    "zip ",
    "ssh-keygen",
    "7z ",
    "7za ",
    "psexec",
];

/// Which of [`PROGRAMS`] a text names, found once per text (a text with many flags
/// is not searched again for each).
pub struct Programs(u32);

impl Programs {
    fn in_text(text: &str) -> Programs {
        let lower = text.to_ascii_lowercase();
        let mut found = 0u32;
        for (i, p) in PROGRAMS.iter().enumerate() {
            if lower.contains(p) {
                found |= 1 << i;
            }
        }
        Programs(found)
    }

    /// True when the text names `program` (one of [`PROGRAMS`]).
    fn runs(&self, program: &str) -> bool {
        PROGRAMS
            .iter()
            .position(|p| *p == program)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }
}

/// The verbs of prose between a secret's name and its value (`the password is x`),
/// any case, a blank after them.
pub(super) const PROSE_VERBS: &[&str] = &["is", "was", "are", "were", "equals", "will", "has"];

/// [`PROSE_VERBS`] as prose writes them: with a colon (`password is: x`), after a verb
/// (`set to`), before a participle (`will be`, `has been`).
const PROSE_WORDS: &[&str] = &[
    "is:",
    "was:",
    "is",
    "was",
    "are",
    "were",
    "equals",
    "set to",
    "changed to",
    "reset to",
    "updated to",
    "will be",
    "has been",
];

/// Where the opening tag whose name runs from `start` to `end` closes (its `>`), when
/// it is one: `<password>`, `<password type="text">`, `<ns1:password>` (not a closing
/// or an empty tag).
pub(super) fn opening_tag(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    // `<` before the name, or before a namespace prefix and its `:`
    let mut s = start;
    if s > 0 && bytes[s - 1] == b':' {
        s -= 1;
        while s > 0
            && start - s < 32
            && (bytes[s - 1].is_ascii_alphanumeric() || bytes[s - 1] == b'_')
        {
            s -= 1;
        }
    }
    if s == 0 || bytes[s - 1] != b'<' {
        return None;
    }
    match bytes.get(end) {
        Some(b'>') => Some(end),
        Some(b' ') => {
            let reach = (end + 256).min(bytes.len());
            let close = (end..reach).find(|&k| matches!(bytes[k], b'>' | b'<'))?;
            // not `/>` (an empty tag), `=>` or `->` (arrows)
            (bytes[close] == b'>' && !matches!(bytes[close - 1], b'/' | b'=' | b'-'))
                .then_some(close)
        }
        _ => None,
    }
}

/// True for `key` and `code` as a URL query's parameters (`?key=x`, `&code=x`: an API
/// key, an OAuth authorization code); elsewhere they name nothing secret.
pub(super) fn query_secret(text: &str, start: usize, name: &str) -> bool {
    let bytes = text.as_bytes();
    (name.eq_ignore_ascii_case("key") || name.eq_ignore_ascii_case("code"))
        && start > 0
        && matches!(bytes[start - 1], b'?' | b'&')
        && bytes.get(start + name.len()) == Some(&b'=')
}

/// The most words of prose read between a secret's name and its verb (`password for
/// bob is X`, `password of the db is X`): each a [`clause word`](is_clause_byte)
/// followed by exactly one space, the name followed by exactly one space too. The first
/// look reads them back the same way.
pub(super) const WORDS_BEFORE_VERB: usize = 3;

/// A byte of a word of prose between a name and its verb: letters, digits, `_` and
/// quotes (`'bob'`); not `-` or `.`, which join words into names.
pub(super) fn is_clause_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'\'' | b'"')
}

/// Where the value starts in prose after a secret's name, `at` the first word after
/// it: a verb of [`PROSE_WORDS`], after at most [`WORDS_BEFORE_VERB`]
/// words of the same clause when `words_allowed` (the name was followed by one space),
/// maybe followed by `now` (`is now X`) or a verb with `to` (`was reset to X`).
fn prose_verb(text: &str, mut at: usize, words_allowed: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let verb_at = |at: usize| {
        PROSE_WORDS
            .iter()
            .find(|w| {
                let r = &bytes[at.min(bytes.len())..];
                r.len() > w.len()
                    && r[..w.len()].eq_ignore_ascii_case(w.as_bytes())
                    && r[w.len()].is_ascii_whitespace()
            })
            .map(|w| w.len())
    };
    let mut words = 0;
    let len = loop {
        if let Some(len) = verb_at(at) {
            break len;
        }
        if !words_allowed || words == WORDS_BEFORE_VERB {
            return None;
        }
        // one more word of the clause, then exactly one space
        let end = (at..bytes.len().min(at + 64))
            .find(|&k| !is_clause_byte(bytes[k]))
            .unwrap_or(bytes.len().min(at + 64));
        if end == at
            || bytes.get(end) != Some(&b' ')
            || bytes.get(end + 1).is_none_or(|&b| b.is_ascii_whitespace())
        {
            return None;
        }
        at = end + 1;
        words += 1;
    };
    let mut value = skip_spaces(text, at + len);
    // `is now X`, `was reset to X`, `was changed to: X`
    for filler in ["now", "reset to", "set to", "changed to", "updated to"] {
        if bytes
            .get(value..value + filler.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(filler.as_bytes()))
            && matches!(bytes.get(value + filler.len()), Some(b' ' | b':'))
        {
            value += filler.len();
            if bytes.get(value) == Some(&b':') {
                value += 1;
            }
            value = skip_spaces(text, value);
        }
    }
    Some(value)
}

/// A byte of a name: letters, digits, `_`, `-`, `.`, `$` and `@` (look-alike letters:
/// `pa$$word`, `p@ss`), and every byte of a non-ASCII character (`пароль`, `密码`: the
/// text is read decoded, so these are letters of other scripts). A name is cut into
/// words by [`is_secret_name`].
pub(super) fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'$' | b'@') || b >= 0x80
}

/// True when the quoted name starting at `start` is the first item of a pair in a
/// list (`[["Cookie", "sid=x"]]`, `[(b'cookie', b'sid=x')]`, escaped in JSON too):
/// a quote before it (maybe escaped, maybe after `b`), and `[` or `(` before that.
pub(super) fn opens_a_pair(bytes: &[u8], start: usize) -> bool {
    let mut k = start;
    if k == 0 || !matches!(bytes[k - 1], b'"' | b'\'') {
        return false;
    }
    k -= 1;
    while k > 0 && start - k < 4 && bytes[k - 1] == b'\\' {
        k -= 1;
    }
    if k > 0 && bytes[k - 1] == b'b' {
        k -= 1;
    }
    k > 0 && matches!(bytes[k - 1], b'[' | b'(')
}

/// Every value named by a secret key in `text`; `replacement` marks values redacted
/// already. `near`: where the first look found secret words, in the order of the text
/// (None: look everywhere);
/// only the names around them are judged.
pub fn find(text: &str, replacement: &str, near: Option<&[usize]>, out: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let mut programs: Option<Programs> = None;
    let mut judge = |start: usize, end: usize, out: &mut Vec<Span>| -> usize {
        // `password.........x`: the name ends where a leader of dots starts
        let token = &text[start..end];
        let token = match memchr::memchr(b'.', token.as_bytes()) {
            Some(_) => match token.find("...") {
                Some(k) if k > 0 => &token[..k],
                _ => token,
            },
            None => token,
        };
        let dashes = token.len() - token.trim_start_matches('-').len();
        let name = token.trim_start_matches('-').trim_end_matches(['.', '-']);
        let name_end = start + dashes + name.len();
        let flag = (dashes == 1 && name.as_bytes().first().is_some_and(u8::is_ascii_alphabetic))
            || (dashes == 2 && name.eq_ignore_ascii_case("user"));
        if flag {
            let lower = programs.get_or_insert_with(|| Programs::in_text(text));
            if let Some((s, e)) = flag_value(text, start, dashes, name, lower) {
                out.push((s, e));
                return end.max(e);
            }
        }
        // `IDENTIFIED BY 'x'`
        if name.eq_ignore_ascii_case("identified") {
            let rest = &text[name_end..];
            let by = rest.trim_start_matches(' ');
            if by.len() > 2 && by[..2].eq_ignore_ascii_case("by") && by.as_bytes()[2] == b' ' {
                let after = name_end + (rest.len() - by.len()) + 2;
                let v = skip_spaces(text, after);
                if matches!(text.as_bytes().get(v), Some(b'\'' | b'"')) {
                    let (skip, len) = value_extent(&text[v..]);
                    if len > 0 {
                        out.push((v + skip, v + skip + len));
                        return end.max(v + skip + len);
                    }
                }
            }
            return end;
        }
        let mut secret = if name.eq_ignore_ascii_case("value") {
            in_a_secret_tag(text, start)
        } else {
            is_secret_name(name) || query_secret(text, start, name)
        };
        // two words that name a secret together, the first naming nothing alone
        // (`your api key is X`)
        let mut name = name;
        let mut name_end = name_end;
        // (`session key generated X`: a credential's name, though `session` alone is not)
        if dashes == 0 && (!secret || !later::names_a_credential(name)) {
            if let Some(e2) = pair_after(text, name, name_end) {
                name = &text[start..e2];
                name_end = e2;
                secret = true;
            }
        }
        if !secret {
            return end;
        }
        let credential = later::names_a_credential(name) && !later::names_a_cursor(text, start);
        // a password's name before a blank, which the first look always reports (up to
        // 64 bytes from its password word): a value shaped like a password is taken
        // right after it or after `to`, `is`, `:`
        let relaxed = name.len() <= 48
            && matches!(bytes.get(name_end), Some(b' ' | b'\t'))
            && super::names::holds_a_password_word(name.as_bytes());
        match value_after(text, start, name_end, name, dashes, replacement)
            .or_else(|| field_value(text, start, name_end, replacement))
        {
            // what follows describes the secret (`token: here you go X`, `token:
            // Bearer X`): its value may come a few words later
            Some((s, e)) if describes(name, &text[s..e], &text[e..]) => {
                if credential {
                    later::values_later(text, e, relaxed, replacement, out);
                }
                end
            }
            // a plain word unquoted (`secret: the value X`, `client-secret: rotated ->
            // X`): the value it introduces, when a generated word follows; else itself
            Some((s, e))
                if credential
                    && plain_word(&text[s..e])
                    && (s == 0 || !matches!(bytes[s - 1], b'"' | b'\'' | b'`'))
                    && later::values_later(text, e, relaxed, replacement, out) =>
            {
                end
            }
            Some((s, e)) => {
                out.push((s, e));
                // a change shown as `old -> new` (Terraform's plan): the new value too
                match new_value(text, e) {
                    Some(span) => {
                        out.push(span);
                        span.1.max(end)
                    }
                    None => e.max(end),
                }
            }
            None => {
                if credential {
                    later::values_later(text, name_end, relaxed, replacement, out);
                }
                end
            }
        }
    };
    match near {
        Some(hits) => {
            let mut done = 0;
            for &hit in hits {
                let mut at = hit;
                while at < bytes.len() && !is_name_byte(bytes[at]) {
                    at += 1;
                }
                if at < done || at >= bytes.len() {
                    continue;
                }
                // a secret word inside an HTML tag names its `value` attribute too
                if let Some(v) = value_attribute(text, at) {
                    if let Some(span) = value_after(text, v, v + 5, "value", 0, replacement) {
                        out.push(span);
                    }
                }
                let mut start = at;
                while start > 0 && is_name_byte(bytes[start - 1]) {
                    start -= 1;
                }
                let mut end = at;
                while end < bytes.len() && is_name_byte(bytes[end]) {
                    end += 1;
                }
                if end > start {
                    done = judge(start.max(done), end, out);
                }
            }
        }
        None => {
            let mut i = 0;
            while i < bytes.len() {
                if !is_name_byte(bytes[i]) || (i > 0 && is_name_byte(bytes[i - 1])) {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < bytes.len() && is_name_byte(bytes[i]) {
                    i += 1;
                }
                i = judge(start, i, out);
            }
        }
    }
}

/// The value after ` -> ` that follows a quoted value ending at `e` (`"old" -> "new"`,
/// as Terraform shows a change).
fn new_value(text: &str, e: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let quote = *bytes.get(e)?;
    if !matches!(quote, b'"' | b'\'') {
        return None;
    }
    let k = skip_spaces(text, e + 1);
    if bytes.get(k..k + 2) != Some(b"->") {
        return None;
    }
    let v = skip_spaces(text, k + 2);
    if bytes.get(v) != Some(&quote) {
        return None;
    }
    let (skip, len) = value_extent(&text[v..]);
    non_empty(v + skip, v + skip + len)
}

/// The end of the second word of a pair of [`PAIRS`](super::names::PAIRS) whose first
/// word is `first` (ending at `end`), one space between (`api key`, `access key`).
fn pair_after(text: &str, first: &str, end: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.get(end) != Some(&b' ') || first.is_empty() {
        return None;
    }
    let len = bytes[end + 1..]
        .iter()
        .take(16)
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let second = &text[end + 1..end + 1 + len];
    let after = bytes.get(end + 1 + len);
    (len > 0
        && !after.is_some_and(|&b| is_name_byte(b))
        && super::names::PAIRS
            .iter()
            .any(|(a, b)| first.eq_ignore_ascii_case(a) && second.eq_ignore_ascii_case(b)))
    .then_some(end + 1 + len)
}

/// The value of a short flag, where the command line says what it is: `-pVALUE` and
/// `-p VALUE` for mysql, mariadb, docker, sshpass and mongo; `-a VALUE` for redis-cli;
/// `-w VALUE` for ldap tools; `-k VALUE` for openssl; the password in `-u user:pass`
/// and `--user user:pass` (curl) or `-U user%pass` (smbclient).
fn flag_value(
    text: &str,
    start: usize,
    dashes: usize,
    name: &str,
    programs: &Programs,
) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    if dashes == 1 && programs.runs("htpasswd") {
        if let Some(span) = htpasswd_password(text, start + 1 + name.len(), name) {
            return Some(span);
        }
    }
    // `-password X` (influx, Java tools): a long flag with one dash, read as `--password`
    if dashes == 1 && name.len() > 3 && is_secret_name(name) {
        return None;
    }
    let letter = name.as_bytes()[0].to_ascii_lowercase();
    // `-pVALUE`, `-p'x'`, `-p!x`: anything but a blank or `=` right after the letter
    let glued = dashes == 1
        && (name.len() > 1
            || bytes
                .get(start + 2)
                .is_some_and(|&b| !b.is_ascii_whitespace() && b != b'='));
    let value_at = if glued {
        start + 2
    } else {
        let after = start + dashes + name.len();
        if !matches!(bytes.get(after), Some(b' ' | b'=')) {
            return None;
        }
        skip_spaces(text, after + 1)
    };
    if value_at >= bytes.len() || bytes[value_at] == b'-' {
        return None;
    }
    let (skip, len) = value_extent(&text[value_at..]);
    let (s, e) = (value_at + skip, value_at + skip + len);
    let value = &text[s..e];
    let user_pass = |sep: char| {
        value
            .find(sep)
            .map(|k| (s + k + 1, e))
            .filter(|(a, b)| a < b)
    };
    let runs = |names: &[&str]| names.iter().any(|p| programs.runs(p));
    match (letter, dashes) {
        // `-U user%pass` (smbclient, rpcclient), `-u user,pass` (lftp)
        (b'u', _) if dashes == 2 || !glued => user_pass(':')
            .or_else(|| {
                runs(&["smbclient", "rpcclient"])
                    .then(|| user_pass('%'))
                    .flatten()
            })
            .or_else(|| runs(&["lftp"]).then(|| user_pass(',')).flatten()),
        (b'u', 1) => user_pass('%'),
        // `sqlcmd -P x`, `bcp ... -P x`: SQL Server's password flag is a capital
        // `zip -P x`, `unzip -P x`, `ssh-keygen -P old -N new`
        (b'p', 1) if name.starts_with('P') => {
            runs(&["sqlcmd", "bcp ", "zip ", "ssh-keygen"]).then_some((s, e))
        }
        (b'n', 1) if name == "N" && !glued => runs(&["ssh-keygen"]).then_some((s, e)),
        (b'p', 1) if glued => {
            let mysql = runs(&[
                "mysql", "mariadb", " -u", "sshpass", "7z ", "7za ", "psexec",
            ]);
            (mysql && !value.bytes().all(|b| b.is_ascii_digit() || b == b':')).then_some((s, e))
        }
        (b'p', 1) => {
            // `mysql -p db`: the database (mysql asks for the password); `-P` is a port
            (name.starts_with('p')
                && runs(&["docker login", "sshpass", "mongo", "az login", "psexec"]))
            .then_some((s, e))
        }
        (b'a', 1) if !glued => runs(&["redis-cli"]).then_some((s, e)),
        (b'w', 1) if !glued => runs(&["ldap"]).then_some((s, e)),
        (b'k', 1) if !glued => runs(&["openssl"]).then_some((s, e)),
        _ => None,
    }
}

/// The password of `htpasswd -b[flags] [file] user password` (`flags`: the letters
/// after the dash, `-b` among them; with `n` there is no file), `at` where the flags end.
/// `-C cost` and `-r rounds` take a number, other flags nothing.
fn htpasswd_password(text: &str, mut at: usize, flags: &str) -> Option<(usize, usize)> {
    if !flags.contains('b') || flags.len() > 8 || !flags.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    let bytes = text.as_bytes();
    let mut no_file = flags.contains('n');
    let mut positionals = 0;
    for _ in 0..12 {
        if !matches!(bytes.get(at), Some(b' ' | b'\t')) {
            return None;
        }
        at = skip_spaces(text, at);
        let quoted = matches!(bytes.get(at), Some(b'"' | b'\''));
        let (skip, len) = if quoted {
            value_extent(&text[at..])
        } else {
            let len = bytes[at..]
                .iter()
                .position(u8::is_ascii_whitespace)
                .unwrap_or(bytes.len() - at);
            (0, len)
        };
        if len == 0 {
            return None;
        }
        let word = &text[at + skip..at + skip + len];
        at += skip + len + usize::from(quoted);
        if !quoted && word.len() > 1 && word.starts_with('-') {
            no_file |= word.contains('n');
            if matches!(word, "-C" | "-r") {
                // the flag's number
                at = skip_spaces(text, at);
                at += bytes[at..]
                    .iter()
                    .position(u8::is_ascii_whitespace)
                    .unwrap_or(bytes.len() - at);
            }
            continue;
        }
        positionals += 1;
        if positionals == if no_file { 2 } else { 3 } {
            return Some((at - len - usize::from(quoted), at - usize::from(quoted)));
        }
    }
    None
}

/// The value of a field named by a secret's name (`{"name": "DB_PASSWORD", "value":
/// "x"}`, `- name: API_TOKEN\n  value: x`, CloudFormation's `ParameterKey` and
/// `ParameterValue`): the `value` that follows within 200 bytes; in markup without a
/// `value`, the element's text (`<property name="password">x</property>`).
fn field_value(
    text: &str,
    start: usize,
    name_end: usize,
    replacement: &str,
) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    // the secret's name is the value of `name`/`key`
    let mut k = start;
    // a parameter's path (`"Name": "/prod/app/db_password"`)
    if k > 0 && bytes[k - 1] == b'/' {
        while k > 0 && start - k < 256 && (bytes[k - 1] == b'/' || is_name_byte(bytes[k - 1])) {
            k -= 1;
        }
        if bytes.get(k) != Some(&b'/') {
            return None;
        }
    }
    let path_start = k;
    while k > 0
        && matches!(bytes[k - 1], b' ' | b'\t' | b'"' | b'\'' | b'\\')
        && path_start - k < 16
    {
        k -= 1;
    }
    if k == 0 || !matches!(bytes[k - 1], b':' | b'=') {
        return None;
    }
    let (_, field) = super::first_look::name_before(text, k - 1)?;
    if !super::first_look::names_a_field(field) {
        return None;
    }
    let window_end = (name_end + 200).min(text.len());
    let window = text.get(name_end..window_end)?.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = window[from..].find("value") {
        let v = name_end + from + at;
        let after = v + 5;
        let starts = !is_name_byte(bytes[v - 1]) || window[..from + at].ends_with("parameter");
        if starts && !bytes.get(after).is_some_and(|b| is_name_byte(*b)) {
            if let Some(span) = value_after(text, v, after, "value", 0, replacement) {
                return Some(span);
            }
        }
        from += at + 5;
    }
    // a multipart body's field (`Content-Disposition: form-data; name="password"`, a
    // blank line, the value on the next line)
    let after_name = &bytes[name_end..];
    let quote = usize::from(matches!(after_name.first(), Some(b'"' | b'\'')));
    for blank in [&b"\r\n\r\n"[..], b"\n\n"] {
        if after_name[quote..].starts_with(blank) {
            let v = name_end + quote + blank.len();
            let len = bytes[v..]
                .iter()
                .take(4096)
                .position(|&b| matches!(b, b'\r' | b'\n'))
                .unwrap_or(bytes.len().min(v + 4096) - v);
            return non_empty(v, text.floor_char_boundary(v + len));
        }
    }
    // `<property name="password">x</property>`, `<entry key="password">x</entry>`: the
    // element's text
    let (_, close) = tag_around(text, start)?;
    if bytes.get(close) != Some(&b'>') || bytes[close - 1] == b'/' {
        return None;
    }
    // within 4 KiB: a bound keeps many such tags linear
    let inner = &text[close + 1..text.floor_char_boundary(close + 1 + 4096)];
    let len = inner.find('<').unwrap_or(inner.len());
    let value = inner[..len].trim_end();
    let skip = value.len() - value.trim_start().len();
    non_empty(close + 1 + skip, close + 1 + value.len())
}

/// The value after the secret name `text[start..name_end]`, if a separator follows it.
fn value_after(
    text: &str,
    start: usize,
    name_end: usize,
    name: &str,
    dashes: usize,
    replacement: &str,
) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut p = name_end;
    // markup: `<password>VALUE</password>`, `<ns:password type="x">`, CDATA
    if let Some(close) = opening_tag(bytes, start, p) {
        let value = &text[close + 1..];
        if let Some(inner) = value.strip_prefix("<![CDATA[") {
            let len = inner.find("]]>").unwrap_or(inner.len());
            return non_empty(close + 10, close + 10 + len);
        }
        let len = value.find('<').unwrap_or(value.len());
        return non_empty(close + 1, close + 1 + value[..len].trim_end().len());
    }
    // a leader of dots after a password's name (`password.............x`, a
    // configuration dump's)
    if bytes.get(p..p + 3) == Some(b"...") && super::names::holds_a_password_word(name.as_bytes()) {
        let dots = bytes[p..]
            .iter()
            .take(256)
            .take_while(|&&b| b == b'.')
            .count();
        let v = p + dots;
        if bytes.get(v).is_some_and(|b| !b.is_ascii_whitespace()) {
            let (skip, len) = value_extent(&text[v..]);
            return non_empty(v + skip, v + skip + len);
        }
    }
    // the token's own trailing dashes and dots (`x-api-key- is`)
    while p < bytes.len()
        && p < name_end + 8
        && matches!(bytes[p], b'-' | b'.')
        && bytes.get(p + 1) != Some(&b'>')
    {
        p += 1;
    }
    // the closing quotes (escaped, maybe twice) of a quoted key, a bracket, a paren
    while p < bytes.len() && p < name_end + 8 && matches!(bytes[p], b'"' | b'\'' | b'`' | b'\\') {
        p += 1;
    }
    // a pair in a list, the name its first item (`[["Cookie", "sid=x"]]`, `[('password',
    // 'x')]`): the second item
    if p > name_end && bytes.get(p) == Some(&b',') && opens_a_pair(bytes, start) {
        let mut v = p + 1;
        while v < bytes.len() && v < p + 3 && bytes[v] == b' ' {
            v += 1;
        }
        if matches!(bytes.get(v), Some(b'"' | b'\'' | b'\\' | b'b')) {
            let (skip, len) = value_extent(&text[v..]);
            if skip > 0 {
                return non_empty(v + skip, v + skip + len);
            }
        }
    }
    // SQL's function given the password (`PASSWORD('x')`)
    if p == name_end
        && bytes.get(p) == Some(&b'(')
        && matches!(bytes.get(p + 1), Some(b'\'' | b'"'))
        && name.eq_ignore_ascii_case("password")
    {
        // one word: `InvalidPassword('password does not meet policy')` is a message
        let (skip, len) = value_extent(&text[p + 1..]);
        let word = &text[p + 1 + skip..p + 1 + skip + len];
        if !word.contains(' ') {
            return non_empty(p + 1 + skip, p + 1 + skip + len);
        }
    }
    // `password[]=x` (a form's list)
    if bytes.get(p..p + 2) == Some(b"[]") {
        p += 2;
    }
    // `]` closes `["password"]`; `)` only a name alone in parentheses (`(otp) = x`, not
    // `pam_unix(sudo:auth): authentication failure`)
    if bytes.get(p) == Some(&b']')
        || (bytes.get(p) == Some(&b')') && start > 0 && bytes[start - 1] == b'(')
    {
        p += 1;
    }
    // spaces, and line ends before a separator (`"password"\n: "x"`)
    let mut spaced = p;
    while spaced < bytes.len()
        && spaced < p + 16
        && matches!(bytes[spaced], b' ' | b'\t' | b'\n' | b'\r')
    {
        spaced += 1;
    }
    if !matches!(bytes.get(spaced), Some(b'=' | b':')) {
        spaced = skip_spaces(text, p);
    }
    // `otp code:`, `security code:`: the pair's second word
    if spaced > p {
        let word_len = text[spaced..]
            .bytes()
            .take_while(u8::is_ascii_alphabetic)
            .count();
        let word = &text[spaced..spaced + word_len];
        if word_len > 0
            && super::names::PAIRS
                .iter()
                .any(|(a, b)| name.eq_ignore_ascii_case(a) && word.eq_ignore_ascii_case(b))
        {
            p = spaced + word_len;
            while p < bytes.len() && matches!(bytes[p], b'"' | b'\'') {
                p += 1;
            }
            // `(otp code) = x`: a paren closes what one opened before the pair
            if bytes.get(p) == Some(&b')') && start > 0 && bytes[start - 1] == b'(' {
                p += 1;
            }
            spaced = skip_spaces(text, p);
        }
    }
    let rest = &text[spaced..];
    let separator = ["=>", "->", ":=", "=", ":"]
        .iter()
        .find(|s| rest.starts_with(**s))
        .map(|s| s.len());
    let lower = name.to_ascii_lowercase();
    let header = HEADER_NAMES.contains(&lower.as_str());
    let value_start;
    let prose;
    if let Some(len) = separator {
        // `https://` is not `key: value`, nor `password == other` an assignment; nor a
        // namespace's prefix (`<auth:password>`), nor a URL's user (`https://x-token:
        // ghp_x@github.com`: the URL's matcher takes the password and keeps the host)
        if (len == 1 && rest.starts_with(':') && rest[len..].starts_with("//"))
            || (spaced > p && rest[len..].starts_with('='))
        {
            return None;
        }
        if rest.starts_with(':')
            && spaced == p
            && ((start > 0 && bytes[start - 1] == b'<') || text[..start].ends_with("://"))
        {
            return None;
        }
        value_start = value_start_after(text, spaced + len);
        prose = false;
        // a Windows flag (`/PASSWORD:x,y /QUIET`): the value runs to the next blank
        if start > 0 && bytes[start - 1] == b'/' && spaced == p && rest.starts_with(':') {
            let v = spaced + 1;
            if !matches!(bytes.get(v), Some(b'"' | b'\'')) {
                let len = bytes[v..]
                    .iter()
                    .take(1024)
                    .position(u8::is_ascii_whitespace)
                    .unwrap_or(bytes.len().min(v + 1024) - v);
                return non_empty(v, text.floor_char_boundary(v + len));
            }
        }
    } else if dashes > 0 && bytes.get(p) == Some(&b',') && p > name_end {
        // a quoted flag in a list (`["mysql", "--password", "x"]`): the next item
        let v = skip_spaces(text, p + 1);
        if !matches!(bytes.get(v), Some(b'"' | b'\'')) {
            return None;
        }
        let (skip, len) = value_extent(&text[v..]);
        return non_empty(v + skip, v + skip + len);
    } else if dashes > 0 && spaced > p && !rest.starts_with('-') && !rest.is_empty() {
        // `--password VALUE`, `--password 'two words'`
        let (skip, len) = value_extent(rest);
        return non_empty(spaced + skip, spaced + skip + len);
    } else if dashes == 0
        && lower == "auth"
        && spaced > p
        && start > 0
        && bytes[start - 1] == b'"'
        && rest.starts_with('"')
    {
        // Redis's MONITOR: `"AUTH" "pw"`, `"AUTH" "user" "pw"`: the last argument
        let (skip, len) = value_extent(rest);
        let (mut s, mut e) = (spaced + skip, spaced + skip + len);
        if bytes.get(e..e + 2) == Some(b"\" ") && bytes.get(e + 2) == Some(&b'"') {
            let (skip2, len2) = value_extent(&text[e + 2..]);
            (s, e) = (e + 2 + skip2, e + 2 + skip2 + len2);
        }
        return non_empty(s, e);
    } else if dashes == 0
        && spaced > p
        && matches!(rest.as_bytes().first(), Some(b'\'' | b'"'))
        && (lower.contains("pass") || lower.contains("pwd"))
    {
        // SQL: `PASSWORD 'x'`; not a quoted key (`password "db_password": "x"`), nor
        // what names a secret (`secret "db-credentials" mounted`)
        let (skip, len) = value_extent(rest);
        let after = skip_spaces(text, spaced + skip + len + 1);
        if matches!(bytes.get(after), Some(b':' | b'=')) {
            return None;
        }
        return non_empty(spaced + skip, spaced + skip + len);
    } else {
        if spaced == p {
            return appositive(text, p);
        }
        let one_space = p == name_end && spaced == p + 1 && bytes[p] == b' ';
        match prose_verb(text, spaced, one_space) {
            Some(v) => value_start = v,
            None if p == name_end => return password_then_value(text, p, &lower),
            None => return None,
        }
        prose = true;
    }
    let value = &text[value_start..];
    if value.is_empty()
        || value
            .trim_start_matches(['"', '\'', '\\'])
            .starts_with(replacement)
    {
        return None;
    }
    let (skip, len) = if header && !prose && !matches!(value.as_bytes()[0], b'"' | b'\'' | b'\\') {
        let len = header_value(&lower, value);
        if says_none(value[..len].trim()) {
            return None;
        }
        (0, len)
    } else if prose {
        prose_value(value)?
    } else {
        let (skip, len) = value_extent(value);
        // YAML: `password: |` or `>-`, the value on the next line
        let v = &value[skip..skip + len];
        if skip == 0 && matches!(v, "|" | ">" | "|-" | ">-" | "|+" | ">+") {
            let next = value.find('\n').map_or(value.len(), |n| n + 1);
            let line = &value[next..];
            let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            let end = line.find('\n').unwrap_or(line.len());
            return non_empty(value_start + next + indent, value_start + next + end);
        }
        // a tag (`!!binary`) before the value (`!!DDQFB!Zz` is a value)
        if skip == 0
            && v.len() > 3
            && v.starts_with("!!")
            && v[2..].bytes().all(|b| b.is_ascii_lowercase())
        {
            let after = skip_spaces(text, value_start + len);
            let (s2, l2) = value_extent(&text[after..]);
            return non_empty(after + s2, after + s2 + l2);
        }
        // a quoted value is the value whatever it says; a bare word may say there is none
        if skip == 0 && says_none(v) {
            return None;
        }
        (skip, len)
    };
    non_empty(value_start + skip, value_start + skip + len)
}

/// Where a value starts after its separator: spaces skipped, and a line end when the
/// next line starts with a quote (`"password":\n  "x"`).
fn value_start_after(text: &str, at: usize) -> usize {
    let v = skip_spaces(text, at);
    let bytes = text.as_bytes();
    if matches!(bytes.get(v), Some(b'\n' | b'\r')) {
        let mut k = v;
        while k < bytes.len() && k < v + 32 && bytes[k].is_ascii_whitespace() {
            k += 1;
        }
        if matches!(bytes.get(k), Some(b'"' | b'\'')) {
            return k;
        }
    }
    v
}

/// True when the value found after a secret's name describes it, or is something
/// else, rather than being it:
/// - one or two digits: a count or a number (`pass=2 of 3`, `pin: 17`; a PIN has four
///   digits, a CVV three), and a length (`otp: 6 digits`, `pin: 4 characters`);
/// - a plain word after a name for digits (`card: visa`, `camera pan=left`);
/// - test counts (`pass=206 fail=0`), a working directory (`PWD=/srv/app`);
/// - a placeholder of SQL or printf (`password_hash = $1`, `= ?`, `%s`, `:password`);
/// - a list of messages (`{'password': ['This field is required.']}`);
/// - a secret's word itself or a state word (`passwd: password expiry changed`,
///   [`says_none`]).
pub(super) fn describes(name: &str, value: &str, after: &str) -> bool {
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    let all_digits = digits == value.len();
    let lower = name.to_ascii_lowercase();
    let last = lower
        .rsplit(['_', '-', '.', ' '])
        .next()
        .unwrap_or_default();
    let length = ["digits", "digit", "characters", "chars", "long", "letters"]
        .iter()
        .any(|w| after.trim_start().starts_with(w));
    let numeric = [
        "pan",
        "pin",
        "cvv",
        "cvc",
        "cvv2",
        "cvc2",
        "card",
        "cardnumber",
        "ccnumber",
        "ssn",
        "otp",
        "totp",
        "number",
        "no",
        "num",
        "code",
    ]
    .contains(&last);
    let bare = value.trim_end_matches([',', ';', ')']);
    let placeholder = bare == "?"
        || bare == "%s"
        // a named bind parameter: `:password`, `:user_id` (lower case, as SQL writes
        // them; `:Summer2024` is a password)
        || (bare.len() > 1
            && bare.starts_with(':')
            && bare.as_bytes()[1].is_ascii_lowercase()
            && bare[1..]
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'))
        || (bare.len() > 1
            && bare.len() <= 4
            && bare.starts_with('$')
            && bare[1..].bytes().all(|b| b.is_ascii_digit()));
    let messages = value.starts_with('[')
        && value.contains(' ')
        && (value.contains('"') || value.contains('\''));
    // `passwd: password expiry changed`: the word is the secret's name again
    let name_again = [
        "password",
        "passwd",
        "passphrase",
        "secret",
        "token",
        "pass",
        "pin",
    ]
    .iter()
    .any(|w| value.eq_ignore_ascii_case(w));
    (all_digits && (value.len() <= 2 || length))
        || (numeric && digits == 0 && plain_word(value))
        || (lower == "pass" && all_digits)
        || (lower == "pwd" && value.starts_with(['/', '~']))
        || placeholder
        || messages
        || name_again
        || says_none(value)
}

/// True for a JSON object whose string values are all plain words (small letters,
/// `_`, `-`, spaces; up to 40 bytes), with numbers, booleans and nulls beside them:
/// `{"scheme":"bearer","valid":false,"reason":"expired"}` says what a credential was,
/// not what it is. Keys are not values: `"token":` is read as a name.
pub(crate) fn plain_object(value: &str) -> bool {
    let v = value.trim();
    if !(v.starts_with('{') && v.ends_with('}')) || v.len() > 4096 || !v.contains("\":") {
        return false;
    }
    let bytes = v.as_bytes();
    let mut k = 0;
    while k < bytes.len() {
        if bytes[k] != b'"' {
            k += 1;
            continue;
        }
        let end = match bytes[k + 1..].iter().position(|&b| b == b'"' || b == b'\\') {
            Some(n) if bytes[k + 1 + n] == b'"' => k + 1 + n,
            _ => return false, // an escape: not plain
        };
        let string = &bytes[k + 1..end];
        let after = bytes[end + 1..].iter().find(|b| !b.is_ascii_whitespace());
        let is_key = after == Some(&b':');
        let plain = string.len() <= 40
            && string
                .iter()
                .all(|&b| b.is_ascii_lowercase() || matches!(b, b'_' | b'-' | b' '));
        if !is_key && !plain {
            return false;
        }
        k = end + 1;
    }
    true
}

/// A word as prose writes it: up to 12 letters, lower case after the first (`left`,
/// `Visa`), unlike a generated secret (`aNnLuyBJdqak`).
fn plain_word(value: &str) -> bool {
    let b = value.as_bytes();
    (1..=12).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b[1..].iter().all(u8::is_ascii_lowercase)
}

/// Bare words that say a secret is absent or hidden (`password: none`, `(using
/// password: NO)`, `api_key: (null)`), not what it is.
fn says_none(word: &str) -> bool {
    // a placeholder in angle brackets (`<pad>`, `<redacted>`) or a mask (`******`)
    if (word.len() > 2 && word.starts_with('<') && word.ends_with('>') && !word.contains(' '))
        || (word.len() >= 3 && word.bytes().all(|b| matches!(b, b'*' | b'x' | b'X' | b'#')))
        // masked already, a few characters left to tell it by (`sk_live_****fstJ`)
        || masked(word.as_bytes())
    {
        return true;
    }
    let w = word.trim_matches(['(', ')', '[', ']', '<', '>', '.', ',']);
    NOT_A_SECRET.iter().any(|n| w.eq_ignore_ascii_case(n))
}

/// True for a value masked already but for a few characters (`sk_live_****fstJ`,
/// `••••4242`): four `*` or `•` in a row.
fn masked(word: &[u8]) -> bool {
    memchr::memchr2(b'*', 0xE2, word).is_some()
        && (word.windows(4).any(|w| w == b"****")
            || word.windows(12).any(|w| w == "••••".as_bytes()))
}

/// Bare words that, as a secret's whole value, say what state it is in rather than
/// what it is.
const NOT_A_SECRET: &[&str] = &[
    // states and events
    "new",
    "started",
    "closed",
    "opened",
    "ended",
    "created",
    "destroyed",
    "established",
    "granted",
    "denied",
    "refresh",
    "refreshed",
    "expire",
    "expires",
    "never",
    // words of prose that follow a name rather than a value (`password: must contain`)
    "flag",
    "option",
    "argument",
    "parameter",
    "field",
    "too",
    "can't",
    "cannot",
    "must",
    "should",
    "will",
    "has",
    "have",
    "does",
    "doesn't",
    "didn't",
    "isn't",
    "wasn't",
    "don't",
    "is",
    "was",
    "are",
    // card brands, authorization schemes alone, directions
    "visa",
    "mastercard",
    "amex",
    "discover",
    "jcb",
    "unionpay",
    "maestro",
    "diners",
    "bearer",
    "basic",
    "digest",
    "negotiate",
    "ntlm",
    "oauth",
    "oauth2",
    "left",
    "right",
    "up",
    "down",
    "center",
    "none",
    "null",
    "nil",
    "not",
    "no",
    "yes",
    "true",
    "false",
    "n/a",
    "na",
    "unset",
    "empty",
    "missing",
    "undefined",
    "redacted",
    "filtered",
    "hidden",
    "masked",
    "-",
    "*",
    "set",
    "provided",
    "required",
    "ok",
    "active",
    "inactive",
    "expired",
    "sent",
    "disabled",
    "enabled",
    "deleted",
    "valid",
    "invalid",
    "revoked",
    "pending",
    "present",
    "absent",
    "optional",
    "unknown",
    "default",
    "changed",
    // Terraform's `(sensitive value)`
    "sensitive",
];

fn non_empty(s: usize, e: usize) -> Option<(usize, usize)> {
    (e > s).then_some((s, e))
}

fn skip_spaces(text: &str, mut p: usize) -> usize {
    let bytes = text.as_bytes();
    let limit = p + 16;
    while p < bytes.len() && p < limit && matches!(bytes[p], b' ' | b'\t') {
        p += 1;
    }
    p
}

/// How long a header's unquoted value is: a cookie header to the end of the line
/// (every cookie in it), `Authorization` its scheme and credentials (two words; a
/// `Digest` or `AWS4-HMAC-SHA256` one, with its parameters, to the end of the line).
fn header_value(name: &str, value: &str) -> usize {
    let bytes = value.as_bytes();
    // the header's line, read no further than a header can reach, and only when the
    // whole line is the value (a text of many short headers on one line is not read
    // to its end for each)
    let line = || {
        let reach = value.floor_char_boundary(value.len().min(HEADER_LIMIT));
        memchr::memchr2(b'\n', b'\r', &bytes[..reach]).unwrap_or(reach)
    };
    if name.contains("cookie") {
        return value[..line()].trim_end().len();
    }
    // the first two words, within the line
    let mut words = [(0usize, 0usize); 2];
    let mut count = 0;
    let mut k = 0;
    let limit = bytes.len().min(HEADER_LIMIT);
    while k < limit && count < 2 {
        while k < limit && matches!(bytes[k], b' ' | b'\t') {
            k += 1;
        }
        if k >= limit || matches!(bytes[k], b'\n' | b'\r') {
            break;
        }
        let start = k;
        while k < limit && !bytes[k].is_ascii_whitespace() {
            k += 1;
        }
        words[count] = (start, k);
        count += 1;
    }
    if count == 0 {
        return 0;
    }
    let first = &value[words[0].0..words[0].1];
    if first.eq_ignore_ascii_case("digest") || first.to_ascii_lowercase().starts_with("aws4-") {
        return value[..line()].trim_end().len();
    }
    // a header inside quotes (`-H "Authorization: Bearer x"`) keeps its closing quote
    let two = value[..words[count - 1].1]
        .trim_end()
        .trim_end_matches(['"', '\'']);
    // one word when the second reads as prose (`Authorization: abc123 sent`)
    match two.split_whitespace().nth(1) {
        Some(w)
            if w.bytes().all(|b| b.is_ascii_lowercase())
                && !SCHEMES.contains(&first.to_ascii_lowercase().as_str()) =>
        {
            first.len()
        }
        _ => two.len(),
    }
}

/// The longest header value read (a cookie header to the end of its line, at most).
const HEADER_LIMIT: usize = 8192;

/// Authorization schemes followed by a credential.
const SCHEMES: &[&str] = &[
    "bearer",
    "basic",
    "token",
    "negotiate",
    "ntlm",
    "apikey",
    "hoba",
    "mutual",
];

/// A value in prose: one word, or a quoted text; none when the word describes the
/// password rather than being it.
fn prose_value(value: &str) -> Option<(usize, usize)> {
    if matches!(value.as_bytes()[0], b'"' | b'\'' | b'`') {
        return Some(value_extent(value));
    }
    let len = value.find(char::is_whitespace).unwrap_or(value.len());
    let word = value[..len].trim_end_matches(['.', ',', ';', '!', '?', ')', ':']);
    let lower = word.to_ascii_lowercase();
    if word.is_empty() || NOT_A_VALUE.contains(&lower.as_str()) || says_none(word) {
        return None;
    }
    Some((0, word.len()))
}

/// `using password Hpw9tjXCpcbE*4 for login`, `password\tk-0B1deSKK`: a password's
/// name (`lower`, ending with `password`, `passwd`, `pass`, `pwd` or `passphrase`;
/// `p` its end), one blank, and a word shaped like a generated password: 8 bytes or
/// more of three kinds or four (lower case, upper case, digits, signs), a sign or a
/// capital inside the word among them, no `=`, `:`, `/`, quotes or brackets
/// (`password attempts=3`, a path, a URL).
/// Words of prose and identifiers stay (`password reset`, `password Policy2024`,
/// `password pbkdf2_sha256`).
fn password_then_value(text: &str, p: usize, lower: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    if !["password", "passwd", "pass", "pwd", "passphrase"]
        .iter()
        .any(|w| lower.ends_with(w))
        || !matches!(bytes.get(p), Some(b' ' | b'\t'))
    {
        return None;
    }
    let v = p + 1;
    let len = bytes[v..]
        .iter()
        .take(129)
        .position(u8::is_ascii_whitespace)
        .unwrap_or(bytes.len() - v);
    let word = text.get(v..v + len)?.trim_end_matches(['.', ',', ';', ')']);
    shaped(word).then(|| (v, v + word.len()))
}

/// True for a word shaped like a generated password: 8 to 128 ASCII bytes of three
/// kinds or four (small letters, capitals, digits, signs), a sign with capitals, a sign
/// an identifier does not hold, or a capital inside the word; no `=`, `:`, `/`, quotes
/// or brackets (a pair, a path, a URL). `pbkdf2_sha256`, `v2.1.3-beta` and
/// `Policy2024` are not passwords.
pub(super) fn shaped(word: &str) -> bool {
    let kinds = [
        word.bytes().any(|b| b.is_ascii_lowercase()),
        word.bytes().any(|b| b.is_ascii_uppercase()),
        word.bytes().any(|b| b.is_ascii_digit()),
        word.bytes().any(|b| b.is_ascii_punctuation()),
    ];
    // a sign with capitals, a sign an identifier does not hold, or capitals inside
    // the word (`Xl76Hv8WFk5`); `pbkdf2_sha256`, `v2.1.3-beta` and `Policy2024` are
    // not passwords
    let capital_inside = word
        .as_bytes()
        .windows(2)
        .any(|w| !w[0].is_ascii_uppercase() && w[1].is_ascii_uppercase());
    let signs = (kinds[3]
        && (kinds[1]
            || word
                .bytes()
                .any(|b| b.is_ascii_punctuation() && !matches!(b, b'_' | b'.' | b'-'))))
        || capital_inside;
    let shaped = (8..=128).contains(&word.len())
        && signs
        && kinds.iter().filter(|&&k| k).count() >= 3
        && word.is_ascii()
        && !word.contains(['=', ':', '/', '"', '\'', '<', '>', '(', '[', '{']);
    shaped
}

/// The longest value set off by commas after a secret's name (`his password, X, was
/// leaked`).
pub(super) const APPOSITIVE_LIMIT: usize = 64;

/// `his password, X, was leaked`: the one word set off by commas right after a
/// secret's name (`comma`: the first comma), when a verb of [`PROSE_VERBS`] follows
/// and the word is not one of prose (`the password, however, was wrong`).
fn appositive(text: &str, comma: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(comma..comma + 2) != Some(b", ") {
        return None;
    }
    let v = comma + 2;
    let len = bytes[v..]
        .iter()
        .take(APPOSITIVE_LIMIT)
        .position(u8::is_ascii_whitespace)?;
    if len < 2 || bytes[v + len - 1] != b',' || bytes[v + len] != b' ' {
        return None;
    }
    let after = &bytes[v + len + 1..];
    let verb = PROSE_VERBS.iter().any(|w| {
        after.len() > w.len()
            && after[..w.len()].eq_ignore_ascii_case(w.as_bytes())
            && after[w.len()].is_ascii_whitespace()
    });
    let value = &text[v..v + len - 1];
    let lower = value.to_ascii_lowercase();
    if !verb || plain_word(value) || NOT_A_VALUE.contains(&lower.as_str()) || says_none(value) {
        return None;
    }
    let (skip, len) = value_extent(value);
    non_empty(v + skip, v + skip + len)
}

/// The length of the first word of `bytes` (up to a blank).
fn word_len(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(u8::is_ascii_whitespace)
        .unwrap_or(bytes.len())
}

/// The longest HTML tag looked into (a bound keeps every look linear).
const TAG_LIMIT: usize = 512;

/// The tag around `at` (`<` before it and no `>` between, within [`TAG_LIMIT`]): where
/// it opens and closes.
pub(super) fn tag_around(text: &str, at: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let from = at.saturating_sub(TAG_LIMIT);
    let open = (from..at)
        .rev()
        .find(|&k| matches!(bytes[k], b'<' | b'>'))?;
    if bytes[open] != b'<' {
        return None;
    }
    let to = (at + TAG_LIMIT).min(bytes.len());
    let close = (at..to).find(|&k| bytes[k] == b'>').unwrap_or(to);
    Some((open, close))
}

/// Where the `value` attribute of the HTML tag around `at` starts, when `at` is inside
/// a tag that names a secret.
fn value_attribute(text: &str, at: usize) -> Option<usize> {
    let (open, close) = tag_around(text, at)?;
    let tag = text.get(open..close)?.to_ascii_lowercase();
    let bytes = tag.as_bytes();
    let mut from = 0;
    while let Some(k) = tag[from..].find("value") {
        let k = from + k;
        let starts = k == 0 || !is_name_byte(bytes[k - 1]);
        let ends = !bytes.get(k + 5).is_some_and(|b| is_name_byte(*b));
        if starts && ends && in_a_secret_tag(text, open + k) {
            return Some(open + k);
        }
        from = k + 5;
    }
    None
}

/// True when the `value` attribute at `at` belongs to an HTML tag that names a secret
/// (`<input type="password" …>`, `name="api_key"`).
fn in_a_secret_tag(text: &str, at: usize) -> bool {
    let Some((open, close)) = tag_around(text, at) else {
        return false;
    };
    text.get(open..close).is_some_and(|tag| {
        tag.split(['"', '\''])
            .skip(1)
            .step_by(2)
            .any(is_secret_name)
            // unquoted: `<input type=password value=x>`
            || tag.split('=').skip(1).any(|v| {
                let end = v.find([' ', '\t', '\n', '/', '>']).unwrap_or(v.len());
                !v.starts_with(['"', '\'']) && is_secret_name(&v[..end])
            })
    })
}

/// Where a secret value starts (after an opening quote) and how long it is, in one
/// pass (linear in the text, whatever follows):
///
/// - a quoted value (`"…"`, `'…'`, `` `…` ``, `\"…\"`, Python's `b'…'`/`u'…'`/`r'…'`)
///   to its closing quote, backslash escapes honoured;
/// - an object or a list to its closing bracket;
/// - otherwise one word, to the first space or line end. Inside it, `&`, `;` and `,`
///   end the value only before another `name=`/`name:` (`password=x&user=bob`) or at
///   the word's end, and a quote or bracket only where the word ends with it
///   (`password=mY'pass'word` is one value, `(password=abc)` keeps its `)`).
fn value_extent(value: &str) -> (usize, usize) {
    let bytes = value.as_bytes();
    let (prefix, rest) = match bytes {
        [b'b' | b'u' | b'r' | b'B' | b'U' | b'R', b'"' | b'\'', ..] => (1, &bytes[1..]),
        _ => (0, bytes),
    };
    if let Some(q @ (b'"' | b'\'' | b'`')) = rest.first().copied() {
        let mut k = 1;
        while k < rest.len() {
            if rest[k] == b'\\' {
                k += 2;
                continue;
            }
            if rest[k] == q {
                // `''MxivE'17s0`: two quotes that hold nothing and a word right after
                // them are a word with quotes in it
                let glued = rest.get(2).is_some_and(|&b| {
                    !b.is_ascii_whitespace()
                        && !matches!(b, b',' | b';' | b'}' | b']' | b')' | b'&' | b'<')
                });
                if k == 1 && prefix == 0 && glued {
                    return (0, word_len(bytes));
                }
                return (prefix + 1, k - 1);
            }
            k += 1;
        }
        return (prefix + 1, rest.len().saturating_sub(1));
    }
    // an escaped quote inside a JSON string (`\"x\"`, or `\\\"x\\\"` escaped twice)
    let escapes = bytes.iter().take_while(|&&b| b == b'\\').count();
    if escapes > 0 && bytes.get(escapes) == Some(&b'"') {
        let open = &value[..=escapes];
        let inner = &value[escapes + 1..];
        let len = inner.find(open).unwrap_or(inner.len());
        return (escapes + 1, len);
    }
    if let Some(open @ (b'{' | b'[')) = bytes.first().copied() {
        let close = if open == b'{' { b'}' } else { b']' };
        let mut depth = 0usize;
        let mut quote: Option<u8> = None;
        let mut k = 0;
        while k < bytes.len() {
            let b = bytes[k];
            match quote {
                Some(_) if b == b'\\' => k += 1,
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == open => depth += 1,
                None if b == close => {
                    depth -= 1;
                    if depth == 0 {
                        return (0, k + 1);
                    }
                }
                None => {}
            }
            k += 1;
        }
        return (0, bytes.len());
    }
    let word_end = bytes
        .iter()
        .position(|b| b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    // a crypt hash (`$argon2id$v=19$m=65536,t=3,p=4$salt$hash`) is one word
    if bytes.first() == Some(&b'$') {
        return (0, word_end);
    }
    // a placeholder in angle brackets is read whole (`<pad>`), to be judged as one
    if bytes.first() == Some(&b'<') {
        if let Some(close) = bytes[..word_end].iter().position(|&b| b == b'>') {
            return (0, close + 1);
        }
    }
    let mut k = 0;
    while k < word_end {
        let c = bytes[k];
        let at_end = k + 1 >= word_end;
        match c {
            b'&' | b';' | b',' => {
                // another pair after it, its name quoted or not (`a=1&b=2`, compact
                // JSON: `"token":null,"secret":"x"`)
                let next = &value.as_bytes()[k + 1..word_end];
                let quote = usize::from(matches!(next.first(), Some(b'"' | b'\'')));
                let name_len = next[quote..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
                    .count();
                let after = quote
                    + name_len
                    + usize::from(quote == 1 && next.get(quote + name_len) == next.first());
                let another_pair = name_len > 0 && matches!(next.get(after), Some(b'=' | b':'));
                if at_end || another_pair || value[k..].starts_with("%26") {
                    return (0, k);
                }
            }
            b'"' | b'\'' | b'`' | b')' | b']' | b'}' | b'<' | b'>' => {
                let continues = bytes
                    .get(k + 1)
                    .is_some_and(|b| b.is_ascii_alphanumeric() && k + 1 < word_end);
                // a value that starts with such signs (`]]UqufK]O1`, `>>Ia3h`) is the
                // whole word: nothing closes before it starts
                if k == 0 && word_end >= 4 {
                    return (
                        0,
                        word_end - usize::from(matches!(bytes[word_end - 1], b',' | b';')),
                    );
                }
                if !continues {
                    return (0, k);
                }
            }
            _ => {}
        }
        k += 1;
    }
    (0, word_end)
}
