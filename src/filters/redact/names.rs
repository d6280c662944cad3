//! Which key names hold secrets: `password`, `db_password`, `newPassword`, `x-api-key`,
//! `Set-Cookie`, `AWS_SECRET_ACCESS_KEY`, `pin`, `cvv`, ...
//!
//! A name is cut into segments at `_`, `-`, `.`, spaces, and where a lower-case letter
//! meets an upper-case one or a letter meets a digit (`newPassword` is `new password`,
//! `cvv2` is `cvv 2`). The name is a secret's when
//!
//! - its **last** segment is a secret word ([`LAST_WORDS`]: `token`, `pin`, `session`,
//!   `otp`, ...), so `user_pin` is a secret and `pin_attempts` is not;
//! - its last segment ends with a long secret word ([`SUFFIX_WORDS`]: `csrftoken`,
//!   `dbpassword`, `setcookie`);
//! - its last two segments are a secret pair ([`PAIRS`]: `api key`, `access key`,
//!   `card number`, `session id`, ...);
//! - its last segment starts with `password`, `passwd`, `passphrase` or `pwd`
//!   (`passwordhash`, `password2`), or the one before it does and the last is one of
//!   [`AFTER_PASSWORD`] (`password_hash`, `passwordConfirm`; not `password_length`);
//! - it ends with a password's name in a script without capitals ([`OTHER_SCRIPTS`]:
//!   `пароль`, `密码`).
//!
//! A name spelled with encodings or look-alike characters (`p%61ssword`, `pa$$word`,
//! fullwidth letters, a Cyrillic `а`, accents) is judged as it reads once decoded
//! ([`decode::decode_name`]). A thread remembers the verdict for the last names it saw.
//!
//! Whole segments, never substrings: `shipping`, `company`, `spinner`, `tokenizer`,
//! `secretary` and `keyboard` name nothing secret.

use super::decode;

/// Words that make a name secret as its last segment (kept sorted).
pub const LAST_WORDS: &[&str] = &[
    "accesskey",
    "accountkey",
    "apikey",
    "apikeys",
    "auth",
    "authorization",
    "bearer",
    "card",
    "cardnumber",
    "ccnum",
    "ccnumber",
    "cid",
    "contrasena",
    "cookie",
    "cookies",
    "credential",
    "credentials",
    "creds",
    "cvc",
    "cvc2",
    "cvv",
    "cvv2",
    "dbpass",
    "dsn",
    "haslo",
    "heslo",
    "jelszo",
    "jwt",
    "kennwort",
    "keypass",
    "losenord",
    "masterauth",
    "motdepasse",
    "otp",
    "pan",
    "pass",
    "passcode",
    "passord",
    "passphrase",
    "passwd",
    "password",
    "passwords",
    "passwort",
    "pgpass",
    "pin",
    "pincode",
    "privatekey",
    "psw",
    "pswd",
    "pw",
    "pwd",
    "pword",
    "requirepass",
    "rootpass",
    "rootpw",
    "salasana",
    "secret",
    "secretkey",
    "secrets",
    "senha",
    "session",
    "sessionid",
    "sifre",
    "sig",
    "signature",
    "ssn",
    "storepass",
    "token",
    "totp",
    "wachtwoord",
];

/// Long words that make a name secret when its last segment ends with them.
pub const SUFFIX_WORDS: &[&str] = &[
    "storepass",
    "password",
    "passwd",
    "passphrase",
    "token",
    "secret",
    "apikey",
    "cookie",
    "credential",
    "credentials",
    "privatekey",
    "accesskey",
    "secretkey",
    "sessionid",
];

/// Words a name's last segment may start with to make it secret (`passwordhash`),
/// and that make it secret before one of [`AFTER_PASSWORD`] (`password_hash`).
const ANY_PREFIXES: &[&str] = &["password", "passwd", "passphrase", "pwd"];

/// Last segments that keep a name secret after a password word: `password_hash` is a
/// secret's name, `password_length` and `password_reset_sent` are not.
const AFTER_PASSWORD: &[&str] = &[
    "hash",
    "hashed",
    "confirm",
    "confirmation",
    "digest",
    "plain",
    "plaintext",
    "new",
    "old",
    "current",
    "salt",
    "again",
    "repeat",
    "verify",
    "check",
    "enc",
    "encrypted",
    "value",
    "b64",
    "base64",
    "raw",
    "text",
];

