//! Secrets recognised by their shape, wherever they stand: providers' token formats
//! (as the public rule sets of gitleaks, trufflehog and detect-secrets describe them),
//! `Bearer`/`Basic` credentials, JSON Web Tokens, passwords inside URLs and private
//! key blocks.

use regex::Regex;

use super::cards::Span;

/// Provider token formats, one alternation (case-sensitive: the prefixes are).
const PROVIDERS: &str = concat!(
    // AWS access key ids
    r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z2-7]{16}\b",
    // GitHub tokens and fine-grained tokens
    r"|gh[pousr]_[A-Za-z0-9]{30,255}",
    r"|github_pat_[A-Za-z0-9_]{20,255}",
    // GitLab
    r"|glpat-[A-Za-z0-9_-]{20,}",
    // Slack tokens
    r"|xox[abposre]-[A-Za-z0-9-]{10,}",
    r"|xapp-\d-[A-Za-z0-9-]{10,}",
    // Stripe secret and restricted keys, webhook secrets
    r"|\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}",
    r"|whsec_[A-Za-z0-9]{20,}",
    // Google API keys
    r"|AIza[0-9A-Za-z_-]{30,}",
    // SendGrid
    r"|SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}",
    // Twilio API keys
    r"|\bSK[0-9a-fA-F]{32}\b",
    // npm, PyPI, OpenAI and Anthropic, Shopify, DigitalOcean, Vault, Square, Mailgun,
    // Hugging Face, Databricks
    r"|npm_[A-Za-z0-9]{36}\b",
    r"|pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{20,}",
    r"|\bsk-(?:proj-|ant-[a-z0-9]{2,10}-|svcacct-)?[A-Za-z0-9_-]{20,}",
    r"|shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b",
    r"|do[poa]_v1_[a-f0-9]{64}\b",
    r"|hv[sb]\.[A-Za-z0-9_-]{24,}",
    r"|sq0(?:atp|csp)-[A-Za-z0-9_-]{22,}",
    r"|\bkey-[0-9a-zA-Z]{32}\b",
    r"|hf_[A-Za-z0-9]{30,}\b",
    r"|\bdapi[a-h0-9]{32}\b",
    // Google OAuth client secrets, access tokens and refresh tokens
    r"|GOCSPX-[A-Za-z0-9_-]{24,}",
    r"|\bya29\.[A-Za-z0-9_-]{20,}",
    r"|\b1//0[A-Za-z0-9_-]{40,}",
    // container registries, CI and developer platforms: Docker Hub, GitLab (deploy,
    // runner, registration), Grafana, Netlify, PlanetScale, Supabase, Linear,
    // Buildkite, RubyGems, Clojars, Artifactory, Bitbucket, Atlassian, Postman,
    // Contentful, Pulumi, Doppler, age
    r"|\bdckr_pat_[A-Za-z0-9_-]{20,}",
    r"|\bgl(?:dt|rt|ptt|cbt|oas|imt|agent|ft)-[A-Za-z0-9_-]{20,}",
    r"|\bGR1348941[A-Za-z0-9_-]{20,}",
    r"|\bglsa_[A-Za-z0-9_]{32,}",
    r"|\bglc_[A-Za-z0-9+/]{32,}={0,2}",
    r"|\bnfp_[A-Za-z0-9_]{36,}",
    r"|\bpscale_(?:tkn|pw|oauth)_[A-Za-z0-9=._-]{32,}",
    r"|\bsbp_[a-f0-9]{40}\b",
    r"|\blin_api_[A-Za-z0-9]{40}\b",
    r"|\bbk(?:ua)?_[a-f0-9]{40}\b",
    r"|\brubygems_[a-f0-9]{48}\b",
    r"|\bCLOJARS_[a-z0-9]{60}\b",
    r"|\bAKCp[A-Za-z0-9]{60,}",
    r"|\bATBB[A-Za-z0-9]{32,}",
    r"|\bATATT[A-Za-z0-9_=-]{20,}",
    r"|\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b",
    r"|\bCFPAT-[A-Za-z0-9_-]{43}",
    r"|\bpul-[a-f0-9]{40}\b",
    r"|\bdp\.(?:pt|st|ct|sa|scim|audit)\.[A-Za-z0-9]{40,44}",
    r"|AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}",
    // AI and SaaS APIs: Replicate, Groq, Perplexity, New Relic, Flutterwave,
    // EasyPost, Notion, Plaid, Twitter (X) bearer tokens, Mapbox secret tokens,
    // Firebase Cloud Messaging server keys, Tencent Cloud, AWS session tokens
    r"|\br8_[A-Za-z0-9]{37}\b",
    r"|\bgsk_[A-Za-z0-9]{52}\b",
    r"|\bpplx-[A-Za-z0-9]{48}\b",
    r"|\bNR(?:AK|JS|II)-[A-Za-z0-9]{19,32}\b",
    r"|\bFLWSECK(?:_TEST)?-[a-h0-9]{32}-X",
    r"|\bEZAK[A-Za-z0-9]{54}",
    r"|\bsecret_[A-Za-z0-9]{43}\b",
    r"|\baccess-(?:production|sandbox|development)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b",
    r"|AAAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{30,}",
    r"|\bsk\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}",
    r"|AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{100,}",
    r"|\bAKID[A-Za-z0-9]{32}\b",
    r"|\bIQoJb3JpZ2luX2Vj[A-Za-z0-9/+=]{20,}",
);

