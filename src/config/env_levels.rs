//! `RUST_LOG` in env_logger's directive syntax (`info,billing::api=debug,hyper=off`),
//! read as logger levels on top of the file (docs/configuration.md, `RUST_LOG`).
//!
//! - `LEVEL` sets the root's level and every configured logger's;
//! - `TARGET=LEVEL` sets the level of logger TARGET (`::` read as `.`) and of its
//!   configured descendants; the most specific directive wins, and of two equally
//!   specific ones the later;
//! - `TARGET` alone lets every level of TARGET through (TRACE), `off` none.
//!
//! Handlers keep their own levels. A directive that cannot be read is reported and
//! skipped; the others apply. env_logger's `/regex` message filter is not supported
//! (reported, ignored).

use crate::config::values::Level;

/// The level `off` stands for: above every record level.
pub const OFF: Level = Level(u8::MAX);

/// One directive that applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// The dotted logger name; None for a bare level (every logger).
    pub target: Option<String>,
    /// The level it sets.
    pub level: Level,
    /// The directive as written, for `logconf explain`.
    pub text: String,
}

/// A directive that cannot be read, or a part of `RUST_LOG` that is ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, and what happens instead.
    pub message: String,
    /// Byte offset and length of the part in `RUST_LOG`.
    pub at: (usize, usize),
}

impl Problem {
    /// The message with `RUST_LOG` quoted and the part underlined, as a diagnostic shows
    /// a line of the file.
    pub fn render(&self, spec: &str) -> String {
        let prefix = "RUST_LOG=";
        let pad = prefix.len() + spec[..self.at.0.min(spec.len())].chars().count();
        let width = spec
            .get(self.at.0..self.at.0 + self.at.1)
            .map_or(1, |s| s.chars().count().max(1));
        format!(
            "{}\n  {prefix}{spec}\n  {}{}",
            self.message,
            " ".repeat(pad),
            "^".repeat(width)
        )
    }
}

/// Reads `RUST_LOG`: the directives that apply, in order, and the problems.
pub fn parse(spec: &str) -> (Vec<Directive>, Vec<Problem>) {
    let mut directives = Vec::new();
    let mut problems = Vec::new();
    let (body, filter) = match spec.find('/') {
        Some(i) => (&spec[..i], Some(i)),
        None => (spec, None),
    };
    if let Some(i) = filter {
        problems.push(Problem {
            message: "RUST_LOG: the `/…` message filter of env_logger is not supported; it is ignored (the levels before it apply)".into(),
            at: (i, spec.len() - i),
        });
    }
    let mut offset = 0;
    for part in body.split(',') {
        let start = offset + (part.len() - part.trim_start().len());
        offset += part.len() + 1;
        let text = part.trim();
        if text.is_empty() {
            continue;
        }
        let at = (start, text.len());
        let problem = |message: String| Problem { message, at };
        match text.split_once('=') {
            None => match parse_level(text) {
                Some(level) => directives.push(Directive {
                    target: None,
                    level,
                    text: text.to_string(),
                }),
                None => {
                    if let Some(hint) = close_to_a_level(text) {
                        problems.push(problem(format!(
                            "RUST_LOG: `{text}` is read as a logger name (all its levels); {hint}"
                        )));
                    }
                    directives.push(Directive {
                        target: Some(dotted(text)),
                        level: Level::TRACE,
                        text: text.to_string(),
                    });
                }
            },
            Some((target, level)) => {
                let (target, level) = (target.trim(), level.trim());
                if target.is_empty() {
                    problems.push(problem(format!(
                        "RUST_LOG: `{text}` names no logger before `=`; the directive is ignored"
                    )));
                } else if level.contains('=') {
                    problems.push(problem(format!(
                        "RUST_LOG: `{text}` has more than one `=`; the directive is ignored"
                    )));
                } else {
                    match parse_level(level) {
                        Some(level) => directives.push(Directive {
                            target: Some(dotted(target)),
                            level,
                            text: text.to_string(),
                        }),
                        None => {
                            let hint = close_to_a_level(level)
                                .map(|h| format!(" ({h})"))
                                .unwrap_or_default();
                            problems.push(problem(format!(
                                "RUST_LOG: `{level}` in `{text}` is not a level{hint}; the directive is ignored (levels: off, error, warn, info, debug, trace, or a number 0-50)"
                            )));
                        }
                    }
                }
            }
        }
    }
    (directives, problems)
}

