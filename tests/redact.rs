//! The `redact` filter against the forms secrets really take in logs: PCI test card
//! numbers in every common separator style and beside other numbers, OWASP-style
//! credential leaks in prose, key=value, JSON (escaped too) and URLs, bearer and basic
//! credentials, JWS and JWE tokens. Each case goes through a real handler into a real
//! file; the secret must be gone and the text around it kept. Ordinary text passes
//! unchanged.

mod common;

use common::{build, read};
use logconf::{Level, Message, Record};

const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const JWE: &str = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ";
const JWE_DIRECT: &str = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYI.XFBoMYUZodetZdvTiFvSkQ";
const JWT_NONE: &str = "eyAiYWxnIjogIm5vbmUiIH0.eyJzdWIiOiIxMjM0NTY3ODkwIn0.";
const JWT_PRETTY: &str =
    "ewogICJhbGciOiAiSFMyNTYiLAogICJ0eXAiOiAiSldUIgp9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJlX2J5dGVz";

/// (text, the secret that must not survive, text around it that must).
fn secrets() -> Vec<(String, String, &'static str)> {
    let mut cases: Vec<(String, String, &'static str)> = Vec::new();
    let mut add = |text: String, secret: &str, keep: &'static str| {
        cases.push((text, secret.to_string(), keep));
    };
    // PCI test card numbers (Luhn-valid), every brand and length
    let cards = [
        "4111111111111111",
        "4012888888881881",
        "4222222222222",
        "5555555555554444",
        "5105105105105100",
        "2223003122003222",
        "378282246310005",
        "371449635398431",
        "6011111111111117",
        "6011000990139424",
        "3530111333300000",
        "30569309025904",
        "6200000000000005",
        "6205500000000000004",
    ];
    for c in cards {
        add(format!("charged card {c} ok"), c, "charged card");
    }
    let v = "4111111111111111";
    let grouped = |sep: &str| ["4111", "1111", "1111", "1111"].join(sep);
    for sep in [" ", "-", ".", "_", "  ", "\t", " - ", "/"] {
        let g = grouped(sep);
        add(format!("card {g} accepted"), &g, "accepted");
    }
    add("amex 3782 822463 10005 ok".into(), "822463", "amex");
    add(
        format!("card {} cvv 123", grouped(" ")),
        "1111 1111",
        "cvv 123",
    );
    add(format!("card {} 123", grouped(" ")), "1111 1111", "card");
    add(format!("order 12 {v} paid"), v, "order 12");
    add(
        "cvv 737 5555 5555 5555 4444 exp 12/29".to_string(),
        "5555 5555",
        "exp 12/29",
    );
    add(
        format!("qty 3 amount 120 {} end", grouped("-")),
        "1111-1111",
        "amount 120",
    );
    add(
        format!(r#"{{"card": "{}", "amount": 12}}"#, grouped("-")),
        "1111-1111",
        "amount",
    );
    add(format!("GET /pay?card={v}&amount=5"), v, "amount=5");
    add(format!("card:{v}"), v, "card:");
    add(format!("({v})"), v, "(");
    add(format!("pan={v};"), v, "pan=");
    // credentials (OWASP logging cheat sheet: never log these)
    let pw = "hunter2";
    for text in [
        format!("password={pw}"),
        format!("Password: {pw}"),
        format!("PASSWORD = \"{pw}\""),
        format!("password='{pw}'"),
        format!("pwd={pw}"),
        format!("passwd:{pw}"),
        format!("passphrase={pw}"),
        format!("db_password={pw}"),
        format!("DB_PASSWORD={pw}"),
        format!("new_password={pw}"),
        format!("password_confirmation={pw}"),
        format!("userPassword={pw}"),
        format!("user-password: {pw}"),
        format!(r#"{{"new_password": "{pw}", "user": "bob"}}"#),
        format!(r#"{{"user_password":"{pw}","user":"bob"}}"#),
        format!(r#"payload={{\"password\": \"{pw}\"}}"#),
        format!("user=bob&password={pw}&next=/"),
        format!("password%3D{pw}%26user%3Dbob"),
        format!("password%3A{pw}"),
        format!("password={pw};path=/"),
        format!("api_key={pw}"),
        format!("apiKey: {pw}"),
        format!("x-api-key: {pw}"),
        format!("API-KEY={pw}"),
        format!("access_token={pw}"),
        format!("refresh_token: {pw}"),
        format!("id_token={pw}"),
        format!("client_secret={pw}"),
        format!("AWS_SECRET_ACCESS_KEY={pw}"),
        format!("secret={pw}"),
        format!("private_key={pw}"),
        format!("credentials: {pw}"),
        format!("token={pw}"),
        format!("auth_key={pw}"),
    ] {
        add(format!("login failed: {text} (retry)"), pw, "login failed");
    }
    add(
        r#"{"password": "correct horse battery staple"}"#.into(),
        "horse battery",
        "password",
    );
    // an unquoted value is one word: the words after it are the message's
    add(
        "password='correct horse battery staple' ok".into(),
        "horse battery",
        "ok",
    );
    add(
        "password: correct-horse user=bob".into(),
        "horse",
        "user=bob",
    );
    add(
        "password=x lorem ipsum dolor".into(),
        "password=x",
        "lorem ipsum dolor",
    );
    add(
        "charge with password=hunter2 and Bearer abc.def.ghi".into(),
        "hunter2",
        "Bearer",
    );
    // bearer and basic credentials
    let tok = "tok_AbC123xyz";
    for text in [
        format!("Authorization: Bearer {tok}"),
        format!("authorization: bearer {tok}"),
        format!("Bearer:{tok}"),
        format!("Bearer: {tok}"),
        format!("Bearer%20{tok}"),
        format!("Authorization=Bearer+{tok}"),
        format!("BEARER {tok}"),
    ] {
        add(format!("upstream call {text} done"), tok, "upstream call");
    }
    add(
        "Authorization: Basic dXNlcjpwYXNzd29yZA== sent".into(),
        "dXNlcjpwYXNzd29yZA",
        "sent",
    );
    // JSON Web Tokens
    for (text, secret) in [
        (format!("session {JWT} issued"), JWT),
        (format!("session token{JWT} issued"), JWT),
        (format!("session id_token={JWT} issued"), JWT),
        (format!("session \"{JWT}\" issued"), JWT),
        (format!("session {JWE} issued"), JWE),
        (format!("session {JWE_DIRECT} issued"), JWE_DIRECT),
        (
            format!("session {JWT_NONE} issued"),
            "eyJzdWIiOiIxMjM0NTY3ODkwIn0",
        ),
        (format!("session {JWT_PRETTY} issued"), JWT_PRETTY),
        (format!("session Bearer {JWT} issued"), JWT),
        (format!("session ?jwt={JWT}&x=1 issued"), JWT),
    ] {
        add(text, secret, "issued");
    }
    cases
}

/// Text with no secret: passes unchanged.
const PLAIN: &[&str] = &[
    "order 12345 shipped",
    "phone 555-123-4567",
    "Invoice 2024-01-20 total 99.99",
    "user bob logged in from 192.168.1.1",
    "version 1.2.3 deployed",
    "card ending 1111 charged",
    "number 4111111111111112 fails Luhn",
    "timestamp 1700000000000 ms",
    "visit eyeball.example.com today",
    "the password policy was updated",
    "request 3f2c9a1e-8b7d-4c1a-9e2f-123456789abc done",
    "took 0.031 seconds",
    "tracking 1Z999AA10123456784",
    "batch 20240120-000123 processed",
    "retry 3 of 5",
];

#[test]
fn a_hundred_secrets_are_gone_and_plain_text_passes() {
    let cases = secrets();
    assert!(cases.len() + PLAIN.len() >= 100, "{} cases", cases.len());
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[filters.redact]\nclass = \"redact\"\n[handlers.f]\nclass = \"file\"\nfilename = \"out.log\"\nfilters = [\"redact\"]\n[root]\nlevel = \"INFO\"\nhandlers = [\"f\"]\n",
    )
    .unwrap();
    for (text, _, _) in &cases {
        h.log("app", &Record::new(Level::INFO, Message::Text(text)));
    }
    for text in PLAIN {
        h.log("app", &Record::new(Level::INFO, Message::Text(text)));
    }
    h.flush();
    let out = read(&dir.path().join("out.log"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), cases.len() + PLAIN.len());
    let mut failures = Vec::new();
    for ((text, secret, keep), line) in cases.iter().zip(&lines) {
        if line.contains(secret.as_str()) || !line.contains("[REDACTED]") {
            failures.push(format!("leaked: {text:?}\n     -> {line:?}"));
        } else if !line.contains(keep) {
            failures.push(format!("over-redacted: {text:?}\n     -> {line:?}"));
        }
    }
    for (text, line) in PLAIN.iter().zip(&lines[cases.len()..]) {
        if line != text {
            failures.push(format!("changed: {text:?}\n     -> {line:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len() + PLAIN.len(),
        failures.join("\n")
    );
}

#[test]
fn key_values_are_redacted_by_name_and_by_shape() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[filters.redact]\nclass = \"redact\"\n[formatters.kv]\nformat = \"%(message)s card=%(payment)s pw=%(db_password)s note=%(note)s n=%(order)s\"\n[handlers.f]\nclass = \"file\"\nfilename = \"out.log\"\nformatter = \"kv\"\nfilters = [\"redact\"]\n[root]\nlevel = \"INFO\"\nhandlers = [\"f\"]\n",
    )
    .unwrap();
    let kv: [(&str, log::kv::Value<'_>); 4] = [
        ("payment", log::kv::Value::from(4111111111111111i64)),
        ("db_password", log::kv::Value::from(12345)),
        ("note", log::kv::Value::from("token=abc123def")),
        ("order", log::kv::Value::from(123456)),
    ];
    let rec = Record::new(Level::INFO, Message::Text("paid")).key_values(&kv);
    h.log("app", &rec);
    h.flush();
    assert_eq!(
        read(&dir.path().join("out.log")),
        "paid card=[REDACTED] pw=[REDACTED] note=token=[REDACTED] n=123456\n"
    );
}

#[test]
fn each_kind_of_key_value_alone_is_checked() {
    // one key-value per record: the look before any copy must see the secret itself
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[filters.redact]\nclass = \"redact\"\n[formatters.kv]\nformat = \"%(message)s %(v)s\"\n[handlers.f]\nclass = \"file\"\nfilename = \"out.log\"\nformatter = \"kv\"\nfilters = [\"redact\"]\n[root]\nlevel = \"INFO\"\nhandlers = [\"f\"]\n",
    )
    .unwrap();
    let shown = "password=hunter2";
    let cases: Vec<(&str, log::kv::Value<'_>)> = vec![
        ("u64", log::kv::Value::from(4111111111111111u64)),
        ("i64", log::kv::Value::from(-4111111111111111i64)),
        ("u128", log::kv::Value::from(4111111111111111u128)),
        ("i128", log::kv::Value::from(4111111111111111i128)),
        ("str", log::kv::Value::from("card 4111 1111 1111 1111")),
        ("display", log::kv::Value::from_display(&shown)),
        ("float", log::kv::Value::from(4111111111111111.0f64)),
        ("bool", log::kv::Value::from(true)),
        ("short", log::kv::Value::from(1234u64)),
    ];
    for (name, value) in &cases {
        let kv = [("v", value.clone())];
        let rec = Record::new(Level::INFO, Message::Text(name)).key_values(&kv);
        h.log("app", &rec);
    }
    h.flush();
    assert_eq!(
        read(&dir.path().join("out.log")),
        "u64 [REDACTED]\ni64 -[REDACTED]\nu128 [REDACTED]\ni128 [REDACTED]\nstr card [REDACTED]\n\
         display password=[REDACTED]\nfloat 4111111111111111.0\nbool true\nshort 1234\n"
    );
}

/// The classes an outside review found leaking (2026-12-07), one example of each: the
/// secret must be gone, the words around it kept.
#[test]
fn every_class_of_the_review_is_redacted() {
    let cases: &[(&str, &[&str], &[&str])] = &[
        ("postgres://admin:s3cr3tPass@db:5432/app", &["s3cr3tPass"], &["admin", "db:5432/app"]),
        ("redis://:r3dispass@cache:6379", &["r3dispass"], &["cache:6379"]),
        ("fetch https://user:hunter22@host/x", &["hunter22"], &["host/x"]),
        ("<password>hunter22</password> ok", &["hunter22"], &["ok"]),
        (r#"<input type="password" value="hunter22">"#, &["hunter22"], &["input"]),
        ("psql --password hunter22 -h db", &["hunter22"], &["-h db"]),
        ("mysql -u root -phunter22 shop", &["hunter22"], &["shop"]),
        ("run --password=hunter22 -h db", &["hunter22"], &["-h db"]),
        ("pw=hunter22 pass:hunter23 pswd=hunter24", &["hunter22", "hunter23", "hunter24"], &[]),
        ("p%61ssword=hunter22&x=1", &["hunter22"], &["x=1"]),
        (r#"{"pass\u0077ord": "hunter22"}"#, &["hunter22"], &[]),
        ("PASSWORD => hunter22", &["hunter22"], &[]),
        ("access_key=AbC123xyz cookie=c00kie set-cookie: sid=abc123 session=s355ion otp=123456 pin=4321 cvv=123 pan=4111111111111111 private-key=pk123",
            &["AbC123xyz", "c00kie", "sid=abc123", "s355ion", "123456", "4321", "cvv=123", "4111111111111111", "pk123"], &[]),
        ("aws AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", &["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"], &[]),
        ("aws-secret: creds AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", &["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI"], &[]),
        ("gh ghp_abcdefghijklmnopqrstuvwxyz0123456789 done", &["ghp_abcdefghij"], &["done"]),
        ("slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", &["xoxb-1234"], &[]),
        ("post https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", &["XXXXXXXXXXXXXXXXXXXXXXXX"], &["hooks.slack.com"]),
        ("stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc rk_live_4eC39HqLyjWDarjtT1zdp7dc", &["4eC39HqLyjWDarjtT1zdp7dc"], &["stripe"]),
        ("google AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe", &["AIzaSyDaGmWKa4JsXZ"], &[]),
        ("sendgrid 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", &["ngeVfQFYQlKU0ufo8x5d1A"], &[]),
        ("twilio SK0123456789abcdef0123456789abcdef", &["SK0123456789abcdef"], &[]),
        ("DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=abc123+def/456==;EndpointSuffix=core.windows.net", &["abc123+def"], &["AccountName=acme", "EndpointSuffix"]),
        ("key -----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", &["MIIEpAIBAAKCAQEA"], &["BEGIN RSA PRIVATE KEY"]),
        ("the password is hunter22.", &["hunter22"], &["the password is"]),
        ("password was 'hunter22'", &["hunter22"], &[]),
        ("Cookie: sessionid=abc123def; csrftoken=xyz789", &["abc123def", "xyz789"], &["Cookie:"]),
        ("card 4111\u{a0}1111\u{a0}1111\u{a0}1111 ok", &["1111\u{a0}1111"], &["ok"]),
        ("card 4111\u{202f}1111\u{202f}1111\u{202f}1111 ok", &["1111\u{202f}1111"], &["ok"]),
        ("card 4111\u{2013}1111\u{2013}1111\u{2013}1111 ok", &["1111\u{2013}1111"], &["ok"]),
        ("card 4111\u{b7}1111\u{b7}1111\u{b7}1111 ok", &["1111\u{b7}1111"], &["ok"]),
        ("card 4111|1111|1111|1111 ok", &["1111|1111"], &["ok"]),
        ("card 4111,1111,1111,1111 ok", &["1111,1111"], &["ok"]),
        ("card 4111+1111+1111+1111 ok", &["1111+1111"], &["ok"]),
        ("card \u{ff14}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11}\u{ff11} ok", &["\u{ff11}\u{ff11}\u{ff11}\u{ff11}"], &["ok"]),
        ("card \u{664}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661}\u{661} ok", &["\u{661}\u{661}\u{661}\u{661}"], &["ok"]),
        ("swipe %B4111111111111111^DOE/JOHN^25121010000000000000? ok", &["4111111111111111", "DOE/JOHN"], &["ok"]),
        ("ref x4111111111111111y", &["4111111111111111"], &["ref"]),
    ];
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[filters.redact]\nclass = \"redact\"\n[formatters.f]\nformat = \"%(message)s\\u0000\"\n[handlers.f]\nclass = \"file\"\nfilename = \"out.log\"\nformatter = \"f\"\nfilters = [\"redact\"]\n[root]\nlevel = \"INFO\"\nhandlers = [\"f\"]\n",
    )
    .unwrap();
    for (text, _, _) in cases {
        h.log("app", &Record::new(Level::INFO, Message::Text(text)));
    }
    h.flush();
    let out = read(&dir.path().join("out.log"));
    let lines: Vec<&str> = out.split("\0\n").collect();
    let mut failures = Vec::new();
    for ((text, secrets, kept), line) in cases.iter().zip(&lines) {
        for s in *secrets {
            if line.contains(s) {
                failures.push(format!("leaked {s:?}: {text:?}\n   -> {line:?}"));
            }
        }
        for k in *kept {
            if !line.contains(k) {
                failures.push(format!("lost {k:?}: {text:?}\n   -> {line:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Shapes an outside probe found leaking or over-redacted after the catalogue was
/// built: each secret gone, each clean line unchanged.
#[test]
fn the_second_probes_shapes() {
    let secrets: &[(&str, &str)] = &[
        (
            "user token xoxp-1111111111-2222222222-3333333333-abcdef0123456789abcdef0123456789",
            "abcdef0123456789abcdef",
        ),
        (
            "glued:prefixghp_Mm1Nn2Oo3Pp4Qq5Rr6Ss7Tt8Uu9Vv0Ww1Xx2Yy3",
            "Mm1Nn2Oo3Pp4",
        ),
        ("postgres://app:S3cr%2Fet%40x@db/shop", "S3cr"),
        ("mongodb://svc:Mongo%40Pw1@h/db", "Pw1"),
        ("https://user:p@ss:word@host.example.com/path", "ss:word"),
        ("mysql://u:pass#word@db/x", "pass#word"),
        ("user=bob cc5112-8083-7116-5960x", "7116"),
        ("REF4290.8442.0425.3662END", "0425"),
        ("card 4290\u{2027}8442\u{2027}0425\u{2027}3662", "0425"),
        ("ALTER USER app WITH PASSWORD 'SqlAlterPw9';", "SqlAlterPw9"),
        (
            "CREATE USER 'rep'@'%' IDENTIFIED BY 'SqlIdentBy7';",
            "SqlIdentBy7",
        ),
        (
            "env: [{name: POSTGRES_PASSWORD, value: k8sEnvPw44}]",
            "k8sEnvPw44",
        ),
        (
            "{\"name\":\"DB_PASSWORD\",\"value\":\"EcsEnvPw\"}",
            "EcsEnvPw",
        ),
        (
            "{\"ParameterKey\":\"DbPassword\",\"ParameterValue\":\"CfnParamPw\"}",
            "CfnParamPw",
        ),
        ("secret_key_base=SkbVal123", "SkbVal123"),
        ("password=Tr0ub4dor&3 host=db1", "&3"),
        ("password=Tr0ub;4dor", "4dor"),
        ("password=mY'pass'word", "mY'pass"),
        ("mysql -u root -pMyDbR00t!", "R00t"),
        ("mysql -p'Quoted Pw!' db", "Quoted"),
        ("pg_dump --password 'two words' --verbose", "words"),
        ("redis-cli -a RedisAuthPw1 ping", "RedisAuthPw1"),
        ("docker login -u ci -p D0ckerHubPw", "D0ckerHubPw"),
        ("curl -u alice:CurlPassw0rd https://x", "CurlPassw0rd"),
        ("curl --user bob:CurlUserPw https://x", "CurlUserPw"),
        ("{'password': b'BytesReprPw'}", "BytesReprPw"),
        ("password: |\n  MultiLineYamlPw", "MultiLineYamlPw"),
        ("password: !!binary U2VjcmV0WWFtbA==", "U2VjcmV0"),
        ("{\"password\"\n: \"OddJson2\"}", "OddJson2"),
        ("password set to SetToPw3", "SetToPw3"),
        ("password changed to ChgToPw4", "ChgToPw4"),
        ("Your one-time code (otp) = 482913", "482913"),
        ("otp code: 661122", "661122"),
        ("security code (CVV): 321", "321"),
        ("trk2=5112808371165960D27091010000000000", "D2709"),
        ("password==leadingEq", "leadingEq"),
        ("{\"password\" :\n  \"JsonNewlinePw\"}", "JsonNewlinePw"),
        (
            "password_hash=$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g",
            "aGFzaGhhc2g",
        ),
        (
            "mailgun key-3F4E5D6C7B8A99A8B7C6D5E4F3A2B1C0",
            "3F4E5D6C7B8A",
        ),
        // after the second probe: capitals, a raw `/`, argument lists, tabs
        ("PASSWORD IS CapsProsePw1", "CapsProsePw1"),
        ("The Password Was 'TitleCasePw'", "TitleCasePw"),
        ("postgres://admin:Raw/SlashPw@db:5432/app", "SlashPw"),
        (
            "argv=[\"mysql\", \"--password\", \"ArgvListPw9\", \"-h\", \"db\"]",
            "ArgvListPw9",
        ),
        ("['--password', 'PyListPw7']", "PyListPw7"),
        ("secret\tkey = TabbedPairPw", "TabbedPairPw"),
        ("launch -password JavaStylePw --verbose", "JavaStylePw"),
        ("Authorization token GhTokenValue123", "GhTokenValue123"),
        // after the third probe: compact JSON, a quoted key after a secret's word
        (
            "body {\"token\":null,\"secret\":\"CompactJs0n\"}",
            "CompactJs0n",
        ),
        (
            "{\"id\":860,\"session\":963,\"secret\":\"AfterNumber9\"}",
            "AfterNumber9",
        ),
        (
            "secret \"client_secret\": \"QuotedKeyVal7\"",
            "QuotedKeyVal7",
        ),
        ("sqlcmd -S srv -U sa -P SqlCmdPw42", "SqlCmdPw42"),
        ("the admin password is now NowProsePw1", "NowProsePw1"),
        ("password was reset to ResetProsePw2", "ResetProsePw2"),
        ("the new password will be WillBePw3", "WillBePw3"),
        ("password has been HasBeenPw4", "HasBeenPw4"),
        ("pass_word=PassWordPw5 Pass.Word: PassDotPw6", "PassDotPw6"),
        ("{\"api_keys\": \"ApiKeysVal7\"}", "ApiKeysVal7"),
        ("accountkey=AzureLowerKey8==", "AzureLowerKey8"),
        ("privKey=PrivKeyVal9", "PrivKeyVal9"),
        ("pincode=PinCodeVal1", "PinCodeVal1"),
        ("card 4595;4641;9251;2185 ok", "9251"),
        ("card 3056\\930902\\5904 ok", "930902"),
        ("card 4222'2222'2222'2 ok", "2222'2"),
        ("card 6011\u{22c5}1111\u{22c5}1111\u{22c5}1117", "1117"),
        (
            "<auth><password type=\"text\">TagAttrPw1</password></auth>",
            "TagAttrPw1",
        ),
        ("<ns1:password>NsTagPw2</ns1:password>", "NsTagPw2"),
        ("<password><![CDATA[CdataPw3]]></password>", "CdataPw3"),
        ("passwd->ArrowPw4", "ArrowPw4"),
        ("note: password for bob is ForBobPw5.", "ForBobPw5"),
        ("password of the db is OfTheDbPw6", "OfTheDbPw6"),
        (
            "Password for user 'bob' was reset to ResetForPw7",
            "ResetForPw7",
        ),
        ("GET /maps?limit=10&key=QueryKeyVal8 200", "QueryKeyVal8"),
        ("GET /callback?code=OauthCode9x&state=abc", "OauthCode9x"),
        (
            "Authorization: Digest username=\"a\", response=\"DigestResp99\"",
            "DigestResp99",
        ),
        // after the fourth probe: look-alike names, prose with commas, encodings twice
        // over, base64, other languages, a password after its name
        ("cfg pa$$word=DollarPw1 retry=1", "DollarPw1"),
        ("P@SSW0RD: LeetCapsPw2", "LeetCapsPw2"),
        ("s3cr3t=LeetSecretPw3", "LeetSecretPw3"),
        ("his password, g#_Y!CommaPw4, was leaked", "CommaPw4"),
        ("next=%252Fcb%253Fpassword%253DTwiceEncPw5", "TwiceEncPw5"),
        // base64 of `password=B64BlobPw6x` and of `{"password": "B64JsonPw7"}`
        ("blob cGFzc3dvcmQ9QjY0QmxvYlB3Nng= end", "cGFzc3dvcmQ9"),
        (
            "state=eyJwYXNzd29yZCI6ICJCNjRKc29uUHc3In0=",
            "eyJwYXNzd29yZCI6",
        ),
        ("settings Passwort: GermanPw8 loaded", "GermanPw8"),
        ("settings contraseña=SpanishPw9 loaded", "SpanishPw9"),
        ("settings mot_de_passe=FrenchPw10", "FrenchPw10"),
        ("settings пароль=RussianPw11 loaded", "RussianPw11"),
        ("settings 数据库密码: ChinesePw12", "ChinesePw12"),
        ("settings p\u{430}ssword: CyrillicAPw13", "CyrillicAPw13"),
        ("pa\u{301}ssword=CombiningPw14", "CombiningPw14"),
        ("settings password[]=FormListPw15 loaded", "FormListPw15"),
        ("<input type=password value=Unquoted#Pw16>", "Unquoted#Pw16"),
        ("using password Hpw9tj*XCpcb17 for login", "Hpw9tj*XCpcb17"),
        ("password\tk-0B1deSKKPW18", "k-0B1deSKKPW18"),
        (
            "netrc: machine api.example.com login bob password Nw9q9.kPr19",
            "Nw9q9.kPr19",
        ),
        ("oauth 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", "ZiDRDDhr26Vb"),
        (
            "oauth ya29.a0AfH6SMBx3jRkLmNoPqRsTuVwXyZ0123456789",
            "a0AfH6SMBx3j",
        ),
        (
            "oauth 1//0g1seecU0LxLyi_YqpPsKZrKeQ04ATKvf8VisLVGTqY6qAH",
            "g1seecU0LxLyi",
        ),
        (
            "notify https://discord.com/api/webhooks/682526299394046116/LcljzaRYwD44AfKtYE1C26of3C8U9BBYvLapbIgsFJws",
            "LcljzaRYwD44",
        ),
        (
            "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nPublic-Lines: 1\nAAAAB3NzaC1yc2E\nPrivate-Lines: 2\nVPPcgctrJtSKNS8qqOAflHr1ExR1S7jrOXVrIU6TiS1wtvRiPjZu9bieoPy0aa4S\nDOd9vR9vodgyYLrpxpQ+/==\nPrivate-MAC: 00ff",
            "VPPcgctrJtSKNS8",
        ),
        // bob:aBa*K76UJfZP1e3
        (
            "basic auth header Ym9iOmFCYSpLNzZVSmZGWlAxZTM= decoded",
            "Ym9iOmFCYSpLNzZVSmZGWlAxZTM",
        ),
        ("CONFIG SET requirepass ojdPDnKp5", "ojdPDnKp5"),
        (
            "git clone https://50c009ec557d33f90aa033d3a61460f0012ba1c2@github.com/org/repo.git",
            "50c009ec557d33f90aa0",
        ),
        ("password\u{0}=CtrlCharPw20", "CtrlCharPw20"),
        // after the fifth probe
        ("login password=:Summer2024x ok", "Summer2024x"),
        ("mysql -u root -p!tyX0xt4mBw -h db", "tyX0xt4mBw"),
        ("<property name=\"password\">4?r2LAkVZH</property>", "4?r2LAkVZH"),
        (
            "<entry key=\"password\">RkT*l0h0O8c</entry><entry key=\"user\">bob</entry>",
            "RkT*l0h0O8c",
        ),
        (
            "{\"url\":\"https:\\/\\/alice:e72Sjr_9E3dE@sql01\\/x\"}",
            "e72Sjr_9E3dE",
        ),
        ("Password was changed to: aX2xS7Fy@CLY", "aX2xS7Fy@CLY"),
        ("pword=XHCR5VK$F5e done", "XHCR5VK$F5e"),
        ("your api key is 4JM0RSgJp2CXTIDgzfp1 enjoy", "4JM0RSgJp2CX"),
        (
            "keytool -importcert -keystore ks.jks -storepass Yy5!BMLIVQzg -noprompt",
            "Yy5!BMLIVQzg",
        ),
        ("az login -u etl@corp.com -p 04Jv2LPaBF_afl --tenant t1", "04Jv2LPaBF"),
    ];
    let clean: &[&str] = &[
        "usage: {\"prompt_tokens\": 812, \"completion_tokens\": 164, \"total_tokens\": 976}",
        "token_type=Bearer expires_in=3600 scope=read",
        "WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\"",
        "at com.acme.auth.PasswordValidator.validate(PasswordValidator.java:57)",
        "backend=password-svc:80 healthy",
        "score=0.4221165755827173",
        "hex 0x4290844204253662",
        "buckets=[4,2,9,0,8,4,4,2,0,4,2,5,3,6,6,2]",
        "Access denied for user 'app'@'10.1.2.3' (using password: NO)",
        "password_length=14 PASSWORD_MIN_LENGTH=12 max_password_age=90",
        "if password == confirm_password: ok",
        "cvv: not provided",
        "password: (none)",
        "--password-file=/run/secrets/db_password",
        "special tokens: [CLS] [SEP] [MASK]",
        "job 2d123456-1234-4123-a123-123456789012 done",
        "tokenizer.pad_token=<pad> eos_token=</s> bos_token=<s>",
        "sudo: pam_unix(sudo:auth): authentication failure; logname=bob uid=1000",
        "pam_unix(sshd:session): session opened for user bob(uid=1000) by (uid=0)",
        "session: active",
        "token=expired",
        "Authorization: (none)",
        "Set-Cookie: (deleted)",
        "password=******",
        "pass=2 of 3 checks",
        "pin: 17",
        "session cookie is HttpOnly",
        "https://registry.example.org:8443/packages/@scope/name",
        "API Request completed - Status: 200, Duration: 0.102 seconds",
        // the third probe's ordinary lines
        "UPDATE users SET password_hash = $1, updated_at = now()",
        "WHERE password = ? AND id = 3",
        "secret \"db-credentials\" mounted at /var/run/secrets/db",
        "passwd: password expiry information changed.",
        "mysql -u root -h 127.0.0.1 -P 3306 shop",
        "mysqladmin -u root -p status",
        "env: HOME=/root PWD=/srv/app7 LANG=C",
        "Unexpected token '}' at line 3",
        "errors: password: can't be blank",
        "password: too short (minimum is 8)",
        "{'password': ['This field is required.']}",
        "password set to expire in 30 days",
        "session is active",
        "session=new",
        "tests pass=206 fail=0",
        "otp: 6 digits",
        "card: visa",
        "camera pan=left",
        "authorization: granted",
        "token: refresh scheduled",
        "-password flag deprecated, use --password-file",
        "the password for bob is invalid",
        "session for user 42 is active",
        "token in the header is malformed",
        "password has been changed",
        "usage: {\"prompt_tokens\": 812, \"total_tokens\": 976}",
        "cache key=user:42 hit, status code=200",
        // the fourth probe's ordinary lines
        "contact support@example.com or admin@passbolt.io, price US$100",
        "ipv4 utf8 sha256 k8s h2o v2beta passwords=3",
        "the password, however, was wrong",
        "password, email and name are required",
        "password reset email sent to bob@example.com",
        "password Policy2024 applied",
        "password attempts=3 lockout=15m",
        "cursor eyJ1c2VyIjogImJvYiIsICJwYWdlIjogMn0= next",
        "café=open naïve=yes пароль не задан",
        "password hash pbkdf2_sha256 iterations=600000",
        "git clone https://git@github.com/org/repo.git",
        "node id UHJvZHVjdFZhcmlhbnQ6NDU2Nzg5MDEy fetched",
        "new password will be emailed to the user",
        "the secret is out: we ship on Friday",
        "peer [2001:db8:3817:6756::1627:1066]:443 handshake ok",
        "UPDATE users SET password = :password WHERE id = :user_id",
        "rate limit exceeded for 192.168.221.238: 101 req/min",
        "your api key was rotated",
    ];
    check_shapes(secrets, clean);
}

/// Logs each text through the `redact` filter: each secret gone from its line, each
/// clean text unchanged.
fn check_shapes(secrets: &[(&str, &str)], clean: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[filters.redact]\nclass = \"redact\"\n[formatters.f]\nformat = \"%(message)s\\u0000\"\n[handlers.f]\nclass = \"file\"\nfilename = \"out.log\"\nformatter = \"f\"\nfilters = [\"redact\"]\n[root]\nlevel = \"INFO\"\nhandlers = [\"f\"]\n",
    )
    .unwrap();
    for (text, _) in secrets {
        h.log("app", &Record::new(Level::INFO, Message::Text(text)));
    }
    for text in clean {
        h.log("app", &Record::new(Level::INFO, Message::Text(text)));
    }
    h.flush();
    let out = read(&dir.path().join("out.log"));
    let lines: Vec<&str> = out.split("\0\n").collect();
    let mut failures = Vec::new();
    for ((text, secret), line) in secrets.iter().zip(&lines) {
        if line.contains(secret) {
            failures.push(format!("leaked {secret:?}: {text:?}\n   -> {line:?}"));
        }
    }
    for (text, line) in clean.iter().zip(&lines[secrets.len()..]) {
        if line != text {
            failures.push(format!("changed: {text:?}\n   -> {line:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Shapes a third outside probe (705 shapes written by a helper that never saw the
/// code) found leaking or over-redacted: a credential's value written words after its
/// name, tool arguments, values that start with signs, more providers' formats.
#[test]
fn the_third_probes_shapes() {
    let secrets: &[(&str, &str)] = &[
        ("secret: the value Pd^Ga^c@kwa-o0ZRYi6 ok", "Pd^Ga^c@kwa"),
        ("token: here you go rW5txgJ6BIaTWtRqaTG8JtM", "rW5txgJ6BIaT"),
        ("token for alice.smith: Hy7bBy9qNf", "Hy7bBy9qNf"),
        (
            "SECRET_KEY loaded from vault: r@+h67cIxdF@Anrzkcgjeo",
            "h67cIxdF",
        ),
        ("API key [CFA4pMpDmpfSOhjDOE5HV] accepted", "CFA4pMpD"),
        (
            "client-secret: rotated -> dmqfaY_p2A1t7ArrMBTiQnb",
            "dmqfaY_p2A1t",
        ),
        ("session key generated Ze4UdHErPYDfGpak7y5lds", "Ze4UdHEr"),
        (
            "changed password from QzH_xQMO5AfP^UEs#rh7VN to UdV~7fy6WQ7y for bob",
            "UdV~7fy6",
        ),
        (
            "changed password from QzH_xQMO5AfP^UEs#rh7VN to UdV~7fy6WQ7y for bob",
            "QzH_xQMO",
        ),
        (
            "reset their password to Summer198#lf via support",
            "Summer198",
        ),
        ("password (Bluebird6791!vq) still active", "Bluebird6791"),
        (
            "body=the+password+is+Tun1l6rKVwwvMZv4LQcPeWS+ok",
            "Tun1l6rKVw",
        ),
        ("password \u{2014} U@QaNkHU%q057#^A.416g5Ub ok", "U@QaNkHU"),
        (
            "passwd changed: old=Pf83D2wqGXSt9 new=OvAlfPUeVD45",
            "OvAlfPUeVD45",
        ),
        (
            "htpasswd -b /etc/nginx/.htpasswd ci-bot X^f7oEC7DbZB_,zB",
            "X^f7oEC7",
        ),
        (
            "htpasswd -cb /etc/nginx/.htpasswd ci-bot Hq7xPw2LmZ",
            "Hq7xPw2LmZ",
        ),
        (
            "LEGACY.EXE /USER:deploy /PASSWORD:9wefO2@S8_gbYOra,zhuqr=3 /QUIET",
            "zhuqr",
        ),
        (
            "smbclient //fs/finance -U mateo%CBsewyQpkhz5 -c 'ls'",
            "CBsewyQp",
        ),
        ("lftp -u noah,AGHFvp0OmaU0WH1 sftp://h", "AGHFvp0O"),
        (
            "PsExec.exe \\\\h -u ACME\\kofi -p IZyV5qKReSDML5 cmd",
            "IZyV5qKR",
        ),
        (
            "influx -username maria -password 'oGAq&Ie$ivNb@2' -database m",
            "oGAq",
        ),
        ("7z a -pO9o9VliCwsVD7 -mhe=on archive.7z", "O9o9Vli"),
        ("zip -r -P QJ6Mm5GQd1eKEI2 logs.zip /var/log", "QJ6Mm5GQ"),
        ("ssh-keygen -t ed25519 -N '2zyFonX8X8!7' -f key", "2zyFonX8"),
        ("db init password=!!DDQFB!ZzRk73 host=db", "DDQFB"),
        ("db init password=//kGhBr/8PLba0 host=db", "kGhBr"),
        ("db init password=]]UqufK]O1UUz9 host=db", "UqufK"),
        ("db init password=''MxivE'17s056 host=db", "MxivE"),
        (
            "env:\n- name: API_PASSWORD\n  value: >>Ia3hH>JPp0Z8\n",
            "Ia3hH",
        ),
        (
            "login user=bob pAsSwOrD=XAqdr5Yw4XamQC8 region=eu",
            "XAqdr5Yw",
        ),
        ("cfg loaded pass_wd=DW4oj3LqaSOu9 region=eu", "DW4oj3Lq"),
        ("login rootpw=PeNk#HSB2Gn0o from=10.0.0.1", "PeNk#HSB"),
        (
            "http headers=[[\"Cookie\",\"sid=JWSIf8cdvuEpF37Pz\"],[\"Host\",\"h\"]]",
            "JWSIf8cd",
        ),
        (
            "scope headers [(b'cookie', b'sessionid=Zq81kXm2Lp'), (b'host', b'h')]",
            "Zq81kXm2",
        ),
        ("<auth:password>8p;eE:yqg4</auth:password> parsed", "yqg4"),
        (
            "  ~ master_password = \"ERXlHVsdwDnvtL0\" -> \"X1kqYyklZlTmGH7\"",
            "X1kqYykl",
        ),
        (
            "1718000000.123456 [0 10.1.9.25:52144] \"AUTH\" \"bob\" \"BjY5sbPv5bBu1\"",
            "BjY5sbPv",
        ),
        (
            "HikariPool-1 - password................................L8EU98kBkfZ5",
            "L8EU98kB",
        ),
        (
            "SET PASSWORD FOR 'u'@'localhost' = PASSWORD('UIsVyVswCx6')",
            "UIsVyVsw",
        ),
        (
            "{\"mechanism\":\"PLAIN\",\"payload\":\"AHRvbWFzX29wczgyAFRodFFJV1hvZXVtNQ==\"}",
            "AHRvbWFz",
        ),
        (
            "retrying with key dckr_pat_hihgYruQcFa271X87I7e-4rzqPO",
            "hihgYruQ",
        ),
        (
            "loaded AGE-SECRET-KEY-1MDSRZ7QJ3PFLHXC0S3G2G6CJP9PV5RQTRKP63895FVQ7G5SLAHJ66EHTYS",
            "MDSRZ7QJ",
        ),
        (
            "export MAILCHIMP_KEY=93ca9b330a03f2116c5432a5306de416-us12",
            "93ca9b33",
        ),
        (
            "key pul-b5dab5f0f0da0cbbc354733d19466432a789ff3d (attempt 2)",
            "b5dab5f0",
        ),
        (
            "loaded dp.pt.2ybfadpv9poahwfyjvlozu4n1azuipgfmvigpep3f1m for h",
            "2ybfadpv",
        ),
        (
            "bot 4365756217:AAJNxyqAjYGHH_pY1apQxA8ITaK7luwvT02 ready",
            "AAJNxyqA",
        ),
        (
            "azure value=zAo0Q~nXd9a5zJnIhquSmJ.qqjoeLggx2QYi7iYg",
            "nXd9a5zJ",
        ),
        (
            "plaid access-sandbox-7193e8ab-15a8-4345-8f19-f3f26ccd30b6 ok",
            "7193e8ab",
        ),
        (
            "WARN found ...key-9enteflll5zgjsg88y7s9c2qg7us32pd... truncated",
            "9enteflll",
        ),
        (
            "mapbox sk.eyJ1IjoiezfTII6uLs10VLnl5d2W0xYrjXSIpdJ_MzRh3dzl.fGf9diMtm6PluOIg4wQYBx",
            "fGf9diMt",
        ),
        (
            "Content-Disposition: form-data; name=\"password\"\r\n\r\nHwpSHkmTtQML07\r\n--b",
            "HwpSHkmT",
        ),
        ("password\\x3dUr8DRX5dGkYU8", "Ur8DRX5d"),
        (
            "ssm [{\"Name\":\"/prod/audit/db_password\",\"Type\":\"SecureString\",\"Value\":\"R5TMY7wYWbCUQ5h\"}]",
            "R5TMY7wY",
        ),
    ];
    let clean: &[&str] = &[
        "passwordless login link sent to elif368@mail.test",
        "pagination token eyJpZCI6IDgzMDcsICJ0cyI6IDE3MDQyMjg5ODd9",
        "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id",
        "    raise InvalidPassword('password does not meet policy')",
        "  + password = (sensitive value)",
        "api_key=sk_live_****fstJ rotated",
        "session expired for cus_NffrFeUfNV2Hib after 30m",
        "token refresh for service PaymentGateway2 ok",
        "password reset for Bob.Smith2@Example.com sent",
    ];
    check_shapes(secrets, clean);
}