/// Provider formats with no fixed prefix, in their own alternation so that the one
/// above keeps its literal prefilter: Mailchimp keys (32 hex digits and `-us` with a
/// data centre), Telegram bot tokens, Azure AD client secrets (`Q~` in the fourth
/// place), MongoDB Atlas keys.
const UNPREFIXED: &str = concat!(
    r"\b[0-9a-f]{32}-us[0-9]{1,2}\b",
    r"|\b[0-9]{8,10}:AA[A-Za-z0-9_-]{32,33}\b",
    r"|(?:^|[^A-Za-z0-9_~.-])([A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})\b",
    r"|\b[a-z0-9]{14}\.atlasv1\.[a-z0-9_=-]{60,70}",
);

/// Which kinds [`Shapes::find`] looks for.
#[derive(Clone, Copy)]
pub struct Which {
    /// `Bearer`, `Basic`, ... credentials.
    pub bearer: bool,
    /// JSON Web Tokens.
    pub jwt: bool,
    /// Providers' tokens, private keys, AWS secret keys, Slack webhooks.
    pub keys: bool,
    /// Passwords inside URLs (`scheme://user:PASSWORD@host`).
    pub url_passwords: bool,
}

/// The shape-recognised secrets, compiled once per redactor.
pub struct Shapes {
    providers: Regex,
    unprefixed: Regex,
    webhooks: Regex,
    bearer: Regex,
    jwt: Regex,
    private_key: Regex,
    putty: Regex,
    base64_40: Regex,
}

impl Shapes {
    /// Compiles the patterns.
    pub fn new() -> Shapes {
        let re = |s: &str| Regex::new(s).expect("a built-in pattern compiles");
        Shapes {
            providers: re(PROVIDERS),
            unprefixed: re(UNPREFIXED),
            webhooks: re(concat!(
                r"hooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9/_-]+)",
                r"|discord(?:app)?\.com/api/webhooks/([0-9]+/[A-Za-z0-9_-]+)",
                r"|\.webhook\.office\.com/webhookb2/([A-Za-z0-9@/_-]+)",
            )),
            bearer: re(
                r"(?i)\b(?:bearer|basic|token|digest|negotiate|ntlm)(?:\s+|\s*:\s*|%20|\+)([A-Za-z0-9._~+/=-]{6,}|[^\s,;]*=[^\s]*)",
            ),
            jwt: re(r"e[yw][A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]*){2,4}"),
            private_key: re(
                r"(?s)-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----(.*?)(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\z)",
            ),
            putty: re(r"Private-Lines: *[0-9]+\r?\n((?:[A-Za-z0-9+/=]+\r?\n?)+)"),
            base64_40: re(r"[A-Za-z0-9/+]{40,}"),
        }
    }