/// The directive that decides the level of logger `name` (`root` for the root): the
/// most specific one naming it or an ancestor, the later of two equally specific ones.
pub fn decide<'a>(directives: &'a [Directive], name: &str) -> Option<&'a Directive> {
    directives
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let specificity = match &d.target {
                None => 0,
                Some(t) if name == t => t.len() + 1,
                Some(t)
                    if name.len() > t.len()
                        && name.starts_with(t.as_str())
                        && name.as_bytes()[t.len()] == b'.' =>
                {
                    t.len() + 1
                }
                Some(_) => return None,
            };
            Some(((specificity, i), d))
        })
        .max_by_key(|(key, _)| *key)
        .map(|(_, d)| d)
}

fn parse_level(text: &str) -> Option<Level> {
    if text.eq_ignore_ascii_case("off") {
        return Some(OFF);
    }
    Level::parse(text).ok()
}

fn dotted(target: &str) -> String {
    target.replace("::", ".")
}

fn close_to_a_level(word: &str) -> Option<String> {
    let names = ["off", "error", "warn", "info", "debug", "trace"];
    crate::diagnostics::did_you_mean(&word.to_ascii_lowercase(), names)
        .map(|h| h.replace("did you mean `", "did you mean the level `"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(spec: &str) -> Vec<(Option<String>, u8)> {
        parse(spec)
            .0
            .into_iter()
            .map(|d| (d.target, d.level.number()))
            .collect()
    }

    #[test]
    fn reads_env_logger_directives() {
        assert_eq!(
            levels("info,billing::api=debug, hyper=OFF,tower_http,sqlx=25"),
            vec![
                (None, 20),
                (Some("billing.api".into()), 10),
                (Some("hyper".into()), 255),
                (Some("tower_http".into()), 5),
                (Some("sqlx".into()), 25),
            ]
        );
        assert_eq!(levels(""), vec![]);
        assert_eq!(levels("warn"), vec![(None, 30)]);
    }

    #[test]
    fn skips_what_it_cannot_read_and_says_where() {
        let spec = "info,billing=loud,=debug,a=b=c";
        let (directives, problems) = parse(spec);
        assert_eq!(directives.len(), 1);
        assert_eq!(problems.len(), 3);
        assert_eq!(
            &spec[problems[0].at.0..][..problems[0].at.1],
            "billing=loud"
        );
        let shown = problems[0].render(spec);
        assert!(
            shown.contains("`loud` in `billing=loud` is not a level"),
            "{shown}"
        );
        assert!(
            shown.ends_with("RUST_LOG=info,billing=loud\n  \x20            ^^^^^^^^^^^^")
                || shown.contains("^^^^^^^^^^^^"),
            "{shown}"
        );
        let (_, typo) = parse("debg");
        assert!(
            typo[0].message.contains("did you mean the level `debug`"),
            "{typo:?}"
        );
        let (d, regex) = parse("info/foo.*bar");
        assert_eq!(d.len(), 1);
        assert!(regex[0].message.contains("not supported"));
    }

    #[test]
    fn the_most_specific_directive_decides() {
        let (d, _) = parse("warn,billing=debug,billing.api=error,billing=info");
        let level = |name: &str| decide(&d, name).map(|d| d.level.number());
        assert_eq!(level("root"), Some(30));
        assert_eq!(level("billing"), Some(20)); // the later of two `billing`
        assert_eq!(level("billing.api"), Some(40));
        assert_eq!(level("billing.api.v2"), Some(40));
        assert_eq!(level("billingx"), Some(30));
        let (only, _) = parse("billing=debug");
        assert_eq!(decide(&only, "root"), None);
    }
}