/// Last two segments that make a name secret.
pub const PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("access", "key"),
    ("secret", "key"),
    ("private", "key"),
    ("session", "key"),
    ("auth", "key"),
    ("signing", "key"),
    ("encryption", "key"),
    ("master", "key"),
    ("account", "key"),
    ("client", "key"),
    ("shared", "key"),
    ("app", "key"),
    ("license", "key"),
    ("ssh", "key"),
    ("storage", "key"),
    ("subscription", "key"),
    ("card", "number"),
    ("card", "no"),
    ("card", "num"),
    ("credit", "card"),
    ("security", "code"),
    ("pin", "code"),
    ("otp", "code"),
    ("mfa", "code"),
    ("verification", "code"),
    ("session", "id"),
    ("session", "key"),
    ("auth", "code"),
    ("sas", "url"),
    ("session", "token"),
    ("key", "base"),
    ("pass", "word"),
    ("priv", "key"),
    ("api", "keys"),
    ("access", "keys"),
    ("secret", "keys"),
    ("private", "keys"),
    ("authorization", "header"),
    ("auth", "header"),
    ("de", "passe"),
    ("database", "url"),
    ("db", "url"),
    ("connection", "string"),
    ("conn", "str"),
    ("webhook", "url"),
];

/// A password's name in scripts without capitals, matched at a name's end
/// (`数据库密码`, `пароль`; Latin-script names such as `Passwort`, `contraseña` and
/// `mot de passe` are in [`LAST_WORDS`] and [`PAIRS`], their accents read away).
const OTHER_SCRIPTS: &[&str] = &[
    "пароль",
    "密码",
    "密碼",
    "口令",
    "パスワード",
    "비밀번호",
    "סיסמה",
    "पासवर्ड",
    "κωδικός",
];

/// True when `word` may be the second of two words that name a secret together: the
/// second word of one of [`PAIRS`], or `by` (`IDENTIFIED BY`).
pub fn may_end_a_pair(word: &str) -> bool {
    let words: &[&str] = match word.len() {
        2 => &["by", "no", "id"],
        3 => &["key", "num", "url", "str"],
        4 => &["card", "code", "base", "word", "keys"],
        5 => &["token", "passe"],
        6 => &["number", "header", "string"],
        _ => return false,
    };
    words.iter().any(|w| word.eq_ignore_ascii_case(w))
}

/// The segments of a name, as byte ranges (at most the last 16). A run of capitals
/// before a lower-case letter ends before its last capital (`AWSSecret` is `AWS
/// Secret`).
fn segments(name: &str) -> ([(usize, usize); 16], usize) {
    let mut out = [(0usize, 0usize); 16];
    let mut n = 0usize;
    let mut push = |s: usize, e: usize| {
        if e > s {
            if n == out.len() {
                out.copy_within(1.., 0);
                n -= 1;
            }
            out[n] = (s, e);
            n += 1;
        }
    };
    let mut start = 0;
    // the previous two characters of the current segment, with their offsets
    let mut prev: Option<(usize, char)> = None;
    let mut before_prev: Option<char> = None;
    for (i, c) in name.char_indices() {
        if !c.is_alphanumeric() {
            push(start, i);
            start = i + c.len_utf8();
            prev = None;
            before_prev = None;
            continue;
        }
        if let Some((pi, p)) = prev {
            if (p.is_lowercase() && c.is_uppercase())
                || (p.is_alphabetic() && c.is_ascii_digit())
                || (p.is_ascii_digit() && c.is_alphabetic())
            {
                push(start, i);
                start = i;
            } else if p.is_uppercase()
                && c.is_lowercase()
                && before_prev.is_some_and(char::is_uppercase)
            {
                push(start, pi);
                start = pi;
            }
        }
        before_prev = prev.map(|(_, p)| p);
        prev = Some((i, c));
    }
    push(start, name.len());
    (out, n)
}

/// True when `segment` is `word`, any case (`word` is lower-case ASCII).
fn is(segment: &str, word: &str) -> bool {
    segment.eq_ignore_ascii_case(word) || (!segment.is_ascii() && segment.to_lowercase() == word)
}