    /// The shape-recognised secrets of the kinds `which` asks for in `text`.
    pub fn find(&self, text: &str, which: Which, out: &mut Vec<Span>) {
        if which.url_passwords {
            url_passwords(text, out);
        }
        if which.bearer {
            self.find_credentials(text, out);
        }
        if which.jwt {
            for m in self.jwt.find_iter(text) {
                if is_jose(m.as_str()) {
                    out.push((m.start(), m.end()));
                }
            }
        }
        if which.keys {
            self.find_keys(text, out);
        }
    }

    /// `Bearer X`, `Basic X`, ...: X when it looks like a credential (mixed case,
    /// digits or base64 signs), or whatever follows `Authorization:`.
    fn find_credentials(&self, text: &str, out: &mut Vec<Span>) {
        for c in self.bearer.captures_iter(text) {
            let (Some(all), Some(m)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let header = preceded_by_authorization(text, all.start());
            let scheme = all.as_str()[..3].to_ascii_lowercase();
            // `token X` is a credential only where a header says so
            if scheme == "tok" && !header {
                continue;
            }
            let v = m.as_str();
            // `token_type=Bearer expires_in=3600`, `Bearer realm="api"`: a key, not a
            // credential (base64 ends with its `=` padding only)
            let next = text.as_bytes().get(m.end()).copied();
            let key_value = v.trim_end_matches('=').contains('=')
                || matches!(next, Some(b'=' | b':'))
                || (v.ends_with('=')
                    && next.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'"' || b == b'\''));
            if key_value && !header {
                continue;
            }
            let looks_like_one = v.bytes().skip(1).any(|b| b.is_ascii_uppercase())
                || v.bytes()
                    .any(|b| b.is_ascii_digit() || matches!(b, b'=' | b'+' | b'/' | b'.' | b'_'));
            if header || looks_like_one {
                out.push((m.start(), m.end()));
            }
        }
    }

    /// Providers' tokens, Slack webhooks, private key blocks, AWS secret keys.
    fn find_keys(&self, text: &str, out: &mut Vec<Span>) {
        let mut aws = false;
        for m in self.providers.find_iter(text) {
            // an AWS access key id: 20 characters, `A` first
            aws |= m.as_str().starts_with('A') && m.as_str().len() == 20;
            out.push((m.start(), m.end()));
        }
        for c in self.unprefixed.captures_iter(text) {
            if let Some(m) = c.get(1).or_else(|| c.get(0)) {
                out.push((m.start(), m.end()));
            }
        }
        for c in self.webhooks.captures_iter(text) {
            if let Some(m) = c.iter().skip(1).flatten().next() {
                out.push((m.start(), m.end()));
            }
        }
        // a PuTTY key file's private lines
        if text.contains("Private-Lines:") {
            for c in self.putty.captures_iter(text) {
                if let Some(m) = c.get(1) {
                    out.push((m.start(), m.end()));
                }
            }
        }
        if text.contains("-----BEGIN") {
            for c in self.private_key.captures_iter(text) {
                if let Some(m) = c.get(2) {
                    if !m.as_str().trim().is_empty() {
                        out.push((m.start(), m.end()));
                    }
                }
            }
        }
        // an AWS secret access key has no prefix: 40 base64 characters, mixed, near
        // an access key id or the word `aws`
        if aws || contains_ignore_case(text, "aws") {
            for m in self.base64_40.find_iter(text) {
                let s = m.as_str();
                let after = text[m.end()..].chars().next();
                if s.len() == 40
                    && after != Some('=')
                    && s.bytes().any(|b| b.is_ascii_uppercase())
                    && s.bytes().any(|b| b.is_ascii_lowercase())
                    && s.bytes().any(|b| b.is_ascii_digit())
                {
                    out.push((m.start(), m.end()));
                }
            }
        }
    }
}

