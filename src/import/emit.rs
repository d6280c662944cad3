//! The converted file as text: top-level keys, then one table per formatter, filter,
//! handler and logger, each with its `# note:` lines right under its header.

use toml::Value;

/// One `[table]` of the output.
#[derive(Default)]
pub struct Section {
    /// `["handlers", "file"]` for `[handlers.file]`.
    pub path: Vec<String>,
    /// The keys, in the order they are written.
    pub entries: Vec<(String, Value)>,
}

impl Section {
    /// An empty table at `path`.
    pub fn new(path: &[&str]) -> Section {
        Section {
            path: path.iter().map(|p| p.to_string()).collect(),
            entries: Vec::new(),
        }
    }

    /// Sets `key` (replacing an earlier value).
    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        let value = value.into();
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(e) => e.1 = value,
            None => self.entries.push((key.to_string(), value)),
        }
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &str) {
        self.entries.retain(|(k, _)| k != key);
    }

    /// The dotted path as notes name it (`handlers.file`, `loggers."a.b"`).
    pub fn dotted(&self) -> String {
        dotted(&self.path)
    }
}

/// `handlers.file`, `loggers."a.b"`.
pub fn dotted(path: &[String]) -> String {
    path.iter().map(|p| key(p)).collect::<Vec<_>>().join(".")
}

/// A key as TOML writes it: bare when it can be, quoted otherwise.
pub fn key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        k.to_string()
    } else {
        // a basic string on one line, whatever the name holds
        let mut out = String::from("\"");
        for c in k.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
}

/// `text` with its control characters (but tabs and line breaks) as `\u{..}`: a note
/// quotes keys and values from the input, which a comment (or a terminal) must not
/// take raw.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\t' && c != '\n' {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// How wide a comment line gets before it wraps.
const WIDTH: usize = 88;

/// Comment lines: the first starts with `# PREFIX`, the rest (wrapped at WIDTH, or
/// after a newline in the text) with `#   `.
fn comment(out: &mut String, prefix: &str, text: &str) {
    let text = visible(text);
    let text = text.as_str();
    let mut line = format!("# {prefix}");
    let mut fresh = true; // nothing after the line's lead ("# note: ", "#   ") yet
    for (i, paragraph) in text.lines().enumerate() {
        if i > 0 {
            out.push_str(line.trim_end());
            out.push('\n');
            line = "#   ".to_string();
            fresh = true;
        }
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            if !fresh && line.chars().count() + 1 + word.chars().count() > WIDTH {
                out.push_str(&line);
                out.push('\n');
                line = "#   ".to_string();
                fresh = true;
            }
            if !fresh {
                line.push(' ');
            }
            line.push_str(word);
            fresh = false;
        }
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// The whole file: `header` comment lines, top-level notes, `top` keys, then the
/// sections with the notes whose place is theirs (`notes` are `(place, text)`).
pub fn render(
    header: &[&str],
    top: &[(String, Value)],
    sections: &[Section],
    notes: &[(String, String)],
) -> String {
    let mut out = String::new();
    for line in header {
        out.push_str(line);
        out.push('\n');
    }
    let placed: Vec<String> = sections.iter().map(Section::dotted).collect();
    for (place, text) in notes {
        if !placed.contains(place) {
            let text = if place.is_empty() {
                text.clone()
            } else {
                format!("{place}: {text}")
            };
            comment(&mut out, "note: ", &text);
        }
    }
    out.push('\n');
    for (k, v) in top {
        out.push_str(&format!("{} = {v}\n", key(k)));
    }
    for (section, place) in sections.iter().zip(&placed) {
        out.push_str(&format!("\n[{place}]\n"));
        for (p, text) in notes {
            if p == place {
                comment(&mut out, "note: ", text);
            }
        }
        for (k, v) in &section.entries {
            out.push_str(&format!("{} = {v}\n", key(k)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_stay_out_of_comments() {
        let mut out = String::new();
        comment(&mut out, "note: ", "key fo\u{7f}o and x\ry");
        assert_eq!(out, "# note: key fo\\u{7f}o and x\\u{d}y\n");
        assert!(toml::from_str::<toml::Table>(&out).is_ok());
    }

    #[test]
    fn tables_keys_and_notes() {
        let mut s = Section::new(&["loggers", "billing.api"]);
        s.set("level", "INFO");
        s.set("handlers", Value::Array(vec!["a b".into()]));
        let mut d = toml::Table::new();
        d.insert("request_id".into(), "-".into());
        let mut f = Section::new(&["formatters", "v"]);
        f.set("defaults", Value::Table(d));
        let text = render(
            &["#:schema x"],
            &[("version".into(), Value::Integer(1))],
            &[f, s],
            &[
                ("".into(), "top\nsecond line".into()),
                ("loggers.\"billing.api\"".into(), "here".into()),
                ("handlers.gone".into(), "elsewhere".into()),
            ],
        );
        assert_eq!(
            text,
            "#:schema x\n# note: top\n#   second line\n# note: handlers.gone: elsewhere\n\nversion = 1\n\n[formatters.v]\ndefaults = { request_id = \"-\" }\n\n[loggers.\"billing.api\"]\n# note: here\nlevel = \"INFO\"\nhandlers = [\"a b\"]\n"
        );
        assert!(toml::from_str::<toml::Table>(&text).is_ok());
        assert_eq!(key("a\nb\"c"), "\"a\\u000Ab\\\"c\"");
    }
}