fn lower(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.bytes().any(|b| b.is_ascii_uppercase()) || !segment.is_ascii() {
        std::borrow::Cow::Owned(segment.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(segment)
    }
}

/// True when a key names a secret (see the module's rules).
pub fn is_secret_name(name: &str) -> bool {
    if name.is_empty() || name.len() > 128 {
        return false;
    }
    // most names are turned away by their last letters, quicker than remembered
    if name.is_ascii() && turned_away(name.as_bytes()) && !may_be_disguised(name) {
        return false;
    }
    if name.len() <= REMEMBERED_LEN {
        return remembered(name);
    }
    judge(name)
}

/// The longest name whose verdict a thread remembers.
const REMEMBERED_LEN: usize = 23;

/// [`judge`], remembered per thread for the last names seen (a direct-mapped table of
/// 64 names of up to 23 bytes: keys and field names repeat from record to record).
fn remembered(name: &str) -> bool {
    /// A name (its length in the last byte) and its verdict.
    type Slot = ([u8; REMEMBERED_LEN + 1], bool);
    thread_local! {
        static VERDICTS: std::cell::RefCell<[Slot; 64]> =
            const { std::cell::RefCell::new([([0; REMEMBERED_LEN + 1], false); 64]) };
    }
    let bytes = name.as_bytes();
    let mut key = [0u8; REMEMBERED_LEN + 1];
    key[..bytes.len()].copy_from_slice(bytes);
    key[REMEMBERED_LEN] = bytes.len() as u8;
    let first = u64::from_le_bytes(key[..8].try_into().unwrap_or_default());
    let last = u64::from_le_bytes(key[16..].try_into().unwrap_or_default());
    let slot = ((first ^ last.rotate_left(17)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize;
    let known = VERDICTS.try_with(|v| {
        v.try_borrow()
            .ok()
            .and_then(|v| (v[slot].0 == key).then_some(v[slot].1))
    });
    if let Ok(Some(verdict)) = known {
        return verdict;
    }
    let verdict = judge(name);
    let _ = VERDICTS.try_with(|v| {
        if let Ok(mut v) = v.try_borrow_mut() {
            v[slot] = (key, verdict);
        }
    });
    verdict
}

/// [`is_secret_name`] without the table.
fn judge(name: &str) -> bool {
    let plainly = if name.is_ascii() {
        ascii_is_secret_name(name.as_bytes())
    } else {
        unicode_is_secret_name(name)
    };
    plainly || squashed_secret_name(name) || (may_be_disguised(name) && disguised_secret_name(name))
}

/// True for a short name that is one of [`LAST_WORDS`] of six letters or more once its
/// case is dropped and its `_` and `-` taken out: `pAsSwOrD`, `pass_wd`, `Pass-Word`.
fn squashed_secret_name(name: &str) -> bool {
    if name.len() > 24 || !name.is_ascii() {
        return false;
    }
    let mut buf = [0u8; 24];
    let mut n = 0;
    for b in name.bytes().filter(|b| !matches!(b, b'_' | b'-')) {
        buf[n] = b.to_ascii_lowercase();
        n += 1;
    }
    // words of six letters or more: `c_id`, `p_in`, `s-ig` are no `cid`, `pin`, `sig`
    n >= 6 && std::str::from_utf8(&buf[..n]).is_ok_and(|w| LAST_WORDS.binary_search(&w).is_ok())
}

/// True when a name may be spelled with encodings or look-alike characters
/// (`p%61ssword`, `pa$$word`, `ｐａｓｓｗｏｒｄ`, `contraseña`): see [`decode`].
fn may_be_disguised(name: &str) -> bool {
    let bytes = name.as_bytes();
    // most names hold none of these bytes
    if !bytes
        .iter()
        .any(|&b| b >= 0x80 || matches!(b, b'$' | b'@' | b'%' | b'\\' | b'&' | b'0'..=b'9'))
    {
        return false;
    }
    let mut after_letter = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'%' | b'\\' | b'&' | 0x80.. => return true,
            b'$' | b'@' | b'0'..=b'9'
                if after_letter && decode::lookalike_name(bytes, i).is_some() =>
            {
                return true;
            }
            _ => {}
        }
        after_letter = b.is_ascii_alphabetic();
    }
    false
}

/// True when `name`, decoded, names a secret.
fn disguised_secret_name(name: &str) -> bool {
    match decode::decode_name(name).text {
        std::borrow::Cow::Owned(plain) => {
            let plain = plain.trim();
            if plain.is_ascii() {
                ascii_is_secret_name(plain.as_bytes())
            } else {
                unicode_is_secret_name(plain)
            }
        }
        std::borrow::Cow::Borrowed(_) => false,
    }
}

/// True for an ASCII name that no rule can make a secret's: most names end with three
/// letters no secret word ends with, and hold no `pas` or `pwd`.
fn turned_away(name: &[u8]) -> bool {
    let trimmed = match name.iter().rposition(u8::is_ascii_alphanumeric) {
        Some(end) => &name[..=end],
        None => return true,
    };
    if let [.., y, z @ (b'a'..=b'z' | b'A'..=b'Z')] = trimmed {
        // inside a name, any byte but a letter or a digit parts two words
        let x = match trimmed.len().checked_sub(3).map(|i| trimmed[i]) {
            Some(x) if x.is_ascii_alphanumeric() => x,
            Some(_) => b'_',
            None => 0,
        };
        return !ENDINGS.has(x, *y, *z) && !holds_a_password_word(name);
    }
    false
}

/// [`is_secret_name`] for an ASCII name, without allocating: most names are.
fn ascii_is_secret_name(name: &[u8]) -> bool {
    if turned_away(name) {
        return false;
    }
    let (prev, last) = last_two_segments(name);
    let starts_with_password = |(s, e): (usize, usize)| {
        let seg = &name[s..e];
        // `passwordless` (a way to log in) names no password
        matches!(seg.first(), Some(b'p' | b'P'))
            && !seg.eq_ignore_ascii_case(b"passwordless")
            && ANY_PREFIXES
                .iter()
                .any(|p| seg.len() >= p.len() && seg[..p.len()].eq_ignore_ascii_case(p.as_bytes()))
    };
    if last.1 > 0 && starts_with_password(last) {
        return true;
    }
    if prev.1 > 0
        && starts_with_password(prev)
        && AFTER_PASSWORD
            .iter()
            .any(|w| name[last.0..last.1].eq_ignore_ascii_case(w.as_bytes()))
    {
        return true;
    }
    if last.1 == 0 {
        return false;
    }
    let n = if prev.1 > 0 { 2 } else { 1 };
    let ranges = [prev, last];
    let seg = |i: usize| {
        let (s, e) = ranges[i + 2 - n];
        &name[s..e]
    };
    let mut buf = [0u8; 48];
    let mut lower = |s: &[u8]| -> Option<usize> {
        let b = buf.get_mut(..s.len())?;
        b.copy_from_slice(s);
        b.make_ascii_lowercase();
        Some(s.len())
    };
    let last = seg(n - 1);
    // `cvv2`: a number ending a name belongs to the word before it
    if n >= 2 && last.iter().all(u8::is_ascii_digit) {
        let before = seg(n - 2);
        let joined_len = before.len() + last.len();
        if joined_len <= 48 {
            let mut joined = [0u8; 48];
            joined[..before.len()].copy_from_slice(before);
            joined[before.len()..joined_len].copy_from_slice(last);
            joined[..joined_len].make_ascii_lowercase();
            if is_last_word(&joined[..joined_len]) {
                return true;
            }
        }
        return ascii_is_secret_name(&name[..prev.1]);
    }
    let Some(len) = lower(last) else {
        return false;
    };
    let last = &buf[..len];
    if is_last_word(last)
        || SUFFIX_WORDS
            .iter()
            .any(|w| last.len() > w.len() && same(&last[last.len() - w.len()..], w.as_bytes()))
    {
        return true;
    }
    n >= 2
        && may_end_a_pair_lower(last)
        && PAIRS
            .iter()
            .any(|(a, b)| same(last, b.as_bytes()) && seg(n - 2).eq_ignore_ascii_case(a.as_bytes()))
}

/// [`may_end_a_pair`] for a word in lower case: most last words end no pair.
fn may_end_a_pair_lower(word: &[u8]) -> bool {
    matches!(
        word,
        b"key"
            | b"keys"
            | b"number"
            | b"no"
            | b"num"
            | b"card"
            | b"code"
            | b"id"
            | b"token"
            | b"url"
            | b"base"
            | b"word"
            | b"header"
            | b"passe"
            | b"string"
            | b"str"
    )
}

/// True when a name ending with these three bytes may be a secret's by its last word
/// alone (`x` is 0 for a name of two bytes): see [`ENDINGS`]. A name for which this is
/// false is a secret's only when it holds a password word ([`holds_a_password_word`]).
pub fn may_end_a_secret_name(x: u8, y: u8, z: u8) -> bool {
    ENDINGS.has(x, y, z)
}

/// True when `name` holds `pas` or `pwd` (any case; `pa$`, `p@s`, `p45` too): every
/// word of [`ANY_PREFIXES`]
/// starts so.
pub fn holds_a_password_word(name: &[u8]) -> bool {
    name.windows(3).any(|w| {
        matches!(
            w,
            [
                b'p' | b'P',
                b'a' | b'A' | b'@' | b'4',
                b's' | b'S' | b'$' | b'5'
            ] | [b'p' | b'P', b'w' | b'W', b'd' | b'D']
        )
    })
}

/// The last two segments of an ASCII name, as byte ranges ((0, 0) when missing).
fn last_two_segments(name: &[u8]) -> ((usize, usize), (usize, usize)) {
    // most names are one case with `_`, `-` or `.` between words (`request_id`,
    // `DB_PASSWORD`): their segments are what lies between those
    let kinds = name.iter().fold(0u8, |k, &b| {
        k | u8::from(b.is_ascii_lowercase())
            | u8::from(b.is_ascii_uppercase()) << 1
            | u8::from(b.is_ascii_digit()) << 2
    });
    if kinds != 0b11 && kinds & 0b100 == 0 {
        let mut pieces = name
            .rsplit(|b| !b.is_ascii_alphanumeric())
            .scan(name.len(), |end, piece| {
                let start = *end - piece.len();
                *end = start.saturating_sub(1);
                Some((start, start + piece.len()))
            })
            .filter(|(s, e)| e > s);
        let last = pieces.next().unwrap_or((0, 0));
        let prev = pieces.next().unwrap_or((0, 0));
        return (prev, last);
    }
    let (mut prev, mut last) = ((0usize, 0usize), (0usize, 0usize));
    let close = |s: usize, e: usize, prev: &mut (usize, usize), last: &mut (usize, usize)| {
        if e > s {
            *prev = *last;
            *last = (s, e);
        }
    };
    let mut start = 0;
    for i in 0..name.len() {
        let c = name[i];
        if !c.is_ascii_alphanumeric() {
            close(start, i, &mut prev, &mut last);
            start = i + 1;
            continue;
        }
        if i == start {
            continue;
        }
        let p = name[i - 1];
        if (p.is_ascii_lowercase() && c.is_ascii_uppercase())
            || (p.is_ascii_alphabetic() && c.is_ascii_digit())
            || (p.is_ascii_digit() && c.is_ascii_alphabetic())
        {
            close(start, i, &mut prev, &mut last);
            start = i;
        } else if p.is_ascii_uppercase()
            && c.is_ascii_lowercase()
            && i >= start + 2
            && name[i - 2].is_ascii_uppercase()
        {
            close(start, i - 1, &mut prev, &mut last);
            start = i - 1;
        }
    }
    close(start, name.len(), &mut prev, &mut last);
    (prev, last)
}

/// True when a lower-case segment is one of [`LAST_WORDS`]: the words that share its
/// [`bucket`] are compared, usually none.
fn is_last_word(segment: &[u8]) -> bool {
    let mut words = LAST_WORD_BUCKETS[bucket(segment)];
    while words != 0 {
        let i = words.trailing_zeros() as usize;
        if same(LAST_WORDS[i].as_bytes(), segment) {
            return true;
        }
        words &= words - 1;
    }
    false
}

/// A word's bucket: from its length and its first and last bytes.
const fn bucket(w: &[u8]) -> usize {
    if w.is_empty() {
        return 0;
    }
    (w.len() * 7 + w[0] as usize * 3 + w[w.len() - 1] as usize) & 255
}

/// For each bucket, the [`LAST_WORDS`] in it, as bits.
static LAST_WORD_BUCKETS: [u128; 256] = {
    assert!(LAST_WORDS.len() <= 128);
    let mut table = [0u128; 256];
    let mut i = 0;
    while i < LAST_WORDS.len() {
        table[bucket(LAST_WORDS[i].as_bytes())] |= 1 << i;
        i += 1;
    }
    table
};

/// The last three letters of every word a secret name can end with ([`LAST_WORDS`],
/// [`SUFFIX_WORDS`], the second words of [`PAIRS`]), by [`PLACE`]; a word of two
/// letters after any byte (`pw`), or for the second word of a pair, after a byte of a
/// name or a blank (`session_id`, `sessionId`, `session id`; not `(ID`).
static ENDINGS: Endings = {
    let mut table = Endings([0; 512]);
    let mut i = 0;
    while i < LAST_WORDS.len() + SUFFIX_WORDS.len() + PAIRS.len() {
        let w = if i < LAST_WORDS.len() {
            LAST_WORDS[i].as_bytes()
        } else if i < LAST_WORDS.len() + SUFFIX_WORDS.len() {
            SUFFIX_WORDS[i - LAST_WORDS.len()].as_bytes()
        } else {
            PAIRS[i - LAST_WORDS.len() - SUFFIX_WORDS.len()]
                .1
                .as_bytes()
        };
        let (y, z) = (
            PLACE[w[w.len() - 2] as usize],
            PLACE[w[w.len() - 1] as usize],
        );
        if w.len() >= 3 {
            table = table.with(PLACE[w[w.len() - 3] as usize], y, z);
        } else {
            // a pair's second word needs a first word before it
            let mut x = if i < LAST_WORDS.len() { 0 } else { 1 };
            while x < 31 {
                table = table.with(x, y, z);
                x += 1;
            }
        }
        i += 1;
    }
    table
};

/// Each byte's place for [`ENDINGS`]: a letter its place in the alphabet (either
/// case, 1–26), a digit 27, `_` 28, `-` and `.` 29, a blank 30, anything else 0.
static PLACE: [u8; 256] = {
    let mut place = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        place[b] = match c {
            b'a'..=b'z' => c - b'a' + 1,
            b'A'..=b'Z' => c - b'A' + 1,
            b'0'..=b'9' => 27,
            b'_' => 28,
            b'-' | b'.' => 29,
            b' ' | b'\t' | b'\n' | b'\r' => 30,
            _ => 0,
        };
        b += 1;
    }
    place
};