/// The longest URL read for a password (a bound keeps a text of many URLs linear).
const URL_LIMIT: usize = 4096;

/// The password of each `scheme://user:PASSWORD@host` in `text` (and a token standing
/// as the user, `https://TOKEN@github.com`: 20 or more letters, digits, `_` or `-`, a
/// digit among them): the authority runs
/// from `://` to the first `/`, space, quote or angle bracket, and its user part to
/// the last `@` in it, so a password may hold `@`, `:`, `#` or `?`.
pub fn url_passwords(text: &str, out: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    for at in memchr::memmem::find_iter(bytes, b"://") {
        let start = at + 3;
        // the URL: up to a blank or a quote
        let reach = (start + URL_LIMIT).min(bytes.len());
        let run_end = bytes[start..reach]
            .iter()
            .position(|&b| {
                b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'<' | b'>' | b'`')
            })
            .map_or(reach, |e| start + e);
        let run = &bytes[start..run_end];
        let end = run.iter().position(|&b| b == b'/').unwrap_or(run.len());
        let authority = &run[..end];
        let Some(colon) = authority.iter().position(|&b| b == b':') else {
            // `https://TOKEN@github.com`: a token as the user, no password
            if let Some(last_at) = authority.iter().rposition(|&b| b == b'@') {
                let user = &authority[..last_at];
                if user.len() >= 20
                    && user.iter().any(u8::is_ascii_digit)
                    && user
                        .iter()
                        .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
                {
                    out.push((start, start + last_at));
                }
            }
            continue;
        };
        match authority.iter().rposition(|&b| b == b'@') {
            Some(last_at) if colon < last_at => {
                if colon + 1 < last_at {
                    out.push((start + colon + 1, start + last_at));
                }
            }
            Some(_) => {}
            // `user:pa/ss@host`: a password written with a raw `/` (a port is digits)
            None => {
                let after = &authority[colon + 1..];
                if after.is_empty() || after.iter().all(u8::is_ascii_digit) {
                    continue;
                }
                let rest = &run[end..];
                let Some(k) = rest.iter().position(|&b| b == b'@') else {
                    continue;
                };
                if !rest[..k].iter().any(|&b| matches!(b, b'?' | b'#')) {
                    out.push((start + colon + 1, start + end + k));
                }
            }
        }
    }
}

fn contains_ignore_case(text: &str, word: &str) -> bool {
    text.as_bytes()
        .windows(word.len())
        .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
}

/// True when `Authorization` (or `Proxy-Authorization`) and a `:` or `=` stand just
/// before `at`.
fn preceded_by_authorization(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end();
    let before = before
        .strip_suffix([':', '='])
        .unwrap_or(before)
        .trim_end()
        .trim_end_matches(['"', '\'']);
    let b = before.as_bytes();
    b.len() >= 13 && b[b.len() - 13..].eq_ignore_ascii_case(b"authorization")
}

/// True when `token` has the shape of a JWS or JWE: its first part decodes to a JSON
/// object header naming an algorithm or a type.
fn is_jose(token: &str) -> bool {
    let header = token.split('.').next().unwrap_or_default();
    let Some(json) = base64_decode(header.as_bytes()) else {
        return false;
    };
    let json = String::from_utf8_lossy(&json);
    json.trim_start().starts_with('{')
        && (json.contains("\"alg\"") || json.contains("\"typ\"") || json.contains("\"enc\""))
}

/// Base64 decoded, either alphabet (`+/` or `-_`), padding left off (None: a byte
/// outside the alphabet; the first 4096 characters are read).
pub(super) fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        })
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in text.iter().take(4096) {
        acc = (acc << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}