/// Three places ([`PLACE`]) as a set of 32,768 bits.
struct Endings([u64; 512]);

impl Endings {
    const fn index(x: u8, y: u8, z: u8) -> usize {
        (x as usize) << 10 | (y as usize) << 5 | z as usize
    }

    const fn with(mut self, x: u8, y: u8, z: u8) -> Endings {
        let i = Endings::index(x, y, z);
        self.0[i / 64] |= 1 << (i % 64);
        self
    }

    /// True when a name ending with these three bytes (`x` 0 for a name of two) is in
    /// the set.
    fn has(&self, x: u8, y: u8, z: u8) -> bool {
        let [x, y, z] = [x, y, z].map(|b| PLACE[usize::from(b)]);
        let i = Endings::index(x, y, z);
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
}

/// Byte equality of two short texts, compared inline (a call to `memcmp` costs more
/// than the comparison).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.first() == b.first() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// [`is_secret_name`] for a name with non-ASCII characters.
fn unicode_is_secret_name(name: &str) -> bool {
    let (ranges, n) = segments(name);
    if n == 0 {
        return false;
    }
    let seg = |i: usize| &name[ranges[i].0..ranges[i].1];
    let last = seg(n - 1);
    // `cvv2`: a number ending a name belongs to the word before it
    if n >= 2 && last.bytes().all(|b| b.is_ascii_digit()) {
        let joined = format!("{}{last}", lower(seg(n - 2)));
        return LAST_WORDS.contains(&joined.as_str())
            || unicode_is_secret_name(&name[..ranges[n - 2].1]);
    }
    let starts_with_password = |s: &str| {
        ANY_PREFIXES
            .iter()
            .any(|p| s.len() >= p.len() && s.is_char_boundary(p.len()) && is(&s[..p.len()], p))
    };
    if starts_with_password(last)
        || (n >= 2
            && starts_with_password(seg(n - 2))
            && AFTER_PASSWORD.iter().any(|w| is(last, w)))
    {
        return true;
    }
    let last_lower = lower(last);
    let last_lower = last_lower.as_ref();
    OTHER_SCRIPTS.iter().any(|w| last_lower.ends_with(w))
        || LAST_WORDS.contains(&last_lower)
        || SUFFIX_WORDS
            .iter()
            .any(|w| last_lower.len() > w.len() && last_lower.ends_with(w))
        || (n >= 2 && {
            let second = lower(seg(n - 2));
            PAIRS.contains(&(second.as_ref(), last_lower))
        })
}

#[cfg(test)]
mod tests {
    use super::{is_secret_name, may_end_a_pair, unicode_is_secret_name, PAIRS};

    /// A pair's second word of two letters is a secret's name only after its first
    /// word, whatever parts them; `pw` is one alone.
    #[test]
    fn two_letter_words() {
        for name in [
            "session_id",
            "sessionId",
            "SESSION-ID",
            "session id",
            "session:id",
            "card.no",
            "pw",
            "PW",
            "db_pw",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in ["id", "ID", "no", "user_id", "request_id", "x:id", "by"] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn every_pair_ends_with_a_word_the_first_look_knows() {
        for (_, b) in PAIRS {
            assert!(
                may_end_a_pair(b)
                    && may_end_a_pair(&b.to_ascii_uppercase())
                    && super::may_end_a_pair_lower(b.as_bytes()),
                "{b}"
            );
        }
        assert!(may_end_a_pair("By"));
        assert!(!may_end_a_pair("user") && !may_end_a_pair("numbers"));
    }

    /// The byte path agrees with the character path on every ASCII name tried.
    #[test]
    fn both_paths_agree() {
        let mut names: Vec<String> = Vec::new();
        let words = [
            "pw", "Password", "db", "API", "key", "Key", "KEY", "x", "2", "cvv", "session", "id",
            "Token", "AWS", "secret", "card", "Number", "_", "-", ".", "pin", "ship", "ping",
            "set", "cookie",
        ];
        for a in words {
            for b in words {
                for c in ["", "2", "_x", "Key", "-id"] {
                    names.push(format!("{a}{b}{c}"));
                }
            }
        }
        for n in &names {
            let by_characters = unicode_is_secret_name(n) || super::squashed_secret_name(n);
            assert_eq!(is_secret_name(n), by_characters, "{n:?}");
        }
    }

    #[test]
    fn last_words_are_sorted() {
        assert!(super::LAST_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn secret_names() {
        for n in [
            "pa$$word",
            "P@SSW0RD",
            "\u{ff50}\u{ff41}\u{ff53}\u{ff53}\u{ff57}\u{ff4f}\u{ff52}\u{ff44}",
            "p\u{430}ssword",
            "contraseña",
            "Passwort",
            "mot_de_passe",
            "пароль",
            "数据库密码",
            "p%61ssword",
            "password",
            "Password",
            "db_password",
            "newPassword",
            "PASSWORD",
            "pw",
            "pwd",
            "pass",
            "pswd",
            "passwd",
            "x-api-key",
            "api_key",
            "apiKey",
            "access_key",
            "AWS_SECRET_ACCESS_KEY",
            "aws-secret",
            "private-key",
            "privateKey",
            "cookie",
            "Cookie",
            "set-cookie",
            "Set-Cookie",
            "session",
            "sessionid",
            "session_id",
            "otp",
            "pin",
            "user_pin",
            "cvv",
            "cvv2",
            "cvc",
            "pan",
            "card_number",
            "cardNumber",
            "csrftoken",
            "access_token",
            "refresh_token",
            "client_secret",
            "Authorization",
            "credentials",
            "AccountKey",
            "SharedAccessKey",
            "password_hash",
            "passwordConfirm",
            "token",
            "x-auth-token",
            "ssn",
            "sig",
            "passphrase",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn plain_names() {
        for n in [
            "café",
            "user@example",
            "utf8",
            "ipv4",
            "US$",
            "passe",
            "имя",
            "shipping",
            "company",
            "spinner",
            "tokenizer",
            "secretary",
            "keyboard",
            "method",
            "path",
            "status",
            "duration",
            "user_agent",
            "query",
            "pin_attempts",
            "session_count",
            "cache_key",
            "key",
            "id",
            "user_id",
            "request_id",
            "panel",
            "expand",
            "passenger",
            "compass",
            "bypass_cache",
            "span",
            "opinion",
            "mapping",
            "tokens_used_total_ms",
            "",
            "cardinality",
            "discard",
            "cookie_policy",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
    }
}
